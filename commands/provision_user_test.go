package commands

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/store"
)

const onDemandMappings = `version: 1
users:
  - target: userName
    expression: SlackUserName([mail])
    match: 1
  - target: emails[type eq "work"].value
    source: mail
    match: 2
  - target: name.givenName
    source: givenName
  - target: title
    source: jobTitle
  - target: active
    expression: Switch([IsSoftDeleted], , "False", "True", "True", "False")
scope:
  users:
    - name: Not interns
      clauses:
        - attribute: jobTitle
          operator: NOT EQUALS
          value: Intern
`

func onDemandPeople(people ...string) string {
	return `{"users": [` + strings.Join(people, ",") + `]}`
}

func onDemandPerson(id, name, title string) string {
	return `{"id":"` + id + `","userPrincipalName":"` + name + `@example.com","mail":"` + name + `@example.com","givenName":"` + name +
		`","jobTitle":"` + title + `","accountEnabled":true}`
}

// onDemandEnv: ann and bob synced; then bob is promoted, cy joins, ann
// becomes an intern (out of scope) and ivy, an intern, was never in scope.
func onDemandEnv(t *testing.T) *syncEnv {
	t.Helper()
	e := newSyncEnv(t, 0, "mappings: mappings.yaml\n")
	e.write("mappings.yaml", onDemandMappings)
	e.write("people.json", onDemandPeople(onDemandPerson("u1", "ann", "Engineer"), onDemandPerson("u2", "bob", "Engineer"),
		onDemandPerson("u3", "ivy", "Intern")))
	if code, out, stderr := e.run("sync", "--yes"); code != ExitOK {
		t.Fatalf("first sync: exit %d\n%s\n%s", code, out, stderr)
	}
	e.write("people.json", onDemandPeople(onDemandPerson("u1", "ann", "Intern"), onDemandPerson("u2", "bob", "Lead"),
		onDemandPerson("u3", "ivy", "Intern"), onDemandPerson("u4", "cy", "Engineer")))
	e.slack.ResetStats()
	return e
}

func TestProvisionUserDryRunSteps(t *testing.T) {
	e := onDemandEnv(t)
	tests := []struct {
		name, user string
		code       int
		want       []string
	}{
		{"new user", "cy@example.com", ExitOK, []string{
			"✓ 1. Read from the directory: found u4 in file",
			"✓ 2. Scope: in scope: assigned, and a scoping filter holds",
			`jobTitle NOT EQUALS "Intern" (value: "Engineer"): holds`,
			`✓ 3. Mapping:`, `userName        "cy"`, `title           "Engineer"`,
			"✓ 4. Match: no Slack account matches by the mapping's matching attributes: a new one is created",
			"✓ 5. Action: create user cy",
		}},
		{"in-scope change", "u2", ExitOK, []string{
			"✓ 1. Read from the directory: found u2",
			"✓ 4. Match: Slack user U", "linked by an earlier run",
			"✓ 5. Action: update user bob", `title: "Engineer" → "Lead"`,
		}},
		{"out of scope, never provisioned", "ivy@example.com", ExitOK, []string{
			"– 2. Scope: out of scope: no scoping filter holds",
			`filter "Not interns": fails`, `jobTitle NOT EQUALS "Intern" (value: "Intern"): fails`,
			"– 4. Match: no Slack account, and none is created",
			"– 5. Action: none",
		}},
		{"out of scope, provisioned before", "ann@example.com", ExitOK, []string{
			"– 2. Scope: out of scope",
			"linked by an earlier run",
			"✓ 5. Action: deactivate user ann",
		}},
		{"unknown user", "nobody@example.com", ExitError, []string{
			`✗ 1. Read from the directory: "nobody@example.com" is not among the 4 users file`,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out, stderr := e.run("provision", tt.user, "--dry-run")
			if code != tt.code {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tt.code, out, stderr)
			}
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
		})
	}
	if st := e.slack.Stats(); st.Writes != 0 {
		t.Errorf("dry runs wrote to Slack: %v", st.Requests)
	}
	if code, _, stderr := e.run("provision", "nobody@example.com", "--dry-run"); !strings.Contains(stderr, "nothing to provision") || code != ExitError {
		t.Errorf("unknown user: exit %d, %s", code, stderr)
	}
	// Unassigned: the directory no longer returns bob; his Slack account,
	// found by email, is linked to him, so he is deactivated.
	e.write("people.json", onDemandPeople(onDemandPerson("u1", "ann", "Intern"), onDemandPerson("u4", "cy", "Engineer")))
	code, out, stderr := e.run("provision", "bob@example.com", "--dry-run")
	for _, w := range []string{`✗ 1. Read from the directory: "bob@example.com" is not among the 2 users`,
		"directory user u2 is linked to Slack user", "unassigned or deleted",
		"– 2. Scope: not assigned", "✓ 5. Action: deactivate user bob"} {
		if !strings.Contains(out, w) {
			t.Errorf("unassigned user: output lacks %q (exit %d):\n%s\n%s", w, code, out, stderr)
		}
	}
}

