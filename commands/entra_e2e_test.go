package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/entraid"
	"github.com/slackprov/slackprov/emulator/sampledir"
	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/views"
)

// entraWorld is a sync from an emulated Entra tenant into the Slack emulator.
type entraWorld struct {
	t      *testing.T
	tenant *entraid.Tenant
	slack  *slackscim.Org
	cfg    Config
	graph  *httptest.Server
}

func newEntraWorld(t *testing.T, users, groups int) *entraWorld {
	return newEntraWorldAs(t, "v2", users, groups)
}

func newEntraWorldAs(t *testing.T, version string, users, groups int) *entraWorld {
	tenant := entraid.NewSample(entraid.Options{TenantID: "t1", ClientSecret: "test-secret"},
		sampledir.JSON(sampledir.Options{Users: users, Groups: groups, Seed: 11}))
	graph := httptest.NewUnstartedServer(tenant)
	graph.StartTLS()
	t.Cleanup(graph.Close)
	slack := slackscim.New(slackscim.Options{Token: EmulatorToken, TimeScale: 300})
	srv := httptest.NewServer(slack)
	t.Cleanup(srv.Close)
	cfg := defaultConfig()
	cfg.Profile = "e2e"
	cfg.Slack.SCIMURL = srv.URL + "/scim/" + version + "/"
	cfg.Slack.RateShare = 0.8 * 300
	cfg.Source.Type = "entra"
	cfg.Source.Entra = EntraSourceConfig{TenantID: "t1", ClientID: "c1", AppID: tenant.AppID(), Scope: "assigned",
		GraphURL: graph.URL, AuthorityHost: graph.URL}
	cfg.StateDir = filepath.Join(t.TempDir(), "state")
	limit := 100
	cfg.Safety.MaxDeactivations = &limit
	return &entraWorld{t: t, tenant: tenant, slack: slack, cfg: cfg, graph: graph}
}

// sync runs `slackprov sync` and returns its JSON plan.
func (w *entraWorld) sync(dryRun bool) *provision.Plan {
	w.t.Helper()
	p, _ := w.syncWith(dryRun, false)
	return p
}

// syncWith runs `slackprov sync`, with --full if asked, and returns its
// JSON plan and what it said on stderr.
func (w *entraWorld) syncWith(dryRun, full bool) (*provision.Plan, string) {
	w.t.Helper()
	ios, _, out, errOut := TestStreams()
	hc := w.graph.Client()
	hc.Timeout = time.Minute
	err := syncRun(context.Background(), &SyncOptions{IO: ios, Config: &w.cfg, HTTPClient: hc, Now: time.Now,
		Token: staticToken{EmulatorToken, "test"}, DryRun: dryRun, Yes: true, Output: "json", Full: full,
		MaxDeactivations: w.cfg.MaxDeactivations(), Workers: 4, EntraSecret: "test-secret"})
	var partial *provision.OpsFailedError
	if err != nil && !errors.As(err, &partial) {
		w.t.Fatalf("sync: %v\n%s", err, errOut)
	}
	var p provision.Plan
	if err := json.Unmarshal(out.Bytes(), &p); err != nil {
		w.t.Fatalf("plan JSON: %v\n%s", err, out)
	}
	return &p, errOut.String()
}

func userActions(p *provision.Plan) map[provision.Action]int {
	got := map[provision.Action]int{}
	for _, op := range p.Operations {
		if op.Kind == provision.KindUser && op.Status != provision.StatusFailed {
			got[op.Action]++
		}
	}
	return got
}

func TestEntraFullThenIncremental(t *testing.T) { forSCIMVersions(t, testEntraFullThenIncremental) }

