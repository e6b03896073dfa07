package slackscim

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// scimRate is one published Slack SCIM limit: requests per minute and burst.
type scimRate struct {
	perMinute float64
	burst     float64
}

// Slack's org-wide sets (reference §6). Every read or write counts against its set.
var (
	scimWriteSet = scimRate{perMinute: 600, burst: 180}
	scimReadSet  = scimRate{perMinute: 1000, burst: 1000}
)

// scimEndpointRates are the per-endpoint limits applied in addition to the sets.
// PUT and PATCH on the same resource share one bucket, as Slack lists them together.
// List calls (GET /Users, GET /Groups) have no row: only the read set applies.
var scimEndpointRates = map[string]scimRate{
	"GET /Users/{id}":        {perMinute: 300, burst: 300},
	"POST /Users":            {perMinute: 180, burst: 20},
	"PUT|PATCH /Users/{id}":  {perMinute: 180, burst: 20},
	"DELETE /Users/{id}":     {perMinute: 180, burst: 20},
	"GET /Groups/{id}":       {perMinute: 300, burst: 300},
	"POST /Groups":           {perMinute: 180, burst: 20},
	"PUT|PATCH /Groups/{id}": {perMinute: 180, burst: 80},
	"DELETE /Groups/{id}":    {perMinute: 180, burst: 20},
}

// scimEndpointBucketKey maps a route to its per-endpoint bucket ("" when none).
func scimEndpointBucketKey(rt scimRoute) string {
	if rt.resource != "Users" && rt.resource != "Groups" {
		return ""
	}
	method := rt.method
	if method == http.MethodPut || method == http.MethodPatch {
		method = "PUT|PATCH"
	}
	key := method + " /" + rt.resource
	if rt.hasID {
		key += "/{id}"
	}
	if _, ok := scimEndpointRates[key]; !ok {
		return ""
	}
	return key
}

// scimBucket is a token bucket whose capacity is the burst and whose refill is
// limit/60 per second, sped up by the emulator's time scale.
type scimBucket struct {
	capacity float64
	tokens   float64
	perSec   float64
	last     time.Time
}

func (b *scimBucket) refill(now time.Time) {
	if elapsed := now.Sub(b.last).Seconds(); elapsed > 0 {
		b.tokens = math.Min(b.capacity, b.tokens+elapsed*b.perSec)
	}
	b.last = now
}

// wait is how long until one whole token is available.
func (b *scimBucket) wait() time.Duration {
	if b.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - b.tokens) / b.perSec * float64(time.Second))
}

// scimLimiter holds Slack's org-wide buckets. A request takes one token from
// its set and one from its endpoint bucket, or from neither when either is empty.
type scimLimiter struct {
	mu      sync.Mutex
	now     func() time.Time
	scale   float64
	buckets map[string]*scimBucket
}

func newScimLimiter(now func() time.Time, scale float64) *scimLimiter {
	return &scimLimiter{now: now, scale: scale, buckets: map[string]*scimBucket{}}
}

func (l *scimLimiter) bucket(key string, rate scimRate, now time.Time) *scimBucket {
	b, ok := l.buckets[key]
	if !ok {
		b = &scimBucket{capacity: rate.burst, tokens: rate.burst, perSec: rate.perMinute / 60 * l.scale, last: now}
		l.buckets[key] = b
	}
	return b
}

// take charges the request to its buckets. When any bucket is empty nothing is
// charged and the wait until every needed bucket has a token is returned.
func (l *scimLimiter) take(rt scimRoute) (ok bool, wait time.Duration) {
	var set scimRate
	var setKey string
	switch {
	case rt.isRead():
		set, setKey = scimReadSet, "reads"
	case rt.isWrite():
		set, setKey = scimWriteSet, "writes"
	default:
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	needed := []*scimBucket{l.bucket(setKey, set, now)}
	if key := scimEndpointBucketKey(rt); key != "" {
		needed = append(needed, l.bucket(key, scimEndpointRates[key], now))
	}
	for _, b := range needed {
		b.refill(now)
		wait = max(wait, b.wait())
	}
	if wait > 0 {
		return false, wait
	}
	for _, b := range needed {
		b.tokens--
	}
	return true, 0
}

// scimFormatRetryAfter renders a wait for the Retry-After header. At Slack's
// real speed it is whole seconds, rounded up, as Slack sends. With a time scale
// above 1 it is decimal seconds with up to three decimals (an emulator
// extension), so sped-up tests don't sleep whole seconds.
func scimFormatRetryAfter(wait time.Duration, scale float64) string {
	if scale <= 1 {
		secs := int(math.Ceil(wait.Seconds()))
		return strconv.Itoa(max(secs, 1))
	}
	ms := math.Ceil(wait.Seconds() * 1000)
	return strconv.FormatFloat(max(ms, 1)/1000, 'f', -1, 64)
}

// scimLocks models Slack's per-resource write lock: a second write to the same
// user or group while one is in flight is refused with 429.
type scimLocks struct {
	mu   sync.Mutex
	busy map[string]bool
}

func newScimLocks() *scimLocks { return &scimLocks{busy: map[string]bool{}} }

// acquire returns a release function, or false when the resource is busy.
func (l *scimLocks) acquire(key string) (release func(), ok bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.busy[key] {
		return nil, false
	}
	l.busy[key] = true
	return func() {
		l.mu.Lock()
		delete(l.busy, key)
		l.mu.Unlock()
	}, true
}
