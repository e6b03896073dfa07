package scim

import (
	"context"
	"fmt"
	"math"
	"sync"
	"time"

	"golang.org/x/time/rate"
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

// limiters holds one token bucket per set and per endpoint class, scaled by
// the share of Slack's org-wide budget we allow ourselves (other SCIM apps
// spend the same budget).
type limiters struct {
	sets      map[limitSet]*rate.Limiter
	endpoints map[string]*rate.Limiter

	mu        sync.Mutex
	cooldowns map[string]*cooldown
}

// cooldown spaces the requests of one endpoint class after Slack answered
// 429. Retry-After says when Slack will have a token again; if every refused
// goroutine came back at that moment, one would win and the rest would be
// refused again, round after round, until they ran out of waits. Instead
// each refused request books its own slot, Retry-After apart, and requests
// that arrive while slots are booked queue behind them.
//
// Retry-After is the time until the next token, anywhere up to a whole
// token interval, so the spacing is the longest Retry-After seen while the
// queue lasts. One longer than a second means the budget is spent for a
// while, not that each request needs that long: every published limit
// refills at least one token a second, so slots are at most a second apart.
type cooldown struct {
	next    time.Time     // first free slot
	spacing time.Duration // the longest Retry-After of this queue, at most maxCooldownSpacing
	queued  int           // requests holding a slot they have not used yet
}

// newLimiters scales rates by share. Bursts shrink with a share below 1 but
// never grow above Slack's: a share above 1 stands for a sped-up clock (an
// emulator), which refills faster but tolerates no bigger bursts.
func newLimiters(share float64) *limiters {
	scaled := func(l limit) *rate.Limiter {
		burst := max(1, int(math.Round(float64(l.burst)*min(share, 1))))
		return rate.NewLimiter(rate.Limit(l.perMinute/60*share), burst)
	}
	ls := &limiters{sets: map[limitSet]*rate.Limiter{}, endpoints: map[string]*rate.Limiter{},
		cooldowns: map[string]*cooldown{}}
	for s, l := range setLimits {
		ls.sets[s] = scaled(l)
	}
	for c, l := range endpointLimits {
		ls.endpoints[c] = scaled(l)
	}
	return ls
}

const maxCooldownSpacing = time.Second

// refused records a 429 for class and books the refused request's retry
// slot; the caller must release it once the retry is answered or abandoned.
func (ls *limiters) refused(class string, retryAfter time.Duration, now time.Time) time.Duration {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	cd := ls.cooldown(class)
	slot := now.Add(retryAfter)
	if cd.queued > 0 && cd.next.After(slot) {
		slot = cd.next
	}
	if cd.queued == 0 {
		cd.spacing = 0
	}
	cd.spacing = max(cd.spacing, min(retryAfter, maxCooldownSpacing))
	cd.next = slot.Add(cd.spacing)
	cd.queued++
	return slot.Sub(now)
}

// queue books a slot behind the refused requests of class, if any are
// waiting; booked says whether the caller must release it.
func (ls *limiters) queue(class string, now time.Time) (delay time.Duration, booked bool) {
	ls.mu.Lock()
	defer ls.mu.Unlock()
	cd := ls.cooldown(class)
	if cd.queued == 0 || !cd.next.After(now) {
		return 0, false
	}
	slot := cd.next
	cd.next = slot.Add(cd.spacing)
	cd.queued++
	return slot.Sub(now), true
}

func (ls *limiters) release(class string) {
	ls.mu.Lock()
	ls.cooldown(class).queued--
	ls.mu.Unlock()
}

// cooldown returns class's cooldown; callers hold ls.mu.
func (ls *limiters) cooldown(class string) *cooldown {
	cd, ok := ls.cooldowns[class]
	if !ok {
		cd = &cooldown{}
		ls.cooldowns[class] = cd
	}
	return cd
}

// wait takes one token from the request's set and, where it has one, its
// endpoint bucket, sleeping until both are available and, unless the request
// already sat out its own 429 slot (retrying), until its turn behind requests
// Slack refused. It reserves both buckets at once so a request never holds
// one token while queueing for the other, and sleeps through the injected
// sleep so tests need not wait.
func (ls *limiters) wait(ctx context.Context, class string, set limitSet, retrying bool, sleep func(context.Context, time.Duration) error) (time.Duration, error) {
	now := time.Now()
	reservations := []*rate.Reservation{ls.sets[set].ReserveN(now, 1)}
	if l, ok := ls.endpoints[class]; ok {
		reservations = append(reservations, l.ReserveN(now, 1))
	}
	var delay time.Duration
	for _, r := range reservations {
		delay = max(delay, r.DelayFrom(now))
	}
	if !retrying {
		d, booked := ls.queue(class, now)
		if booked {
			defer ls.release(class)
		}
		delay = max(delay, d)
	}
	if delay == 0 {
		return 0, nil
	}
	cancel := func() {
		for _, r := range reservations {
			r.CancelAt(now)
		}
	}
	if dl, ok := ctx.Deadline(); ok && dl.Before(now.Add(delay)) {
		cancel()
		return 0, fmt.Errorf("client-side rate limit for %s needs a %s wait, beyond the deadline: %w", class, delay.Round(time.Millisecond), context.DeadlineExceeded)
	}
	if err := sleep(ctx, delay); err != nil {
		cancel()
		return 0, err
	}
	return delay, nil
}
