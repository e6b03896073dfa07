package commands

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/http"
	"time"

	"github.com/slackprov/slackprov/notify"
	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/store"
)

// Quarantine for failures: more than failShare of at least failMinOps
// operations failed in failCycles consecutive writing cycles (Entra
// quarantines at 40 %; its absolute floors are for tenants far larger).
const (
	failShare  = 0.4
	failMinOps = 10
	failCycles = 3
	// maxBackoff caps the pause after repeated outages.
	maxBackoff = 15 * time.Minute
)

// watcher is one `slackprov watch`: the state it holds locked for its
// lifetime, the run environment (built at the first cycle that reaches
// Slack), and what it remembers between cycles.
type watcher struct {
	opts     *WatchOptions
	st       *store.Store
	unlock   func()
	env      *runEnv
	hc       *http.Client
	requests *requestCounter
	notifier *notify.Notifier
	health   *watchHealth
	metrics  *watchMetrics
	log      *watchLog
	state    *cycleState

	lastFull  time.Time
	outages   int // consecutive cycles that could not run
	badCycles int // consecutive writing cycles in which most operations failed
}

func newWatcher(ctx context.Context, opts *WatchOptions) (*watcher, error) {
	st, err := openStore(ctx, opts.Config)
	if err != nil {
		return nil, err
	}
	unlock, err := st.Lock()
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("%w; one watch runs per profile, and it holds the profile's run lock until it stops", err)
	}
	w := &watcher{opts: opts, st: st, unlock: unlock, metrics: newWatchMetrics(), log: newWatchLog(opts.IO.ErrOut, opts.LogFormat),
		health: &watchHealth{now: opts.Now, staleAfter: 3*opts.Interval + time.Minute, started: opts.Now()}}
	w.requests, w.hc = countRequests(opts.HTTPClient, opts.Config)
	w.state = &cycleState{st: st, now: opts.Now, interval: opts.Interval}
	if w.notifier, err = opts.Config.Notify.notifier(NotifierDeps{Getenv: opts.Getenv, HTTPClient: opts.HTTPClient,
		Secrets: w.secrets(ctx), MailTLS: opts.MailTLS}); err != nil {
		w.close()
		return nil, err
	}
	if w.lastFull, err = lastFullRun(ctx, st); err != nil {
		w.close()
		return nil, err
	}
	return w, nil
}

// secrets are the values no notification may carry.
func (w *watcher) secrets(ctx context.Context) []string {
	out := []string{w.opts.EntraSecret, w.opts.Getenv("AZURE_CLIENT_SECRET")}
	if tok, err := w.opts.Token.Token(ctx); err == nil {
		out = append(out, tok)
	}
	return out
}

func (w *watcher) close() {
	if w.env != nil {
		w.env.close()
	}
	w.unlock()
	w.st.Close()
}

// lastFullRun is when the last full read that wrote began, so a restarted
// watch keeps the --full-every rhythm.
func lastFullRun(ctx context.Context, st *store.Store) (time.Time, error) {
	runs, err := st.Runs(ctx, 500)
	if err != nil {
		return time.Time{}, err
	}
	for _, r := range runs {
		if r.Mode == store.RunFull && !r.DryRun && (r.Status == store.RunOK || r.Status == store.RunFailed) {
			return r.Started, nil
		}
	}
	return time.Time{}, nil
}

// loop runs cycles until ctx ends, then records the watch as stopped.
func (w *watcher) loop(ctx context.Context) {
	for {
		start := w.opts.Now()
		out := w.cycle(ctx)
		delay := w.after(ctx, out)
		if ctx.Err() != nil {
			w.state.stopped()
			return
		}
		next := start.Add(w.opts.Interval)
		if delay > 0 {
			next = w.opts.Now().Add(delay)
		}
		w.state.idle(next)
		timer := time.NewTimer(time.Until(next))
		select {
		case <-ctx.Done():
			timer.Stop()
			w.state.stopped()
			return
		case <-timer.C:
		}
	}
}

// backoff is the pause after the n-th consecutive outage: the interval
// doubled each time, at most maxBackoff, with a little jitter so many
// watches do not return at once.
func (w *watcher) backoff(n int) time.Duration {
	d := w.opts.Interval
	for i := 1; i < n && d < maxBackoff; i++ {
		d *= 2
	}
	d = min(d, max(maxBackoff, w.opts.Interval))
	return d + time.Duration(rand.Int64N(int64(d/10)+1))
}

