package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	. "github.com/slackprov/slackprov/provision"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/store"
	"github.com/slackprov/slackprov/views"
)

const testToken = "xoxp-test-e2e-token"

// rig is a real engine against the Slack emulator with rate limits on, on a
// clock sped up by scale, and a real SQLite store.
type rig struct {
	t      *testing.T
	slack  *slackscim.Org
	client *scim.Client
	store  *store.Store
}

// scimVersions are Slack's SCIM dialects; every end-to-end sync runs on
// both, side by side: the runs wait on the emulators' rate limits far more
// than they use the CPU, so the second dialect costs little wall time.
var scimVersions = []string{"v2", "v1"}

func forVersions(t *testing.T, test func(t *testing.T, version string)) {
	for _, v := range scimVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			test(t, v)
		})
	}
}

// newRigAs is a rig speaking SCIM version ("v1" or "v2").
func newRigAs(t *testing.T, version string, scale float64, seed *slackscim.Seed) *rig {
	t.Helper()
	slack := slackscim.New(slackscim.Options{Token: testToken, TimeScale: scale, Seed: seed})
	return rigAt(t, version, slack, slack, 0.8*scale)
}

// rigAt serves slack through front, which may change what goes over the
// wire, to a client speaking version and pacing itself at rateShare of
// Slack's limits.
func rigAt(t *testing.T, version string, front http.Handler, slack *slackscim.Org, rateShare float64) *rig {
	t.Helper()
	srv := httptest.NewServer(front)
	t.Cleanup(srv.Close)
	client, err := scim.New(scim.Options{BaseURL: srv.URL + "/scim/" + version + "/", Token: testToken, RateShare: rateShare})
	if err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &rig{t: t, slack: slack, client: client, store: st}
}

// plan reads Slack and the store and plans snap.
func (r *rig) plan(snap *directory.Snapshot) *Plan {
	r.t.Helper()
	ctx := context.Background()
	users, groups, err := ReadSlack(ctx, r.client)
	if err != nil {
		r.t.Fatal(err)
	}
	ul, err := r.store.Links(ctx, "user")
	if err != nil {
		r.t.Fatal(err)
	}
	gl, err := r.store.Links(ctx, "group")
	if err != nil {
		r.t.Fatal(err)
	}
	return Build(Input{Snapshot: snap, Source: "test", SlackUsers: users, SlackGroups: groups,
		UserLinks: ul, GroupLinks: gl, Mapping: defaults(r.t), MaxDeactivations: 50, Now: time.Now()})
}

// sync plans and applies snap, failing the test on any failed operation.
func (r *rig) sync(snap *directory.Snapshot) *Plan {
	r.t.Helper()
	p := r.plan(snap)
	if p.Refused != "" {
		r.t.Fatalf("refused: %s", p.Refused)
	}
	p = mustApply(r.t, context.Background(), p, ApplyOptions{Client: r.client, Store: r.store, Workers: 4})
	for _, op := range p.Operations {
		if op.Status == StatusFailed {
			r.t.Errorf("%s %s %s failed: %s", op.Action, op.Kind, op.Name(), op.Error)
		}
	}
	return p
}

// mustApply applies the plan and returns the outcome; Apply leaves the
// plan it is given untouched, which it checks too.
func mustApply(t *testing.T, ctx context.Context, plan *Plan, opts ApplyOptions) *Plan {
	t.Helper()
	before, _ := json.Marshal(plan)
	out, err := Apply(ctx, plan, opts)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := json.Marshal(plan); string(after) != string(before) {
		t.Fatal("Apply changed the plan it was given")
	}
	return out
}

func userOps(p *Plan) map[Action]int {
	out := map[Action]int{}
	for _, op := range p.Operations {
		if op.Kind == KindUser && op.Status == StatusPlanned {
			out[op.Action]++
		}
	}
	return out
}

func TestEndToEndCompanySync(t *testing.T) { forVersions(t, testEndToEndCompanySync) }

func testEndToEndCompanySync(t *testing.T, version string) {
	if testing.Short() {
		t.Skip("end-to-end sync of 2,000 users; run without -short")
	}
	r := newRigAs(t, version, 100, nil)
	snap := company(2000, 20)

	first := r.sync(snap)
	if first.Users.Create != 2000 || first.Groups.Create != 20 {
		t.Fatalf("first sync: %s", views.Summary(first))
	}
	slackUsers := r.slack.Users()
	if len(slackUsers) != 2000 {
		t.Fatalf("Slack has %d users after the first sync", len(slackUsers))
	}
	managers := 0
	for _, u := range slackUsers {
		if u.ManagerID != "" {
			managers++
		}
	}
	if managers != 1999 {
		t.Errorf("%d users have a manager in Slack, want 1999", managers)
	}
	st := r.slack.Stats()
	t.Logf("first sync requests: %d (%d reads, %d writes, %d answered 429): %v", st.Total, st.Reads, st.Writes, st.TooManyRequests, st.Requests)

	r.slack.ResetStats()
	second := r.plan(snap)
	if len(second.Operations) != 0 || second.Users.Unchanged != 2000 || second.Groups.Unchanged != 20 {
		t.Fatalf("second sync should plan nothing: %s", views.Summary(second))
	}
	st = r.slack.Stats()
	t.Logf("no-change sync requests: %d: %v", st.Total, st.Requests)
	if st.Writes != 0 || st.Requests["GET /Users"] != 2 || st.Requests["GET /Groups"] != 1 {
		t.Errorf("no-change sync requests: %v", st.Requests)
	}

	// 10 attribute changes, 5 disabled, 5 removed: exactly 20 user operations.
	for i := 100; i < 110; i++ {
		snap.Users[i].JobTitle = "Principal Engineer"
	}
	for i := 200; i < 205; i++ {
		snap.Users[i].AccountEnabled = false
	}
	snap.Users = append(snap.Users[:300], snap.Users[305:]...)
	third := r.plan(snap)
	got := userOps(third)
	if got[ActionUpdate] != 10 || got[ActionDeactivate] != 10 || len(got) != 2 {
		t.Fatalf("plan after changes: %v (%s)", got, views.Summary(third))
	}
	third = mustApply(t, context.Background(), third, ApplyOptions{Client: r.client, Store: r.store})
	if n := third.Users.Failed + third.Groups.Failed; n != 0 {
		t.Fatalf("%d operations failed", n)
	}
	if again := r.plan(snap); len(again.Operations) != 0 {
		t.Fatalf("did not converge: %s", views.Summary(again))
	}
}

