package auth

import (
	"context"
	"errors"
	"fmt"
)

// EntraKeyringService is the keychain service holding each profile's Entra
// app registration secret, so it need not live in AZURE_CLIENT_SECRET.
const EntraKeyringService = "slackprov-entra"

// SaveEntraSecret keeps the profile's Entra client secret in the OS keychain.
// There is no plain-text fallback: without a keychain, use AZURE_CLIENT_SECRET.
func (s *Store) SaveEntraSecret(ctx context.Context, secret string) error {
	return s.saveSecret(ctx, EntraKeyringService, "Entra client secret", "set AZURE_CLIENT_SECRET in the environment instead", secret)
}

// LoadEntraSecret returns the profile's Entra client secret from the
// keychain; ok is false when none is stored.
func (s *Store) LoadEntraSecret(ctx context.Context) (secret string, ok bool, err error) {
	return s.loadSecret(ctx, EntraKeyringService, "Entra client secret")
}

// saveSecret keeps one of the profile's secrets under service; instead says
// what to do when the keychain refuses.
func (s *Store) saveSecret(ctx context.Context, service, what, instead, secret string) error {
	err := withTimeout(ctx, s.opts.Timeout, "write", func() error {
		return s.opts.Keyring.Set(service, s.profile, secret)
	})
	if err != nil {
		return fmt.Errorf("could not store the %s in the OS keychain (service %q, account %q): %s; %s",
			what, service, s.profile, keychainReason(err), instead)
	}
	return nil
}

func (s *Store) loadSecret(ctx context.Context, service, what string) (secret string, ok bool, err error) {
	err = withTimeout(ctx, s.opts.Timeout, "read", func() error {
		var err error
		secret, err = s.opts.Keyring.Get(service, s.profile)
		return err
	})
	switch {
	case errors.Is(err, ErrKeyringNotFound):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("could not read the %s from the OS keychain (service %q, account %q): %s",
			what, service, s.profile, keychainReason(err))
	}
	return secret, true, nil
}

// DeleteEntraSecret removes the profile's Entra client secret; a missing one
// is not an error.
func (s *Store) DeleteEntraSecret(ctx context.Context) (deleted bool, err error) {
	return s.deleteSecret(ctx, EntraKeyringService, "Entra client secret")
}

func (s *Store) deleteSecret(ctx context.Context, service, what string) (deleted bool, err error) {
	err = withTimeout(ctx, s.opts.Timeout, "delete", func() error {
		return s.opts.Keyring.Delete(service, s.profile)
	})
	switch {
	case errors.Is(err, ErrKeyringNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("could not delete the %s from the OS keychain: %s", what, keychainReason(err))
	}
	return true, nil
}
