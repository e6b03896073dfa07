package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/views"
)

// fileWorld is a profile syncing a directory file into a Slack emulator,
// driven through the whole command line.
type fileWorld struct {
	t     *testing.T
	dir   string
	cfg   string
	slack *slackscim.Org
	srv   *httptest.Server
	// version is the SCIM version the profile speaks.
	version string
}

type dirUser struct {
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
	Mail              string `json:"mail"`
	GivenName         string `json:"givenName"`
	Surname           string `json:"surname"`
	DisplayName       string `json:"displayName,omitempty"`
	JobTitle          string `json:"jobTitle,omitempty"`
	Department        string `json:"department,omitempty"`
	AccountEnabled    bool   `json:"accountEnabled"`
}

type dirGroup struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"displayName"`
	Members     []string `json:"members"`
}

// people builds n directory users, u00…, named person00@example.com….
func people(n int) []dirUser {
	var us []dirUser
	for i := range n {
		mail := fmt.Sprintf("person%02d@example.com", i)
		us = append(us, dirUser{ID: fmt.Sprintf("u%02d", i), UserPrincipalName: mail, Mail: mail,
			GivenName: "Person", Surname: fmt.Sprintf("Number%02d", i), AccountEnabled: true})
	}
	return us
}

func newFileWorld(t *testing.T, opts slackscim.Options) *fileWorld {
	return newFileWorldAs(t, "v2", opts)
}

func newFileWorldAs(t *testing.T, version string, opts slackscim.Options) *fileWorld {
	t.Helper()
	opts.Token, opts.DisableRateLimits = EmulatorToken, true
	w := &fileWorld{t: t, dir: t.TempDir(), version: version}
	w.slack = slackscim.New(opts)
	w.srv = httptest.NewServer(w.slack)
	t.Cleanup(w.srv.Close)
	w.cfg = filepath.Join(w.dir, "cfg.yaml")
	w.pointAt(w.srv.URL)
	return w
}

// pointAt writes the profile's config for the Slack at url.
func (w *fileWorld) pointAt(url string) {
	w.t.Helper()
	cfg := "slack:\n  scim_url: " + url + "/scim/" + w.version + "/\n  rate_share: 100\n" +
		"source:\n  type: file\n  file:\n    path: people.json\nstate_dir: state\n"
	if err := os.WriteFile(w.cfg, []byte(cfg), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

func (w *fileWorld) directory(users []dirUser, groups []dirGroup) {
	w.t.Helper()
	if groups == nil {
		groups = []dirGroup{}
	}
	data, err := json.Marshal(map[string]any{"users": users, "groups": groups})
	if err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(w.dir, "people.json"), data, 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// run runs slackprov with args and returns its exit code and output.
func (w *fileWorld) run(args ...string) (code int, stdout, stderr string) {
	ios, _, out, errOut := TestStreams()
	f := NewFactory()
	f.IO = ios
	f.Getenv = func(k string) string {
		if k == "SLACKPROV_SLACK_TOKEN" {
			return EmulatorToken
		}
		return os.Getenv(k)
	}
	code = Run(context.Background(), f, append([]string{"slackprov", "--config", w.cfg}, args...))
	return code, out.String(), errOut.String()
}

// plan runs a dry run with --output json and returns the plan and exit code.
func (w *fileWorld) plan(args ...string) (*provision.Plan, int) {
	w.t.Helper()
	code, out, errOut := w.run(append([]string{"sync", "--dry-run", "--output", "json"}, args...)...)
	var p provision.Plan
	if err := json.Unmarshal([]byte(out), &p); err != nil {
		w.t.Fatalf("plan JSON (exit %d): %v\n%s%s", code, err, out, errOut)
	}
	return &p, code
}

func (w *fileWorld) mustRun(want int, args ...string) (stdout, stderr string) {
	w.t.Helper()
	code, out, errOut := w.run(args...)
	if code != want {
		w.t.Fatalf("slackprov %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out, errOut)
	}
	return out, errOut
}

// mustRefuse runs a command that must stop with exit 3 and send Slack no
// write; it returns stderr, which says why.
func (w *fileWorld) mustRefuse(args ...string) string {
	w.t.Helper()
	before := w.slack.Stats().Writes
	_, errOut := w.mustRun(ExitSafety, args...)
	if got := w.slack.Stats().Writes; got != before {
		w.t.Errorf("slackprov %s was refused but sent %d writes", strings.Join(args, " "), got-before)
	}
	return errOut
}

// groupMembers maps each Slack group's name to its members' emails, sorted.
func (w *fileWorld) groupMembers() map[string][]string {
	email := map[string]string{}
	for _, u := range w.slack.Users() {
		if len(u.Emails) > 0 {
			email[u.ID] = u.Emails[0]
		}
	}
	out := map[string][]string{}
	for _, g := range w.slack.Groups() {
		ms := []string{}
		for _, id := range g.Members {
			ms = append(ms, email[id])
		}
		sort.Strings(ms)
		out[g.DisplayName] = ms
	}
	return out
}

// TestBrownfieldFirstSyncFillsGroups: in an org where 5 of 20 people already
// have Slack accounts, the first sync puts all 20 in their groups, and the
// next dry run plans nothing.
func TestBrownfieldFirstSyncFillsGroups(t *testing.T) {
	forSCIMVersions(t, testBrownfieldFirstSyncFillsGroups)
}

func testBrownfieldFirstSyncFillsGroups(t *testing.T, version string) {
	users := people(20)
	seed := &slackscim.Seed{}
	for _, u := range users[:5] {
		// Their own handles, so only the email matches them.
		seed.Users = append(seed.Users, slackscim.SeedUser{UserName: "old." + u.ID, Email: u.Mail, GivenName: "Old", FamilyName: u.ID})
	}
	w := newFileWorldAs(t, version, slackscim.Options{Seed: seed})
	var a, b dirGroup
	a = dirGroup{ID: "g1", DisplayName: "Engineering"}
	b = dirGroup{ID: "g2", DisplayName: "Sales"}
	want := map[string][]string{}
	for i, u := range users {
		g := &a
		if i%2 == 1 {
			g = &b
		}
		g.Members = append(g.Members, u.ID)
		want[g.DisplayName] = append(want[g.DisplayName], u.Mail)
	}
	w.directory(users, []dirGroup{a, b})

	out, _ := w.mustRun(ExitOK, "sync", "--yes")
	if !strings.Contains(out, "5 existing Slack objects matched to directory objects were linked") {
		t.Errorf("the apply does not say it linked the 5 existing accounts:\n%s", out)
	}
	for name, members := range want {
		sort.Strings(members)
		if got := w.groupMembers()[name]; strings.Join(got, ",") != strings.Join(members, ",") {
			t.Errorf("Slack group %s has %v, want %v", name, got, members)
		}
	}
	if n := len(w.slack.Users()); n != 20 {
		t.Errorf("Slack has %d accounts, want 20 (15 created, 5 existing)", n)
	}
	p, code := w.plan("--detailed-exitcode")
	if code != ExitOK || len(p.Operations) != 0 || len(p.Links) != 0 {
		t.Errorf("the dry run after the first sync exits %d and plans %s, %d links", code, views.Summary(p), len(p.Links))
	}
}

// TestSecondOrgStops: the same profile pointed at another Slack org stops
// before writing, with exit 3, naming both orgs and the way out.
func TestSecondOrgStops(t *testing.T) { forSCIMVersions(t, testSecondOrgStops) }

func testSecondOrgStops(t *testing.T, version string) {
	w := newFileWorldAs(t, version, slackscim.Options{})
	w.directory(people(3), []dirGroup{{ID: "g1", DisplayName: "Everyone", Members: []string{"u00", "u01", "u02"}}})
	w.mustRun(ExitOK, "sync", "--yes")

	other := slackscim.New(slackscim.Options{Token: EmulatorToken, DisableRateLimits: true, TeamID: "T0SECOND", TeamName: "Production"})
	srv := httptest.NewServer(other)
	defer srv.Close()
	w.pointAt(srv.URL)
	for _, args := range [][]string{{"sync", "--yes"}, {"sync", "--dry-run"}} {
		_, errOut := w.mustRun(ExitSafety, args...)
		for _, want := range []string{"T0SECOND (Production)", "T0EMULATOR (Emulated Org)", "state reset", "--profile"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("%v: the refusal does not name %q:\n%s", args, want, errOut)
			}
		}
	}
	if st := other.Stats(); st.Writes != 0 || len(other.Users()) != 0 {
		t.Fatalf("the second org got %d writes and has %d users", st.Writes, len(other.Users()))
	}

	// The way out: reset the state, then the profile serves the new org.
	w.mustRun(ExitError, "state", "reset")
	out, _ := w.mustRun(ExitOK, "state", "reset", "--yes")
	if !strings.Contains(out, "T0EMULATOR") {
		t.Errorf("state reset does not say what it forgot:\n%s", out)
	}
	w.mustRun(ExitOK, "sync", "--yes")
	if n := len(other.Users()); n != 3 {
		t.Errorf("after the reset the new org has %d users, want 3", n)
	}
}

// TestSavedPlanAppliesOnce: the same saved plan applied twice sends its
// writes once; the second apply is refused and writes nothing.
func TestSavedPlanAppliesOnce(t *testing.T) { forSCIMVersions(t, testSavedPlanAppliesOnce) }

func testSavedPlanAppliesOnce(t *testing.T, version string) {
	w := newFileWorldAs(t, version, slackscim.Options{})
	w.directory(people(4), nil)
	plan := filepath.Join(w.dir, "plan.json")
	w.mustRun(ExitOK, "sync", "--dry-run", "--plan-out", plan)
	w.mustRun(ExitOK, "apply", "--yes", plan)
	if errOut := w.mustRefuse("apply", "--yes", plan); !strings.Contains(errOut, "already applied by run") {
		t.Errorf("the second apply does not say why it is refused:\n%s", errOut)
	}

	// A plan made before another run applied is out of date too.
	w.directory(people(5), nil)
	w.mustRun(ExitOK, "sync", "--dry-run", "--plan-out", plan)
	w.mustRun(ExitOK, "sync", "--yes")
	if errOut := w.mustRefuse("apply", "--yes", plan); !strings.Contains(errOut, "after this plan was made") {
		t.Errorf("an out-of-date plan was not refused:\n%s", errOut)
	}
}

// TestSavedPlanTargetChangedInSlack: a plan whose target changed in Slack
// since it was made is refused, naming the object, and nothing is written.
func TestSavedPlanTargetChangedInSlack(t *testing.T) {
	forSCIMVersions(t, testSavedPlanTargetChangedInSlack)
}

func testSavedPlanTargetChangedInSlack(t *testing.T, version string) {
	w := newFileWorldAs(t, version, slackscim.Options{})
	users := people(3)
	w.directory(users, nil)
	w.mustRun(ExitOK, "sync", "--yes")
	users[1].JobTitle = "Staff Engineer"
	w.directory(users, nil)
	plan := filepath.Join(w.dir, "plan.json")
	w.mustRun(ExitOK, "sync", "--dry-run", "--plan-out", plan)

	// Someone edits that account in Slack meanwhile.
	var id string
	for _, u := range w.slack.Users() {
		if u.ExternalID == "u01" {
			id = u.ID
		}
	}
	body := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":[{"op":"replace","path":"title","value":"Intern"}]}`
	req, _ := http.NewRequest(http.MethodPatch, w.srv.URL+"/scim/v2/Users/"+id, strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+EmulatorToken)
	req.Header.Set("Content-Type", "application/scim+json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("editing the account in Slack: %v %v", err, resp)
	}
	resp.Body.Close()

	errOut := w.mustRefuse("apply", "--yes", plan)
	if !strings.Contains(errOut, "person01") || !strings.Contains(errOut, "changed in Slack since the plan was made") {
		t.Errorf("the refusal does not name the changed account:\n%s", errOut)
	}
}

