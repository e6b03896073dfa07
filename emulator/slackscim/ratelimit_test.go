package slackscim

import (
	"net/http"
	"sync"
	"testing"
	"time"
)

// fakeClock is a settable clock for tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

func route(method, resource string, hasID bool) scimRoute {
	return scimRoute{method: method, resource: resource, hasID: hasID, id: "X"}
}

func TestSlackRateLimitHTTP429(t *testing.T) {
	tests := []struct {
		name       string
		scale      float64
		retryAfter string
		refill     time.Duration
	}{
		// POST /Users: 180/min = 3/s, burst 20. An empty bucket needs 1/3 s.
		{"real speed whole seconds", 0, "1", 334 * time.Millisecond},
		{"scaled decimal seconds", 20, "0.017", 17 * time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock()
			c := newTestSlack(t, Options{RateLimits: true, TimeScale: tt.scale, Now: clock.Now})
			for i := range 20 {
				r := c.do("POST", "/scim/v2/Users", userBody("user"+string(rune('a'+i)), "u"+string(rune('a'+i))+"@example.com"))
				if r.status != http.StatusCreated {
					t.Fatalf("create %d within burst: %d %s", i, r.status, r.raw)
				}
			}
			r := c.do("POST", "/scim/v2/Users", userBody("over", "over@example.com"))
			expectError(t, r, http.StatusTooManyRequests, "too_many_requests")
			if got := r.header.Get("Retry-After"); got != tt.retryAfter {
				t.Fatalf("Retry-After = %q, want %q", got, tt.retryAfter)
			}
			if len(c.slack.Users()) != 20 {
				t.Fatal("a rate-limited create must not be applied")
			}
			if r := c.do("GET", "/scim/v2/Users", ""); r.status != 200 {
				t.Fatalf("reads have their own set: %d", r.status)
			}
			clock.Advance(tt.refill)
			if r := c.do("POST", "/scim/v2/Users", userBody("over", "over@example.com")); r.status != http.StatusCreated {
				t.Fatalf("after waiting Retry-After: %d %s", r.status, r.raw)
			}
			if st := c.slack.Stats(); st.TooManyRequests != 1 {
				t.Fatalf("TooManyRequests = %d, want 1", st.TooManyRequests)
			}
		})
	}
}

func TestScimLimiterSetsAndEndpoints(t *testing.T) {
	clock := newFakeClock()
	l := newScimLimiter(clock.Now, 1)
	take := func(rt scimRoute, n int) int {
		ok := 0
		for range n {
			if granted, _ := l.take(rt); granted {
				ok++
			}
		}
		return ok
	}
	getUser := route("GET", "Users", true)
	listUsers := route("GET", "Users", false)
	// GET /Users/{id}: endpoint burst 300 binds before the read set's 1000.
	if got := take(getUser, 301); got != 300 {
		t.Fatalf("GET /Users/{id} granted %d of 301, want 300", got)
	}
	// The rest of the read set goes to list calls, which have no endpoint row.
	// Exactly 700 proves the refused 301st GET was not charged to the set.
	if got := take(listUsers, 701); got != 700 {
		t.Fatalf("GET /Users granted %d of 701, want 700", got)
	}
	_, wait := l.take(listUsers)
	if want := 60 * time.Millisecond; wait != want { // 1000/min ≈ 16.7 tokens/s
		t.Fatalf("read set wait = %v, want %v", wait, want)
	}

	// Writes: every endpoint burst adds up to the set's 180.
	writes := []struct {
		rt    scimRoute
		burst int
	}{
		{route("POST", "Users", false), 20}, {route("PATCH", "Users", true), 20}, {route("DELETE", "Users", true), 20},
		{route("POST", "Groups", false), 20}, {route("PUT", "Groups", true), 80}, {route("DELETE", "Groups", true), 20},
	}
	for _, w := range writes {
		if got := take(w.rt, w.burst+1); got != w.burst {
			t.Fatalf("%s granted %d, want burst %d", w.rt.class(), got, w.burst)
		}
	}
	if got := take(route("PUT", "Users", true), 1); got != 0 {
		t.Fatal("PUT and PATCH /Users/{id} share one bucket")
	}
	// One second later the set has 10 tokens and each endpoint 3: the set binds.
	clock.Advance(time.Second)
	granted := take(route("POST", "Users", false), 3) + take(route("PATCH", "Users", true), 3) +
		take(route("DELETE", "Users", true), 3) + take(route("POST", "Groups", false), 3)
	if granted != 10 {
		t.Fatalf("granted %d writes after 1s, want 10 (the write set's 600/min)", granted)
	}
	if got := take(route("DELETE", "Groups", true), 1); got != 0 {
		t.Fatal("the write set must refuse even when the endpoint bucket has tokens")
	}
}

