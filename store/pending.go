package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Pending is an object whose last provisioning failed, while planning or in
// Slack. Every later run re-reads and retries it, incremental runs included,
// until it succeeds or leaves the directory.
type Pending struct {
	Kind        string // "user" or "group"
	SourceID    string
	Name        string
	Action      string
	ErrorCode   string
	Error       string
	FirstFailed time.Time
	LastFailed  time.Time
	Attempts    int
	NextRetry   time.Time // when an unattended run (watch) tries it again; sync retries every pending object
}

// RetryDelay is how long after its latest failure an object that has failed
// attempts times waits before an unattended run retries it. Entra waits 6,
// 12, then 24 hours; slackprov runs every few minutes, so the first retries
// come sooner and the tail is the same daily attempt.
func RetryDelay(attempts int) time.Duration {
	switch {
	case attempts <= 1:
		return 0
	case attempts == 2:
		return 10 * time.Minute
	case attempts == 3:
		return time.Hour
	case attempts == 4:
		return 6 * time.Hour
	default:
		return 24 * time.Hour
	}
}

// Pending returns every pending failure, by kind and source id.
func (s *Store) Pending(ctx context.Context) ([]Pending, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT kind, source_id, name, action, error_code, error, first_failed, last_failed, attempts, next_retry
FROM pending ORDER BY kind, source_id`)
	if err != nil {
		return nil, fmt.Errorf("state file %s: read pending failures: %w", s.path, err)
	}
	defer rows.Close()
	var out []Pending
	for rows.Next() {
		var p Pending
		var first, last, next int64
		if err := rows.Scan(&p.Kind, &p.SourceID, &p.Name, &p.Action, &p.ErrorCode, &p.Error, &first, &last, &p.Attempts, &next); err != nil {
			return nil, fmt.Errorf("state file %s: read pending failures: %w", s.path, err)
		}
		p.FirstFailed, p.LastFailed, p.NextRetry = fromDB(first), fromDB(last), fromDB(next)
		out = append(out, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state file %s: read pending failures: %w", s.path, err)
	}
	return out, nil
}

// SavePending records a run's failures. With replace (a run that evaluated
// every pending object again) the failures become the whole pending set, so
// objects that succeeded or left scope are dropped; without it (an
// interrupted run) they are only added. An object that failed before keeps
// its first failure time and counts one more attempt.
func (s *Store) SavePending(ctx context.Context, failures []Pending, replace bool) error {
	if replace {
		return s.savePending(ctx, failures, `DELETE FROM pending`)
	}
	return s.savePending(ctx, failures, "")
}

// SaveDuePending records the failures of a run that retried only the
// pending failures due by dueBy (watch honours NextRetry): those are
// replaced by failures, and the others keep their place and schedule.
func (s *Store) SaveDuePending(ctx context.Context, failures []Pending, dueBy time.Time) error {
	return s.savePending(ctx, failures, `DELETE FROM pending WHERE next_retry <= ?`, toDB(dueBy))
}

// savePending runs clear (when set) and records failures, in one transaction.
func (s *Store) savePending(ctx context.Context, failures []Pending, clear string, args ...any) error {
	now := toDB(s.now())
	return s.inTx(ctx, func(tx *sql.Tx) error {
		old := map[[2]string][2]int64{}
		rows, err := tx.QueryContext(ctx, `SELECT kind, source_id, first_failed, attempts FROM pending`)
		if err != nil {
			return fmt.Errorf("state file %s: read pending failures: %w", s.path, err)
		}
		for rows.Next() {
			var k, src string
			var first, attempts int64
			if err := rows.Scan(&k, &src, &first, &attempts); err != nil {
				rows.Close()
				return fmt.Errorf("state file %s: read pending failures: %w", s.path, err)
			}
			old[[2]string{k, src}] = [2]int64{first, attempts}
		}
		rows.Close()
		if clear != "" {
			if _, err := tx.ExecContext(ctx, clear, args...); err != nil {
				return fmt.Errorf("state file %s: clear pending failures: %w", s.path, err)
			}
		}
		for _, p := range failures {
			if p.SourceID == "" {
				// Nothing to re-read it by; a full read finds it again.
				continue
			}
			first, attempts := now, int64(1)
			if o, ok := old[[2]string{p.Kind, p.SourceID}]; ok {
				first, attempts = o[0], o[1]+1
			}
			if _, err := tx.ExecContext(ctx, `
INSERT INTO pending (kind, source_id, name, action, error_code, error, first_failed, last_failed, attempts, next_retry)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (kind, source_id) DO UPDATE SET name = excluded.name, action = excluded.action,
	error_code = excluded.error_code, error = excluded.error, last_failed = excluded.last_failed,
	attempts = excluded.attempts, next_retry = excluded.next_retry`,
				p.Kind, p.SourceID, p.Name, p.Action, p.ErrorCode, p.Error, first, now, attempts, retryAt(now, attempts)); err != nil {
				return fmt.Errorf("state file %s: record pending failure of %s %s: %w", s.path, p.Kind, p.SourceID, err)
			}
		}
		return nil
	})
}

// retryAt is the next retry of an object failing for the attempts-th time at
// now, both as stored.
func retryAt(now int64, attempts int64) int64 {
	return toDB(fromDB(now).Add(RetryDelay(int(attempts))))
}

// ResolvePending forgets the pending failures of these objects of one kind,
// leaving every other one as it is: a run restricted to them (provision
// USER) provisioned them.
func (s *Store) ResolvePending(ctx context.Context, kind string, sourceIDs []string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, id := range sourceIDs {
			if _, err := tx.ExecContext(ctx, `DELETE FROM pending WHERE kind = ? AND source_id = ?`, kind, id); err != nil {
				return fmt.Errorf("state file %s: resolve pending failure of %s %s: %w", s.path, kind, id, err)
			}
		}
		return nil
	})
}
