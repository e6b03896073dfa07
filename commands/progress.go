package commands

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/scim"
)

// lineReporter writes a sync's progress as plain lines, for pipes, logs and
// --output json runs: phases, failures as they happen, a count every 100
// operations, and time spent waiting on Slack's rate limit.
type lineReporter struct {
	w io.Writer

	mu     sync.Mutex
	waited time.Duration
	calls  int
}

func newLineReporter(w io.Writer) *lineReporter { return &lineReporter{w: w} }

func (r *lineReporter) Phase(p provision.Phase, detail string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if detail != "" {
		fmt.Fprintf(r.w, "%s: %s\n", p, detail)
		return
	}
	fmt.Fprintf(r.w, "%s…\n", p)
}

func (r *lineReporter) Request(waited time.Duration, status int) {
	r.mu.Lock()
	r.calls++
	r.waited += waited
	r.mu.Unlock()
}

func (r *lineReporter) Applied(ev provision.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if ev.Op.Status == provision.StatusFailed {
		fmt.Fprintf(r.w, "! %s %s %s failed: %s\n", ev.Op.Action, ev.Op.Kind, ev.Op.Name(), ev.Op.Error)
	}
	if ev.Done%100 == 0 || ev.Done == ev.Total {
		fmt.Fprintf(r.w, "applied %d/%d operations\n", ev.Done, ev.Total)
	}
}

func (r *lineReporter) Finish(plan *provision.Plan, err error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.calls > 0 {
		fmt.Fprintf(r.w, "%d Slack requests, %s waited on rate limits (summed over workers)\n", r.calls, r.waited.Round(time.Millisecond))
	}
}

// observeRequests adapts a Reporter to the SCIM client's request observer.
func observeRequests(rep provision.Reporter) func(scim.RequestInfo) {
	return func(info scim.RequestInfo) { rep.Request(info.Waited+info.Paused, info.Status) }
}
