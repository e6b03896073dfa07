package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Binding is the Slack org and the directory a state file describes. Links,
// read positions and pending failures mean nothing for another org or
// directory, so runs check it before writing anywhere.
type Binding struct {
	SlackOrg     string // team or enterprise id, from auth.test
	SlackOrgName string
	Directory    string // e.g. "entra tenant 0000…"
	Bound        time.Time
}

// Binding returns the state's binding, or nil when it has none yet.
func (s *Store) Binding(ctx context.Context) (*Binding, error) {
	var b Binding
	var bound int64
	err := s.db.QueryRowContext(ctx, `SELECT slack_org, slack_org_name, directory, bound FROM binding WHERE id = 1`).
		Scan(&b.SlackOrg, &b.SlackOrgName, &b.Directory, &bound)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state file %s: read org binding: %w", s.path, err)
	}
	b.Bound = fromDB(bound)
	return &b, nil
}

// Bind records the binding when the state has none; an existing binding is
// left as it is (changing it is ResetState's job).
func (s *Store) Bind(ctx context.Context, b Binding) error {
	if b.SlackOrg == "" || b.Directory == "" {
		return fmt.Errorf("bind state file %s: the Slack org and the directory are both required", s.path)
	}
	if _, err := s.db.ExecContext(ctx,
		`INSERT INTO binding (id, slack_org, slack_org_name, directory, bound) VALUES (1, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`,
		b.SlackOrg, b.SlackOrgName, b.Directory, toDB(s.now())); err != nil {
		return fmt.Errorf("state file %s: record org binding: %w", s.path, err)
	}
	return nil
}

// ResetState forgets everything that ties the state to one Slack org and
// directory: the binding, links, read positions and pending failures. The
// run history and provisioning log stay. The reset is recorded as a run,
// so a plan saved before it can no longer be applied.
func (s *Store) ResetState(ctx context.Context) (int64, error) {
	var runID int64
	now := toDB(s.now())
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		for _, table := range []string{"binding", "links", "kv", "pending"} {
			// Table names are constants of this function.
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table); err != nil {
				return fmt.Errorf("state file %s: reset %s: %w", s.path, table, err)
			}
		}
		res, err := tx.ExecContext(ctx,
			`INSERT INTO runs (started, finished, status, dry_run, source, applied) VALUES (?, ?, ?, 0, ?, 1)`,
			now, now, RunReset, "slackprov state reset")
		if err != nil {
			return fmt.Errorf("state file %s: record the reset: %w", s.path, err)
		}
		runID, err = res.LastInsertId()
		return err
	})
	return runID, err
}
