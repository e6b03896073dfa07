package provision

import (
	"context"
	"errors"
	"fmt"

	"github.com/slackprov/slackprov/store"
)

// Class sorts a run's error by what the caller does about it: the exit
// code of a command, the quarantine reason of a watch cycle.
type Class int

// Error classes.
const (
	ClassNone        Class = iota // no error
	ClassOther                    // anything else: exit 1
	ClassOpsFailed                // some objects failed, the rest went through
	ClassSafety                   // a safety check refused the run; nothing was written
	ClassCredentials              // Slack or the directory refused the credentials
	ClassInterrupted              // cancelled; in-flight requests finished
)

// String names the class in results and logs.
func (c Class) String() string {
	return [...]string{"none", "error", "operations failed", "safety stop", "credentials", "interrupted"}[c]
}

// Credentials is implemented by errors that mean the credentials were
// refused (Slack's token, the directory's app), whichever package made them.
type Credentials interface{ Credentials() bool }

// ClassOf sorts err. The checks run in order: a safety refusal or refused
// credentials say more than the interruption that may accompany them.
func ClassOf(err error) Class {
	var (
		safety  *SafetyError
		binding *BindingError
		stale   *StaleError
		ops     *OpsFailedError
		intr    *InterruptedError
	)
	switch {
	case err == nil:
		return ClassNone
	case errors.As(err, &safety), errors.As(err, &binding), errors.As(err, &stale):
		return ClassSafety
	case IsCredentials(err):
		return ClassCredentials
	case errors.As(err, &intr), errors.Is(err, context.Canceled):
		return ClassInterrupted
	case errors.As(err, &ops):
		return ClassOpsFailed
	}
	return ClassOther
}

// IsCredentials reports whether err, or any error it wraps, means refused
// credentials.
func IsCredentials(err error) bool {
	for err != nil {
		if c, ok := err.(Credentials); ok && c.Credentials() {
			return true
		}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, e := range j.Unwrap() {
				if IsCredentials(e) {
					return true
				}
			}
			return false
		}
		err = errors.Unwrap(err)
	}
	return false
}

// SafetyError is a plan a safety check refused; Refusal says why, in the
// engine's words, and Why as values (nil for a saved plan's own verdict);
// views add what to do about it.
type SafetyError struct {
	Refusal string
	Why     *Refusal
}

func (e *SafetyError) Error() string { return "refused by a safety check: " + e.Refusal }

// BindingError is a run whose state belongs to another Slack org or
// directory: its links and read position would be applied to the wrong one.
type BindingError struct {
	Bound store.Binding // what the state belongs to
	Want  store.Binding // what this run serves
}

func (e *BindingError) Error() string {
	if e.Bound.SlackOrg != e.Want.SlackOrg {
		return fmt.Sprintf("the token reaches Slack org %s, but the state belongs to Slack org %s", orgName(e.Want), orgName(e.Bound))
	}
	return fmt.Sprintf("the profile reads directory %q, but its state belongs to directory %q", e.Want.Directory, e.Bound.Directory)
}

// OrgMismatch says the org differs (else the directory does).
func (e *BindingError) OrgMismatch() bool { return e.Bound.SlackOrg != e.Want.SlackOrg }

func orgName(b store.Binding) string {
	if b.SlackOrgName == "" {
		return b.SlackOrg
	}
	return fmt.Sprintf("%s (%s)", b.SlackOrg, b.SlackOrgName)
}

// StaleError is a saved plan that is no longer true; nothing was written.
// Objects lists the Slack objects that changed since the plan was made;
// Replan says planning again is the way on.
type StaleError struct {
	Reason  string
	Objects []string
	Replan  bool
}

func (e *StaleError) Error() string { return e.Reason }

// OpsFailedError reports a plan or run in which some objects failed.
type OpsFailedError struct {
	Failed int
	// DryRun: nothing was meant to be written; NothingToApply: nothing
	// else was planned.
	DryRun, NothingToApply bool
}

func (e *OpsFailedError) Error() string {
	switch {
	case e.DryRun:
		return fmt.Sprintf("%d objects cannot be provisioned as planned", e.Failed)
	case e.NothingToApply:
		return fmt.Sprintf("%d objects cannot be provisioned and nothing else needed changing", e.Failed)
	}
	return fmt.Sprintf("%d operations failed; the rest were applied", e.Failed)
}

// InterruptedError is an apply stopped by its context after the requests
// in flight finished.
type InterruptedError struct {
	NotRun int
	Err    error
}

func (e *InterruptedError) Error() string {
	return fmt.Sprintf("interrupted after the requests in flight: %d operations were not started (%v)", e.NotRun, e.Err)
}

func (e *InterruptedError) Unwrap() error { return e.Err }
