package provision

import "context"

// Result is what one cycle did, for a caller that runs many (watch).
type Result struct {
	RunID int64
	// Mode is store.RunFull or store.RunIncremental ("" when the read failed).
	Mode string
	// Plan is what was planned; Outcome is the applied copy, nil when
	// nothing was applied (a dry run, a refusal, an early error).
	Plan, Outcome *Plan
	// Tally counts the operations by kind, action and status, from the
	// outcome when there is one, else from the plan.
	Tally map[TallyKey]int
	// Failures are the objects that failed, with why.
	Failures []Failure
	// Traffic is what the Slack client sent during the cycle (with a Meter).
	Traffic Traffic
	// Err is the cycle's error, and Class what kind it is.
	Err   error
	Class Class
}

// TallyKey is one cell of Result.Tally.
type TallyKey struct {
	Kind   Kind
	Action Action
	Status string
}

// Failure is one object that failed.
type Failure struct {
	Kind     Kind
	SourceID string
	Name     string
	Action   Action
	Code     string
	Reason   string
	Retried  bool
}

// Cycle runs one whole run: open, plan, and apply unless opts.DryRun
// ("reads continue, writes stop") or a safety check refused the plan (a
// *SafetyError). The error is also in the result, which is never nil.
func Cycle(ctx context.Context, opts RunOptions) *Result {
	res := &Result{}
	r, err := OpenRun(ctx, opts)
	if err != nil {
		return res.end(err)
	}
	defer r.Close()
	defer func() { res.RunID, res.Mode, res.Traffic = r.ID(), r.Mode(), r.Traffic() }()
	plan, err := r.Plan(ctx)
	if err != nil {
		return res.end(err)
	}
	res.Plan = plan
	switch {
	case plan.Refused != "":
		return res.end(r.Refuse(plan))
	case opts.DryRun:
		return res.end(r.Finish(plan))
	}
	res.Outcome, err = r.Apply(ctx, plan)
	return res.end(err)
}

func (res *Result) end(err error) *Result {
	res.Err, res.Class = err, ClassOf(err)
	p := res.Outcome
	if p == nil {
		p = res.Plan
	}
	if p == nil {
		return res
	}
	res.Tally = map[TallyKey]int{}
	for _, op := range p.Operations {
		res.Tally[TallyKey{op.Kind, op.Action, op.Status}]++
		if op.Status == StatusFailed {
			res.Failures = append(res.Failures, Failure{Kind: op.Kind, SourceID: op.SourceID, Name: op.Name(),
				Action: op.Action, Code: op.ErrorCode, Reason: op.Error, Retried: op.Retried})
		}
	}
	return res
}
