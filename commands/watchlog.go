package commands

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/store"
)

// watchLog writes watch's lines: one per cycle, plus the rare event
// (listening, quarantined, notified), as logfmt-style text or JSON.
type watchLog struct{ l *slog.Logger }

func newWatchLog(w io.Writer, format string) *watchLog {
	opts := &slog.HandlerOptions{ReplaceAttr: func(groups []string, a slog.Attr) slog.Attr {
		if a.Key == slog.TimeKey && len(groups) == 0 {
			a.Value = slog.StringValue(a.Value.Time().UTC().Format(time.RFC3339))
		}
		return a
	}}
	if format == "json" {
		return &watchLog{slog.New(slog.NewJSONHandler(w, opts))}
	}
	return &watchLog{slog.New(slog.NewTextHandler(w, opts))}
}

func (l *watchLog) info(msg string, kv ...any) { l.l.Info(msg, kv...) }
func (l *watchLog) warn(msg string, kv ...any) { l.l.Warn(msg, kv...) }

// logCycle writes the cycle's one line.
func (w *watcher) logCycle(o cycleOutcome, pending int, delay time.Duration) {
	kv := []any{"outcome", o.outcome()}
	changes, failed, slack := 0, 0, 0
	if r := o.res; r != nil {
		kv = append(kv, "run", r.RunID, "mode", r.Mode)
		for k, n := range r.Tally {
			switch k.Status {
			case provision.StatusOK, provision.StatusPlanned:
				changes += n
			case provision.StatusFailed:
				failed += n
			}
		}
		slack = r.Traffic.Requests
	}
	kv = append(kv, "changes", changes, "failed", failed, "pending", pending,
		"slack_requests", slack, "graph_requests", o.graph, "took", o.took.Round(time.Millisecond).String())
	if o.quarantine != nil {
		kv = append(kv, "writes", "off", "quarantine", o.quarantine.Reason)
	}
	if err := o.err; err != nil || o.res != nil && o.res.Err != nil {
		if err == nil {
			err = o.res.Err
		}
		kv = append(kv, "error", err.Error())
	}
	if delay > 0 {
		kv = append(kv, "retry_in", delay.Round(time.Second).String())
	}
	if o.class == provision.ClassNone || o.class == provision.ClassInterrupted {
		w.log.info("cycle", kv...)
		return
	}
	w.log.warn("cycle", kv...)
}

// cycleState keeps the "watch.cycle" record that `slackprov status`
// reads, and is the runs' progress reporter, so the record follows the
// phases and the operations applied.
type cycleState struct {
	st       *store.Store
	now      func() time.Time
	interval time.Duration

	mu      sync.Mutex
	rec     watchCycle
	written time.Time
}

func (c *cycleState) begin(full bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	mode := store.RunIncremental
	if full {
		mode = store.RunFull
	}
	now := c.now().UTC()
	// "next" is always a time (status parses it): until this cycle ends,
	// the interval's rhythm.
	c.rec = watchCycle{PID: os.Getpid(), Mode: mode, Phase: "read", Started: now,
		Next: now.Add(c.interval), Interval: c.interval.String()}
	c.write(true)
}

func (c *cycleState) idle(next time.Time) { c.set("idle", next) }
func (c *cycleState) stopped()            { c.set("stopped", time.Time{}) }
func (c *cycleState) set(phase string, next time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rec.Phase = phase
	if !next.IsZero() {
		c.rec.Next = next.UTC()
	}
	c.write(true)
}

// Phase follows the run: reading (directory, then Slack), planning, applying.
func (c *cycleState) Phase(p provision.Phase, _ string) {
	phase := map[provision.Phase]string{provision.PhaseReadDirectory: "read", provision.PhaseReadSlack: "read",
		provision.PhasePlan: "plan", provision.PhaseApply: "apply"}[p]
	if phase == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rec.Phase = phase
	if c.rec.RunID == 0 {
		c.rec.RunID = c.newestRun()
	}
	c.write(true)
}

// newestRun is the id of the run the engine just started: its record
// exists before the first phase is reported, its mode only after the read.
func (c *cycleState) newestRun() int64 {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	runs, err := c.st.Runs(ctx, 1)
	if err != nil || len(runs) == 0 {
		return 0
	}
	return runs[0].ID
}

// setRun records the run the engine started and what it reads (full or
// incremental), which the engine decides when there is no read position.
func (c *cycleState) setRun(id int64, mode string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rec.RunID, c.rec.Mode = id, mode
	c.write(true)
}

func (c *cycleState) Request(time.Duration, int) {}

// Applied counts an operation; the record is rewritten at most once a second.
func (c *cycleState) Applied(ev provision.Event) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.rec.Done, c.rec.Total = ev.Done, ev.Total
	c.write(ev.Done == ev.Total)
}

func (c *cycleState) Finish(*provision.Plan, error) {}

// write stores the record; unless forced, not more than once a second.
func (c *cycleState) write(force bool) {
	now := c.now()
	if !force && now.Sub(c.written) < time.Second {
		return
	}
	c.written = now
	b, _ := json.Marshal(c.rec)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = c.st.Put(ctx, statusWatchKey, string(b))
}

// requestCounter counts what the watch sends to Microsoft Graph, beside
// the Slack client's own meter.
type requestCounter struct {
	graph, token atomic.Int64
	graphHost    string
	next         http.RoundTripper
}

func countRequests(hc *http.Client, cfg *Config) (*requestCounter, *http.Client) {
	c := &requestCounter{next: hc.Transport}
	if c.next == nil {
		c.next = http.DefaultTransport
	}
	if cfg.Source.Type == "entra" {
		c.graphHost = hostOf(cfg.Source.Entra.GraphURL)
	}
	counted := *hc
	counted.Transport = c
	return c, &counted
}

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}

func (c *requestCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	switch {
	case strings.Contains(req.URL.Path, "/oauth2/"):
		c.token.Add(1)
	case c.graphHost != "" && req.URL.Host == c.graphHost:
		c.graph.Add(1)
	}
	return c.next.RoundTrip(req)
}