func TestReturningEmployeeAndSlackOnlyAccount(t *testing.T) {
	forVersions(t, testReturningEmployeeAndSlackOnlyAccount)
}

func testReturningEmployeeAndSlackOnlyAccount(t *testing.T, version string) {
	inactive := false
	r := newRigAs(t, version, 100, &slackscim.Seed{Users: []slackscim.SeedUser{
		{UserName: "helpdesk", Email: "helpdesk@example.com", GivenName: "Help", FamilyName: "Desk"},
		{UserName: "alice.old", Email: "alice.smith@example.com", GivenName: "Alice", FamilyName: "Smith", Active: &inactive},
	}})
	alice := person("a1", "Alice", "Smith")
	p := r.sync(&directory.Snapshot{Users: []directory.User{alice}})
	if p.Users.Reactivate != 1 || p.Users.Create != 0 {
		t.Fatalf("want one reactivation: %s", views.Summary(p))
	}
	users := r.slack.Users()
	if len(users) != 2 {
		t.Fatalf("Slack has %d users, want 2 (no duplicate)", len(users))
	}
	for _, u := range users {
		switch u.UserName {
		case "helpdesk":
			if !u.Active || u.Title != "" {
				t.Errorf("Slack-only account was touched: %+v", u)
			}
		case "alice.old": // userName is chosen on create: she keeps hers
			if !u.Active || u.Title != "Engineer" {
				t.Errorf("returning employee: %+v", u)
			}
		default:
			t.Errorf("unexpected user %+v", u)
		}
	}
	if len(p.Unmanaged) != 1 || p.Unmanaged[0].UserName != "helpdesk" {
		t.Errorf("unmanaged = %+v", p.Unmanaged)
	}
}

func TestBadRecordsFailAlone(t *testing.T) { forVersions(t, testBadRecordsFailAlone) }

func testBadRecordsFailAlone(t *testing.T, version string) {
	r := newRigAs(t, version, 100, &slackscim.Seed{Users: []slackscim.SeedUser{
		{UserName: "owner", Email: "owner@example.com", GivenName: "Org", FamilyName: "Owner"},
	}})
	good := person("g1", "Good", "Person")
	noMail := person("n1", "No", "Mail")
	noMail.Mail = ""
	long := person("l1", "Bartholomew", "Featherstonehaugh")
	snap := &directory.Snapshot{Users: []directory.User{good, noMail, long}}
	// The owner account becomes linked to a directory user first, so a
	// second directory user with its email conflicts.
	owner := person("o1", "Org", "Owner")
	owner.UserPrincipalName, owner.Mail = "owner@example.com", "owner@example.com"
	r.sync(&directory.Snapshot{Users: []directory.User{owner}})
	thief := person("t1", "Tom", "Thief")
	thief.Mail = "OWNER@example.com"
	snap.Users = append(snap.Users, owner, thief)

	p := r.plan(snap)
	p = mustApply(t, context.Background(), p, ApplyOptions{Client: r.client, Store: r.store})
	want := map[string]string{"n1": "email_empty", "t1": "conflict"}
	for _, op := range p.Operations {
		code, bad := want[op.SourceID]
		switch {
		case bad && (op.Status != StatusFailed || op.ErrorCode != code):
			t.Errorf("%s: status %s code %s, want failed %s", op.SourceID, op.Status, op.ErrorCode, code)
		case bad && op.Error == "":
			t.Errorf("%s: failed without saying why", op.SourceID)
		case !bad && op.Status != StatusOK:
			t.Errorf("%s: %s %s: %s", op.SourceID, op.Action, op.Status, op.Error)
		}
	}
	if conflict := p.Operations; !strings.Contains(fmt.Sprint(conflict), "already belongs to directory user o1") {
		t.Errorf("the conflict does not name the account's owner: %+v", conflict)
	}
	// The long name is no failure: the built-in mapping shortens it.
	if p.Users.Create != 2 || p.Users.Failed != 2 {
		t.Errorf("summary: %s", views.Summary(p))
	}
	logs, err := r.store.Log(context.Background(), store.LogFilter{Status: "failed"})
	if err != nil {
		t.Fatal(err)
	}
	if len(logs) != 2 {
		t.Errorf("provisioning log has %d failed rows, want 2: %+v", len(logs), logs)
	}
}
