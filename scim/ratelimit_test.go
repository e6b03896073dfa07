package scim

import (
	"context"
	"testing"
	"time"

	"golang.org/x/time/rate"
)

func TestEndpointClass(t *testing.T) {
	tests := []struct {
		method, resource string
		byID             bool
		want             string
		set              limitSet
		hasEndpointLimit bool
	}{
		{"GET", "Users", false, "GET /Users", setReads, false},
		{"GET", "Users", true, "GET /Users/{id}", setReads, true},
		{"POST", "Users", false, "POST /Users", setWrites, true},
		{"PUT", "Users", true, "PATCH /Users/{id}", setWrites, true},
		{"PATCH", "Users", true, "PATCH /Users/{id}", setWrites, true},
		{"DELETE", "Users", true, "DELETE /Users/{id}", setWrites, true},
		{"GET", "Groups", false, "GET /Groups", setReads, false},
		{"GET", "Groups", true, "GET /Groups/{id}", setReads, true},
		{"POST", "Groups", false, "POST /Groups", setWrites, true},
		{"PATCH", "Groups", true, "PATCH /Groups/{id}", setWrites, true},
		{"DELETE", "Groups", true, "DELETE /Groups/{id}", setWrites, true},
		{"GET", "ServiceProviderConfig", false, "GET /ServiceProviderConfig", setReads, false},
	}
	for _, tt := range tests {
		got := endpointClass(tt.method, tt.resource, tt.byID)
		_, has := endpointLimits[got]
		if got != tt.want || setOf(tt.method) != tt.set || has != tt.hasEndpointLimit {
			t.Errorf("%s %s byID=%v: class %q set %s limited %v; want %q %s %v",
				tt.method, tt.resource, tt.byID, got, setOf(tt.method), has, tt.want, tt.set, tt.hasEndpointLimit)
		}
	}
}

func TestLimitersScaleByShare(t *testing.T) {
	tests := []struct {
		share     float64
		class     string
		rate      rate.Limit
		burst     int
		setBurst  int
		setWrites bool
	}{
		{1, "POST /Users", 3, 20, 180, true},
		{0.8, "POST /Users", 2.4, 16, 144, true},
		{0.8, "PATCH /Groups/{id}", 2.4, 64, 144, true},
		{0.8, "GET /Users/{id}", 4, 240, 800, false},
		{0.01, "POST /Users", 0.03, 1, 2, true},
		{50, "DELETE /Users/{id}", 150, 20, 180, true},
	}
	for _, tt := range tests {
		ls := newLimiters(tt.share)
		l := ls.endpoints[tt.class]
		set := ls.sets[setReads]
		if tt.setWrites {
			set = ls.sets[setWrites]
		}
		if diff := float64(l.Limit() - tt.rate); diff > 1e-9 || diff < -1e-9 || l.Burst() != tt.burst || set.Burst() != tt.setBurst {
			t.Errorf("share %g %s: rate %v burst %d set burst %d; want %v %d %d",
				tt.share, tt.class, l.Limit(), l.Burst(), set.Burst(), tt.rate, tt.burst, tt.setBurst)
		}
	}
}

func TestLimiterWaitsOnBothBuckets(t *testing.T) {
	// The write set (burst 180 at share 1) is drained by another endpoint;
	// a DELETE, whose own bucket is full, must still wait for the set.
	ls := newLimiters(1)
	noSleep := func(context.Context, time.Duration) error { return nil }
	ctx := context.Background()
	for range 180 {
		if _, err := ls.wait(ctx, "PATCH /Groups/{id}", setWrites, false, noSleep); err != nil {
			t.Fatal(err)
		}
	}
	d, err := ls.wait(ctx, "DELETE /Users/{id}", setWrites, false, noSleep)
	if err != nil || d < 50*time.Millisecond {
		t.Errorf("DELETE after the write set drained waited %v (%v); want about 100ms", d, err)
	}
	if d, _ := ls.wait(ctx, "GET /Users", setReads, false, noSleep); d != 0 {
		t.Errorf("a read waited %v on the write set", d)
	}
}

