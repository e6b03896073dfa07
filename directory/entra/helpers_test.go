package entra

import (
	"context"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/emulator/entraid"
)

// memWatermarks is an in-memory Watermarks.
type memWatermarks struct {
	mu sync.Mutex
	m  map[string]string
}

func (w *memWatermarks) Get(_ context.Context, key string) (string, bool, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	v, ok := w.m[key]
	return v, ok, nil
}

func (w *memWatermarks) Put(_ context.Context, key, value string) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.m == nil {
		w.m = map[string]string{}
	}
	w.m[key] = value
	return nil
}

// env is an emulated tenant served over TLS, as azidentity requires.
type env struct {
	t      *testing.T
	em     *entraid.Tenant
	srv    *httptest.Server
	wm     *memWatermarks
	sleeps []time.Duration
}

const testSecret = "s3cret-value"

func newEnv(t *testing.T, em *entraid.Tenant) *env {
	t.Helper()
	srv := httptest.NewTLSServer(em)
	t.Cleanup(srv.Close)
	return &env{t: t, em: em, srv: srv, wm: &memWatermarks{}}
}

// source builds a Source that authenticates with a client secret through
// azidentity against the emulator's token endpoint.
func (e *env) source(edit func(*Options)) *Source {
	e.t.Helper()
	opts := Options{
		TenantID: e.em.TenantID(), ClientID: "client-1", ClientSecret: testSecret, AppID: e.em.AppID(),
		GraphURL: e.srv.URL, AuthorityHost: e.srv.URL, HTTPClient: e.srv.Client(), Watermarks: e.wm,
		Sleep: func(_ context.Context, d time.Duration) error { e.sleeps = append(e.sleeps, d); return nil },
	}
	if edit != nil {
		edit(&opts)
	}
	s, err := New(opts)
	if err != nil {
		e.t.Fatalf("New: %v", err)
	}
	return s
}

// read reads and, when commit is set, commits like a successful apply.
func (e *env) read(s *Source, commit bool) *directory.Snapshot {
	e.t.Helper()
	snap, err := s.Read(context.Background())
	if err != nil {
		e.t.Fatalf("Read: %v", err)
	}
	if commit {
		if snap.Commit == nil {
			e.t.Fatal("snapshot has no Commit")
		}
		if err := snap.Commit(context.Background()); err != nil {
			e.t.Fatalf("Commit: %v", err)
		}
	}
	return snap
}

func userIDs(users []directory.User) []string {
	ids := []string{}
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	sort.Strings(ids)
	return ids
}

func findUser(users []directory.User, id string) *directory.User {
	for i := range users {
		if users[i].ID == id {
			return &users[i]
		}
	}
	return nil
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// fixture is a small tenant:
//
//	u1, u2  members of g1 (assigned); g1 also holds the nested group g2
//	u5      member of g2 only (not assigned: nested groups do not flow)
//	u3      assigned directly; u6 assigned directly and disabled
//	u4      not assigned
func fixture() *entraid.Tenant {
	em := entraid.New(entraid.Options{ClientID: "client-1", ClientSecret: testSecret, RetryAfter: 10 * time.Millisecond})
	add := func(id, name, title, manager string, enabled bool) {
		em.AddUser(entraid.User{ID: id, UserPrincipalName: id + "@contoso.com", Mail: id + "@contoso.com",
			DisplayName: name, GivenName: name, Surname: "Test", JobTitle: title, Manager: manager, AccountEnabled: enabled,
			Extra: map[string]string{"city": "Oslo"}})
	}
	add("u1", "Ann", "Engineer", "", true)
	add("u2", "Bob", "Designer", "u1", true)
	add("u3", "Cid", "Sales", "u1", true)
	add("u4", "Dee", "Support", "", true)
	add("u5", "Eve", "Nested", "", true)
	add("u6", "Fay", "Former", "", false)
	em.AddGroup("g2", "Nested group", "u5")
	em.AddGroup("g1", "Engineering", "u1", "u2", "g2")
	for _, err := range []error{em.AssignGroup("g1"), em.AssignUser("u3"), em.AssignUser("u6")} {
		if err != nil {
			panic(err)
		}
	}
	return em
}
