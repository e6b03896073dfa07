package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Quarantine reasons, named after Entra's synchronizationQuarantine reasons
// where one exists, so admins who know the portal recognise them.
const (
	QuarantineCredentials = "credentials" // Slack or the directory refused our credentials
	QuarantineSafetyStop  = "safety_stop" // a safety check stopped a cycle (Entra: TooManyDeletes)
	QuarantineFailures    = "failures"    // most operations of consecutive cycles failed (Entra: EncounteredEscrowProportionThreshold)
	QuarantineOnDemand    = "on_demand"   // an admin asked for it (Entra: QuarantinedOnDemand)
)

// Quarantine is why a profile stopped writing to Slack. While it is set,
// reads continue and writes stop, until a successful sync or `slackprov
// resume` lifts it.
type Quarantine struct {
	Reason  string
	Message string
	Since   time.Time // when the quarantine began
	Updated time.Time // when it was last confirmed or its message changed
}

// Quarantine returns the profile's quarantine, or nil when it is not
// quarantined.
func (s *Store) Quarantine(ctx context.Context) (*Quarantine, error) {
	var q Quarantine
	var since, updated int64
	err := s.db.QueryRowContext(ctx, `SELECT reason, message, since, updated FROM quarantine WHERE id = 1`).
		Scan(&q.Reason, &q.Message, &since, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state file %s: read quarantine: %w", s.path, err)
	}
	q.Since, q.Updated = fromDB(since), fromDB(updated)
	return &q, nil
}

// SetQuarantine puts the profile in quarantine, or updates the reason and
// message of the quarantine it is in; a continuing quarantine keeps its
// start time.
func (s *Store) SetQuarantine(ctx context.Context, reason, message string) error {
	if reason == "" {
		return errors.New("set quarantine: no reason given")
	}
	now := toDB(s.now())
	_, err := s.db.ExecContext(ctx, `
INSERT INTO quarantine (id, reason, message, since, updated) VALUES (1, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET reason = excluded.reason, message = excluded.message, updated = excluded.updated`,
		reason, message, now, now)
	if err != nil {
		return fmt.Errorf("state file %s: record quarantine (%s): %w", s.path, reason, err)
	}
	return nil
}

// LiftQuarantine ends the quarantine, reporting whether there was one.
func (s *Store) LiftQuarantine(ctx context.Context) (bool, error) {
	res, err := s.db.ExecContext(ctx, `DELETE FROM quarantine WHERE id = 1`)
	if err != nil {
		return false, fmt.Errorf("state file %s: lift quarantine: %w", s.path, err)
	}
	n, err := res.RowsAffected()
	return n > 0, err
}
