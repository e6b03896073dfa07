package provision

import "time"

// Phase is a stage of a sync, as progress displays name it.
type Phase string

// The phases of a sync, in order.
const (
	PhaseReadDirectory Phase = "reading directory"
	PhaseReadSlack     Phase = "reading Slack"
	PhasePlan          Phase = "planning"
	PhaseApply         Phase = "applying"
)

// Reporter receives a sync's progress: plain lines on a pipe, a live view
// on a terminal. Its methods may be called from several goroutines.
type Reporter interface {
	// Phase starts a stage; detail says what it works on.
	Phase(p Phase, detail string)
	// Request reports one HTTP attempt to Slack: the time it waited for the
	// rate limit (ours or Slack's Retry-After) and its status (0: no answer).
	Request(waited time.Duration, status int)
	// Applied reports one finished operation.
	Applied(ev Event)
	// Finish reports the end: the plan with its outcomes, and the run's error.
	Finish(plan *Plan, err error)
}
