package provision

import (
	"context"
	"time"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/store"
)

// RunOptions are a run's dependencies and choices.
type RunOptions struct {
	Store RunStore
	Slack Slack
	// SlackName names Slack in progress lines (its SCIM URL).
	SlackName string
	// Binding is the Slack org and directory this run serves; a state bound
	// to others stops the run with a *BindingError.
	Binding store.Binding
	// OpenSource opens the directory source for this run's read.
	OpenSource func(SourceRequest) (directory.Source, error)
	// Full asks the source for everything, not the changes since the read
	// position (sources that read changes only).
	Full    bool
	Mapping *mapping.Compiled
	// CheckSnapshot, when set, vets what was read before planning (the
	// mapping's attribute names against the directory's, say).
	CheckSnapshot    func(*directory.Snapshot) error
	MaxDeactivations int
	// Users, when set, restricts the plan to these directory users and the
	// group memberships that name them (`provision USER`).
	Users []string
	// Mode, when set, is recorded as the run's mode instead of what the
	// read was (store.RunOnDemand for `provision USER`).
	Mode    string
	DryRun  bool
	Workers int
	Now     func() time.Time
	// Reporter receives progress; nil means none.
	Reporter Reporter
	// Meter, when set, is the Slack client's request observer; results
	// carry what it counted during the run.
	Meter *Meter
	// RetryDueOnly retries only the pending failures whose NextRetry has
	// come (watch's escrow); the others keep their place until then. A
	// sync leaves it off and retries every pending failure.
	RetryDueOnly bool
}

// SourceRequest is what the run asks of a directory source.
type SourceRequest struct {
	Full bool
	// RetryUsers and RetryGroups are the pending failures' directory ids,
	// which an incremental read must read again.
	RetryUsers, RetryGroups []string
}

// Run is one provisioning run: it holds the state's lock from OpenRun to
// Close and keeps the run record. A run plans once (Plan, or Adopt for a
// saved plan), then either applies (Apply) or ends without writing
// (Finish, Refuse, Cancel).
type Run struct {
	opts    RunOptions
	unlock  func()
	id      int64
	open    bool // the run record is started and not finished
	snap    *directory.Snapshot
	pending map[string]bool
	mode    string
	traffic Traffic
	// dueBy is when the pending failures retried were due (RetryDueOnly).
	dueBy time.Time
}

// OpenRun takes the state's lock, closes the runs a killed process left
// open, and checks the state is bound to this run's org and directory.
func OpenRun(ctx context.Context, opts RunOptions) (*Run, error) {
	if opts.Reporter == nil {
		opts.Reporter = nopReporter{}
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	unlock, err := opts.Store.Lock()
	if err != nil {
		return nil, err
	}
	r := &Run{opts: opts, unlock: unlock, traffic: opts.Meter.Totals()}
	if _, err := opts.Store.CloseAbandonedRuns(ctx); err != nil {
		r.Close()
		return nil, err
	}
	if err := r.checkBinding(ctx); err != nil {
		r.Close()
		return nil, err
	}
	return r, nil
}

func (r *Run) checkBinding(ctx context.Context) error {
	b, err := r.opts.Store.Binding(ctx)
	if err != nil || b == nil {
		return err
	}
	want := r.opts.Binding
	if b.SlackOrg != want.SlackOrg || b.Directory != want.Directory {
		return &BindingError{Bound: *b, Want: want}
	}
	return nil
}

// ID is the run record's id (0 before the run starts).
func (r *Run) ID() int64 { return r.id }

// Mode is what the run read: store.RunFull or store.RunIncremental.
func (r *Run) Mode() string { return r.mode }

// Traffic is what the Slack client sent since the run opened.
func (r *Run) Traffic() Traffic { return r.opts.Meter.Totals().minus(r.traffic) }

// Close ends a run record still open as cancelled and releases the lock.
func (r *Run) Close() {
	if r.open {
		r.finish(store.RunCancelled, nil, nil)
	}
	if r.unlock != nil {
		r.unlock()
		r.unlock = nil
	}
}

// start opens the run record.
func (r *Run) start(ctx context.Context, describe string) error {
	id, err := r.opts.Store.StartRun(ctx, r.opts.DryRun, describe)
	if err != nil {
		return err
	}
	r.id, r.open = id, true
	return nil
}

// finish records the run's end. It must work after an interrupt, so it
// does not use the run's context.
func (r *Run) finish(status string, plan *Plan, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	counts := RunCounts(plan)
	if r.opts.Meter != nil {
		// What `slackprov status` shows as the rate-limit waits.
		t := r.Traffic()
		counts["rate_limit.refused"], counts["rate_limit.wait_ms"] = t.RateLimited, int(t.Waited.Milliseconds())
	}
	if plan != nil && !plan.Incremental && len(r.opts.Users) == 0 {
		counts["user.unmanaged"] = len(plan.Unmanaged)
	}
	_ = r.opts.Store.FinishRun(ctx, r.id, status, counts, msg)
	r.open = false
}

// RunCounts are a plan's counts as the run record keeps them, e.g.
// "user.create": 3.
func RunCounts(plan *Plan) map[string]int {
	counts := map[string]int{}
	if plan == nil {
		return counts
	}
	for kind, c := range map[string]Counts{"user": plan.Users, "group": plan.Groups} {
		counts[kind+".create"] = c.Create
		counts[kind+".update"] = c.Update
		counts[kind+".reactivate"] = c.Reactivate
		counts[kind+".deactivate"] = c.Deactivate
		counts[kind+".delete"] = c.Delete
		counts[kind+".unchanged"] = c.Unchanged
		counts[kind+".failed"] = c.Failed
		counts[kind+".not_run"] = c.NotRun
	}
	return counts
}

// statusOf is the run status an error ends a run with.
func statusOf(ctx context.Context, err error) string {
	switch {
	case err == nil:
		return store.RunOK
	case ctx.Err() != nil:
		return store.RunInterrupted
	default:
		return store.RunFailed
	}
}

type nopReporter struct{}

func (nopReporter) Phase(Phase, string)        {}
func (nopReporter) Request(time.Duration, int) {}
func (nopReporter) Applied(Event)              {}
func (nopReporter) Finish(*Plan, error)        {}
