package scim

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sync/atomic"
	"testing"
)

func TestListUsersPagesUntilTotalResults(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(2500)
	c, _ := f.start(t)
	seen := map[string]int{}
	if err := c.ListUsers(context.Background(), func(u *User) error { seen[u.ID]++; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2500 {
		t.Fatalf("got %d distinct users, want 2500", len(seen))
	}
	reqs := f.recorded()
	want := []string{"count=1000&startIndex=1", "count=1000&startIndex=1001", "count=1000&startIndex=2001"}
	if len(reqs) != len(want) {
		t.Fatalf("made %d requests, want %d", len(reqs), len(want))
	}
	for i, r := range reqs {
		if r.Query != want[i] {
			t.Errorf("request %d query = %q, want %q", i, r.Query, want[i])
		}
	}
}

func TestListUsersFollowsSmallerPages(t *testing.T) {
	// A server may clamp count below what we ask; paging must follow what
	// actually came back.
	f := newFakeSlack()
	f.pageCap = 400
	f.addUsers(1000)
	c, _ := f.start(t)
	n := 0
	if err := c.ListUsers(context.Background(), func(*User) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 1000 || len(f.recorded()) != 3 {
		t.Fatalf("got %d users in %d requests, want 1000 in 3", n, len(f.recorded()))
	}
}

func TestListUsersEmptyCollection(t *testing.T) {
	f := newFakeSlack()
	c, _ := f.start(t)
	n := 0
	if err := c.ListUsers(context.Background(), func(*User) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 0 || len(f.recorded()) != 1 {
		t.Fatalf("got %d users in %d requests, want 0 in 1", n, len(f.recorded()))
	}
}

func TestListUsersUnstablePaging(t *testing.T) {
	// Between pages a new user is inserted at the front, shifting everyone:
	// the first entry of page two repeats the last of page one.
	f := newFakeSlack()
	f.addUsers(1500)
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 2 {
			f.mu.Lock()
			f.users = append([]*User{{ID: "U99999", UserName: "newcomer"}}, f.users...)
			f.mu.Unlock()
		}
		return false
	}
	c, _ := f.start(t)
	seen := map[string]int{}
	if err := c.ListUsers(context.Background(), func(u *User) error { seen[u.ID]++; return nil }); err != nil {
		t.Fatal(err)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("user %s delivered %d times", id, n)
		}
	}
	if len(seen) != 1500 {
		t.Errorf("got %d distinct users, want 1500 (the newcomer lands before the cursor)", len(seen))
	}
}

func TestListUsersStopsOnEarlyEmptyPage(t *testing.T) {
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		var res []User
		if n == 1 {
			res = []User{{ID: "U1"}, {ID: "U2"}}
		}
		if n > 5 {
			t.Error("client kept paging after an empty page")
		}
		writeJSON(w, 200, map[string]any{"Resources": res, "totalResults": 5000, "startIndex": 1})
		return true
	}
	c, _ := f.start(t)
	n := 0
	if err := c.ListUsers(context.Background(), func(*User) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 2 || len(f.recorded()) != 2 {
		t.Fatalf("got %d users in %d requests, want 2 in 2", n, len(f.recorded()))
	}
}

func TestListUsersReturnsCallbackError(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(2500)
	c, _ := f.start(t)
	stop := errors.New("stop")
	n := 0
	err := c.ListUsers(context.Background(), func(*User) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 || len(f.recorded()) != 1 {
		t.Fatalf("err=%v after %d users and %d requests; want stop after 3 users, 1 request", err, n, len(f.recorded()))
	}
}

func TestListGroups(t *testing.T) {
	f := newFakeSlack()
	for i := range 1200 {
		f.groups = append(f.groups, &Group{ID: fmt.Sprintf("S%d", i), DisplayName: fmt.Sprintf("g%d", i), Members: []Ref{}})
	}
	c, _ := f.start(t)
	n := 0
	if err := c.ListGroups(context.Background(), func(*Group) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 1200 || len(f.recorded()) != 2 {
		t.Fatalf("got %d groups in %d requests, want 1200 in 2", n, len(f.recorded()))
	}
}

// TestListRequestCount pins the request budget of a full listing: one GET
// per 1000 users, which is what the sync's rate-limit planning assumes.
func TestListRequestCount(t *testing.T) {
	for _, n := range []int{0, 1, 999, 1000, 1001, 4500} {
		f := newFakeSlack()
		f.addUsers(n)
		c, _ := f.start(t)
		if err := c.ListUsers(context.Background(), func(*User) error { return nil }); err != nil {
			t.Fatal(err)
		}
		want := max(1, (n+999)/1000)
		if got := len(f.recorded()); got != want {
			t.Errorf("%d users: %d list requests, want %d", n, got, want)
		}
	}
}

func BenchmarkListUsers(b *testing.B) {
	f := newFakeSlack()
	f.addUsers(5000)
	c, _ := f.start(b)
	var requests atomic.Int64
	c.onRequest = func(RequestInfo) { requests.Add(1) }
	b.ResetTimer()
	for b.Loop() {
		if err := c.ListUsers(context.Background(), func(*User) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(requests.Load())/float64(b.N), "requests/op")
}