func testEntraFullThenIncremental(t *testing.T, version string) {
	if testing.Short() {
		t.Skip("5,000-user tenant; run without -short")
	}
	w := newEntraWorldAs(t, version, 5000, 50)
	first := w.sync(false)
	if first.Users.Create < 4500 || first.Groups.Create != 50 {
		t.Fatalf("full sync: %s", views.Summary(first))
	}
	t.Logf("full sync of 5,000 users: Graph %d requests %v; Slack %d requests (%d writes)",
		w.tenant.Stats().Graph, w.tenant.Stats().Requests, w.slack.Stats().Total, w.slack.Stats().Writes)

	// No change: nothing planned but the retries of the records that fail
	// by design; Slack is asked only about those, and Graph reads them and
	// the delta streams.
	w.tenant.ResetStats()
	w.slack.ResetStats()
	p0 := w.sync(false)
	if p0.HasChanges() || len(p0.Operations) != first.Users.Failed+first.Groups.Failed {
		t.Fatalf("no-change incremental run planned %s, want only the %d retries", views.Summary(p0), first.Users.Failed+first.Groups.Failed)
	}
	for _, op := range p0.Operations {
		if !op.Retried {
			t.Errorf("%s %s failed in the first run but is not marked as retried", op.Kind, op.Name())
		}
	}
	if st := w.slack.Stats(); st.Writes != 0 || st.Total > 2*len(p0.Operations) {
		t.Errorf("no-change incremental run made %d Slack requests (%d writes) for %d retries: %v", st.Total, st.Writes, len(p0.Operations), st.Requests)
	}
	t.Logf("no-change incremental: Graph %d requests %v; Slack %d", w.tenant.Stats().Graph, w.tenant.Stats().Requests, w.slack.Stats().Total)
	if g := w.tenant.Stats().Requests; g["GET /users/delta"] > 2 || g["GET /groups/delta"] > 2 {
		t.Errorf("no-change incremental run: more than 2 Graph calls per delta stream: %v", g)
	}

	// Twenty directory changes, with Graph throttling every third request.
	synced := map[string]bool{}
	for _, u := range w.slack.Users() {
		if u.Active && u.ExternalID != "" {
			synced[u.ExternalID] = true
		}
	}
	direct, _ := w.tenant.Assigned()
	isDirect := map[string]bool{}
	for _, id := range direct {
		isDirect[id] = true
	}
	var viaGroup, directly []string
	for id := range synced {
		if isDirect[id] {
			directly = append(directly, id)
		} else {
			viaGroup = append(viaGroup, id)
		}
	}
	sort.Strings(viaGroup)
	sort.Strings(directly)
	if len(viaGroup) < 14 || len(directly) < 3 {
		t.Fatalf("sample too small: %d via groups, %d direct", len(viaGroup), len(directly))
	}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, id := range viaGroup[0:5] {
		must(w.tenant.UpdateUser(id, func(u *entraid.User) { u.JobTitle = "Promoted" }))
	}
	for _, id := range viaGroup[5:8] {
		must(w.tenant.DisableUser(id))
	}
	for _, id := range directly[0:3] {
		must(w.tenant.Unassign(id))
	}
	for i := 0; i < 3; i++ {
		id := w.tenant.AddUser(entraid.User{UserPrincipalName: fmt.Sprintf("hire%d@example.com", i), Mail: fmt.Sprintf("hire%d@example.com", i),
			GivenName: "New", Surname: fmt.Sprintf("Hire%d", i), DisplayName: "New Hire", AccountEnabled: true})
		must(w.tenant.AssignUser(id))
	}
	_, groups := w.tenant.Assigned()
	for i, id := range viaGroup[8:11] {
		// Move a member to another assigned group: still in scope, so only
		// the two Slack groups change.
		for _, g := range groups {
			if contains(w.tenant.GroupMembers(g), id) {
				must(w.tenant.AddMember(groups[(i*7+3)%len(groups)], id))
				break
			}
		}
	}
	for _, id := range viaGroup[11:14] {
		must(w.tenant.DeleteUser(id))
	}
	w.tenant.SetThrottle(3, 20*time.Millisecond)
	w.tenant.ResetStats()
	w.slack.ResetStats()
	p := w.sync(false)
	got := userActions(p)
	want := map[provision.Action]int{provision.ActionUpdate: 5, provision.ActionDeactivate: 9, provision.ActionCreate: 3}
	for a, n := range want {
		if got[a] != n {
			t.Errorf("%s: %d operations, want %d (%s)", a, got[a], n, views.Summary(p))
		}
	}
	if len(got) != len(want) {
		t.Errorf("unexpected user operations: %v", got)
	}
	if p.Groups.Update == 0 {
		t.Errorf("the membership moves changed no Slack group: %s", views.Summary(p))
	}
	es, ss := w.tenant.Stats(), w.slack.Stats()
	if es.Throttled == 0 {
		t.Error("Graph never throttled; the test proves nothing about throttling")
	}
	t.Logf("20-change incremental (Graph throttling every 3rd call): Graph %d requests (%d throttled) %v; Slack %d requests (%d reads, %d writes)",
		es.Graph, es.Throttled, es.Requests, ss.Total, ss.Reads, ss.Writes)
	w.tenant.SetThrottle(0, 0)
	if again := w.sync(true); again.HasChanges() {
		t.Fatalf("not converged after the incremental run: %s", views.Summary(again))
	}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func TestConnectionChecksEntra(t *testing.T) {
	w := newEntraWorld(t, 30, 2)
	check := func() *connectionReport {
		rep := &connectionReport{}
		checkSource(context.Background(), &w.cfg, w.graph.Client(), rep)
		return rep
	}
	t.Setenv("AZURE_CLIENT_SECRET", "test-secret")
	rep := check()
	for _, c := range rep.Checks {
		if c.Status != checkPass {
			t.Errorf("%s: %s %s (%s)", c.Name, c.Status, c.Detail, c.Fix)
		}
	}
	if len(rep.Checks) < 5 {
		t.Errorf("only %d Entra checks: %+v", len(rep.Checks), rep.Checks)
	}

	// A missing Graph permission is a credentials failure that names it.
	w.tenant.SetPermissions("User.Read.All", "Application.Read.All")
	rep = check()
	found := false
	for _, c := range rep.Checks {
		if c.Status == checkFail && strings.Contains(c.Name+c.Detail+c.Fix, "GroupMember.Read.All") {
			found = true
			if !c.credentials {
				t.Errorf("a missing permission must count as a credentials problem (exit 4): %+v", c)
			}
		}
	}
	if !found {
		t.Errorf("no check names the missing GroupMember.Read.All: %+v", rep.Checks)
	}
}

// The Entra client secret, stored once with `authorize --entra-secret-stdin`,
// is found in the real OS keychain by the Entra source, and logout removes it.
func TestEntraSecretInKeychain(t *testing.T) {
	if os.Getenv("SLACKPROV_TEST_KEYRING") != "1" {
		t.Skip("set SLACKPROV_TEST_KEYRING=1 and run under dbus-run-session with gnome-keyring unlocked to test the real OS keychain")
	}
	t.Setenv("AZURE_CLIENT_SECRET", "")
	w := newEntraWorld(t, 20, 2)
	w.cfg.Profile = fmt.Sprintf("entra-%d", time.Now().UnixNano())
	cfgPath := filepath.Join(t.TempDir(), "cfg.yaml")
	run := func(stdin string, args ...string) (int, string) {
		ios, in, out, errOut := TestStreams()
		in.WriteString(stdin)
		f := NewFactory()
		f.IO = ios
		code := Run(context.Background(), f, append([]string{"slackprov", "--config", cfgPath, "--profile", w.cfg.Profile}, args...))
		return code, out.String() + errOut.String()
	}
	if err := os.WriteFile(cfgPath, []byte("profiles:\n  "+w.cfg.Profile+": {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	check := func() bool {
		rep := &connectionReport{}
		checkSource(context.Background(), &w.cfg, w.graph.Client(), rep)
		return len(rep.Checks) > 0 && rep.Checks[0].Status == checkPass
	}
	if check() {
		t.Fatal("the Entra token was acquired without any secret")
	}
	if code, out := run("test-secret\n", "authorize", "--entra-secret-stdin"); code != ExitOK || strings.Contains(out, "test-secret") {
		t.Fatalf("authorize --entra-secret-stdin: exit %d: %s", code, out)
	}
	if !check() {
		t.Fatal("the Entra source did not use the secret from the keychain")
	}
	if code, out := run("", "logout"); code != ExitOK || !strings.Contains(out, "Removed the Entra client secret") {
		t.Fatalf("logout: exit %d: %s", code, out)
	}
	if check() {
		t.Fatal("the secret is still used after logout")
	}
}
