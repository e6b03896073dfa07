package provision

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/slackprov/slackprov/store"
)

// Apply applies a plan made by Plan (or checked by Verify) and ends the
// run. It returns the outcome (see the package's Apply) and an error the
// caller sorts with ClassOf: *OpsFailedError when some objects failed,
// *InterruptedError, a credentials error, or another. Only an apply that
// went through the whole plan moves the directory read position and
// replaces the pending failures; an interrupted one adds to them.
func (r *Run) Apply(ctx context.Context, plan *Plan) (*Plan, error) {
	changes := plan.HasChanges()
	if changes {
		if err := r.startApplying(ctx, plan); err != nil {
			r.finish(store.RunFailed, plan, err)
			return nil, err
		}
		r.opts.Reporter.Phase(PhaseApply, fmt.Sprintf("%d operations", countPlanned(plan)))
	}
	out, raw := Apply(ctx, plan, ApplyOptions{Client: r.opts.Slack, Store: r.opts.Store, RunID: r.id,
		Workers: r.opts.Workers, Now: r.opts.Now, Progress: r.opts.Reporter.Applied})
	if out == nil {
		out = plan.Clone()
		out.DryRun = false
		out.Recount()
	}
	status, err := r.judge(ctx, out, raw, changes)
	var ops *OpsFailedError
	if err == nil || errors.As(err, &ops) {
		if serr := r.settle(ctx, out); serr != nil {
			err, status = serr, store.RunFailed
		}
	} else {
		_ = r.savePending(out, false)
	}
	r.finish(status, out, err)
	if err == nil || errors.As(err, &ops) {
		// An apply that went through its whole plan is the "successful
		// sync" that ends a quarantine (watch, docs/service.md).
		_, _ = r.opts.Store.LiftQuarantine(context.WithoutCancel(ctx))
	}
	if changes {
		r.opts.Reporter.Finish(out, raw)
	}
	return out, err
}

// judge turns Apply's error and the outcome into the run's error and status.
func (r *Run) judge(ctx context.Context, out *Plan, raw error, changes bool) (string, error) {
	failed := out.Users.Failed + out.Groups.Failed
	switch {
	case raw != nil && IsCredentials(raw):
		return statusOf(ctx, raw), raw
	case raw != nil && ctx.Err() != nil:
		return store.RunInterrupted, &InterruptedError{NotRun: out.Users.NotRun + out.Groups.NotRun, Err: raw}
	case raw != nil:
		return store.RunFailed, raw
	case failed > 0:
		return store.RunFailed, &OpsFailedError{Failed: failed, NothingToApply: !changes}
	}
	return store.RunOK, nil
}

// startApplying binds the state to the org and directory at its first
// writing run and records that this run writes, which makes every plan
// computed before it out of date.
func (r *Run) startApplying(ctx context.Context, plan *Plan) error {
	if err := r.bind(ctx); err != nil {
		return err
	}
	return r.opts.Store.MarkApplying(ctx, r.id, plan.ID)
}

func (r *Run) bind(ctx context.Context) error {
	b := r.opts.Binding
	return r.opts.Store.Bind(ctx, store.Binding{SlackOrg: b.SlackOrg, SlackOrgName: b.SlackOrgName, Directory: b.Directory})
}

// settle finishes a run that went through the whole plan: the failures
// become the pending set (a read evaluated everything pending again; a
// saved plan only adds to it), the state is bound to the org, and the read
// position moves past the snapshot.
// A run restricted to some users (provision USER) settles only their
// pending failures and keeps the read position: it evaluated nobody else.
func (r *Run) settle(ctx context.Context, out *Plan) error {
	whole := len(r.opts.Users) == 0
	if !whole {
		if err := r.opts.Store.ResolvePending(ctx, string(KindUser), succeeded(out, r.opts.Users)); err != nil {
			return err
		}
	}
	if err := r.savePending(out, r.snap != nil && whole); err != nil {
		return err
	}
	if err := r.bind(ctx); err != nil {
		return err
	}
	if r.snap == nil || r.snap.Commit == nil || !whole {
		return nil
	}
	if err := r.snap.Commit(ctx); err != nil {
		return fmt.Errorf("the plan was applied, but saving the directory read position failed (%v); the next run reads the same changes again, which is safe", err)
	}
	return nil
}

// succeeded are the users among users whose operations did not fail.
func succeeded(out *Plan, users []string) []string {
	failed := map[string]bool{}
	for _, op := range out.Operations {
		if op.Kind == KindUser && op.Status == StatusFailed {
			failed[op.SourceID] = true
		}
	}
	var ok []string
	for _, u := range users {
		if !failed[u] {
			ok = append(ok, u)
		}
	}
	return ok
}

// savePending records the outcome's failed objects, so that every later
// run, incremental ones included, reads and retries them. It must work
// after an interrupt, so it does not use the run's context.
func (r *Run) savePending(out *Plan, replace bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var failed []store.Pending
	for _, op := range out.Operations {
		if op.Status == StatusFailed {
			failed = append(failed, store.Pending{Kind: string(op.Kind), SourceID: op.SourceID, Name: op.Name(),
				Action: string(op.Action), ErrorCode: op.ErrorCode, Error: op.Error})
		}
	}
	if replace && !r.dueBy.IsZero() {
		return r.opts.Store.SaveDuePending(ctx, failed, r.dueBy)
	}
	return r.opts.Store.SavePending(ctx, failed, replace)
}

// Finish ends a run that writes nothing to Slack (a dry run); objects that
// cannot be provisioned make it an *OpsFailedError.
func (r *Run) Finish(plan *Plan) error {
	if failed := plan.Users.Failed + plan.Groups.Failed; failed > 0 {
		err := &OpsFailedError{Failed: failed, DryRun: true}
		r.finish(store.RunFailed, plan, err)
		return err
	}
	r.finish(store.RunOK, plan, nil)
	return nil
}

// Refuse ends a run whose plan a safety check refused.
func (r *Run) Refuse(plan *Plan) error {
	r.finish(store.RunRefused, plan, errors.New(plan.Refused))
	return &SafetyError{Refusal: plan.Refused, Why: plan.Refusal}
}

// Cancel ends a run whose plan was declined.
func (r *Run) Cancel(plan *Plan) { r.finish(store.RunCancelled, plan, nil) }

func countPlanned(p *Plan) int {
	n := 0
	for _, op := range p.Operations {
		if op.Status == StatusPlanned {
			n++
		}
	}
	return n
}
