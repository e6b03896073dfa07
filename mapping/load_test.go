package mapping

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/schema"
)

// base is a valid users section; tests append entries to it.
const base = `version: 1
users:
  - target: userName
    expression: SlackUserName([userPrincipalName])
    match: 1
  - target: emails[type eq "work"].value
    source: mail
`

func TestDefaultRoundTrip(t *testing.T) {
	data, err := Default().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse("defaults.yaml", data)
	if err != nil {
		t.Fatalf("Parse(Marshal(Default())): %v\n%s", err, data)
	}
	got := stripPositions(m)
	want := Default()
	want.File = "defaults.yaml"
	if !reflect.DeepEqual(got, want) {
		t.Errorf("round trip changed the mapping\n got %+v\nwant %+v\n%s", got, want, data)
	}
	again, err := got.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if string(again) != string(data) {
		t.Errorf("second Marshal differs:\n%s\n---\n%s", data, again)
	}
}

func TestRoundTripAwkwardValues(t *testing.T) {
	m := Default()
	m.Users = append(m.Users,
		Attribute{Target: schema.UserType, Type: TypeConstant, Value: "True"},
		Attribute{Target: schema.Locale, Type: TypeConstant, Value: ""},
		Attribute{Target: schema.CostCenter, Type: TypeNone, Default: "0042"},
		Attribute{Target: schema.NickName, Type: TypeExpression, Expression: `Replace([x], , "\\d+: \"q\"", , "#", , )`, Apply: ApplyOnCreate},
	)
	for i := range m.Users {
		if m.Users[i].Apply == "" {
			m.Users[i].Apply = ApplyAlways
		}
	}
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("x.yaml", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	back = stripPositions(back)
	back.File = ""
	if !reflect.DeepEqual(back, m) {
		t.Errorf("round trip changed the mapping\n got %+v\nwant %+v\n%s", back.Users, m.Users, data)
	}
}

func stripPositions(m *Mapping) *Mapping {
	for _, l := range [][]Attribute{m.Users, m.Groups} {
		for i := range l {
			l[i].Line, l[i].Column = 0, 0
		}
	}
	return m
}

func TestParseFullExample(t *testing.T) {
	src := `version: 1
users:
  - target: userName
    expression: SlackUserName([userPrincipalName])
    match: 2
  - target: emails[type eq "work"].value
    source: mail
    match: 1
  - target: title
    source: jobTitle
  - target: displayName
    source: displayName
    apply: on_create
    default: "New hire"
  - target: urn:scim:schemas:extension:enterprise:1.0.department
    source: department
  - target: userType
    value: Employee
groups:
  - target: displayName
    source: displayName
    match: 1
`
	m, err := Parse("slack.yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Users) != 6 || len(m.Groups) != 1 {
		t.Fatalf("got %d users, %d groups", len(m.Users), len(m.Groups))
	}
	want := []Attribute{
		{Target: schema.UserName, Type: TypeExpression, Expression: "SlackUserName([userPrincipalName])", Apply: ApplyAlways, Match: 2, Line: 3, Column: 5},
		{Target: schema.WorkEmail, Type: TypeDirect, Source: "mail", Apply: ApplyAlways, Match: 1, Line: 6, Column: 5},
		{Target: schema.Title, Type: TypeDirect, Source: "jobTitle", Apply: ApplyAlways, Line: 9, Column: 5},
		{Target: schema.DisplayName, Type: TypeDirect, Source: "displayName", Apply: ApplyOnCreate, Default: "New hire", Line: 11, Column: 5},
		{Target: schema.Department, Type: TypeDirect, Source: "department", Apply: ApplyAlways, Line: 15, Column: 5},
		{Target: schema.UserType, Type: TypeConstant, Value: "Employee", Apply: ApplyAlways, Line: 17, Column: 5},
	}
	if !reflect.DeepEqual(m.Users, want) {
		t.Errorf("users\n got %+v\nwant %+v", m.Users, want)
	}
	if m.File != "slack.yaml" || m.Version != 1 {
		t.Errorf("File %q Version %d", m.File, m.Version)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name string
		src  string
		want []string // each must appear in the error
	}{
		{"empty", "", []string{"f.yaml:1:1: mapping file is empty"}},
		{"not a map", "- a\n", []string{"f.yaml:1:1: a mapping file is a YAML map"}},
		{"yaml syntax", "version: 1\nusers: [\n", []string{"f.yaml:2: invalid YAML: did not find expected node content"}},
		{"missing version", "users: []\n", []string{"f.yaml:1:1: missing version"}},
		{"wrong version", "version: 2\nusers: []\n", []string{"f.yaml:1:10: version must be 1"}},
		{"unknown top key", base + "grups: []\n", []string{`f.yaml:8:1: unknown top-level key "grups"; did you mean "groups"?`}},
		{"unknown entry key", base + "  - target: title\n    sorce: jobTitle\n", []string{
			`f.yaml:9:5: unknown key "sorce"; did you mean "source"?`,
		}},
		{"unknown target", base + "  - target: department\n    source: department\n", []string{
			`f.yaml:8:13: unknown user target "department"; did you mean "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department"?`,
		}},
		{"typo target", base + "  - target: name.givenname\n    source: givenName\n", []string{
			`f.yaml:8:13: unknown user target "name.givenname"; did you mean "name.givenName"`,
		}},
		{"unwritable target", base + "  - target: profileUrl\n    source: x\n", []string{
			`f.yaml:8:13: target "profileUrl" can't be mapped: Slack does not accept updates`,
		}},
		{"group target", base + "groups:\n  - target: title\n    source: x\n", []string{
			`f.yaml:9:13: unknown group target "title"`,
			`f.yaml:8:1: groups must map "displayName"`,
		}},
		{"two sources", base + "  - target: title\n    source: jobTitle\n    value: Boss\n", []string{
			`f.yaml:10:12: entry for "title" sets both source and value`,
		}},
		{"type mismatch", base + "  - target: title\n    type: constant\n    source: jobTitle\n", []string{
			`f.yaml:10:13: source is not used by type constant`,
		}},
		{"bad type", base + "  - target: title\n    type: direct-ish\n", []string{`f.yaml:9:11: unknown type "direct-ish"`}},
		{"none without default", base + "  - target: title\n    type: none\n", []string{`f.yaml:9:11: type none with no default does nothing`}},
		{"bad apply", base + "  - target: title\n    source: jobTitle\n    apply: sometimes\n", []string{`f.yaml:10:12: unknown apply "sometimes"; use always or on_create`}},
		{"bad match", base + "  - target: title\n    source: jobTitle\n    match: first\n", []string{`f.yaml:10:12: match must be a whole number`}},
		{"unmatchable", base + "  - target: title\n    source: jobTitle\n    match: 2\n", []string{`f.yaml:10:12: Slack can only find existing users by "emails[type eq \"work\"].value" or "userName", not "title"`}},
		{"duplicate precedence", base + "  - target: emails[type eq \"work\"].value\n    source: x\n    match: 1\n", []string{
			`f.yaml:10:12: match precedence 1 is already used by users entry 1`,
			`f.yaml:8:13: target "emails[type eq \"work\"].value" is already mapped by users entry 2`,
		}},
		{"bracketed source", base + "  - target: title\n    source: \"[jobTitle]\"\n", []string{`f.yaml:9:13: source "[jobTitle]" must be a plain attribute name`}},
		{"expression syntax", base + "  - target: title\n    expression: Left([jobTitle], 3\n", []string{`f.yaml:9:17: expression position 1: Left( is missing its closing )`}},
		{"unknown function", base + "  - target: title\n    expression: Lefft([jobTitle], 3)\n", []string{`f.yaml:9:17: expression position 1: unknown function Lefft; did you mean Left?`}},
		{"unsupported function", base + "  - target: title\n    expression: SingleAppRoleAssignment([appRoleAssignments])\n", []string{`SingleAppRoleAssignment is not supported by slackprov`}},
		{"arity", base + "  - target: title\n    expression: 'Join(\" \", Left([a]))'\n", []string{`f.yaml:9:17: expression position 11: Left takes 2 arguments, got 1`}},
		{"missing required", "version: 1\nusers:\n  - target: title\n    source: jobTitle\n", []string{
			`f.yaml:2:1: users must map "userName"`,
			`f.yaml:2:1: users must map "emails[type eq \"work\"].value"`,
			`f.yaml:2:1: users need at least one matching attribute`,
		}},
		{"entry not a map", base + "  - title\n", []string{`f.yaml:8:5: each users entry must be a map`}},
		{"users not a list", "version: 1\nusers: userName\n", []string{`f.yaml:2:8: users must be a list`}},
		{"nested value", base + "  - target: title\n    source: [a, b]\n", []string{`f.yaml:9:13: source must be a single value`}},
		{"duplicate key", base + "  - target: title\n    source: a\n    source: b\n", []string{`f.yaml:10:5: key "source" appears twice`}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse("f.yaml", []byte(tc.src))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tc.want {
				if w != "" && !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestParseReportsEveryError(t *testing.T) {
	src := base + "  - target: titel\n    source: jobTitle\n  - target: title\n    source: jobTitle\n    apply: never\n"
	_, err := Parse("f.yaml", []byte(src))
	if err == nil {
		t.Fatal("no error")
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "f.yaml:8:") || !strings.HasPrefix(lines[1], "f.yaml:12:") {
		t.Errorf("want two errors in file order, got:\n%v", err)
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "m.yaml")
	if err := os.WriteFile(path, []byte(base), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.File != path || len(m.Users) != 2 {
		t.Errorf("File %q, %d users", m.File, len(m.Users))
	}
	if _, err := Load(filepath.Join(dir, "missing.yaml")); err == nil || !strings.Contains(err.Error(), "reading mapping file") {
		t.Errorf("missing file: %v", err)
	}
}

func TestCompileErrorsNamePositions(t *testing.T) {
	m := Default()
	m.File = "custom.yaml"
	m.Users = append(m.Users, Attribute{Target: schema.Title, Expression: `Switch([a], "x", "k")`, Line: 40, Column: 5})
	_, err := m.Compile()
	if err == nil {
		t.Fatal("no error")
	}
	// Switch has a duplicate target (title is already mapped) and an unpaired key.
	for _, w := range []string{
		`custom.yaml:40:5: users entry 13 (title): target "title" is already mapped by users entry 6`,
		`custom.yaml:40:5: users entry 13 (title): expression position 18: Switch takes a source, a default, then keys and values in pairs`,
	} {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("missing %q in\n%v", w, err)
		}
	}
}

func TestTargetListsAreSortedAndComplete(t *testing.T) {
	got := UserTargetPaths()
	if len(got) != 28 {
		t.Errorf("%d user targets", len(got))
	}
	for _, a := range Default().Users {
		if _, ok := canonicalTarget(a.Target, userTargets); !ok {
			t.Errorf("default target %q not in the list", a.Target)
		}
	}
	if !reflect.DeepEqual(GroupTargetPaths(), []string{schema.DisplayName, schema.ExternalID}) {
		t.Errorf("group targets %v", GroupTargetPaths())
	}
}

func TestSwitchesRoundTrip(t *testing.T) {
	file := base + `groups:
  - target: displayName
    source: displayName
    match: 1
objects:
  users:
    actions: [create, update]
  groups:
    enabled: false
    actions: [create]
`
	m, err := Parse("s.yaml", []byte(file))
	if err != nil {
		t.Fatal(err)
	}
	want := [2]Switches{{NoDelete: true}, {Disabled: true, NoUpdate: true, NoDelete: true}}
	if got := [2]Switches{m.UserSwitches, m.GroupSwitches}; got != want {
		t.Fatalf("switches %+v, want %+v", got, want)
	}
	c := mustCompile(t, m)
	if c.GroupsEnabled() || c.UserSwitches().Allows("delete") || !c.UserSwitches().Allows("create") {
		t.Errorf("compiled switches wrong: %+v %+v", c.UserSwitches(), c.GroupSwitches())
	}
	out, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := Parse("back.yaml", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if back.UserSwitches != m.UserSwitches || back.GroupSwitches != m.GroupSwitches {
		t.Errorf("round trip lost the switches:\n%s", out)
	}
	if d, _ := Default().Marshal(); strings.Contains(string(d), "objects") {
		t.Error("default switches are written out")
	}
}

func TestSwitchesErrors(t *testing.T) {
	for _, tt := range []struct{ objects, want string }{
		{"  users:\n    enabled: false\n", "s.yaml:10:14: the user mapping can't be disabled"},
		{"  groups:\n    actions: [create, remove]\n", `s.yaml:10:23: unknown action "remove"; use create, update or delete`},
		{"  groups:\n    enable: false\n", `s.yaml:10:5: unknown objects.groups key "enable"; did you mean "enabled"?`},
		{"  groups:\n    enabled: maybe\n", "objects.groups.enabled must be true or false"},
	} {
		_, err := Parse("s.yaml", []byte(base+"objects:\n"+tt.objects))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: error %v, want %q", tt.objects, err, tt.want)
		}
	}
}