// TestSavedPlanRefusedFieldRemoved: apply runs the safety checks itself, so
// deleting the "refused" key from a refused plan file changes nothing.
func TestSavedPlanRefusedFieldRemoved(t *testing.T) {
	forSCIMVersions(t, testSavedPlanRefusedFieldRemoved)
}

func testSavedPlanRefusedFieldRemoved(t *testing.T, version string) {
	w := newFileWorldAs(t, version, slackscim.Options{})
	w.directory(people(6), nil)
	w.mustRun(ExitOK, "sync", "--yes")
	w.directory(people(2), nil)
	plan := filepath.Join(w.dir, "plan.json")
	w.mustRun(ExitSafety, "sync", "--dry-run", "--plan-out", plan, "--max-deactivations", "2")

	var raw map[string]any
	data, _ := os.ReadFile(plan)
	if err := json.Unmarshal(data, &raw); err != nil || raw["refused"] == nil {
		t.Fatalf("the saved plan is not refused: %v %v", err, raw["refused"])
	}
	delete(raw, "refused")
	data, _ = json.Marshal(raw)
	os.WriteFile(plan, data, 0o600)

	errOut := w.mustRefuse("apply", "--yes", "--max-deactivations", "2", plan)
	if !strings.Contains(errOut, "deactivates 4 users") {
		t.Errorf("the refusal does not say why:\n%s", errOut)
	}
}

