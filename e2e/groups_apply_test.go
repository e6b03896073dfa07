package e2e

import (
	"context"
	. "github.com/slackprov/slackprov/provision"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/store"
)

// A group create whose answer was lost is retried by a client and refused
// because the name exists: Apply adopts the group it created, links it and
// gives it its members, instead of failing the run.
func TestGroupCreateAdoptsAfterLostAnswer(t *testing.T) {
	forVersions(t, testGroupCreateAdoptsAfterLostAnswer)
}

func testGroupCreateAdoptsAfterLostAnswer(t *testing.T, version string) {
	slack := slackscim.New(slackscim.Options{Token: testToken, DisableRateLimits: true})
	var once sync.Once
	// The first POST /Groups reaches Slack and is applied; the answer that
	// comes back is the one a retry of it would get.
	front := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		lost := false
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/Groups") {
			once.Do(func() { lost = true })
		}
		if !lost {
			slack.ServeHTTP(w, r)
			return
		}
		slack.ServeHTTP(httptest.NewRecorder(), r)
		w.Header().Set("Content-Type", "application/scim+json")
		w.WriteHeader(http.StatusConflict)
		body := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"name_taken","status":"409"}`
		if version == "v1" {
			body = `{"Errors":{"description":"name_taken","code":409}}`
		}
		w.Write([]byte(body))
	})
	r := rigAt(t, version, front, slack, 100)
	snap := &directory.Snapshot{Users: []directory.User{person("a1", "Alice", "Smith"), person("b2", "Bob", "Jones")},
		Groups: []directory.Group{{ID: "g1", DisplayName: "Engineering", Members: []string{"a1", "b2"}}}}
	plan := Build(Input{Snapshot: snap, Mapping: defaults(t), MaxDeactivations: 50, Now: time.Now()})
	plan = mustApply(t, context.Background(), plan, ApplyOptions{Client: r.client, Store: r.store})
	for _, op := range plan.Operations {
		if op.Kind == KindGroup && (op.Status != StatusOK || !strings.HasPrefix(op.MatchedBy, "adopted after")) {
			t.Fatalf("group create: %+v", op)
		}
	}
	groups := slack.Groups()
	if len(groups) != 1 || len(groups[0].Members) != 2 {
		t.Fatalf("Slack groups = %+v", groups)
	}
	if links, _ := r.store.Links(context.Background(), "group"); links["g1"] != groups[0].ID {
		t.Errorf("group links = %v", links)
	}
}

// A group update whose only change is members that could not be created
// sends nothing, and is recorded as skipped, not as applied.
func TestGroupUpdateThatSendsNothingIsNotApplied(t *testing.T) {
	forVersions(t, testGroupUpdateThatSendsNothingIsNotApplied)
}

func testGroupUpdateThatSendsNothingIsNotApplied(t *testing.T, version string) {
	r := newRigAs(t, version, 100, &slackscim.Seed{Groups: []slackscim.SeedGroup{{DisplayName: "Engineering"}}})
	// "general" is a channel name, which Slack refuses as a userName.
	general := person("c3", "Gen", "Eral")
	general.UserPrincipalName, general.Mail = "general@example.com", "general@example.com"
	snap := &directory.Snapshot{Users: []directory.User{general},
		Groups: []directory.Group{{ID: "g1", DisplayName: "Engineering", Members: []string{"c3"}}}}
	p := r.plan(snap)
	p = mustApply(t, context.Background(), p, ApplyOptions{Client: r.client, Store: r.store, RunID: 0})
	var group Operation
	for _, op := range p.Operations {
		if op.Kind == KindGroup {
			group = op
		}
	}
	if group.Action != ActionUpdate || group.Status != StatusSkipped || !strings.Contains(group.Error, "has a Slack account") {
		t.Fatalf("group operation: %+v", group)
	}
	if p.Groups.Update != 0 || p.Groups.NotRun != 1 || p.Users.Failed != 1 {
		t.Errorf("counts: users %+v, groups %+v", p.Users, p.Groups)
	}
	if n := r.slack.Stats().Requests["PATCH /Groups/{id}"]; n != 0 {
		t.Errorf("%d group PATCHes sent", n)
	}
	logged, err := r.store.Log(context.Background(), store.LogFilter{SourceID: "g1"})
	if err != nil {
		t.Fatal(err)
	}
	// The existing group was matched by name, so it is linked first.
	var actions []string
	for _, e := range logged {
		actions = append(actions, e.Action+" "+e.Status)
	}
	if strings.Join(actions, ", ") != "link ok, update skipped" {
		t.Errorf("provisioning log for the group: %v", actions)
	}
}
