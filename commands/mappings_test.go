package commands

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestMappingsRoundTrip imports the Entra schema fixture, shows it, and
// plans a sync with it against the Slack emulator: the plan must carry the
// values the imported expressions compute.
func TestMappingsRoundTrip(t *testing.T) {
	e := newSyncEnv(t, 0, "mappings: mappings.yaml\n")
	fixture, err := os.ReadFile(filepath.Join("..", "mapping", "testdata", "entra-slack-schema.json"))
	if err != nil {
		t.Fatal(err)
	}
	e.write("schema.json", string(fixture))
	e.write("people.json", `{"users": [
	  {"id": "u1", "userPrincipalName": "Zoë.Lindqvist@example.com", "mail": "zoe@example.com", "givenName": "Zoë",
	   "surname": "Lindqvist", "jobTitle": "data engineer", "department": "R&D", "mobilePhone": "+46 70 123 45 67", "city": "Malmö", "accountEnabled": true},
	  {"id": "u2", "userPrincipalName": "carl.ortiz@example.com", "mail": "carl.ortiz@example.com", "givenName": "Carl",
	   "surname": "Ortiz", "accountEnabled": true}],
	 "groups": [{"id": "g1", "displayName": "Engineering", "members": ["u1", "u2"]}]}`)

	code, stdout, stderr := e.run("mappings", "import-entra", filepath.Join(e.dir, "schema.json"))
	if code != ExitOK {
		t.Fatalf("import-entra: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"14 user and 2 group attributes, 2 user and 0 group scoping filters", "Could not carry over (2)", "AppRoleAssignmentsComplex"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("import output lacks %q:\n%s", want, stdout)
		}
	}
	if code, _, stderr := e.run("mappings", "import-entra", filepath.Join(e.dir, "schema.json")); code != ExitError || !strings.Contains(stderr, "already exists; pass --force") {
		t.Errorf("second import: exit %d, %s", code, stderr)
	}

	written, _ := os.ReadFile(filepath.Join(e.dir, "mappings.yaml"))
	if !strings.Contains(string(written), "objects:\n  users:\n    actions: [create, update]\n  groups:\n    enabled: false\n") {
		t.Errorf("the switches were not carried over:\n%s", written)
	}
	code, stdout, stderr = e.run("mappings", "show")
	if code != ExitOK || !strings.Contains(stdout, `Left(ToLower(NormalizeDiacritics(Item(Split([userPrincipalName], "@"), 1))), 21)`) ||
		!strings.Contains(stdout, `user filter "Company accounts"`) || !strings.Contains(stdout, "Group provisioning is disabled") ||
		!strings.Contains(stdout, "Target object actions for users: create, update only") {
		t.Fatalf("show: exit %d\n%s%s", code, stdout, stderr)
	}

	code, stdout, stderr = e.run("sync", "--dry-run", "--output", "json")
	if code != ExitOK {
		t.Fatalf("sync --dry-run: exit %d\n%s", code, stderr)
	}
	var plan struct {
		Operations []struct {
			Action   string `json:"action"`
			SourceID string `json:"source_id"`
			UserName string `json:"user_name"`
			Changes  []struct {
				Attribute string `json:"attribute"`
				New       any    `json:"new"`
			} `json:"changes"`
		} `json:"operations"`
	}
	if err := json.Unmarshal([]byte(stdout), &plan); err != nil {
		t.Fatalf("plan JSON: %v\n%s", err, stdout)
	}
	got := map[string]any{}
	for _, op := range plan.Operations {
		if op.SourceID != "u1" {
			continue
		}
		got["user_name"] = op.UserName
		for _, c := range op.Changes {
			got[c.Attribute] = c.New
		}
	}
	for attr, want := range map[string]string{
		"user_name":   "zoe.lindqvist",
		"displayName": "Zoë Lindqvist",
		"title":       "Data Engineer",
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department": "Research",
		"userType":                             "Employee",
		`phoneNumbers[type eq "mobile"].value`: "[Redact]",
		`addresses[type eq "work"].locality`:   "Malmö",
	} {
		if got[attr] != want {
			t.Errorf("planned %s = %v, want %q (plan for u1: %v)", attr, got[attr], want, got)
		}
	}
	if strings.Contains(stdout, "70 123 45 67") {
		t.Errorf("the Redact()ed phone number is in the plan output")
	}
}

