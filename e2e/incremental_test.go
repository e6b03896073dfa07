package e2e

import (
	"context"
	"fmt"
	. "github.com/slackprov/slackprov/provision"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/schema"
	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/views"
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
	p := r.planIncremental(delta)
	st := r.slack.Stats()
	if st.Requests["GET /Users/{id}"] != 3 || st.Requests["GET /Users"] != 0 || st.Requests["GET /Groups"] != 1 || st.Writes != 0 {
		t.Errorf("verification reads: %v", st.Requests)
	}
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
	p = mustApply(t, ctx, p, ApplyOptions{Client: r.client, Store: r.store})
	// The same directory, read in full, now matches Slack.
	full.Users[5], full.Users[6] = promoted, disabled
	full.Users = append(full.Users[:7], full.Users[8:]...)
	full.Groups[0] = group
	if again := r.plan(full); len(again.Operations) != 0 {
		t.Fatalf("full plan after the incremental apply: %s %+v", views.Summary(again), again.Operations)
	}
}

// A new directory user whose shortened userName an existing Slack account
// holds: the incremental read lists only accounts it may change, so it must
// ask Slack about the SelectUniqueValue candidates, and choose the "_2" one as
// a full read does, rather than planning a create Slack refuses on every run.
func TestIncrementalCreatePicksFreeCandidate(t *testing.T) {
	forVersions(t, testIncrementalCreatePicksFreeCandidate)
}

func testIncrementalCreatePicksFreeCandidate(t *testing.T, version string) {
	r := newRigAs(t, version, 100, nil)
	full := company(5, 0)
	r.sync(full)
	ctx := context.Background()

	hire, cands := longNamedHire(t)
	// Another person's account, unknown to slackprov, holds the first one
	// (in other letter case: Slack compares userNames case-insensitively).
	holder := r.takeUserName(strings.ToUpper(cands[0]), "alex.k@example.com")

	delta := &directory.Snapshot{Users: []directory.User{hire}, Delta: &directory.Delta{}}
	inc := r.planIncremental(delta)
	// One email match, then the candidates up to the first free one.
	if st := r.slack.Stats(); st.Requests["GET /Users"] != 3 || st.Total != 3 {
		t.Errorf("incremental read of one new user: %v, want 3 filtered GET /Users", st.Requests)
	}

	full.Users = append(full.Users, hire)
	fullPlan := r.plan(full)
	for name, p := range map[string]*Plan{"incremental": inc, "full": fullPlan} {
		var creates []Operation
		for _, op := range p.Operations {
			if op.Action == ActionCreate {
				creates = append(creates, op)
			}
		}
		if len(creates) != 1 || creates[0].SourceID != hire.ID || creates[0].UserName != cands[1] || creates[0].Status != StatusPlanned {
			t.Fatalf("%s plan: creates %+v, want one planned create of %s as %q", name, creates, hire.ID, cands[1])
		}
	}

	inc = mustApply(t, ctx, inc, ApplyOptions{Client: r.client, Store: r.store})
	if op := inc.Operations[0]; op.Status != StatusOK {
		t.Fatalf("create %s: %s %s", op.UserName, op.Status, op.Error)
	}
	if got, err := r.client.FindUserByUserName(ctx, cands[1]); err != nil || got == nil || got.ExternalID != hire.ID || got.ID == holder.ID {
		t.Errorf("Slack account %q after apply: %+v, %v", cands[1], got, err)
	}
}

// longNamedHire is a new directory user whose userName the default mapping
// shortens, with its SelectUniqueValue candidates.
func longNamedHire(t *testing.T) (directory.User, []string) {
	t.Helper()
	hire := person("id-hire", "Alexandra", "Konstantinopoulou-Smith")
	cands := defaults(t).EvalUser(&hire, true).Candidates[schema.UserName]
	if len(cands) < 3 || len(cands[0]) != 21 || !strings.HasSuffix(cands[1], "_2") || !strings.HasSuffix(cands[2], "_3") {
		t.Fatalf("the default mapping's userName candidates for %s: %q", hire.UserPrincipalName, cands)
	}
	return hire, cands
}

