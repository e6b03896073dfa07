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
	err := withTimeout(ctx, s.opts.Timeout, "write", func() error {
		return s.opts.Keyring.Set(EntraKeyringService, s.profile, secret)
	})
	if err != nil {
		return fmt.Errorf("could not store the Entra client secret in the OS keychain (service %q, account %q): %s; set AZURE_CLIENT_SECRET in the environment instead",
			EntraKeyringService, s.profile, keychainReason(err))
	}
	return nil
}

// LoadEntraSecret returns the profile's Entra client secret from the
// keychain; ok is false when none is stored.
func (s *Store) LoadEntraSecret(ctx context.Context) (secret string, ok bool, err error) {
	err = withTimeout(ctx, s.opts.Timeout, "read", func() error {
		var err error
		secret, err = s.opts.Keyring.Get(EntraKeyringService, s.profile)
		return err
	})
	switch {
	case errors.Is(err, ErrKeyringNotFound):
		return "", false, nil
	case err != nil:
		return "", false, fmt.Errorf("could not read the Entra client secret from the OS keychain (service %q, account %q): %s",
			EntraKeyringService, s.profile, keychainReason(err))
	}
	return secret, true, nil
}

// DeleteEntraSecret removes the profile's Entra client secret; a missing one
// is not an error.
func (s *Store) DeleteEntraSecret(ctx context.Context) (deleted bool, err error) {
	err = withTimeout(ctx, s.opts.Timeout, "delete", func() error {
		return s.opts.Keyring.Delete(EntraKeyringService, s.profile)
	})
	switch {
	case errors.Is(err, ErrKeyringNotFound):
		return false, nil
	case err != nil:
		return false, fmt.Errorf("could not delete the Entra client secret from the OS keychain: %s", keychainReason(err))
	}
	return true, nil
}
