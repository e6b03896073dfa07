package provision

import (
	"strings"
	"testing"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/scim"
)

// Every Slack object the plan matches without a stored link is listed to be
// linked, whichever rule matched it; linked ones are not listed again.
func TestBuildLinksEveryMatch(t *testing.T) {
	alice, bob, carol := person("a1", "Alice", "Smith"), person("b2", "Bob", "Jones"), person("c3", "Carol", "White")
	byEmail := slackUser("U1", "asmith", alice.Mail, "", true)
	byExternal := synced("U2", bob)
	linked := synced("U3", carol)
	group := &scim.Group{ID: "S1", DisplayName: "Engineering", Members: []scim.Ref{{Value: "U3"}}}
	p := build(t, Input{
		Snapshot: &directory.Snapshot{Users: []directory.User{alice, bob, carol},
			Groups: []directory.Group{{ID: "g1", DisplayName: "Engineering", Members: []string{"a1", "b2", "c3"}}}},
		SlackUsers: []*scim.User{byEmail, byExternal, linked}, SlackGroups: []*scim.Group{group},
		UserLinks: map[string]string{"c3": "U3"},
	})
	var got []string
	for _, l := range p.Links {
		got = append(got, string(l.Kind)+" "+l.SourceID+"→"+l.TargetID+" by "+l.MatchedBy)
	}
	want := []string{`user a1→U1 by emails[type eq "work"].value`, "user b2→U2 by externalId", "group g1→S1 by displayName"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("links = %v, want %v", got, want)
	}
	// Membership comes from the same matches: the two matched accounts are
	// added by directory id, which apply resolves through those links.
	ops := opsOf(p)
	if g := ops["group:g1"]; strings.Join(g.AddMembers, ",") != "a1,b2" || len(g.RemoveMembers) != 0 {
		t.Errorf("group op = %+v", g)
	}
}

// A directory user whose matching account belongs to someone else has no
// account of its own: what fails is its create.
func TestBuildConflictFailsTheCreate(t *testing.T) {
	alice, twin := person("a1", "Alice", "Smith"), person("a2", "Alice", "Smith")
	twin.UserPrincipalName = "alice.smith2@example.com"
	p := build(t, Input{Snapshot: &directory.Snapshot{Users: []directory.User{alice, twin}},
		SlackUsers: []*scim.User{synced("U1", alice)}, UserLinks: map[string]string{"a1": "U1"}})
	if op := opsOf(p)["user:a2"]; op.Status != StatusFailed || op.Action != ActionCreate || op.ErrorCode != "conflict" {
		t.Errorf("op = %+v", op)
	}
}

// Objects pending from an earlier run are marked as retried.
func TestBuildMarksRetries(t *testing.T) {
	alice, bob := person("a1", "Alice", "Smith"), person("b2", "Bob", "Jones")
	bob.Mail = ""
	p := build(t, Input{Snapshot: &directory.Snapshot{Users: []directory.User{alice, bob}},
		Pending: map[string]bool{PendingKey(KindUser, "b2"): true}})
	ops := opsOf(p)
	if !ops["user:b2"].Retried || ops["user:a1"].Retried {
		t.Errorf("retried: a1 %v, b2 %v", ops["user:a1"].Retried, ops["user:b2"].Retried)
	}
}

// Check counts deactivations and group deletions together and never reads
// the plan's own verdict.
func TestPlanCheck(t *testing.T) {
	op := func(kind Kind, a Action, status string) Operation {
		return Operation{Kind: kind, Action: a, Status: status}
	}
	tests := []struct {
		name   string
		plan   Plan
		max    int
		linked int
		want   string
	}{
		{"within", Plan{DirectoryUsers: 3, Operations: []Operation{op(KindUser, ActionDeactivate, StatusPlanned)}}, 1, 3, ""},
		{"users over", Plan{DirectoryUsers: 3, Operations: []Operation{op(KindUser, ActionDeactivate, StatusPlanned), op(KindUser, ActionDeactivate, StatusPlanned)}}, 1, 3,
			"deactivates 2 users, above the safety threshold of 1"},
		{"groups count", Plan{DirectoryUsers: 3, Operations: []Operation{op(KindGroup, ActionDelete, StatusPlanned), op(KindGroup, ActionDelete, StatusPlanned)}}, 0, 3,
			"deletes 2 groups, above the safety threshold of 0"},
		{"both", Plan{DirectoryUsers: 3, Operations: []Operation{op(KindUser, ActionDeactivate, StatusPlanned), op(KindGroup, ActionDelete, StatusPlanned)}}, 1, 3,
			"deactivates 1 users and deletes 1 groups (2 removals)"},
		{"failed ones do not count", Plan{DirectoryUsers: 3, Operations: []Operation{op(KindUser, ActionDeactivate, StatusFailed)}}, 0, 3, ""},
		{"empty full read", Plan{}, 50, 2, "the source returned no users while 2 Slack accounts are linked"},
		{"empty incremental read", Plan{Incremental: true}, 50, 2, ""},
		{"refused field ignored", Plan{DirectoryUsers: 1, Refused: "x"}, 50, 2, ""},
	}
	for _, tt := range tests {
		got := tt.plan.Check(tt.max, tt.linked)
		if (tt.want == "") != (got == "") || !strings.Contains(got, tt.want) {
			t.Errorf("%s: Check = %q, want %q", tt.name, got, tt.want)
		}
	}
}