// takeUserName creates another person's Slack account holding userName.
func (r *rig) takeUserName(userName, email string) *scim.User {
	r.t.Helper()
	u, err := r.client.CreateUser(context.Background(), scim.NewUser(map[string]string{schema.UserName: userName,
		schema.WorkEmail: email, schema.GivenName: "Other", schema.FamilyName: "Person", schema.Active: "True"}))
	if err != nil {
		r.t.Fatal(err)
	}
	return u
}

// A candidate taken between plan and apply: the create moves on to the next
// candidate free at plan time, says so, and fails naming the accounts only
// when every one is gone.
func TestCreateFallsBackToNextCandidate(t *testing.T) {
	for _, tc := range []struct {
		name  string
		taken int // candidates taken after planning, from the first
		want  string
	}{
		{name: "first taken", taken: 1, want: "_2"},
		{name: "two taken", taken: 2, want: "_3"},
		{name: "all taken", taken: 5},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := newRigAs(t, "v2", 100, nil)
			ctx := context.Background()
			hire, cands := longNamedHire(t)
			snap := company(2, 0)
			snap.Users = append(snap.Users, hire)
			p := r.plan(snap)
			var op *Operation
			at := -1
			for i := range p.Operations {
				if p.Operations[i].SourceID == hire.ID {
					op, at = &p.Operations[i], i
				}
			}
			if op == nil || op.UserName != cands[0] || !slices.Equal(op.UserNameFallbacks, cands[1:]) {
				t.Fatalf("planned create %+v, want %q with fallbacks %q", op, cands[0], cands[1:])
			}
			var holders []*scim.User
			for i := 0; i < tc.taken; i++ {
				holders = append(holders, r.takeUserName(cands[i], fmt.Sprintf("other%d@example.com", i)))
			}
			p = mustApply(t, ctx, p, ApplyOptions{Client: r.client, Store: r.store})
			op = &p.Operations[at]
			if tc.want == "" {
				if op.Status != StatusFailed || !strings.Contains(op.Error, holders[len(holders)-1].ID) || !strings.Contains(op.Error, cands[0]) {
					t.Fatalf("create with every candidate taken: %s %q", op.Status, op.Error)
				}
				return
			}
			got := cands[tc.taken]
			if op.Status != StatusOK || op.UserName != got || !strings.HasSuffix(got, tc.want) {
				t.Fatalf("create: %s %q as %q, want ok as %q", op.Status, op.Error, op.UserName, got)
			}
			if n := op.Notes[len(op.Notes)-1]; !strings.Contains(n, holders[tc.taken-1].ID) || !strings.Contains(n, got) {
				t.Errorf("no note of the fallback: %q", op.Notes)
			}
			if u, err := r.client.FindUserByUserName(ctx, got); err != nil || u == nil || u.ExternalID != hire.ID {
				t.Errorf("Slack account %q: %+v, %v", got, u, err)
			}
			if again := r.plan(snap); again.HasChanges() {
				t.Errorf("not converged: %s", views.Summary(again))
			}
		})
	}
}

// planIncremental reads Slack as an incremental run does and plans delta;
// the emulator's stats then count that read alone.
func (r *rig) planIncremental(delta *directory.Snapshot) *Plan {
	r.t.Helper()
	ctx := context.Background()
	ul, _ := r.store.Links(ctx, "user")
	gl, _ := r.store.Links(ctx, "group")
	r.slack.ResetStats()
	users, groups, err := ReadSlackFor(ctx, r.client, delta, ul, gl, defaults(r.t))
	if err != nil {
		r.t.Fatal(err)
	}
	return Build(Input{Snapshot: delta, SlackUsers: users, SlackGroups: groups, UserLinks: ul, GroupLinks: gl,
		Mapping: defaults(r.t), MaxDeactivations: 50, Now: time.Now()})
}
