package scim

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"sync"
	"time"
)

// limitSet names one of Slack's org-wide rate-limit sets.
type limitSet string

const (
	setReads  limitSet = "reads"
	setWrites limitSet = "writes"
)

// limit is one row of Slack's published rate-limit tables (reference §6).
type limit struct {
	perMinute float64
	burst     int
}

// setLimits are the org-wide sets every request counts toward.
var setLimits = map[limitSet]limit{
	setReads:  {perMinute: 1000, burst: 1000},
	setWrites: {perMinute: 600, burst: 180},
}

// endpointLimits are the per-endpoint limits applied on top of the sets,
// keyed by endpoint class (see endpointClass). Lists and discovery have no
// row: only their set applies.
var endpointLimits = map[string]limit{
	"GET /Users/{id}":     {perMinute: 300, burst: 300},
	"POST /Users":         {perMinute: 180, burst: 20},
	"PATCH /Users/{id}":   {perMinute: 180, burst: 20},
	"DELETE /Users/{id}":  {perMinute: 180, burst: 20},
	"GET /Groups/{id}":    {perMinute: 300, burst: 300},
	"POST /Groups":        {perMinute: 180, burst: 20},
	"PATCH /Groups/{id}":  {perMinute: 180, burst: 80},
	"DELETE /Groups/{id}": {perMinute: 180, burst: 20},
}

// endpointClass names a request the way Slack's rate-limit table does, e.g.
// "GET /Users/{id}". PUT shares PATCH's row, so it is reported as PATCH.
func endpointClass(method, resource string, byID bool) string {
	if method == "PUT" {
		method = "PATCH"
	}
	class := method + " /" + resource
	if byID {
		class += "/{id}"
	}
	return class
}

func setOf(method string) limitSet {
	if method == "GET" || method == "HEAD" {
		return setReads
	}
	return setWrites
}

// Pacing after a 429. Slack's limits are per org and every SCIM app in the
// org spends them, so the rate left to us is unknown and moves. Each endpoint
// class keeps its own rate between its ceiling (share × Slack's published
// limit) and a floor:
//
//   - a 429 cuts it to a little below the rate Slack actually accepted from
//     us lately, once per episode of 429s (the requests refused together, or
//     a storm, cut once), and nothing is sent until Retry-After has passed;
//   - back below the highest accepted rate of the last minute, it climbs back
//     fast, closing most of the gap within a second or two: that rate was
//     free a moment ago, and after a storm it is free again;
//   - above it, it climbs slowly, a small part of the ceiling each second,
//     probing for what the other apps have stopped using.
//
// The rate so hovers at what the other apps leave free. The Retry-After
// pause itself costs no budget: Slack's bucket keeps filling while we wait.
const (
	// cutFactor multiplies the accepted rate on a 429.
	cutFactor = 0.8
	// recoverTime is the time constant of the fast climb: the gap to the
	// recent peak shrinks by e each recoverTime.
	recoverTime = 500 * time.Millisecond
	// climbPerSecond is the part of the ceiling added per second by the slow
	// climb.
	climbPerSecond = 0.02
	// floorShare is the lowest rate, as a part of the ceiling.
	floorShare = 0.02
	// acceptedMaxAge drops successes too old to say what is free now.
	acceptedMaxAge = 30 * time.Second
	// peakMemory is how long the highest accepted rate is remembered.
	peakMemory = time.Minute
)

// acceptedWindow is how many recent successes measure the accepted rate.
const acceptedWindow = 16

// bucket is a token bucket that may go into debt: a reservation always takes
// a token and says when it may be used, so waiters are served in order.
type bucket struct {
	rate   float64 // tokens per second
	burst  float64
	tokens float64
	last   time.Time // tokens is the count at last; last may lie ahead (a Retry-After gate)
}

func newBucket(rate, burst float64, now time.Time) bucket {
	return bucket{rate: rate, burst: burst, tokens: burst, last: now}
}

