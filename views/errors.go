package views

import (
	"errors"
	"fmt"

	"github.com/slackprov/slackprov/provision"
)

// Error words a run's error for people: the engine says what happened,
// the view adds what to do next and which command does it. The engine's
// error stays in the chain, so its class (and exit code) is unchanged.
func Error(err error) error {
	var (
		ops  *provision.OpsFailedError
		intr *provision.InterruptedError
	)
	switch {
	case errors.As(err, &ops) && ops.DryRun:
		return &worded{err, ops.Error() + " (marked ! in the plan above); fix them in the directory or the mappings"}
	case errors.As(err, &ops):
		return &worded{err, ops.Error() + ". See `slackprov logs --status failed`; every later sync retries them"}
	case errors.As(err, &intr):
		return &worded{err, fmt.Sprintf("interrupted after the requests in flight: %d operations were not started; run sync again to finish (%v)", intr.NotRun, intr.Err)}
	}
	return err
}

type worded struct {
	err  error
	text string
}

func (w *worded) Error() string { return w.text }
func (w *worded) Unwrap() error { return w.err }
