package scim_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/schema"
	"github.com/slackprov/slackprov/scim"
)

const emuToken = "xoxp-emulator-token"

// startEmulator serves a Slack emulator and returns a client for it. share is
// the client's RateShare; 0 keeps the default.
func startEmulator(t *testing.T, opts slackscim.Options, share float64) (*slackscim.Org, *scim.Client) {
	return startEmulatorAs(t, emuDialects[0], opts, share)
}

// emuDialect is one way an org can be reached: v2, v1, or a v2 URL for an
// org that answers only v1 (the client must switch by itself).
type emuDialect struct {
	name, path    string
	v2Unsupported bool
	want          string // the version the client ends up speaking
}

var emuDialects = []emuDialect{
	{name: "v2", path: "/scim/v2/", want: "v2"},
	{name: "v1", path: "/scim/v1/", want: "v1"},
	{name: "v2-unsupported", path: "/scim/v2/", v2Unsupported: true, want: "v1"},
}

// forDialects runs a test once per dialect.
func forDialects(t *testing.T, test func(t *testing.T, d emuDialect)) {
	for _, d := range emuDialects {
		t.Run(d.name, func(t *testing.T) { test(t, d) })
	}
}

func startEmulatorAs(t *testing.T, d emuDialect, opts slackscim.Options, share float64) (*slackscim.Org, *scim.Client) {
	t.Helper()
	opts.Token = emuToken
	opts.V2Unsupported = d.v2Unsupported
	slack := slackscim.New(opts)
	srv := httptest.NewServer(slack)
	t.Cleanup(srv.Close)
	c, err := scim.New(scim.Options{BaseURL: srv.URL + d.path, Token: emuToken, RateShare: share})
	if err != nil {
		t.Fatal(err)
	}
	return slack, c
}

func newPerson(i int) *scim.User {
	return scim.NewUser(map[string]string{
		schema.UserName:    fmt.Sprintf("person%d", i),
		schema.WorkEmail:   fmt.Sprintf("person%d@example.com", i),
		schema.GivenName:   "Person",
		schema.FamilyName:  fmt.Sprint(i),
		schema.Department:  "Engineering",
		schema.MobilePhone: "+1 555 0100",
	})
}

func TestEmulatorUserLifecycle(t *testing.T) { forDialects(t, testUserLifecycle) }