// reserve takes cost tokens and returns when they may be spent.
func (b *bucket) reserve(now time.Time, cost float64) time.Time {
	if now.After(b.last) {
		b.tokens = min(b.burst, b.tokens+b.rate*now.Sub(b.last).Seconds())
		b.last = now
	}
	b.tokens -= cost
	if b.tokens >= 0 {
		return b.last
	}
	return b.last.Add(time.Duration(-b.tokens / b.rate * float64(time.Second)))
}

// pacer is the adaptive bucket of one endpoint class.
type pacer struct {
	bucket
	ceiling, floor float64
	// gate is the end of the latest Retry-After: nothing is sent before it.
	gate time.Time
	// epoch counts 429s; a reservation made before the latest one is void.
	epoch int
	// cutArmed is set by a success: one cut per episode of 429s, however
	// many requests in flight were refused together or a storm lasts.
	cutArmed bool
	// peak is the highest accepted rate of the last peakMemory, as of peakAt.
	peak     float64
	peakAt   time.Time
	climbed  time.Time // when the rate was last raised or cut
	accepted [acceptedWindow]time.Time
	nAccept  int
}

func newPacer(ceiling, burst float64, now time.Time) *pacer {
	return &pacer{bucket: newBucket(ceiling, burst, now), ceiling: ceiling,
		floor: ceiling * floorShare, cutArmed: true, climbed: now}
}

// acceptedRate is the rate of the recent successes, or 0 when there are too
// few to say.
func (p *pacer) acceptedRate(now time.Time) float64 {
	n := min(p.nAccept, acceptedWindow)
	if n < 2 {
		return 0
	}
	newest := p.accepted[(p.nAccept-1)%acceptedWindow]
	oldest := newest
	count := 0
	for i := range n {
		t := p.accepted[(p.nAccept-1-i+acceptedWindow)%acceptedWindow]
		if now.Sub(t) > acceptedMaxAge {
			break
		}
		oldest = t
		count++
	}
	span := newest.Sub(oldest).Seconds()
	if count < 2 || span <= 0 {
		return 0
	}
	return float64(count-1) / span
}

// succeeded records an accepted request and climbs back toward the ceiling.
func (p *pacer) succeeded(now time.Time) {
	p.accepted[p.nAccept%acceptedWindow] = now
	p.nAccept++
	p.cutArmed = true
	if a := min(p.acceptedRate(now), p.ceiling); a >= p.peak || now.Sub(p.peakAt) > peakMemory {
		p.peak, p.peakAt = a, now
	}
	if !now.After(p.climbed) {
		return
	}
	dt := now.Sub(p.climbed)
	if p.rate < p.peak {
		p.rate = p.peak - (p.peak-p.rate)*math.Exp(-dt.Seconds()/recoverTime.Seconds())
	}
	p.rate = min(p.ceiling, p.rate+p.ceiling*climbPerSecond*dt.Seconds())
	p.climbed = now
}

// refused records a 429 answered at now with Retry-After ra: nothing is sent
// until it has passed, then one request may go at once and the rest follow
// at the (possibly cut) rate. It returns the wait until the gate.
func (p *pacer) refused(ra time.Duration, now time.Time) time.Duration {
	if g := now.Add(ra); g.After(p.gate) {
		p.gate = g
	}
	if p.cutArmed {
		r := p.rate
		if a := p.acceptedRate(now); a > 0 {
			r = min(r, a)
		}
		p.rate = max(p.floor, r*cutFactor)
		p.cutArmed = false
	}
	p.climbed = p.gate
	p.tokens = 1
	p.last = p.gate
	p.epoch++
	return p.gate.Sub(now)
}

// limiters holds one fixed bucket per org-wide set and one pacer per
// endpoint class, scaled by the share of Slack's published limits we allow
// ourselves.
type limiters struct {
	share float64
	now   func() time.Time
	// rand dithers the spacing of paced requests (see reserve).
	rand func() float64

	mu     sync.Mutex
	sets   map[limitSet]*bucket
	pacers map[string]*pacer
}

