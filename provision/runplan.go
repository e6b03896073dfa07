package provision

import (
	"context"
	"fmt"
	"slices"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/store"
)

// Plan reads the directory (full, or the changes since the read position
// plus the pending failures) and Slack, and builds the plan, safety checks
// included; a refused plan has Refused set. It starts the run record.
func (r *Run) Plan(ctx context.Context) (*Plan, error) {
	plan, err := r.plan(ctx)
	if err != nil {
		if r.open {
			r.finish(statusOf(ctx, err), nil, err)
		}
		r.opts.Reporter.Finish(nil, err)
		return nil, err
	}
	return plan, nil
}

func (r *Run) plan(ctx context.Context) (*Plan, error) {
	pending, err := r.opts.Store.Pending(ctx)
	if err != nil {
		return nil, err
	}
	if r.opts.RetryDueOnly {
		r.dueBy = r.opts.Now()
		pending = slices.DeleteFunc(pending, func(p store.Pending) bool { return p.NextRetry.After(r.dueBy) })
	}
	req, set := retryOf(pending)
	req.Full, r.pending = r.opts.Full, set
	source, err := r.opts.OpenSource(req)
	if err != nil {
		return nil, err
	}
	last, err := r.opts.Store.LastAppliedRun(ctx)
	if err != nil {
		return nil, err
	}
	if err := r.start(ctx, source.Describe()); err != nil {
		return nil, err
	}
	snap, err := r.read(ctx, source)
	if err != nil {
		return nil, err
	}
	in, err := r.readSlack(ctx, snap)
	if err != nil {
		return nil, err
	}
	in.Source = source.Describe()
	plan := Build(in)
	plan.ID, plan.SlackOrg, plan.Directory = NewPlanID(), r.opts.Binding.SlackOrg, r.opts.Binding.Directory
	if last != nil {
		plan.AfterRun = last.ID
	}
	if len(r.opts.Users) > 0 {
		plan.Restrict(r.opts.Users, in.UserLinks)
		plan.Refusal = plan.Refuse(r.opts.MaxDeactivations, len(in.UserLinks))
		plan.Refused = plan.Refusal.String()
	}
	return plan, nil
}

// retryOf turns the pending failures into what the source must read again
// and what the planner marks as retried.
func retryOf(pending []store.Pending) (SourceRequest, map[string]bool) {
	var req SourceRequest
	set := make(map[string]bool, len(pending))
	for _, p := range pending {
		set[PendingKey(Kind(p.Kind), p.SourceID)] = true
		if p.Kind == string(KindGroup) {
			req.RetryGroups = append(req.RetryGroups, p.SourceID)
		} else {
			req.RetryUsers = append(req.RetryUsers, p.SourceID)
		}
	}
	return req, set
}

// read reads the directory and records whether the run is full or
// incremental.
func (r *Run) read(ctx context.Context, source directory.Source) (*directory.Snapshot, error) {
	r.opts.Reporter.Phase(PhaseReadDirectory, source.Describe())
	snap, err := source.Read(ctx)
	if err != nil {
		return nil, err
	}
	for _, n := range snap.Notices {
		r.opts.Reporter.Phase(PhaseReadDirectory, n)
	}
	if r.opts.CheckSnapshot != nil {
		if err := r.opts.CheckSnapshot(snap); err != nil {
			return nil, err
		}
	}
	r.snap, r.mode = snap, store.RunFull
	if snap.Delta != nil {
		r.mode = store.RunIncremental
	}
	if r.opts.Mode != "" {
		r.mode = r.opts.Mode
	}
	if err := r.opts.Store.SetRunMode(ctx, r.id, r.mode); err != nil {
		return nil, err
	}
	return snap, nil
}

// readSlack reads what the plan needs from Slack and the state: everything
// on a full read, only what the changes may touch on an incremental one.
func (r *Run) readSlack(ctx context.Context, snap *directory.Snapshot) (Input, error) {
	in := Input{Snapshot: snap, Mapping: r.opts.Mapping, MaxDeactivations: r.opts.MaxDeactivations, Now: r.opts.Now(), Pending: r.pending}
	var err error
	if in.UserLinks, err = r.opts.Store.Links(ctx, string(KindUser)); err != nil {
		return in, err
	}
	if in.GroupLinks, err = r.opts.Store.Links(ctx, string(KindGroup)); err != nil {
		return in, err
	}
	var users []*scim.User
	var groups []*scim.Group
	if snap.Delta != nil {
		r.opts.Reporter.Phase(PhaseReadSlack, fmt.Sprintf("verifying the %d users and %d groups that changed",
			len(snap.Users)+len(snap.Delta.RemovedUsers), len(snap.Groups)+len(snap.Delta.RemovedGroups)))
		users, groups, err = ReadSlackFor(ctx, r.opts.Slack, snap, in.UserLinks, in.GroupLinks, r.opts.Mapping)
	} else {
		r.opts.Reporter.Phase(PhaseReadSlack, r.opts.SlackName)
		users, groups, err = ReadSlack(ctx, r.opts.Slack)
	}
	if err != nil {
		return in, err
	}
	r.opts.Reporter.Phase(PhasePlan, fmt.Sprintf("%d directory users and %d groups against %d Slack users and %d groups",
		len(snap.Users), len(snap.Groups), len(users), len(groups)))
	in.SlackUsers, in.SlackGroups = users, groups
	return in, nil
}
