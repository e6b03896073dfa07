package commands

import (
	"testing"

	"github.com/slackprov/slackprov/emulator/entraid"
	"github.com/slackprov/slackprov/provision"
)

// TestFailedUsersRetriedByIncrementalRuns: users that failed — one while
// planning (no email), one in Slack (a userName Slack refuses) — are still
// reported, marked as retried, and tried again in Slack by the next
// incremental run, although nothing about them changed in the directory.
func TestFailedUsersRetriedByIncrementalRuns(t *testing.T) {
	forSCIMVersions(t, testFailedUsersRetriedByIncrementalRuns)
}

func testFailedUsersRetriedByIncrementalRuns(t *testing.T, version string) {
	w := newEntraWorldAs(t, version, 30, 2)
	for _, u := range []entraid.User{
		{UserPrincipalName: "no.mail@example.com", GivenName: "No", Surname: "Mail", DisplayName: "No Mail", AccountEnabled: true},
		// "general" is a channel, and channel names share Slack's
		// userName namespace: Slack refuses the create.
		{UserPrincipalName: "general@example.com", Mail: "general@example.com", GivenName: "Gen", Surname: "Eral", DisplayName: "Gen Eral", AccountEnabled: true},
	} {
		if err := w.tenant.AssignUser(w.tenant.AddUser(u)); err != nil {
			t.Fatal(err)
		}
	}
	failedIn := func(p *provision.Plan) map[string]provision.Operation {
		out := map[string]provision.Operation{}
		for _, op := range p.Operations {
			if op.Status == provision.StatusFailed {
				out[op.UserName] = op
			}
		}
		return out
	}
	first := failedIn(w.sync(false))
	for _, name := range []string{"no.mail", "general"} {
		if _, ok := first[name]; !ok {
			t.Fatalf("%s did not fail in the first sync: %v", name, first)
		}
	}
	w.slack.ResetStats()
	p := w.sync(false)
	if !p.Incremental {
		t.Fatal("the second sync was not incremental")
	}
	again := failedIn(p)
	for _, name := range []string{"no.mail", "general"} {
		op, ok := again[name]
		if !ok || !op.Retried {
			t.Errorf("the incremental run does not report %s as failed again and retried: %+v", name, op)
		}
	}
	if n := w.slack.Stats().Requests["POST /Users"]; n != 1 {
		t.Errorf("the incremental run sent %d creates, want 1 (the retry of general)", n)
	}
}
