package provision

import (
	"context"
	"fmt"
	"time"
)

// Verify checks a saved plan against the present before it is applied:
// made for this org and directory, not applied before, no run applied since,
// within the safety threshold now (never trusting the file's own verdict),
// and every Slack object it writes unchanged since it was read. A plan no
// longer true is a *StaleError (or a *SafetyError); nothing is written.
func (r *Run) Verify(ctx context.Context, plan *Plan) error {
	b := r.opts.Binding
	switch {
	case plan.SlackOrg != b.SlackOrg:
		return &StaleError{Reason: fmt.Sprintf("the plan was made for Slack org %q, but the token reaches Slack org %s", plan.SlackOrg, orgName(b))}
	case plan.Directory != b.Directory:
		return &StaleError{Reason: fmt.Sprintf("the plan was made from directory %q, but this profile reads %q", plan.Directory, b.Directory)}
	case plan.ID == "":
		return &StaleError{Reason: "the plan has no id, so whether it was applied already cannot be told; plan again"}
	}
	if err := r.verifyRuns(ctx, plan); err != nil {
		return err
	}
	links, err := r.opts.Store.Links(ctx, string(KindUser))
	if err != nil {
		return err
	}
	if plan.Refused != "" {
		return &StaleError{Reason: "this plan was refused by a safety check: " + plan.Refused + "; plan again with the threshold you mean"}
	}
	if why := plan.Refuse(r.opts.MaxDeactivations, len(links)); why != nil {
		return &SafetyError{Refusal: why.String(), Why: why}
	}
	stale, err := Stale(ctx, r.opts.Slack, plan)
	if err != nil {
		return err
	}
	if len(stale) > 0 {
		return &StaleError{Reason: fmt.Sprintf("%d Slack objects the plan writes are no longer as it saw them", len(stale)), Objects: stale, Replan: true}
	}
	return nil
}

// verifyRuns checks the plan was not applied and no run applied since.
func (r *Run) verifyRuns(ctx context.Context, plan *Plan) error {
	if run, err := r.opts.Store.RunForPlan(ctx, plan.ID); err != nil {
		return err
	} else if run != nil {
		return &StaleError{Reason: fmt.Sprintf("this plan was already applied by run %d (%s)", run.ID, run.Started.Local().Format(time.DateTime)), Replan: true}
	}
	last, err := r.opts.Store.LastAppliedRun(ctx)
	if err != nil {
		return err
	}
	if last != nil && last.ID != plan.AfterRun {
		return &StaleError{Reason: fmt.Sprintf("run %d (%s, %s) changed Slack or the state after this plan was made",
			last.ID, last.Started.Local().Format(time.DateTime), last.Status), Replan: true}
	}
	return nil
}

// StartSaved starts the run record for applying a saved plan; describe
// names the plan (its source and file).
func (r *Run) StartSaved(ctx context.Context, describe string) error {
	return r.start(ctx, describe)
}
