package provision

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/scim"
)

// An incremental snapshot holds only what changed: the plan must touch
// exactly those objects, read Slack only for them, and treat absence as
// "unchanged".
func TestIncrementalPlan(t *testing.T) {
	r := newRig(t, 100, nil)
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

// A new directory user whose shortened userName an existing Slack account
// holds: the incremental read lists only accounts it may change, so it must
// ask Slack about the SelectUniqueValue candidates, and choose the "_2" one as
// a full read does, rather than planning a create Slack refuses on every run.
func TestIncrementalCreatePicksFreeCandidate(t *testing.T) {
	r := newRig(t, 100, nil)
	full := company(5, 0)
	r.sync(full)
	ctx := context.Background()

	hire := person("id-hire", "Alexandra", "Konstantinopoulou-Smith")
	cands := defaults(t).EvalUser(&hire, true).Candidates[scim.AttrUserName]
	if len(cands) < 2 || len(cands[0]) != 21 || !strings.HasSuffix(cands[1], "_2") {
		t.Fatalf("the default mapping's userName candidates for %s: %q", hire.UserPrincipalName, cands)
	}
	// Another person's account, unknown to slackprov, holds the first one
	// (in other letter case: Slack compares userNames case-insensitively).
	holder, err := r.client.CreateUser(ctx, scim.NewUser(map[string]string{scim.AttrUserName: strings.ToUpper(cands[0]),
		scim.AttrWorkEmail: "alex.k@example.com", scim.AttrGivenName: "Alex", scim.AttrFamilyName: "K", scim.AttrActive: "True"}))
	if err != nil {
		t.Fatal(err)
	}

	delta := &directory.Snapshot{Users: []directory.User{hire}, Delta: &directory.Delta{}}
	ul, _ := r.store.Links(ctx, "user")
	gl, _ := r.store.Links(ctx, "group")
	r.slack.ResetStats()
	users, groups, err := ReadSlackFor(ctx, r.client, delta, ul, gl, defaults(t))
	if err != nil {
		t.Fatal(err)
	}
	// One email match, then the candidates up to the first free one.
	if st := r.slack.Stats(); st.Requests["GET /Users"] != 3 || st.Total != 3 {
		t.Errorf("incremental read of one new user: %v, want 3 filtered GET /Users", st.Requests)
	}
	inc := Build(Input{Snapshot: delta, SlackUsers: users, SlackGroups: groups, UserLinks: ul, GroupLinks: gl,
		Mapping: defaults(t), MaxDeactivations: 50, Now: time.Now()})

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

	if err := Apply(ctx, inc, ApplyOptions{Client: r.client, Store: r.store}); err != nil {
		t.Fatal(err)
	}
	if op := inc.Operations[0]; op.Status != StatusOK {
		t.Fatalf("create %s: %s %s", op.UserName, op.Status, op.Error)
	}
	if got, err := r.client.FindUserByUserName(ctx, cands[1]); err != nil || got == nil || got.ExternalID != hire.ID || got.ID == holder.ID {
		t.Errorf("Slack account %q after apply: %+v, %v", cands[1], got, err)
	}
}