func TestMappingsPreviewRedactsAndExplainsScope(t *testing.T) {
	e := newSyncEnv(t, 0, "mappings: m.yaml\n")
	e.write("m.yaml", `version: 1
users:
  - target: userName
    expression: SlackUserName([userPrincipalName])
    match: 1
  - target: emails[type eq "work"].value
    source: mail
  - target: name.givenName
    source: givenName
  - target: phoneNumbers[type eq "mobile"].value
    expression: Redact([mobilePhone])
  - target: active
    expression: Switch([IsSoftDeleted], , "False", "True", "True", "False")
scope:
  users:
    - name: Sales
      clauses:
        - attribute: department
          operator: EQUALS
          value: Sales
`)
	e.write("people.json", `{"users": [
	  {"id": "u1", "userPrincipalName": "ann@example.com", "mail": "ann@example.com", "givenName": "Ann", "department": "Sales", "mobilePhone": "+1 555 0100", "accountEnabled": true},
	  {"id": "u2", "userPrincipalName": "Ben.Ng@example.com", "mail": "ben@example.com", "givenName": "Ben", "department": "Ops", "accountEnabled": true}]}`)

	code, stdout, stderr := e.run("mappings", "preview", "ANN@example.com")
	if code != ExitOK {
		t.Fatalf("preview: exit %d\n%s%s", code, stdout, stderr)
	}
	if strings.Contains(stdout, "555 0100") || strings.Count(stdout, "[Redact]") < 3 {
		t.Errorf("the phone must show as [Redact] in source values, mappings and payload:\n%s", stdout)
	}
	for _, want := range []string{`filter "Sales": holds`, `"userName": "ann"`, "ok: Slack would accept these values"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("preview lacks %q:\n%s", want, stdout)
		}
	}

	code, stdout, _ = e.run("mappings", "preview", "u2")
	if code != ExitOK || !strings.Contains(stdout, "OUT OF SCOPE") || !strings.Contains(stdout, `department EQUALS "Sales" (value: "Ops"): fails`) ||
		!strings.Contains(stdout, `"active": false`) || !strings.Contains(stdout, "no Slack account is created") {
		t.Errorf("out-of-scope preview: exit %d\n%s", code, stdout)
	}

	if code, _, stderr := e.run("mappings", "preview", "nobody@example.com"); code != ExitError || !strings.Contains(stderr, `no user with id, userPrincipalName or mail "nobody@example.com"`) {
		t.Errorf("unknown user: exit %d: %s", code, stderr)
	}
}

func TestMappingsValidateDirectory(t *testing.T) {
	e := newSyncEnv(t, 0, "mappings: m.yaml\n")
	e.write("m.yaml", `version: 1
users:
  - target: userName
    expression: Left([givenName], 30)
    match: 1
  - target: emails[type eq "work"].value
    expression: Redact([mail])
  - target: name.givenName
    source: givenName
`)
	var b strings.Builder
	b.WriteString(`{"users": [`)
	for i, name := range []string{"averyveryveryverylongname1", "averyveryveryverylongname2", "averyveryveryverylongname3", "ok", "ok"} {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`{"id":"u` + string(rune('1'+i)) + `","givenName":"` + name + `","mail":"secret` + string(rune('1'+i)) + `@example.com","accountEnabled":true}`)
	}
	b.WriteString(`]}`)
	e.write("people.json", b.String())

	code, stdout, stderr := e.run("mappings", "validate", "--directory", "--show", "2")
	if code != ExitError {
		t.Fatalf("validate with errors: exit %d\n%s%s", code, stdout, stderr)
	}
	for _, want := range []string{"5 users (0 out of scope)", "long_username", "duplicate_username", "… and 1 more"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("validate output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "secret") {
		t.Errorf("Redact()ed emails leak into validate output:\n%s", stdout)
	}

	code, stdout, _ = e.run("mappings", "validate", "--directory", "--output", "json")
	var rep validateReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil || code != ExitError {
		t.Fatalf("json: exit %d, %v\n%s", code, err, stdout)
	}
	counts := map[string]int{}
	for _, p := range rep.Problems {
		counts[p.Code] = p.Count
	}
	if rep.Valid || counts["long_username"] != 3 || counts["duplicate_username"] != 1 || rep.Errors != 4 {
		t.Errorf("report = %+v", rep)
	}

	e.write("m.yaml", "version: 1\nusers:\n  - target: userName\n    expression: Lefft([x], 2)\n")
	if code, _, stderr := e.run("mappings", "validate"); code != ExitError || !strings.Contains(stderr, "m.yaml:4:17: expression position 1: unknown function Lefft; did you mean Left?") {
		t.Errorf("bad file: exit %d: %s", code, stderr)
	}
}