func TestLimiterGivesUpBeforeDeadline(t *testing.T) {
	ls := newLimiters(0.01) // POST /Users: burst 1, one token every ~33s
	slept := false
	sleep := func(context.Context, time.Duration) error { slept = true; return nil }
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := ls.wait(ctx, "POST /Users", setWrites, false, sleep); err != nil {
		t.Fatal(err)
	}
	if _, err := ls.wait(ctx, "POST /Users", setWrites, false, sleep); err == nil || slept {
		t.Fatalf("second wait: err %v slept %v; want a deadline error without sleeping", err, slept)
	}
	// The refused reservation was returned: with the deadline gone, the next
	// caller waits one interval, not two.
	d, _ := ls.wait(context.Background(), "POST /Users", setWrites, false, sleep)
	if d > 40*time.Second {
		t.Errorf("next wait %v; the cancelled reservation was not returned", d)
	}
}

func TestCooldownSpacesRefusedRequests(t *testing.T) {
	ls := newLimiters(1)
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const class = "POST /Users"
	ra := 100 * time.Millisecond

	// Three requests refused at once take consecutive slots, not the same one.
	var got []time.Duration
	for range 3 {
		got = append(got, ls.refused(class, ra, now))
	}
	if got[0] != ra || got[1] != 2*ra || got[2] != 3*ra {
		t.Errorf("refused slots = %v, want 100ms 200ms 300ms", got)
	}
	// A newcomer queues behind them; another class does not.
	if d, booked := ls.queue(class, now); d != 4*ra || !booked {
		t.Errorf("newcomer waits %v (booked %v), want 400ms", d, booked)
	}
	if d, booked := ls.queue("PATCH /Users/{id}", now); d != 0 || booked {
		t.Errorf("other class waits %v (booked %v), want 0", d, booked)
	}
	for range 4 {
		ls.release(class)
	}
	// Once every slot is used, a lone request waits exactly its Retry-After,
	// even a shorter one than before.
	later := now.Add(time.Second)
	if d, booked := ls.queue(class, later); d != 0 || booked {
		t.Errorf("after the queue drained, a newcomer waits %v", d)
	}
	if d := ls.refused(class, 20*time.Millisecond, later); d != 20*time.Millisecond {
		t.Errorf("lone refused request waits %v, want 20ms", d)
	}
	ls.release(class)

	// A long Retry-After delays the first retry that long, the rest follow
	// a second apart.
	much := later.Add(time.Hour)
	got = got[:0]
	for range 3 {
		got = append(got, ls.refused(class, time.Minute, much))
	}
	if got[0] != time.Minute || got[1] != time.Minute+time.Second || got[2] != time.Minute+2*time.Second {
		t.Errorf("slots after a one-minute Retry-After = %v, want 1m 1m1s 1m2s", got)
	}
}

func TestWaitQueuesBehindRefusedRequests(t *testing.T) {
	ls := newLimiters(1000)
	ls.refused("POST /Users", time.Hour, time.Now())
	var slept time.Duration
	sleep := func(_ context.Context, d time.Duration) error { slept = d; return nil }
	if _, err := ls.wait(context.Background(), "POST /Users", setWrites, false, sleep); err != nil {
		t.Fatal(err)
	}
	if slept < time.Hour+time.Second-time.Millisecond || slept > time.Hour+time.Second {
		t.Errorf("newcomer slept %v, want an hour and a second (one slot behind the refused request)", slept)
	}
	slept = 0
	if _, err := ls.wait(context.Background(), "POST /Users", setWrites, true, sleep); err != nil || slept != 0 {
		t.Errorf("a retry that sat out its own slot waited again: %v, %v", slept, err)
	}
	if ls.cooldowns["POST /Users"].queued != 1 {
		t.Errorf("queued = %d, want 1 (the newcomer released its slot)", ls.cooldowns["POST /Users"].queued)
	}
}
