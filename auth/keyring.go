package auth

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/zalando/go-keyring"
)

// DefaultKeyringTimeout bounds every keychain call, as gh does: a Secret
// Service that hangs (a locked collection waiting for a prompt nobody sees)
// must not hang the CLI.
const DefaultKeyringTimeout = 3 * time.Second

// Keyring is the OS keychain as the Store uses it. SystemKeyring is the real
// one; the interface exists so the lookup order can be unit-tested without one.
type Keyring interface {
	Get(service, account string) (string, error)
	Set(service, account, secret string) error
	Delete(service, account string) error
}

// ErrKeyringNotFound is what a Keyring returns for a missing entry.
var ErrKeyringNotFound = keyring.ErrNotFound

// SystemKeyring is the OS keychain through zalando/go-keyring: Secret Service
// over D-Bus on Linux, Keychain on macOS, Credential Manager on Windows.
type SystemKeyring struct{}

// Get reads an entry.
func (SystemKeyring) Get(service, account string) (string, error) {
	return keyring.Get(service, account)
}

// Set writes an entry, replacing any previous value in one operation.
func (SystemKeyring) Set(service, account, secret string) error {
	return keyring.Set(service, account, secret)
}

// Delete removes an entry.
func (SystemKeyring) Delete(service, account string) error {
	return keyring.Delete(service, account)
}

// KeychainError says the OS keychain could not be used, and what to do instead.
type KeychainError struct {
	Op      string // "read", "write", "delete" or "reach"
	Account string
	Err     error
	// FilePath is where --insecure-storage would keep the token.
	FilePath string
}

func (e *KeychainError) Error() string {
	what := map[string]string{
		"read":   "could not read the Slack token from",
		"write":  "could not store the Slack token in",
		"delete": "could not delete the Slack token from",
	}[e.Op]
	if what == "" {
		what = "could not reach"
	}
	return fmt.Sprintf("slackprov %s the OS keychain (service %q, account %q): %s. %s", what, KeyringService, e.Account, e.Reason(), e.Fix())
}

// Reason is why the keychain failed, in plain words.
func (e *KeychainError) Reason() string { return keychainReason(e.Err) }

// Fix is what to do instead of using the keychain.
func (e *KeychainError) Fix() string {
	file := "a plain-text file (mode 0600)"
	if e.FilePath != "" {
		file = e.FilePath + " (mode 0600)"
	}
	return "Fix: set " + EnvToken + ", or run `slackprov authorize --insecure-storage` to keep the token in " + file +
		" (with --token-stdin for a token made elsewhere)"
}

func (e *KeychainError) Unwrap() error { return e.Err }

// keychainReason turns the usual headless-Linux failures into plain words.
func keychainReason(err error) string {
	msg := err.Error()
	var te *keyringTimeoutError
	switch {
	case errors.As(err, &te):
		return msg + " (the Secret Service did not answer; it may be locked and waiting for a password prompt)"
	case strings.Contains(msg, "dbus-launch"), strings.Contains(msg, "DBUS_SESSION_BUS_ADDRESS"):
		return "no D-Bus session bus, so no Secret Service (usual over SSH, in containers and CI)"
	case strings.Contains(msg, "org.freedesktop.secrets"), strings.Contains(msg, "ServiceUnknown"):
		return "no Secret Service (gnome-keyring or KeePassXC) is running on the session bus"
	case strings.Contains(msg, "locked"), strings.Contains(msg, "prompt"):
		return "the keyring is locked (" + msg + ")"
	}
	return msg
}

type keyringTimeoutError struct {
	op      string
	timeout time.Duration
}

func (e *keyringTimeoutError) Error() string {
	return fmt.Sprintf("keychain %s timed out after %s", e.op, e.timeout)
}

// withTimeout runs fn, giving up after timeout or when ctx ends. A call that
// gives up leaves its goroutine to finish on its own: go-keyring has no way
// to cancel a D-Bus call.
func withTimeout(ctx context.Context, timeout time.Duration, op string, fn func() error) error {
	done := make(chan error, 1)
	go func() { done <- fn() }()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case err := <-done:
		return err
	case <-t.C:
		return &keyringTimeoutError{op: op, timeout: timeout}
	case <-ctx.Done():
		return ctx.Err()
	}
}