// --yes writes exactly the user's operations: cy is created; bob's
// promotion and ann's deactivation wait for a sync. The log has cy's create
// under an on-demand run, and nothing else from it.
func TestProvisionUserYesWritesOnlyThatUser(t *testing.T) {
	e := onDemandEnv(t)
	code, out, stderr := e.run("provision", "cy@example.com", "--yes")
	if code != ExitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	st := e.slack.Stats()
	if st.Requests["POST /Users"] != 1 || st.Writes != 1 {
		t.Errorf("writes %v, want exactly one POST /Users", st.Requests)
	}
	byName := map[string]slackscim.UserSnapshot{}
	for _, u := range e.slack.Users() {
		byName[u.UserName] = u
	}
	cy, ok := byName["cy"]
	if !ok || !cy.Active || cy.Title != "Engineer" {
		t.Errorf("cy in Slack: %+v (present %v)", cy, ok)
	}
	if byName["bob"].Title != "Engineer" || !byName["ann"].Active {
		t.Errorf("other users changed: bob %+v, ann %+v", byName["bob"], byName["ann"])
	}
	s := e.openStore()
	if links, err := s.Links(context.Background(), "user"); err != nil || links["u4"] != cy.ID {
		t.Errorf("cy's link: %q (%v), want %s", links["u4"], err, cy.ID)
	}
	last, err := s.LastRun(context.Background())
	if err != nil || last == nil {
		t.Fatal(last, err)
	}
	if last.Mode != store.RunOnDemand || last.Status != store.RunOK || last.DryRun {
		t.Errorf("run %+v; want an applied on-demand run", last)
	}
	log, err := s.Log(context.Background(), store.LogFilter{RunID: last.ID})
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 1 || log[0].Action != "create" || log[0].SourceID != "u4" || log[0].Status != "ok" {
		t.Errorf("run %d logged %+v; want cy's create only", last.ID, log)
	}
	// A deactivation needs --yes: where nobody can answer, provision says so.
	if code, _, stderr := e.run("provision", "ann@example.com"); code != ExitError || !strings.Contains(stderr, "--yes") {
		t.Errorf("provision ann without --yes: exit %d, %s", code, stderr)
	}
	if !byName["ann"].Active {
		t.Error("ann was deactivated without --yes")
	}
}

func TestProvisionFlagsToOptions(t *testing.T) {
	var got *ProvisionOptions
	err := runOne(t, time.Now(), func(f *Factory) *cli.Command {
		return newProvisionCmd(f, func(o *ProvisionOptions) error { got = o; return nil })
	}, "provision", "--dry-run", "-y", "ana@example.com")
	if err != nil || got == nil || got.User != "ana@example.com" || !got.DryRun || !got.Yes {
		t.Fatalf("err %v, options %+v", err, got)
	}
	err = runOne(t, time.Now(), func(f *Factory) *cli.Command { return newProvisionCmd(f, nil) }, "provision")
	if err == nil || !strings.Contains(err.Error(), "give one USER") {
		t.Errorf("no USER: %v", err)
	}
}

