package views

import (
	"flag"
	"fmt"
	. "github.com/slackprov/slackprov/provision"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/schema"
	"github.com/slackprov/slackprov/scim"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestRenderTextGolden pins the plan text at 80 columns: users sorted by
// name within each action, short attribute names, a reason on every
// deactivation, group members by name, one summary line.
func TestRenderTextGolden(t *testing.T) {
	c := compileMapping(t, `version: 1
users:
  - target: userName
    expression: SlackUserName([userPrincipalName])
    match: 2
  - target: emails[type eq "work"].value
    source: mail
    match: 1
  - target: active
    expression: Switch([IsSoftDeleted], , "False", "True", "True", "False")
  - target: name.givenName
    source: givenName
  - target: title
    source: jobTitle
  - target: urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department
    source: department
groups:
  - target: displayName
    source: displayName
    match: 1
scope:
  users:
    - name: No contractors
      clauses:
        - attribute: department
          operator: NOT EQUALS
          value: Contractors
`)
	// Ids run against the names, so sorting by id would show a different order.
	zoe := person("a1", "Zoe", "Young")
	ada := person("b2", "Ada", "Lovelace")
	grace := person("c3", "Grace", "Hopper")
	grace.Department = "Research"
	bob := person("d4", "Bob", "Jones")
	bob.JobTitle = "Staff Engineer"
	bob.Department = "Engineering"
	carol := person("e5", "Carol", "White")
	carol.AccountEnabled = false
	dan := person("f6", "Dan", "Contractor")
	dan.Department = "Contractors"
	eve := person("g7", "Eve", "Leaver")
	long := person("h8", "Bartholomew", "Featherstonehaughington")
	for _, u := range []*directory.User{&zoe, &ada, &carol, &eve, &long} {
		u.Department = "Engineering"
	}

	slackBob := synced("U4", person("d4", "Bob", "Jones"))
	slackBob.Enterprise = &scim.Enterprise{Department: "Sales"}
	slackGrace := synced("U3", person("c3", "Grace", "Hopper"))
	slackGrace.Enterprise = &scim.Enterprise{Department: "Research"}
	slack := []*scim.User{slackBob, slackGrace, synced("U5", person("e5", "Carol", "White")),
		synced("U6", person("f6", "Dan", "Contractor")), synced("U7", eve)}
	p := build(t, Input{
		Snapshot: &directory.Snapshot{
			Users: []directory.User{zoe, ada, grace, bob, carol, dan, long},
			Groups: []directory.Group{
				{ID: "g1", DisplayName: "Engineering", Members: []string{"a1", "b2", "d4"}},
				{ID: "g2", DisplayName: "Research", Members: []string{"b2", "c3"}},
			},
		},
		SlackUsers: slack,
		UserLinks:  map[string]string{"d4": "U4", "c3": "U3", "e5": "U5", "f6": "U6", "g7": "U7"},
		SlackGroups: []*scim.Group{
			{ID: "S2", DisplayName: "Research", Members: []scim.Ref{{Value: "U3"}, {Value: "U7"}}},
		},
		GroupLinks: map[string]string{"g2": "S2"},
		Mapping:    c,
	})
	var out strings.Builder
	if err := RenderText(&out, p, RenderOptions{Width: 80}); err != nil {
		t.Fatal(err)
	}
	golden(t, "plan.golden", out.String())
	for i, line := range strings.Split(out.String(), "\n") {
		if n := len([]rune(line)); n > 80 && !strings.HasPrefix(line, "Plan:") {
			t.Errorf("line %d is %d columns: %q", i+1, n, line)
		}
	}
}

func TestShortAttribute(t *testing.T) {
	for attr, want := range map[string]string{
		schema.WorkEmail:                    "emails.work",
		schema.Department:                   "enterprise:department",
		schema.Manager:                      "enterprise:manager",
		`addresses[type eq "work"].country`: "addresses.work",
		"title":                             "title",
	} {
		if got := ShortAttribute(attr); got != want {
			t.Errorf("ShortAttribute(%q) = %q, want %q", attr, got, want)
		}
	}
}

// TestRenderRefusedGolden pins how a refused plan reads: the engine's
// reason, then the flag and setting that change the threshold.
func TestRenderRefusedGolden(t *testing.T) {
	snap := &directory.Snapshot{Users: []directory.User{person("a1", "Ada", "Lovelace")}}
	var slack []*scim.User
	links := map[string]string{"a1": "U1"}
	for i, name := range []string{"Bob", "Carol", "Dan"} {
		id := fmt.Sprintf("x%d", i)
		slack = append(slack, synced(fmt.Sprintf("U%d", i+2), person(id, name, "Gone")))
		links[id] = fmt.Sprintf("U%d", i+2)
	}
	slack = append(slack, synced("U1", person("a1", "Ada", "Lovelace")))
	in := Input{Snapshot: snap, SlackUsers: slack, UserLinks: links, Mapping: defaults(t)}
	p := build(t, in)
	p.Refusal = p.Refuse(2, len(links))
	p.Refused = p.Refusal.String()
	var out strings.Builder
	if err := RenderText(&out, p, RenderOptions{Width: 80}); err != nil {
		t.Fatal(err)
	}
	golden(t, "refused.golden", out.String())
}

// golden compares got with testdata/name, which -update rewrites.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./views -update to write it)", err)
	}
	if got != string(want) {
		t.Errorf("text differs from %s (rerun with -update if the change is meant):\n--- got\n%s--- want\n%s", path, got, want)
	}
}