func TestScimFormatRetryAfter(t *testing.T) {
	tests := []struct {
		wait  time.Duration
		scale float64
		want  string
	}{
		{333 * time.Millisecond, 1, "1"},
		{1500 * time.Millisecond, 1, "2"},
		{0, 1, "1"},
		{3 * time.Second, 0.5, "3"},
		{16666667 * time.Nanosecond, 20, "0.017"},
		{125 * time.Millisecond, 20, "0.125"},
		{2500 * time.Millisecond, 20, "2.5"},
		{100 * time.Microsecond, 20, "0.001"},
	}
	for _, tt := range tests {
		if got := scimFormatRetryAfter(tt.wait, tt.scale); got != tt.want {
			t.Errorf("scimFormatRetryAfter(%v, %v) = %q, want %q", tt.wait, tt.scale, got, tt.want)
		}
	}
}

func TestSlackResourceLock(t *testing.T) {
	c := newTestSlack(t, Options{})
	a := c.createUser(userBody("amy", "amy@example.com"))
	b := c.createUser(userBody("bob", "bob@example.com"))
	gid := c.do("POST", "/scim/v2/Groups", groupBody("Eng", a)).body["id"].(string)
	patch := patchBody(`{"op":"replace","path":"title","value":"x"}`)

	release, ok := c.slack.locks.acquire("Users/" + a)
	if !ok {
		t.Fatal("lock unexpectedly busy")
	}
	r := c.do("PATCH", "/scim/v2/Users/"+a, patch)
	expectError(t, r, http.StatusTooManyRequests, "too_many_requests")
	if r.header.Get("Retry-After") == "" {
		t.Fatal("lock 429 without Retry-After")
	}
	expectError(t, c.do("DELETE", "/scim/v2/Users/"+a, ""), http.StatusTooManyRequests, "too_many_requests")
	if r := c.do("GET", "/scim/v2/Users/"+a, ""); r.status != 200 {
		t.Fatalf("reads ignore the write lock: %d", r.status)
	}
	if r := c.do("PATCH", "/scim/v2/Users/"+b, patch); r.status != 200 {
		t.Fatalf("another user is not locked: %d", r.status)
	}
	release()
	if r := c.do("PATCH", "/scim/v2/Users/"+a, patch); r.status != 200 {
		t.Fatalf("after release: %d %s", r.status, r.raw)
	}

	release, _ = c.slack.locks.acquire("Groups/" + gid)
	expectError(t, c.do("PATCH", "/scim/v2/Groups/"+gid, patchBody(`{"op":"remove","path":"members"}`)), http.StatusTooManyRequests, "resource_locked")
	release()
	if st := c.slack.Stats(); st.Locked != 3 || st.TooManyRequests != 3 {
		t.Fatalf("Locked = %d, TooManyRequests = %d, want 3 and 3", st.Locked, st.TooManyRequests)
	}
}

// With latency, a write is in flight long enough for a second write to the
// same user to collide, as against Slack.
func TestSlackConcurrentWritesToSameUser(t *testing.T) {
	c := newTestSlack(t, Options{})
	a := c.createUser(userBody("amy", "amy@example.com"))
	c.slack.SetFaults(Faults{Latency: 500 * time.Millisecond})
	patch := patchBody(`{"op":"replace","path":"title","value":"x"}`)

	first := make(chan scimTestResp, 1)
	go func() {
		r, err := c.send("PATCH", "/scim/v2/Users/"+a, patch)
		if err != nil {
			t.Errorf("first PATCH: %v", err)
		}
		first <- r
	}()
	for !c.slack.lockHeld("Users/" + a) {
		time.Sleep(time.Millisecond)
	}
	expectError(t, c.do("PATCH", "/scim/v2/Users/"+a, patch), http.StatusTooManyRequests, "too_many_requests")
	if r := <-first; r.status != 200 {
		t.Fatalf("first PATCH: %d %s", r.status, r.raw)
	}
}

func (s *Org) lockHeld(key string) bool {
	s.locks.mu.Lock()
	defer s.locks.mu.Unlock()
	return s.locks.busy[key]
}