// cycleOutcome is one cycle as the loop judges it.
type cycleOutcome struct {
	res        *provision.Result
	err        error // the cycle could not run (no Slack, no state)
	class      provision.Class
	full       bool
	quarantine *store.Quarantine // in force during the cycle: it only read
	took       time.Duration
	graph      int
}

func (o cycleOutcome) outcome() string {
	switch o.class {
	case provision.ClassNone:
		return "ok"
	case provision.ClassOpsFailed:
		return "failed"
	case provision.ClassSafety:
		return "safety_stop"
	case provision.ClassCredentials:
		return "credentials"
	case provision.ClassInterrupted:
		return "interrupted"
	}
	return "error"
}

// cycle runs one provisioning run, reading only while quarantined.
func (w *watcher) cycle(ctx context.Context) cycleOutcome {
	start := w.opts.Now()
	out := cycleOutcome{full: w.lastFull.IsZero() || start.Sub(w.lastFull) >= w.opts.FullEvery}
	graphBefore := w.requests.graph.Load()
	defer func() { out.took, out.graph = w.opts.Now().Sub(start), int(w.requests.graph.Load()-graphBefore) }()
	q, err := w.st.Quarantine(ctx)
	if err != nil {
		out.err, out.class = err, provision.ClassOther
		return out
	}
	out.quarantine = q
	w.state.begin(out.full)
	ro, err := w.runOptions(ctx, out.full, q != nil)
	if err != nil {
		out.err, out.class = err, classOfSetup(err)
		return out
	}
	out.res = provision.Cycle(ctx, ro)
	out.class = out.res.Class
	if out.res.Mode == store.RunFull && (out.class == provision.ClassNone || out.class == provision.ClassOpsFailed) {
		w.lastFull = start
	}
	return out
}

// classOfSetup sorts an error met before the run began: a refused token
// at Slack's auth.test is a credentials problem like any other.
func classOfSetup(err error) provision.Class {
	if exitCodeOf(err) == ExitAuth {
		return provision.ClassCredentials
	}
	if c := provision.ClassOf(err); c != provision.ClassOther {
		return c
	}
	if exitCodeOf(err) == ExitSafety {
		return provision.ClassSafety
	}
	return provision.ClassOther
}

// runOptions are this cycle's run options; the Slack client and the org
// check are made once, at the first cycle that reaches Slack.
func (w *watcher) runOptions(ctx context.Context, full, readOnly bool) (provision.RunOptions, error) {
	if w.env == nil {
		env, err := openRunEnv(ctx, w.opts.Config, w.hc, w.opts.Token, w.state)
		if err != nil {
			return provision.RunOptions{}, err
		}
		w.env = env
	}
	ro, err := w.env.readOptions(runChoices{Full: full, DryRun: readOnly, MaxDeactivations: w.opts.MaxDeactivations,
		Workers: w.opts.Workers, Now: w.opts.Now, EntraSecret: w.opts.EntraSecret})
	ro.Store, ro.RetryDueOnly = heldLock{Store: w.env.st, state: w.state}, true
	return ro, err
}

// heldLock is the state with its run lock already held by the watch, for
// the lifetime of the process. It also tells the watch.cycle record which
// run the engine started and what it reads.
type heldLock struct {
	*store.Store
	state *cycleState
}

func (heldLock) Lock() (func(), error) { return func() {}, nil }

func (h heldLock) SetRunMode(ctx context.Context, id int64, mode string) error {
	h.state.setRun(id, mode)
	return h.Store.SetRunMode(ctx, id, mode)
}

// after records a cycle (metrics, health, quarantine, notifications, the
// log line) and returns the pause before the next one: 0 for the
// interval's rhythm, a backoff after an outage.
func (w *watcher) after(ctx context.Context, o cycleOutcome) time.Duration {
	delay := time.Duration(0)
	if o.class == provision.ClassOther {
		w.outages++
		delay = w.backoff(w.outages)
	} else {
		w.outages = 0
	}
	pending := w.pendingCount()
	w.record(o, pending)
	if o.class != provision.ClassInterrupted {
		w.judge(ctx, o)
	}
	w.logCycle(o, pending, delay)
	return delay
}

func (w *watcher) pendingCount() int {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	p, err := w.st.Pending(ctx)
	if err != nil {
		return -1
	}
	return len(p)
}
