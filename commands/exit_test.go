package commands

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/slackprov/slackprov/directory/entra"
	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/scim"
)

// TestExitCodes: what an error means decides the exit code, however deep
// it is wrapped, in the one place that knows the numbers.
func TestExitCodes(t *testing.T) {
	wrap := func(err error) error { return fmt.Errorf("reading: %w", err) }
	for _, tc := range []struct {
		name string
		err  error
		code int
	}{
		{"nil", nil, ExitOK},
		{"plain", errors.New("boom"), ExitError},
		{"changes", shown(&changesError{}), ExitChanges},
		{"safety refusal", shown(&provision.SafetyError{Refusal: "too many"}), ExitSafety},
		{"binding", wrap(&provision.BindingError{}), ExitSafety},
		{"stale plan", refused(errors.New("stale")), ExitSafety},
		{"slack 401", wrap(&scim.Error{Status: 401, Code: scim.CodeInvalidAuthentication}), ExitAuth},
		{"slack 400", wrap(&scim.Error{Status: 400, Code: "invalid_syntax"}), ExitError},
		{"no token", wrap(scim.ErrNoToken), ExitAuth},
		{"entra", wrap(fmt.Errorf("%w: token", entra.ErrAuth)), ExitAuth},
		{"graph 403", wrap(&entra.GraphError{Status: 403}), ExitAuth},
		{"apply stopped by a 401", wrap(fmt.Errorf("%w: %w", provision.ErrAuth, &scim.Error{Status: 401})), ExitAuth},
		{"command's credentials", credentials(errors.New("keychain")), ExitAuth},
		{"checks failed", shown(checksFailed(ExitAuth)), ExitAuth},
		{"interrupted apply", &provision.InterruptedError{NotRun: 3, Err: context.Canceled}, ExitInterrupted},
		{"form aborted", shown(aborted(errors.New("user aborted"))), ExitInterrupted},
		{"ops failed", &provision.OpsFailedError{Failed: 2}, ExitError},
	} {
		if got := exitCodeOf(tc.err); got != tc.code {
			t.Errorf("%s: exit %d, want %d", tc.name, got, tc.code)
		}
	}
	if printable(shown(errors.New("x"))) || !printable(errors.New("x")) || printable(nil) {
		t.Error("shown errors must not be printed again; others must")
	}
}