// A pending failure fixed on demand leaves the pending set; the others stay
// as they were, attempts included.
func TestProvisionUserSettlesOnlyItsPendingFailure(t *testing.T) {
	e := newSyncEnv(t, 2, "")
	e.addFailingUser()
	raw := strings.Replace(readFile(t, e, "people.json"), `{"users": [`, `{"users": [`+
		`{"id":"ran1","userPrincipalName":"random@example.com","mail":"random@example.com","givenName":"Ran","surname":"Dom","displayName":"Ran Dom","accountEnabled":true},`, 1)
	e.write("people.json", raw)
	if code, _, stderr := e.run("sync", "--yes"); code != ExitError {
		t.Fatalf("sync: exit %d, want 1 for the two refused users: %s", code, stderr)
	}
	if rep := e.status(t); len(rep.Pending) != 2 {
		t.Fatalf("pending after sync: %+v", rep.Pending)
	}
	// general gets a userName Slack accepts.
	e.write("people.json", strings.ReplaceAll(raw, "general@example.com", "gen.eral@example.com"))
	if code, out, stderr := e.run("provision", "gen1", "--yes"); code != ExitOK {
		t.Fatalf("provision gen1: exit %d\n%s\n%s", code, out, stderr)
	}
	rep := e.status(t)
	if len(rep.Pending) != 1 || rep.Pending[0].SourceID != "ran1" || rep.Pending[0].Attempts != 1 {
		t.Errorf("pending after provisioning gen1: %+v; want only ran1, still at 1 attempt", rep.Pending)
	}
}