func testUserLifecycle(t *testing.T, d emuDialect) {
	_, c := startEmulatorAs(t, d, slackscim.Options{DisableRateLimits: true, EmailTakenDetail: true}, 0)
	ctx := context.Background()

	created, err := c.CreateUser(ctx, newPerson(1))
	if err != nil {
		t.Fatal(err)
	}
	if created.ID == "" || !created.IsActive() || created.Get(schema.Department) != "Engineering" ||
		created.Get(schema.MobilePhone) != "+1 555 0100" {
		t.Fatalf("created user = %+v", created)
	}

	_, err = c.CreateUser(ctx, newPerson(1))
	var e *scim.Error
	if !errors.As(err, &e) || e.Code != scim.CodeEmailTaken && e.Code != scim.CodeUsernameTaken {
		t.Fatalf("duplicate create: %v, want email_taken or username_taken", err)
	}
	if e.Code == scim.CodeEmailTaken && e.ExistingUserID != created.ID {
		t.Errorf("email_taken names %q, want %q", e.ExistingUserID, created.ID)
	}

	byName, err := c.FindUserByUserName(ctx, "PERSON1")
	if err != nil || byName == nil || byName.ID != created.ID {
		t.Fatalf("FindUserByUserName = %v, %v", byName, err)
	}
	byEmail, err := c.FindUserByEmail(ctx, "person1@example.com")
	if err != nil || byEmail == nil || byEmail.ID != created.ID {
		t.Fatalf("FindUserByEmail = %v, %v", byEmail, err)
	}
	if none, err := c.FindUserByEmail(ctx, "nobody@example.com"); none != nil || err != nil {
		t.Fatalf("FindUserByEmail(nobody) = %v, %v", none, err)
	}

	ops := scim.PatchFor(map[string]string{schema.Title: "CTO", schema.MobilePhone: "+1 555 0100", schema.WorkPhone: "+1 555 0199"},
		[]string{schema.Title, schema.WorkPhone})
	patched, err := c.PatchUser(ctx, created.ID, ops)
	if err != nil {
		t.Fatal(err)
	}
	if patched.Get(schema.Title) != "CTO" || patched.Get(schema.WorkPhone) != "+1 555 0199" || patched.Get(schema.MobilePhone) != "+1 555 0100" {
		t.Errorf("after patch: title %q mobile %q work %q", patched.Get(schema.Title), patched.Get(schema.MobilePhone), patched.Get(schema.WorkPhone))
	}

	// The address and role Entra's Slack app maps: written, read back, one
	// field changed.
	withAddress, err := c.PatchUser(ctx, created.ID, scim.PatchFor(map[string]string{
		schema.StreetAddress: "1 Main St", schema.Locality: "Scranton", schema.Region: "PA",
		schema.PostalCode: "18503", schema.Country: "US", schema.Role: "Tech Lead"},
		[]string{schema.StreetAddress, schema.Role}))
	if err != nil {
		t.Fatal(err)
	}
	moved, err := c.PatchUser(ctx, created.ID, scim.PatchFor(map[string]string{
		schema.StreetAddress: "1 Main St", schema.Locality: "Stamford", schema.Region: "PA",
		schema.PostalCode: "18503", schema.Country: "US"}, []string{schema.Locality}))
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []*scim.User{withAddress, moved} {
		if u.Get(schema.StreetAddress) != "1 Main St" || u.Get(schema.Country) != "US" || u.Get(schema.Role) != "Tech Lead" {
			t.Errorf("address %+v roles %+v", u.Addresses, u.Roles)
		}
	}
	if withAddress.Get(schema.Locality) != "Scranton" || moved.Get(schema.Locality) != "Stamford" {
		t.Errorf("locality %q then %q", withAddress.Get(schema.Locality), moved.Get(schema.Locality))
	}

	if err := c.DeactivateUser(ctx, created.ID); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetUser(ctx, created.ID)
	if err != nil || got.IsActive() {
		t.Fatalf("after deactivate: %+v, %v", got, err)
	}
	var listed []*scim.User
	if err := c.ListUsers(ctx, func(u *scim.User) error { listed = append(listed, u); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(listed) != 1 || listed[0].IsActive() {
		t.Errorf("list after deactivate: %d users", len(listed))
	}
	back, err := c.ReactivateUser(ctx, created.ID)
	if err != nil || !back.IsActive() {
		t.Fatalf("reactivate: %+v, %v", back, err)
	}

	if _, err := c.GetUser(ctx, "U0NOSUCH"); !scim.IsNotFound(err) {
		t.Errorf("GetUser(unknown) = %v, want not found", err)
	}
	if _, err := c.ServiceProviderConfig(ctx); err != nil {
		t.Errorf("ServiceProviderConfig: %v", err)
	}
	if c.Version() != d.want {
		t.Errorf("client speaks %s, want %s", c.Version(), d.want)
	}
}

func TestEmulatorUserNameTooLong(t *testing.T) { forDialects(t, testUserNameTooLong) }

func testUserNameTooLong(t *testing.T, d emuDialect) {
	_, c := startEmulatorAs(t, d, slackscim.Options{DisableRateLimits: true}, 0)
	u := newPerson(1)
	u.UserName = "a-very-long-username-over-21"
	_, err := c.CreateUser(context.Background(), u)
	if !scim.IsUserNameTooLong(err) {
		t.Fatalf("err = %v, want a userName-too-long error", err)
	}
}

func TestEmulatorWrongToken(t *testing.T) { forDialects(t, testWrongToken) }

func testWrongToken(t *testing.T, d emuDialect) {
	slack := slackscim.New(slackscim.Options{Token: emuToken, DisableRateLimits: true, V2Unsupported: d.v2Unsupported})
	srv := httptest.NewServer(slack)
	defer srv.Close()
	c, err := scim.New(scim.Options{BaseURL: srv.URL + d.path, Token: "xoxp-wrong"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetUser(context.Background(), "U1")
	if !scim.IsAuth(err) {
		t.Fatalf("err = %v, want an auth error", err)
	}
}

func TestEmulatorGroups(t *testing.T) { forDialects(t, testGroups) }

func testGroups(t *testing.T, d emuDialect) {
	_, c := startEmulatorAs(t, d, slackscim.Options{DisableRateLimits: true}, 0)
	ctx := context.Background()
	var ids []string
	for i := range 4 {
		u, err := c.CreateUser(ctx, newPerson(i))
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	g, err := c.CreateGroup(ctx, &scim.Group{DisplayName: "Engineering", Members: []scim.Ref{{Value: ids[0]}, {Value: ids[1]}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.AddGroupMembers(ctx, g.ID, ids[2:]); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveGroupMembers(ctx, g.ID, ids[:1]); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetGroup(ctx, g.ID)
	if err != nil {
		t.Fatal(err)
	}
	members := map[string]bool{}
	for _, m := range got.Members {
		members[m.Value] = true
	}
	if len(members) != 3 || members[ids[0]] || !members[ids[3]] {
		t.Errorf("members = %v, want %v", members, ids[1:])
	}
	renamed, err := c.PatchGroup(ctx, g.ID, []scim.PatchOp{{Op: "replace", Path: "displayName", Value: "Eng"}})
	if err != nil || renamed.DisplayName != "Eng" {
		t.Fatalf("rename: %+v, %v", renamed, err)
	}
	n := 0
	if err := c.ListGroups(ctx, func(*scim.Group) error { n++; return nil }); err != nil || n != 1 {
		t.Fatalf("ListGroups: %d groups, %v", n, err)
	}
	if err := c.DeleteGroup(ctx, g.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetGroup(ctx, g.ID); !scim.IsNotFound(err) {
		t.Errorf("GetGroup after delete = %v, want not found", err)
	}
}

// TestEmulatorBurstOfCreates sends 60 concurrent creates at an org with rate
// limits on. Every one must succeed: paced by the client's own limiter, or
// (when the client's share is generous) by obeying the emulator's 429s.
func TestEmulatorBurstOfCreates(t *testing.T) {
	const timeScale = 50
	for _, tc := range []struct {
		name  string
		share float64
	}{
		{"paced", 0.8 * timeScale},
		{"unpaced, obeying Retry-After", 1000},
	} {
		t.Run(tc.name, func(t *testing.T) {
			slack, c := startEmulator(t, slackscim.Options{TimeScale: timeScale}, tc.share)
			work := make(chan int)
			var wg sync.WaitGroup
			var mu sync.Mutex
			var errs []error
			for range 8 {
				wg.Go(func() {
					for i := range work {
						if _, err := c.CreateUser(context.Background(), newPerson(i)); err != nil {
							mu.Lock()
							errs = append(errs, err)
							mu.Unlock()
						}
					}
				})
			}
			for i := range 60 {
				work <- i
			}
			close(work)
			wg.Wait()
			if len(errs) > 0 {
				t.Fatalf("%d creates failed, first: %v", len(errs), errs[0])
			}
			st := slack.Stats()
			if st.AppliedWrites != 60 || len(slack.Users()) != 60 {
				t.Errorf("emulator applied %d writes and holds %d users, want 60", st.AppliedWrites, len(slack.Users()))
			}
			t.Logf("%d requests, %d answered 429", st.Total, st.TooManyRequests)
		})
	}
}

// TestEmulatorListRequestCount pins a full listing at one request per 1000
// users against the emulator's own paging.
func TestEmulatorListRequestCount(t *testing.T) {
	slack, c := startEmulator(t, slackscim.Options{DisableRateLimits: true}, 1000)
	ctx := context.Background()
	const n = 2100
	work := make(chan int)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range work {
				if _, err := c.CreateUser(ctx, newPerson(i)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	for i := range n {
		work <- i
	}
	close(work)
	wg.Wait()
	slack.ResetStats()
	seen := 0
	if err := c.ListUsers(ctx, func(*scim.User) error { seen++; return nil }); err != nil {
		t.Fatal(err)
	}
	if seen != n {
		t.Errorf("listed %d users, want %d", seen, n)
	}
	if got := slack.Stats().Requests["GET /Users"]; got != 3 {
		t.Errorf("listing %d users took %d requests, want 3", n, got)
	}
}
