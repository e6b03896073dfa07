package provision

import (
	"bytes"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/scim"
)

// switchesInput is a directory with one of each change: Alice to update
// (her title changed), Bob to create, Carol disabled and Dan unassigned (to
// deactivate), the Engineering group to update (renamed, Bob to add) and a
// gone group to delete.
func switchesInput(t *testing.T, objects string) Input {
	t.Helper()
	data, err := mapping.Default().Marshal()
	if err != nil {
		t.Fatal(err)
	}
	parsed, err := mapping.Parse("switches.yaml", append(data, []byte(objects)...))
	if err != nil {
		t.Fatal(err)
	}
	c, err := parsed.Compile()
	if err != nil {
		t.Fatal(err)
	}
	alice, bob, carol := person("a1", "Alice", "Smith"), person("b2", "Bob", "Jones"), person("c3", "Carol", "White")
	dan := person("d4", "Dan", "Brown")
	slack := []*scim.User{synced("U1", alice), synced("U3", carol), synced("U4", dan)}
	alice.JobTitle = "CTO"
	carol.AccountEnabled = false
	eng := directory.Group{ID: "g1", DisplayName: "Engineering", Members: []string{"a1", "b2"}}
	return Input{
		Mapping:    c,
		Snapshot:   &directory.Snapshot{Users: []directory.User{alice, bob, carol}, Groups: []directory.Group{eng}},
		SlackUsers: slack, UserLinks: map[string]string{"a1": "U1", "c3": "U3", "d4": "U4"},
		SlackGroups: []*scim.Group{
			{ID: "S1", DisplayName: "engineering", Members: []scim.Ref{{Value: "U1"}}},
			{ID: "S2", DisplayName: "Gone", Members: []scim.Ref{}},
		},
		GroupLinks: map[string]string{"g1": "S1", "g9": "S2"},
	}
}

func TestSwitches(t *testing.T) {
	tests := []struct {
		name, objects string
		want          map[string]Action // every planned operation
		line          string            // in the rendered plan
	}{
		{"every action on", "", map[string]Action{
			"user:a1": ActionUpdate, "user:b2": ActionCreate, "user:c3": ActionDeactivate, "user:d4": ActionDeactivate,
			"group:g1": ActionUpdate, "group:g9": ActionDelete}, ""},
		{"groups disabled", "objects:\n  groups:\n    enabled: false\n    actions: [create, update, delete]\n", map[string]Action{
			"user:a1": ActionUpdate, "user:b2": ActionCreate, "user:c3": ActionDeactivate, "user:d4": ActionDeactivate},
			"Switched off in the mapping: group provisioning is disabled (1 directory groups left alone)"},
		{"user delete off", "objects:\n  users:\n    actions: [create, update]\n", map[string]Action{
			"user:a1": ActionUpdate, "user:b2": ActionCreate, "group:g1": ActionUpdate, "group:g9": ActionDelete},
			"Switched off in the mapping: user delete (deactivate): 2 held back"},
		{"user create and update off", "objects:\n  users:\n    actions: [delete]\n", map[string]Action{
			"user:c3": ActionDeactivate, "user:d4": ActionDeactivate, "group:g1": ActionUpdate, "group:g9": ActionDelete},
			"user create: 1 held back; user update: 1 held back"},
		{"group actions off", "objects:\n  groups:\n    actions: []\n", map[string]Action{
			"user:a1": ActionUpdate, "user:b2": ActionCreate, "user:c3": ActionDeactivate, "user:d4": ActionDeactivate},
			"group update: 1 held back; group delete: 1 held back"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := build(t, switchesInput(t, tt.objects))
			got := map[string]Action{}
			for _, op := range p.Operations {
				if op.Status == StatusPlanned {
					got[string(op.Kind)+":"+op.SourceID] = op.Action
				}
			}
			if len(got) != len(tt.want) {
				t.Errorf("planned %v, want %v", got, tt.want)
			}
			for k, a := range tt.want {
				if got[k] != a {
					t.Errorf("%s: planned %q, want %q", k, got[k], a)
				}
			}
			var out bytes.Buffer
			if err := RenderText(&out, p, RenderOptions{}); err != nil {
				t.Fatal(err)
			}
			if tt.line != "" && !strings.Contains(out.String(), tt.line) {
				t.Errorf("plan lacks %q:\n%s", tt.line, out.String())
			}
			if tt.line == "" && strings.Contains(out.String(), "Switched off") {
				t.Errorf("plan mentions switches:\n%s", out.String())
			}
		})
	}
}