// TestGroupDeletionsCountTowardThreshold: removing every group with the
// threshold at 0 is refused with exit 3 and no group is deleted.
func TestGroupDeletionsCountTowardThreshold(t *testing.T) {
	forSCIMVersions(t, testGroupDeletionsCountTowardThreshold)
}

func testGroupDeletionsCountTowardThreshold(t *testing.T, version string) {
	w := newFileWorldAs(t, version, slackscim.Options{})
	users := people(4)
	w.directory(users, []dirGroup{{ID: "g1", DisplayName: "Red", Members: []string{"u00", "u01"}},
		{ID: "g2", DisplayName: "Blue", Members: []string{"u02", "u03"}}})
	w.mustRun(ExitOK, "sync", "--yes")
	w.directory(users, nil)
	out, _ := w.mustRun(ExitSafety, "sync", "--yes", "--max-deactivations", "0")
	if !strings.Contains(out, "deletes 2 groups") {
		t.Errorf("the refusal does not name the group deletions:\n%s", out)
	}
	if n := len(w.slack.Groups()); n != 2 {
		t.Errorf("%d Slack groups left, want 2", n)
	}
}

// An org whose token gets unsupported_version from /scim/v2 is found to
// answer v1: test-connection says so, and sync provisions it over v1.
func TestV1OnlyOrgDetectedAndSynced(t *testing.T) {
	w := newFileWorld(t, slackscim.Options{V2Unsupported: true})
	w.directory(people(3), nil)
	// auth.test is not part of this (test-connection asks slack.com for it);
	// the SCIM checks are.
	code, out, errOut := w.run("test-connection")
	if !strings.Contains(out+errOut, "✓ SCIM version answering: this org answers SCIM v1 only") || !strings.Contains(out+errOut, "uses "+w.srv.URL+"/scim/v1/") {
		t.Fatalf("test-connection exit %d:\n%s%s", code, out, errOut)
	}
	w.mustRun(ExitOK, "sync", "--yes")
	if n := len(w.slack.Users()); n != 3 {
		t.Fatalf("Slack has %d users after sync, want 3", n)
	}
	if p, code := w.plan("--detailed-exitcode"); code != ExitOK || p.HasChanges() {
		t.Fatalf("second dry run plans changes (exit %d)", code)
	}
	st := w.slack.Stats()
	if st.AppliedWrites != 3 {
		t.Errorf("%d writes applied, want 3 creates", st.AppliedWrites)
	}
}