func TestMappingsEval(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"--expr", `Join(" ", [givenName], [surname])`, "--attr", "givenName=Ada", "--attr", "surname=Lovelace, Jr."}, "Ada Lovelace, Jr.\n"},
		{[]string{"--expr", `[missing]`}, ""},
		{[]string{"--expr", `[missing]`, "--output", "json"}, "{\n  \"value\": null,\n  \"flow\": false\n}\n"},
		{[]string{"--expr", `IsNull([t])`, "--attr", "t="}, "False\n"},
		{[]string{"--expr", `IgnoreFlowIfNullOrEmpty([t])`, "--attr", "t=", "--output", "json"}, "{\n  \"value\": null,\n  \"flow\": false\n}\n"},
		{[]string{"--expr", `[t]`, "--attr", "t=", "--output", "json"}, "{\n  \"value\": \"\",\n  \"flow\": true\n}\n"},
		{[]string{"--expr", `[p]`, "--attr", "p=a", "--attr", "p=b=c"}, "a\nb=c\n"},
		{[]string{"--expr", `[p]`, "--attr", "p=a", "--attr", "p=b", "--output", "json"}, "{\n  \"value\": [\n    \"a\",\n    \"b\"\n  ],\n  \"flow\": true\n}\n"},
		{[]string{"--expr", `Redact([p])`, "--attr", "p=hunter2"}, "[Redact]\n"},
	}
	for _, tt := range tests {
		ios, _, out, errOut := TestStreams()
		f := NewFactory()
		f.IO = ios
		code := Run(t.Context(), f, append([]string{"slackprov", "mappings", "eval"}, tt.args...))
		if code != ExitOK || out.String() != tt.want {
			t.Errorf("eval %q: exit %d, stdout %q, want %q (stderr %s)", tt.args, code, out.String(), tt.want, errOut)
		}
	}
	ios, _, _, errOut := TestStreams()
	f := NewFactory()
	f.IO = ios
	if code := Run(t.Context(), f, []string{"slackprov", "mappings", "eval", "--expr", `Left([a], 1`}); code != ExitError || !strings.Contains(errOut.String(), "position 1: Left( is missing its closing )") {
		t.Errorf("syntax error: exit %d: %s", code, errOut)
	}
}

func TestMappingsReset(t *testing.T) {
	e := newSyncEnv(t, 0, "mappings: m.yaml\n")
	e.write("m.yaml", "version: 1\nusers:\n  - target: userName\n    source: upn\n    match: 1\n  - target: emails[type eq \"work\"].value\n    source: mail\n")
	if code, _, stderr := e.run("mappings", "reset"); code != ExitError || !strings.Contains(stderr, "pass --yes") {
		t.Fatalf("reset without --yes: exit %d: %s", code, stderr)
	}
	if code, stdout, stderr := e.run("mappings", "reset", "--yes"); code != ExitOK || !strings.Contains(stdout, "Wrote the built-in Slack defaults") {
		t.Fatalf("reset --yes: exit %d: %s%s", code, stdout, stderr)
	}
	data, _ := os.ReadFile(filepath.Join(e.dir, "m.yaml"))
	if !strings.Contains(string(data), "SlackUserName([userPrincipalName], 21)") {
		t.Errorf("m.yaml after reset:\n%s", data)
	}

	ios, in, out, _ := TestStreams()
	ios.StdinTTY, ios.StdoutTTY = true, true
	in.WriteString("n\n")
	e.write("m.yaml", "version: 1\n")
	if err := mappingsResetRun(&MappingsResetOptions{IO: ios, Config: &Config{Mappings: filepath.Join(e.dir, "m.yaml")}}); err != nil {
		t.Fatal(err)
	}
	if data, _ := os.ReadFile(filepath.Join(e.dir, "m.yaml")); string(data) != "version: 1\n" || !strings.Contains(out.String(), "Overwrite") {
		t.Errorf("answering no changed the file or never asked: %q / %q", data, out)
	}
}
