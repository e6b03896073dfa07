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
		{50, "DELETE /Users/{id}", 150, 1000, 9000, true},
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
		if _, err := ls.wait(ctx, "PATCH /Groups/{id}", setWrites, noSleep); err != nil {
			t.Fatal(err)
		}
	}
	d, err := ls.wait(ctx, "DELETE /Users/{id}", setWrites, noSleep)
	if err != nil || d < 50*time.Millisecond {
		t.Errorf("DELETE after the write set drained waited %v (%v); want about 100ms", d, err)
	}
	if d, _ := ls.wait(ctx, "GET /Users", setReads, noSleep); d != 0 {
		t.Errorf("a read waited %v on the write set", d)
	}
}

func TestLimiterGivesUpBeforeDeadline(t *testing.T) {
	ls := newLimiters(0.01) // POST /Users: burst 1, one token every ~33s
	slept := false
	sleep := func(context.Context, time.Duration) error { slept = true; return nil }
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	if _, err := ls.wait(ctx, "POST /Users", setWrites, sleep); err != nil {
		t.Fatal(err)
	}
	if _, err := ls.wait(ctx, "POST /Users", setWrites, sleep); err == nil || slept {
		t.Fatalf("second wait: err %v slept %v; want a deadline error without sleeping", err, slept)
	}
	// The refused reservation was returned: with the deadline gone, the next
	// caller waits one interval, not two.
	d, _ := ls.wait(context.Background(), "POST /Users", setWrites, sleep)
	if d > 40*time.Second {
		t.Errorf("next wait %v; the cancelled reservation was not returned", d)
	}
}
