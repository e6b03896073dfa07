package provision

import (
	"fmt"
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
		held          string            // the plan's SwitchedOff, one "kind action: n" each
	}{
		{"every action on", "", map[string]Action{
			"user:a1": ActionUpdate, "user:b2": ActionCreate, "user:c3": ActionDeactivate, "user:d4": ActionDeactivate,
			"group:g1": ActionUpdate, "group:g9": ActionDelete}, ""},
		{"groups disabled", "objects:\n  groups:\n    enabled: false\n    actions: [create, update, delete]\n", map[string]Action{
			"user:a1": ActionUpdate, "user:b2": ActionCreate, "user:c3": ActionDeactivate, "user:d4": ActionDeactivate},
			"group sync: 1"},
		{"user delete off", "objects:\n  users:\n    actions: [create, update]\n", map[string]Action{
			"user:a1": ActionUpdate, "user:b2": ActionCreate, "group:g1": ActionUpdate, "group:g9": ActionDelete},
			"user delete: 2"},
		{"user create and update off", "objects:\n  users:\n    actions: [delete]\n", map[string]Action{
			"user:c3": ActionDeactivate, "user:d4": ActionDeactivate, "group:g1": ActionUpdate, "group:g9": ActionDelete},
			"user create: 1; user update: 1"},
		{"group actions off", "objects:\n  groups:\n    actions: []\n", map[string]Action{
			"user:a1": ActionUpdate, "user:b2": ActionCreate, "user:c3": ActionDeactivate, "user:d4": ActionDeactivate},
			"group create: 0; group update: 1; group delete: 1"},
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
			var held []string
			for _, s := range p.SwitchedOff {
				held = append(held, fmt.Sprintf("%s %s: %d", s.Kind, s.Action, s.Held))
			}
			if got := strings.Join(held, "; "); got != tt.held {
				t.Errorf("held back %q, want %q", got, tt.held)
			}
		})
	}
}
