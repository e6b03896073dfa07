package commands

import (
	"context"
	"errors"

	"github.com/slackprov/slackprov/provision"
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

// exitCodeOf maps an error returned by a command to the process exit code,
// by what the error means: the one place that knows the numbers.
func exitCodeOf(err error) int {
	var (
		changes *changesError
		safety  *safetyError
	)
	switch {
	case errors.As(err, &changes):
		return ExitChanges
	case errors.As(err, &safety):
		return ExitSafety
	}
	switch provision.ClassOf(err) {
	case provision.ClassNone:
		return ExitOK
	case provision.ClassSafety:
		return ExitSafety
	case provision.ClassCredentials:
		return ExitAuth
	case provision.ClassInterrupted:
		return ExitInterrupted
	}
	return ExitError
}

// changesError is --detailed-exitcode's "the plan has changes".
type changesError struct{}

func (*changesError) Error() string { return "the plan has changes" }

// shownError is an outcome the command has already shown (a refused plan,
// failed checks): nothing more is printed, and the cause sets the code.
type shownError struct{ err error }

func (e *shownError) Error() string { return e.err.Error() }
func (e *shownError) Unwrap() error { return e.err }

// shown marks err as already shown to the user.
func shown(err error) error { return &shownError{err} }

// printable reports whether the error still needs printing.
func printable(err error) bool {
	var s *shownError
	return err != nil && !errors.As(err, &s)
}

// credentialsError marks an error the command knows to be about the
// credentials (a refused or missing token, a keychain that cannot keep it).
type credentialsError struct{ err error }

func (e *credentialsError) Error() string     { return e.err.Error() }
func (e *credentialsError) Unwrap() error     { return e.err }
func (e *credentialsError) Credentials() bool { return true }

// credentials marks err as a credentials problem (exit 4).
func credentials(err error) error { return &credentialsError{err} }

// safetyError marks an error that stopped a command before it wrote
// anything, because going on could harm the wrong org or undo changes.
type safetyError struct{ err error }

func (e *safetyError) Error() string { return e.err.Error() }
func (e *safetyError) Unwrap() error { return e.err }

// refused marks err as a safety refusal (exit 3).
func refused(err error) error { return &safetyError{err} }

// abortedError is a command the user stopped (Esc or Ctrl-C in a form).
type abortedError struct{ err error }

func (e *abortedError) Error() string   { return e.err.Error() }
func (e *abortedError) Unwrap() []error { return []error{e.err, context.Canceled} }

// aborted marks err as the user's stop (exit 130).
func aborted(err error) error { return &abortedError{err} }

// checksFailed is a report of failed checks the command has printed: about
// the credentials when code says so (exit 4), else exit 1.
func checksFailed(code int) error {
	err := errors.New("some checks failed")
	if code == ExitAuth {
		return credentials(err)
	}
	return err
}
