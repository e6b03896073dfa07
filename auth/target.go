package auth

import "context"

// TargetKeyringService is the keychain service holding each profile's bearer
// token for a generic SCIM target (target.type scim).
const TargetKeyringService = "slackprov-target"

// SaveTargetToken keeps the profile's SCIM target token in the OS keychain.
// There is no plain-text fallback: without a keychain, use
// SLACKPROV_TARGET_TOKEN.
func (s *Store) SaveTargetToken(ctx context.Context, token string) error {
	return s.saveSecret(ctx, TargetKeyringService, "SCIM target token", "set SLACKPROV_TARGET_TOKEN in the environment instead", token)
}

// LoadTargetToken returns the profile's SCIM target token from the
// keychain; ok is false when none is stored.
func (s *Store) LoadTargetToken(ctx context.Context) (token string, ok bool, err error) {
	return s.loadSecret(ctx, TargetKeyringService, "SCIM target token")
}

// DeleteTargetToken removes the profile's SCIM target token; a missing one
// is not an error.
func (s *Store) DeleteTargetToken(ctx context.Context) (deleted bool, err error) {
	return s.deleteSecret(ctx, TargetKeyringService, "SCIM target token")
}