func readFile(t *testing.T, e *syncEnv, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(e.dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// --output json is one object for scripts: the steps with their verdicts
// and the operations, planned on a dry run and with statuses once applied.
func TestProvisionUserJSON(t *testing.T) {
	e := onDemandEnv(t)
	type result struct {
		User   string          `json:"user"`
		DryRun bool            `json:"dry_run"`
		RunID  int64           `json:"run_id"`
		Steps  []provisionStep `json:"steps"`
		Plan   *struct {
			Operations []struct {
				Action   string `json:"action"`
				SourceID string `json:"source_id"`
				Status   string `json:"status"`
				Changes  []struct {
					Attribute string `json:"attribute"`
					New       any    `json:"new"`
				} `json:"changes"`
			} `json:"operations"`
		} `json:"plan"`
	}
	decode := func(args ...string) (int, result) {
		t.Helper()
		code, out, stderr := e.run(append([]string{"provision"}, args...)...)
		var r result
		if err := json.Unmarshal([]byte(out), &r); err != nil {
			t.Fatalf("provision %v: exit %d, output is not one JSON object: %v\n%s\n%s", args, code, err, out, stderr)
		}
		return code, r
	}
	code, r := decode("u2", "--dry-run", "--output", "json")
	if code != ExitOK || r.User != "u2" || !r.DryRun || r.RunID == 0 || len(r.Steps) != 5 || r.Plan == nil {
		t.Fatalf("dry run: exit %d, %+v", code, r)
	}
	wantVerdicts := []string{"ok", "ok", "ok", "ok", "ok"}
	for i, s := range r.Steps {
		if s.Verdict != wantVerdicts[i] || s.Title == "" || s.Summary == "" {
			t.Errorf("step %d: %+v", i+1, s)
		}
	}
	if ops := r.Plan.Operations; len(ops) != 1 || ops[0].Action != "update" || ops[0].SourceID != "u2" || ops[0].Status != "planned" ||
		len(ops[0].Changes) != 1 || ops[0].Changes[0].New != "Lead" {
		t.Errorf("dry run operations: %+v", ops)
	}
	code, r = decode("cy@example.com", "--yes", "-o", "json")
	if code != ExitOK || r.DryRun || r.Plan == nil || len(r.Plan.Operations) != 1 || r.Plan.Operations[0].Action != "create" ||
		r.Plan.Operations[0].Status != "ok" {
		t.Errorf("--yes: exit %d, %+v", code, r)
	}
	if st := e.slack.Stats(); st.Writes != 1 {
		t.Errorf("writes %v, want cy's create only", st.Requests)
	}
	code, r = decode("nobody@example.com", "--dry-run", "-o", "json")
	if code != ExitError || len(r.Steps) != 1 || r.Steps[0].Verdict != "failed" || r.Plan != nil || r.RunID != 0 {
		t.Errorf("unknown user: exit %d, %+v", code, r)
	}
	if code, out, stderr := e.run("provision", "ann@example.com", "-o", "json"); code != ExitError || out != "" || !strings.Contains(stderr, "--yes") {
		t.Errorf("json without --yes or --dry-run: exit %d, %q, %s", code, out, stderr)
	}
}

// provision USER in a 2,000-user directory asks Slack about that user and
// the groups only: a handful of requests and no listing of the accounts,
// whether the user changed, is new, or left a group. The plans are the
// ones a whole read gives (TestProvisionUserDryRunSteps checks each case).
func TestProvisionUserAsksSlackOnlyAboutThatUser(t *testing.T) {
	e := newSyncEnv(t, 2000, "")
	var listings atomic.Int32
	recorder := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && strings.HasSuffix(r.URL.Path, "/Users") && r.URL.Query().Get("filter") == "" {
			listings.Add(1)
		}
		e.slack.ServeHTTP(w, r)
	}))
	t.Cleanup(recorder.Close)
	cfg := readFile(t, e, "cfg.yaml")
	e.write("cfg.yaml", regexp.MustCompile(`scim_url: http://[^/]+/`).ReplaceAllString(cfg, "scim_url: "+recorder.URL+"/"))
	raw := readFile(t, e, "people.json")
	e.write("people.json", strings.TrimSuffix(raw, "]}")+`], "groups": [{"id":"g1","displayName":"Team","members":["id007","id1234","id1999"]}]}`)
	if code, _, stderr := e.run("sync", "--yes"); code != ExitOK {
		t.Fatalf("first sync: exit %d: %s", code, stderr)
	}
	if listings.Load() == 0 {
		t.Fatal("the recorder saw no listing of the Slack users during the first sync: it does not stand between slackprov and Slack")
	}
	raw = readFile(t, e, "people.json")
	raw = strings.Replace(raw, `"surname":"N1234"`, `"surname":"Renamed"`, 1)
	raw = strings.Replace(raw, `{"users": [`, `{"users": [{"id":"new1","userPrincipalName":"nova@example.com","mail":"nova@example.com","givenName":"No","surname":"Va","displayName":"No Va","accountEnabled":true},`, 1)
	raw = strings.Replace(raw, `"members":["id007","id1234","id1999"]`, `"members":["id1234","id1999","new1"]`, 1)
	e.write("people.json", raw)
	tests := []struct {
		user string
		want []string
	}{
		{"user1234@example.com", []string{"✓ 5. Action: update user user1234", `familyName: "N1234" → "Renamed"`}},
		{"nova@example.com", []string{"✓ 5. Action: create user nova, update group Team"}},
		{"id007", []string{"✓ 4. Match: Slack user U", "✓ 5. Action: update group Team"}},
	}
	for _, tt := range tests {
		e.slack.ResetStats()
		listings.Store(0)
		code, out, stderr := e.run("provision", tt.user, "--dry-run")
		for _, w := range tt.want {
			if code != ExitOK || !strings.Contains(out, w) {
				t.Errorf("provision %s: exit %d, output lacks %q:\n%s\n%s", tt.user, code, w, out, stderr)
			}
		}
		if st := e.slack.Stats(); st.Total > 10 || listings.Load() != 0 {
			t.Errorf("provision %s sent %d Slack requests (%v), %d of them listing users; want at most 10 and no listing",
				tt.user, st.Total, st.Requests, listings.Load())
		}
	}
}
