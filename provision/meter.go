package provision

import (
	"sync"
	"time"

	"github.com/slackprov/slackprov/scim"
)

// Meter counts the requests a SCIM client sends and the time they waited
// on rate limits; pass its Observe as the client's OnRequest. A run reads
// it at its start and end, so one meter serves many cycles.
type Meter struct {
	// Next, when set, receives every observation too (a progress display).
	Next func(scim.RequestInfo)

	mu     sync.Mutex
	totals Traffic
}

// Traffic is what a client sent: requests (every attempt, retries
// included), those refused with 429, and the time spent waiting on our
// limiter or Slack's Retry-After, summed over workers.
type Traffic struct {
	Requests    int
	RateLimited int
	Waited      time.Duration
}

// Observe records one request attempt.
func (m *Meter) Observe(info scim.RequestInfo) {
	m.mu.Lock()
	m.totals.Requests++
	if info.Status == 429 {
		m.totals.RateLimited++
	}
	m.totals.Waited += info.Waited + info.Paused
	m.mu.Unlock()
	if m.Next != nil {
		m.Next(info)
	}
}

// Totals is everything observed so far; a nil meter has observed nothing.
func (m *Meter) Totals() Traffic {
	if m == nil {
		return Traffic{}
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.totals
}

func (t Traffic) minus(o Traffic) Traffic {
	return Traffic{Requests: t.Requests - o.Requests, RateLimited: t.RateLimited - o.RateLimited, Waited: t.Waited - o.Waited}
}
