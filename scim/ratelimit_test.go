package scim

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"testing"
	"time"
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

// clock is a fake clock whose sleep advances it.
type clock struct{ t time.Time }

func newClock() *clock { return &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time { return c.t }

func (c *clock) sleep(_ context.Context, d time.Duration) error {
	c.t = c.t.Add(d)
	return nil
}

func (c *clock) limiters(share float64) *limiters {
	ls := newLimiters(share)
	ls.now = c.now
	ls.rand = func() float64 { return 0.5 } // paced requests exactly 1/rate apart
	for _, b := range ls.sets {
		b.last = c.t
	}
	return ls
}

func near(a, b float64) bool { return math.Abs(a-b) < 1e-6 }

func TestLimitersScaleByShare(t *testing.T) {
	tests := []struct {
		share    float64
		class    string
		set      limitSet
		rate     float64
		burst    float64
		setBurst float64
	}{
		{1, "POST /Users", setWrites, 3, 20, 180},
		{0.8, "POST /Users", setWrites, 2.4, 16, 144},
		{0.8, "PATCH /Groups/{id}", setWrites, 2.4, 64, 144},
		{0.8, "GET /Users/{id}", setReads, 4, 240, 800},
		{0.8, "GET /Users", setReads, 1000.0 / 60 * 0.8, 800, 800},
		{0.01, "POST /Users", setWrites, 0.03, 1, 1.8},
		{50, "DELETE /Users/{id}", setWrites, 150, 20, 180},
	}
	for _, tt := range tests {
		c := newClock()
		ls := c.limiters(tt.share)
		p := ls.pacer(tt.class, tt.set, c.now())
		if !near(p.ceiling, tt.rate) || !near(p.rate, tt.rate) || p.burst != tt.burst || ls.sets[tt.set].burst != tt.setBurst {
			t.Errorf("share %g %s: ceiling %v rate %v burst %v set burst %v; want %v %v %v",
				tt.share, tt.class, p.ceiling, p.rate, p.burst, ls.sets[tt.set].burst, tt.rate, tt.burst, tt.setBurst)
		}
	}
}

func TestLimiterPacesAfterBurst(t *testing.T) {
	c := newClock()
	ls := c.limiters(1)
	ctx := context.Background()
	for i := range 20 {
		if d, err := ls.wait(ctx, "POST /Users", setWrites, c.sleep); d != 0 || err != nil {
			t.Fatalf("create %d inside the burst waited %v (%v)", i+1, d, err)
		}
	}
	for i := range 3 {
		start := c.now()
		if _, err := ls.wait(ctx, "POST /Users", setWrites, c.sleep); err != nil {
			t.Fatal(err)
		}
		if got := c.now().Sub(start); got < 333*time.Millisecond || got > 334*time.Millisecond {
			t.Errorf("create %d after the burst waited %v, want 1/3 s", 21+i, got)
		}
	}
}

func TestLimiterWaitsOnBothBuckets(t *testing.T) {
	// The write set (burst 180 at share 1) is drained by another endpoint;
	// a DELETE, whose own bucket is full, must still wait for the set.
	c := newClock()
	ls := c.limiters(1)
	ctx := context.Background()
	for range 180 {
		ls.sets[setWrites].reserve(c.now(), 1)
	}
	d, err := ls.wait(ctx, "DELETE /Users/{id}", setWrites, c.sleep)
	if err != nil || d != 100*time.Millisecond {
		t.Errorf("DELETE after the write set drained waited %v (%v); want 100ms", d, err)
	}
	if d, _ := ls.wait(ctx, "GET /Users", setReads, c.sleep); d != 0 {
		t.Errorf("a read waited %v on the write set", d)
	}
}

func TestLimiterGivesUpBeforeDeadline(t *testing.T) {
	c := newClock()
	ls := c.limiters(0.01) // POST /Users: burst 1, one token every ~33s
	slept := false
	sleep := func(context.Context, time.Duration) error { slept = true; return nil }
	ctx, cancel := context.WithDeadline(context.Background(), c.now().Add(time.Second))
	defer cancel()
	if _, err := ls.wait(ctx, "POST /Users", setWrites, sleep); err != nil {
		t.Fatal(err)
	}
	if _, err := ls.wait(ctx, "POST /Users", setWrites, sleep); err == nil || slept {
		t.Fatalf("second wait: err %v slept %v; want a deadline error without sleeping", err, slept)
	}
	// The refused reservation was returned: the next caller waits one
	// interval, not two.
	d, _ := ls.wait(context.Background(), "POST /Users", setWrites, sleep)
	if d > 40*time.Second {
		t.Errorf("next wait %v; the cancelled reservation was not returned", d)
	}
}

// TestPacerAfter429 walks one class through 429s on a fake clock.
func TestPacerAfter429(t *testing.T) {
	type step struct {
		ok      int           // successes, evenly spaced over gap
		gap     time.Duration // time they span
		refuse  time.Duration // then a 429 with this Retry-After (0: none)
		rate    float64       // the class's rate afterwards
		nextAt  time.Duration // the next reservation, from the step's end (-1: not checked)
		comment string
	}
	tests := []struct {
		name  string
		steps []step
	}{
		{"a 429 cuts below the accepted rate and gates for Retry-After", []step{
			{ok: 11, gap: 5 * time.Second, refuse: time.Second, rate: 2 * cutFactor, nextAt: time.Second,
				comment: "11 successes in 5 s: 2/s accepted, cut to 1.8/s, first request at the gate"},
		}},
		{"requests refused together cut once", []step{
			{ok: 11, gap: 5 * time.Second, refuse: time.Second, rate: 2 * cutFactor, nextAt: -1},
			{refuse: 2 * time.Second, rate: 2 * cutFactor, nextAt: 2 * time.Second,
				comment: "a second 429 before any success: no second cut, the gate moves to the later Retry-After"},
		}},
		{"a storm cuts once however long it lasts", []step{
			{ok: 11, gap: 5 * time.Second, refuse: time.Second, rate: 2 * cutFactor, nextAt: -1},
			{gap: time.Second, refuse: time.Second, rate: 2 * cutFactor, nextAt: -1},
			{gap: time.Second, refuse: time.Second, rate: 2 * cutFactor, nextAt: -1},
			{gap: time.Second, refuse: time.Second, rate: 2 * cutFactor, nextAt: time.Second},
			{ok: 2, gap: 2 * time.Second, rate: 2 - 0.4*math.Exp(-2) + 3*climbPerSecond, nextAt: -1,
				comment: "a second after the storm's last gate the rate is back near the accepted peak (2/s)"},
		}},
		{"no climb before the gate", []step{
			{ok: 11, gap: 5 * time.Second, refuse: time.Second, rate: 2 * cutFactor, nextAt: -1},
			{ok: 1, gap: 500 * time.Millisecond, rate: 2 * cutFactor, nextAt: -1},
		}},
		{"the rate climbs back to the ceiling and no further", []step{
			{ok: 11, gap: 5 * time.Second, refuse: time.Second, rate: 2 * cutFactor, nextAt: -1},
			{ok: 2, gap: 2 * time.Second, rate: 2.2 - 0.6*math.Exp(-2) + 3*climbPerSecond, nextAt: -1,
				comment: "fast toward the accepted peak (12 successes in 5 s) from the gate on, a second into the gap"},
			{ok: 2, gap: time.Minute, rate: 3, nextAt: -1},
		}},
		{"a cut never goes below the floor", []step{
			{ok: 2, gap: 29 * time.Second, refuse: time.Second, rate: 3 * floorShare, nextAt: -1},
		}},
		{"no accepted rate yet: the cut applies to the current rate", []step{
			{refuse: time.Second, rate: 3 * cutFactor, nextAt: time.Second},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newClock()
			ls := c.limiters(1)
			const class = "POST /Users"
			p := ls.pacer(class, setWrites, c.now())
			p.tokens = 0 // the burst is spent: reservations show the pacing
			for i, s := range tt.steps {
				start := c.now()
				for k := range s.ok {
					if s.ok > 1 {
						c.t = start.Add(s.gap * time.Duration(k) / time.Duration(s.ok-1))
					}
					ls.succeeded(class, setWrites)
				}
				c.t = start.Add(s.gap)
				if s.refuse > 0 {
					if d := ls.refused(class, setWrites, s.refuse); d < s.refuse {
						t.Errorf("step %d: refused asks for %v, want at least %v", i, d, s.refuse)
					}
				}
				if !near(p.rate, s.rate) {
					t.Errorf("step %d (%s): rate %v, want %v", i, s.comment, p.rate, s.rate)
				}
				if s.nextAt >= 0 {
					at, _ := ls.reserve(class, setWrites, c.now())
					if got := at.Sub(c.now()); got != s.nextAt {
						t.Errorf("step %d (%s): next request at +%v, want +%v", i, s.comment, got, s.nextAt)
					}
					again, _ := ls.reserve(class, setWrites, c.now())
					if want := at.Add(time.Duration(float64(time.Second) / p.rate)); again.Sub(want).Abs() > time.Microsecond {
						t.Errorf("step %d: the request after the gate at %v, want %v (the rate, no burst)", i, again.Sub(at), want.Sub(at))
					}
				}
			}
		})
	}
}

func TestWaitRequeuesBehindA429(t *testing.T) {
	// A request sleeping on its reservation when another is refused queues
	// again behind the Retry-After instead of going at its old time.
	c := newClock()
	ls := c.limiters(1)
	const class = "POST /Users"
	ls.pacer(class, setWrites, c.now()).tokens = 0
	refusedOnce := false
	sleep := func(ctx context.Context, d time.Duration) error {
		if !refusedOnce {
			refusedOnce = true
			ls.refused(class, setWrites, 5*time.Second)
		}
		return c.sleep(ctx, d)
	}
	start := c.now()
	if _, err := ls.wait(context.Background(), class, setWrites, sleep); err != nil {
		t.Fatal(err)
	}
	if got := c.now().Sub(start); got != 5*time.Second {
		t.Errorf("the waiter went at +%v, want +5s (the gate)", got)
	}
}

// orgBucket is Slack's token bucket for one endpoint as the reference
// describes it: a refused request is not charged, and Retry-After is the
// wait for the next token in whole seconds, at least one.
type orgBucket struct {
	bucket
	refused int
}

func (b *orgBucket) take(now time.Time) (ok bool, retryAfter time.Duration) {
	b.tokens = min(b.burst, b.tokens+b.rate*now.Sub(b.last).Seconds())
	b.last = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	b.refused++
	secs := math.Max(1, math.Ceil((1-b.tokens)/b.rate))
	return false, time.Duration(secs) * time.Second
}

// orgSim is a discrete-event run of four workers creating users through the
// limiter while another app spends a fixed part of the same org's POST /Users
// budget (180/min), retrying its 429s after Retry-After as Entra or Okta do.
// Every request reaches Slack after a network delay: fixed (a local
// emulator) or random (Slack across the internet).
type orgSim struct {
	clock       *clock
	ls          *limiters
	org         *orgBucket
	rnd         *rand.Rand
	otherPerMin float64
	// every request reaches Slack after delay plus up to spread more
	delay, spread time.Duration
}

type simResult struct {
	oursPerMin             float64 // after the warm-up
	otherDone, otherWanted int
	ourFailed, otherFailed int // operations that ran out of 429 waits
	refused                int
}

func (s *orgSim) latency() time.Duration {
	if s.spread == 0 {
		return s.delay
	}
	return s.delay + time.Duration(s.rnd.Int64N(int64(s.spread)))
}

func (s *orgSim) run(length, warmup time.Duration) simResult {
	const (
		class   = "POST /Users"
		workers = 4
		maxWait = 20 // 429s one operation may sit out (defaultMax429)
	)
	start := s.clock.now()
	end := start.Add(length)
	// An actor is a worker or the other app: its next event is at at.
	type actor struct {
		at    time.Time
		other bool
		epoch int
		state int // 0: reserve, 1: reservation due, 2: request arriving at Slack
		waits int
		due   time.Time // the other app's schedule
	}
	var actors []*actor
	for range workers {
		actors = append(actors, &actor{at: start})
	}
	var res simResult
	interval := time.Duration(0)
	if s.otherPerMin > 0 {
		interval = time.Duration(float64(time.Minute) / s.otherPerMin)
		actors = append(actors, &actor{at: start, other: true, due: start})
		res.otherWanted = int(float64(length) / float64(interval))
	}
	ours := 0
	for {
		a := actors[0]
		for _, x := range actors[1:] {
			if x.at.Before(a.at) {
				a = x
			}
		}
		s.clock.t = a.at
		now := a.at
		if now.After(end) {
			break
		}
		switch {
		case a.other && a.state == 0:
			a.state, a.at = 2, now.Add(s.latency())
		case a.other:
			a.state = 0
			if ok, ra := s.org.take(now); ok {
				res.otherDone++
				a.waits = 0
				a.due = a.due.Add(interval)
				a.at = later(a.due, now)
			} else {
				if a.waits++; a.waits > maxWait {
					res.otherFailed++
					a.waits = 0
					a.due = a.due.Add(interval)
				}
				a.at = later(a.due, now.Add(ra))
			}
		case a.state == 0:
			a.at, a.epoch = s.ls.reserve(class, setWrites, now)
			a.at = later(a.at, now)
			a.state = 1
		case a.state == 1:
			if !s.ls.current(class, a.epoch) {
				s.ls.unreserve(class, setWrites, a.epoch)
				a.state = 0
				continue
			}
			a.state, a.at = 2, now.Add(s.latency())
		default:
			a.state = 0
			if ok, ra := s.org.take(now); ok {
				s.ls.succeeded(class, setWrites)
				if now.Sub(start) >= warmup {
					ours++
				}
				a.waits = 0
			} else {
				pause := s.ls.refused(class, setWrites, ra)
				if a.waits++; a.waits > maxWait {
					res.ourFailed++
					a.waits = 0
				}
				a.at = now.Add(pause)
			}
		}
	}
	res.oursPerMin = float64(ours) / (length - warmup).Minutes()
	res.refused = s.org.refused
	return res
}

// TestPacerSharesOrgWithCompetitor: slackprov must take at least 95% of what
// the other app leaves and never cost it (or itself) an operation.
// bench/ratelimit.sh measures the same against the emulator at real speed.
func TestPacerSharesOrgWithCompetitor(t *testing.T) {
	networks := []struct{ delay, spread time.Duration }{{time.Millisecond, 0}, {20 * time.Millisecond, 60 * time.Millisecond}}
	for _, otherPerMin := range []float64{0, 30, 60, 120} {
		for i := range 6 {
			seed, net := uint64(i), networks[i%2]
			t.Run(fmt.Sprintf("other app %g per min, delay %v+%v, seed %d", otherPerMin, net.delay, net.spread, seed), func(t *testing.T) {
				c := newClock()
				ls := c.limiters(1)
				rnd := rand.New(rand.NewPCG(seed, 1))
				ls.rand = rnd.Float64
				sim := &orgSim{clock: c, ls: ls, org: &orgBucket{bucket: newBucket(3, 20, c.now())},
					rnd: rnd, otherPerMin: otherPerMin, delay: net.delay, spread: net.spread}
				r := sim.run(10*time.Minute, time.Minute)
				left := 180 - otherPerMin
				if r.oursPerMin < 0.95*left {
					t.Errorf("slackprov sustained %.1f creates/min of the %.0f left (%.1f%%), want at least 95%%", r.oursPerMin, left, 100*r.oursPerMin/left)
				}
				if r.ourFailed > 0 || r.otherFailed > 0 {
					t.Errorf("operations out of 429 waits: slackprov %d, the other app %d", r.ourFailed, r.otherFailed)
				}
				if float64(r.otherDone) < 0.97*float64(r.otherWanted) {
					t.Errorf("the other app completed %d of its %d operations", r.otherDone, r.otherWanted)
				}
				t.Logf("slackprov %.1f/min of %.0f left (%.1f%%); other app %d/%d; org answered %d 429s", r.oursPerMin, left, 100*r.oursPerMin/left, r.otherDone, r.otherWanted, r.refused)
			})
		}
	}
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
