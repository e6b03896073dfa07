package commands

import (
	"context"
	"errors"
	"fmt"
)

// Exit codes, as DESIGN.md promises them.
const (
	ExitOK          = 0
	ExitError       = 1
	ExitChanges     = 2
	ExitSafety      = 3
	ExitAuth        = 4
	ExitInterrupted = 130
)

// ExitError carries an exit code with the error that caused it. A nil Err
// with a non-zero code means "exit quietly with this code" (e.g. a plan with
// changes under --detailed-exitcode).
type exitError struct {
	Code int
	Err  error
}

func (e *exitError) Error() string {
	if e.Err == nil {
		return fmt.Sprintf("exit status %d", e.Code)
	}
	return e.Err.Error()
}

func (e *exitError) Unwrap() error { return e.Err }

// withCode attaches an exit code to err.
func withCode(code int, err error) error { return &exitError{Code: code, Err: err} }

// exitCodeOf maps an error returned by a command to the process exit code.
func exitCodeOf(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.Code
	}
	if errors.Is(err, context.Canceled) {
		return ExitInterrupted
	}
	return ExitError
}
