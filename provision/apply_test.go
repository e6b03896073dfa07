package provision

import (
	"context"
	"errors"
	"testing"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/scim"
)

// A create refused because a deactivated account holds the email adopts
// that account and reactivates it: a returning employee keeps their history.
func TestApplyAdoptsTheAccountHoldingTheEmail(t *testing.T) {
	e := newEngine(t, &directory.Snapshot{Users: []directory.User{person("u1", "Ada", "Lovelace")}})
	old := slackUser("", "ada.old", "ada.lovelace@example.com", "", false)
	if _, err := e.slack.CreateUser(context.Background(), old); err != nil {
		t.Fatal(err)
	}
	// The plan is made without seeing the account, as when it appears later.
	plan := Build(Input{Snapshot: e.source.snap, Source: "test", Mapping: defaults(t), MaxDeactivations: 50})
	out := mustApply(t, context.Background(), plan, ApplyOptions{Client: e.slack, Store: e.store})
	op := out.Operations[0]
	if op.Status != StatusOK || op.Action != ActionReactivate || op.MatchedBy != "adopted after email_taken" {
		t.Fatalf("op = %+v", op)
	}
	if plan.Operations[0].Action != ActionCreate || plan.Operations[0].Status != StatusPlanned {
		t.Error("the outcome leaked into the plan")
	}
	if len(e.slack.users) != 1 || !e.slack.users[op.TargetID].IsActive() {
		t.Errorf("Slack users: %d, the adopted one active: %v", len(e.slack.users), e.slack.users[op.TargetID].IsActive())
	}
	links, _ := e.store.Links(context.Background(), "user")
	if links["u1"] != op.TargetID {
		t.Errorf("links %v, want u1 → %s", links, op.TargetID)
	}
}

// A refused token stops Apply: every later write would fail the same way.
// The error keeps Slack's answer and says it is about the credentials.
func TestApplyStopsOnRefusedCredentials(t *testing.T) {
	e := newEngine(t, company(12, 0))
	plan := Build(Input{Snapshot: e.source.snap, Source: "test", Mapping: defaults(t), MaxDeactivations: 50})
	e.slack.revoked = true
	out, err := Apply(context.Background(), plan, ApplyOptions{Client: e.slack, Store: e.store, Workers: 1})
	var se *scim.Error
	if !errors.Is(err, ErrAuth) || !errors.As(err, &se) || !IsCredentials(err) || ClassOf(err) != ClassCredentials {
		t.Fatalf("err = %v, want ErrAuth wrapping Slack's 401", err)
	}
	if out.Users.Failed != 1 || out.Users.NotRun != 11 {
		t.Errorf("%d failed, %d not run: want the first write only", out.Users.Failed, out.Users.NotRun)
	}
}
