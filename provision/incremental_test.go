package provision

import (
	"context"
	"testing"
	"time"

	"github.com/slackprov/slackprov/directory"
)

// An incremental snapshot holds only what changed: the plan must touch
// exactly those objects, read Slack only for them, and treat absence as
// "unchanged".
func TestIncrementalPlan(t *testing.T) { forVersions(t, testIncrementalPlan) }

func testIncrementalPlan(t *testing.T, version string) {
	r := newRigAs(t, version, 100, nil)
	full := company(50, 2)
	r.sync(full)

	promoted := full.Users[5]
	promoted.JobTitle = "Director"
	disabled := full.Users[6]
	disabled.AccountEnabled = false
	group := full.Groups[0]
	group.Members = append(append([]string{}, group.Members[1:]...), full.Users[9].ID)
	delta := &directory.Snapshot{
		Users:  []directory.User{promoted, disabled},
		Groups: []directory.Group{group},
		Delta:  &directory.Delta{RemovedUsers: []string{full.Users[7].ID}},
	}

	ctx := context.Background()
	ul, _ := r.store.Links(ctx, "user")
	gl, _ := r.store.Links(ctx, "group")
	r.slack.ResetStats()
	users, groups, err := ReadSlackFor(ctx, r.client, delta, ul, gl, defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	st := r.slack.Stats()
	if st.Requests["GET /Users/{id}"] != 3 || st.Requests["GET /Users"] != 0 || st.Requests["GET /Groups"] != 1 || st.Writes != 0 {
		t.Errorf("verification reads: %v", st.Requests)
	}
	p := Build(Input{Snapshot: delta, SlackUsers: users, SlackGroups: groups, UserLinks: ul, GroupLinks: gl,
		Mapping: defaults(t), MaxDeactivations: 50, Now: time.Now()})
	got := map[string]Action{}
	for _, op := range p.Operations {
		got[op.SourceID] = op.Action
	}
	want := map[string]Action{promoted.ID: ActionUpdate, disabled.ID: ActionDeactivate, full.Users[7].ID: ActionDeactivate, group.ID: ActionUpdate}
	if len(got) != len(want) {
		t.Fatalf("ops %v, want %v", got, want)
	}
	for id, a := range want {
		if got[id] != a {
			t.Errorf("%s: %s, want %s", id, got[id], a)
		}
	}
	if len(p.Unmanaged) != 0 || p.Refused != "" {
		t.Errorf("unmanaged %d refused %q", len(p.Unmanaged), p.Refused)
	}
	for _, op := range p.Operations {
		if op.Kind == KindGroup && (len(op.AddMembers) != 1 || op.AddMembers[0] != full.Users[9].ID || len(op.RemoveMembers) != 1) {
			t.Errorf("group diff: +%v -%v", op.AddMembers, op.RemoveMembers)
		}
	}
	if err := Apply(ctx, p, ApplyOptions{Client: r.client, Store: r.store}); err != nil {
		t.Fatal(err)
	}
	// The same directory, read in full, now matches Slack.
	full.Users[5], full.Users[6] = promoted, disabled
	full.Users = append(full.Users[:7], full.Users[8:]...)
	full.Groups[0] = group
	if again := r.plan(full); len(again.Operations) != 0 {
		t.Fatalf("full plan after the incremental apply: %s %+v", Summary(again), again.Operations)
	}
}
