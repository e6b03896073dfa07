package e2e

import (
	"context"
	"fmt"
	. "github.com/slackprov/slackprov/provision"
	"math/rand/v2"
	"net/http/httptest"
	"path/filepath"
	"testing"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/schema"
	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/store"
	"github.com/slackprov/slackprov/views"
)

// A create that Slack refuses with email_taken links the existing account
// and brings it in line, whichever error format and status Slack uses.
func TestCreateAdoptsExistingAccount(t *testing.T) { forVersions(t, testCreateAdoptsExistingAccount) }

func testCreateAdoptsExistingAccount(t *testing.T, version string) {
	for _, tc := range []struct {
		status int
		detail bool
	}{{409, false}, {400, false}, {409, true}} {
		t.Run(fmt.Sprintf("status %d detail %v", tc.status, tc.detail), func(t *testing.T) {
			inactive := false
			slack := slackscim.New(slackscim.Options{Token: testToken, DisableRateLimits: true,
				ConflictStatus: tc.status, EmailTakenDetail: tc.detail})
			srv := httptest.NewServer(slack)
			defer srv.Close()
			client, err := scim.New(scim.Options{BaseURL: srv.URL + "/scim/" + version + "/", Token: testToken})
			if err != nil {
				t.Fatal(err)
			}
			st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()

			alice := person("a1", "Alice", "Smith")
			plan := Build(Input{Snapshot: &directory.Snapshot{Users: []directory.User{alice}}, Mapping: defaults(t), MaxDeactivations: 50})
			// Between plan and apply, someone creates (and deactivates) the account.
			u := scim.NewUser(map[string]string{schema.UserName: "asmith", schema.WorkEmail: alice.Mail, schema.GivenName: "A"})
			u.Active = &inactive
			if _, err := client.CreateUser(context.Background(), u); err != nil {
				t.Fatal(err)
			}
			plan = mustApply(t, context.Background(), plan, ApplyOptions{Client: client, Store: st})
			op := plan.Operations[0]
			// What happened is a reactivation of the existing account.
			if op.Status != StatusOK || op.MatchedBy != "adopted after email_taken" || op.Action != ActionReactivate {
				t.Fatalf("op = %+v", op)
			}
			users := slack.Users()
			if len(users) != 1 || !users[0].Active || users[0].UserName != "alice.smith" || users[0].Title != "Engineer" {
				t.Fatalf("Slack users = %+v", users)
			}
			links, _ := st.Links(context.Background(), "user")
			if links["a1"] != users[0].ID {
				t.Errorf("links = %v", links)
			}
		})
	}
}

// Creates whose answers are lost after Slack applied them are retried by the
// client, refused as duplicates, and adopted: no duplicates, nothing lost.
func TestLostAnswersConverge(t *testing.T) { forVersions(t, testLostAnswersConverge) }

func testLostAnswersConverge(t *testing.T, version string) {
	slack := slackscim.New(slackscim.Options{Token: testToken, DisableRateLimits: true,
		Faults: slackscim.Faults{DropAfterWriteRate: 0.3, ErrorRate: 0.05, Rand: rand.New(rand.NewPCG(1, 2))}})
	srv := httptest.NewServer(slack)
	defer srv.Close()
	// The emulator runs without limits here, so let the client pace freely.
	client, err := scim.New(scim.Options{BaseURL: srv.URL + "/scim/" + version + "/", Token: testToken, MaxRetries: 8, RateShare: 100})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "s.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := &rig{t: t, slack: slack, client: client, store: st}
	snap := company(200, 4)
	first := r.plan(snap)
	first = mustApply(t, context.Background(), first, ApplyOptions{Client: client, Store: st})
	slack.SetFaults(slackscim.Faults{})
	if stats := slack.Stats(); stats.DroppedAfterWrite == 0 {
		t.Fatal("no answer was dropped; the test proves nothing")
	}
	for i := 0; i < 2; i++ {
		p := r.plan(snap)
		if len(p.Operations) == 0 {
			break
		}
		p = mustApply(t, context.Background(), p, ApplyOptions{Client: client, Store: st})
	}
	if p := r.plan(snap); len(p.Operations) != 0 {
		t.Fatalf("did not converge: %s", views.Summary(p))
	}
	if n := len(slack.Users()); n != 200 {
		t.Fatalf("Slack has %d users, want 200", n)
	}
}
