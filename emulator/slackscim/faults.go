package slackscim

import (
	"context"
	"math/rand/v2"
	"net/http"
	"sync"
	"time"
)

// Faults injects the failures a SCIM client must survive. Rates are shares of
// requests between 0 and 1.
type Faults struct {
	// ErrorRate is the share of requests answered 500 with a v2 error body
	// before anything is processed.
	ErrorRate float64
	// DropRate is the share of requests whose connection is closed without a
	// response before anything is processed.
	DropRate float64
	// DropAfterWriteRate is the share of successful writes that are applied and
	// then lose their response: the connection is closed instead. This is the
	// "create succeeded but the answer was lost" case.
	DropAfterWriteRate float64
	// Latency is added to every request. A write holds its resource lock for
	// this long, which is what makes Slack's same-resource 429 observable.
	Latency time.Duration
	// Rand drives the fault draws; nil means a randomly seeded source. Give a
	// seeded one for reproducible tests. The emulator serialises its use.
	Rand *rand.Rand
}

type scimFaultKind int

const (
	scimNoFault scimFaultKind = iota
	scimFaultError
	scimFaultDrop
)

type scimFaults struct {
	mu sync.Mutex
	f  Faults
}

func newScimFaults(f Faults) *scimFaults {
	fs := &scimFaults{}
	fs.set(f)
	return fs
}

func (fs *scimFaults) set(f Faults) {
	if f.Rand == nil {
		f.Rand = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64()))
	}
	fs.mu.Lock()
	fs.f = f
	fs.mu.Unlock()
}

func (fs *scimFaults) latency() time.Duration {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.f.Latency
}

// before decides the fault, if any, for a request about to be processed.
func (fs *scimFaults) before() scimFaultKind {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	if fs.f.DropRate > 0 && fs.f.Rand.Float64() < fs.f.DropRate {
		return scimFaultDrop
	}
	if fs.f.ErrorRate > 0 && fs.f.Rand.Float64() < fs.f.ErrorRate {
		return scimFaultError
	}
	return scimNoFault
}

// dropAfterWrite decides whether an applied write loses its response.
func (fs *scimFaults) dropAfterWrite() bool {
	fs.mu.Lock()
	defer fs.mu.Unlock()
	return fs.f.DropAfterWriteRate > 0 && fs.f.Rand.Float64() < fs.f.DropAfterWriteRate
}

// scimSleep waits d or until the client goes away.
func scimSleep(ctx context.Context, d time.Duration) {
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
	}
}

// scimDropConnection closes the client's connection without a response.
// Where hijacking is impossible (HTTP/2), net/http's abort panic resets the
// stream instead, which the server swallows without logging.
func scimDropConnection(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			_ = conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}