// newLimiters scales rates by share. Bursts shrink with a share below 1 but
// never grow above Slack's: a share above 1 stands for a sped-up clock (an
// emulator), which refills faster but tolerates no bigger bursts.
func newLimiters(share float64) *limiters {
	ls := &limiters{share: share, now: time.Now, rand: rand.Float64, sets: map[limitSet]*bucket{}, pacers: map[string]*pacer{}}
	now := ls.now()
	for s, l := range setLimits {
		rate, burst := ls.scaled(l)
		b := newBucket(rate, burst, now)
		ls.sets[s] = &b
	}
	return ls
}

func (ls *limiters) scaled(l limit) (rate, burst float64) {
	return l.perMinute / 60 * ls.share, max(1, float64(l.burst)*min(ls.share, 1))
}

// pacer returns class's pacer; callers hold ls.mu. A class without its own
// row in Slack's table is paced within its set's limit.
func (ls *limiters) pacer(class string, set limitSet, now time.Time) *pacer {
	p, ok := ls.pacers[class]
	if !ok {
		l, has := endpointLimits[class]
		if !has {
			l = setLimits[set]
		}
		rate, burst := ls.scaled(l)
		p = newPacer(rate, burst, now)
		ls.pacers[class] = p
	}
	return p
}

// succeeded records that Slack accepted a request of class.
func (ls *limiters) succeeded(class string, set limitSet) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	now := ls.now()
	ls.pacer(class, set, now).succeeded(now)
}

// refused records a 429 for class and returns the wait Retry-After asks for.
func (ls *limiters) refused(class string, set limitSet, ra time.Duration) time.Duration {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	now := ls.now()
	return ls.pacer(class, set, now).refused(ra, now)
}

// reserve takes a token from the request's set and its class, returning the
// time both allow and the class's epoch.
//
// Once the burst is spent, paced requests are spaced unevenly, between half
// and one and a half of the mean interval. Evenly spaced at Slack's refill
// rate they would take each token the moment it is whole, and another app
// asking in between would be refused every time, never taking the token
// whose loss would show us, as a 429, that it is there.
func (ls *limiters) reserve(class string, set limitSet, now time.Time) (time.Time, int) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	p := ls.pacer(class, set, now)
	cost := 1.0
	if p.tokens < 1 {
		cost = 0.5 + ls.rand()
	}
	at := p.reserve(now, cost)
	if s := ls.sets[set].reserve(now, 1); s.After(at) {
		at = s
	}
	return at, p.epoch
}

// unreserve gives back a reservation that will not be used; of one a 429
// voided, only the set's token is left to give back.
func (ls *limiters) unreserve(class string, set limitSet, epoch int) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	ls.sets[set].tokens++
	if p := ls.pacers[class]; p.epoch == epoch {
		p.tokens++
	}
}

// current reports whether a reservation of class made in epoch still holds.
func (ls *limiters) current(class string, epoch int) bool {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	return ls.pacers[class].epoch == epoch
}

// wait sleeps until the request's set and class both allow it. A 429 that
// arrives while it sleeps voids its reservation, and it queues again behind
// the new Retry-After. It sleeps through the injected sleep so tests need not
// wait.
func (ls *limiters) wait(ctx context.Context, class string, set limitSet, sleep func(context.Context, time.Duration) error) (time.Duration, error) {
	var waited time.Duration
	for {
		now := ls.now()
		at, epoch := ls.reserve(class, set, now)
		delay := at.Sub(now)
		if delay <= 0 {
			return waited, nil
		}
		if dl, ok := ctx.Deadline(); ok && dl.Before(at) {
			ls.unreserve(class, set, epoch)
			return waited, fmt.Errorf("client-side rate limit for %s needs a %s wait, beyond the deadline: %w", class, delay.Round(time.Millisecond), context.DeadlineExceeded)
		}
		if err := sleep(ctx, delay); err != nil {
			ls.unreserve(class, set, epoch)
			return waited, err
		}
		waited += delay
		if ls.current(class, epoch) {
			return waited, nil
		}
		ls.unreserve(class, set, epoch)
	}
}
