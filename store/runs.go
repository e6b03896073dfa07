package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Run statuses.
const (
	RunRunning     = "running"
	RunOK          = "ok"
	RunFailed      = "failed"
	RunInterrupted = "interrupted"
	RunRefused     = "refused"   // stopped by a safety check
	RunCancelled   = "cancelled" // the user declined to apply the plan
	RunReset       = "reset"     // `slackprov state reset` forgot the state
)

// Run records one sync or dry run.
type Run struct {
	ID       int64
	Started  time.Time
	Finished time.Time // zero while running, or when the process died mid-run
	Status   string
	DryRun   bool
	Source   string         // the directory source's description
	Counts   map[string]int // e.g. "user.create": 3
	Error    string
	Mode     string // RunFull, RunIncremental, RunOnDemand; empty for runs recorded before schema 3
}

// Run modes: what a run read and planned.
const (
	RunFull        = "full"        // every object in scope
	RunIncremental = "incremental" // the directory's changes since the read position
	RunOnDemand    = "provision"   // one user, `slackprov provision USER`
)

// StartRun records a new run with status "running" and returns its id.
func (s *Store) StartRun(ctx context.Context, dryRun bool, source string) (int64, error) {
	res, err := s.db.ExecContext(ctx,
		`INSERT INTO runs (started, status, dry_run, source) VALUES (?, ?, ?, ?)`,
		toDB(s.now()), RunRunning, dryRun, source)
	if err != nil {
		return 0, fmt.Errorf("state file %s: record run start: %w", s.path, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("state file %s: record run start: %w", s.path, err)
	}
	return id, nil
}

// CloseAbandonedRuns marks runs still "running" as interrupted: their
// process died. Call it only while holding Lock, when no other run can be live.
func (s *Store) CloseAbandonedRuns(ctx context.Context) (int64, error) {
	res, err := s.db.ExecContext(ctx,
		`UPDATE runs SET status = ?, error = ? WHERE status = ?`,
		RunInterrupted, "the process stopped before the run finished; the next run converged from its state", RunRunning)
	if err != nil {
		return 0, fmt.Errorf("state file %s: close abandoned runs: %w", s.path, err)
	}
	return res.RowsAffected()
}

// FinishRun records how run id ended.
func (s *Store) FinishRun(ctx context.Context, id int64, status string, counts map[string]int, errMsg string) error {
	switch status {
	case RunOK, RunFailed, RunInterrupted, RunRefused, RunCancelled, RunReset:
	default:
		return fmt.Errorf("finish run %d: status %q is not one of ok, failed, interrupted, refused, cancelled, reset", id, status)
	}
	if counts == nil {
		counts = map[string]int{}
	}
	c, err := json.Marshal(counts)
	if err != nil {
		return fmt.Errorf("finish run %d: encode counts: %w", id, err)
	}
	res, err := s.db.ExecContext(ctx,
		`UPDATE runs SET finished = ?, status = ?, counts = ?, error = ? WHERE id = ?`,
		toDB(s.now()), status, string(c), errMsg, id)
	if err != nil {
		return fmt.Errorf("state file %s: finish run %d: %w", s.path, id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("state file %s: finish run %d: %w", s.path, id, err)
	}
	if n == 0 {
		return fmt.Errorf("state file %s: finish run %d: no such run", s.path, id)
	}
	return nil
}

// Runs returns up to limit runs, newest first; limit <= 0 means all.
func (s *Store) Runs(ctx context.Context, limit int) ([]Run, error) {
	q := `SELECT id, started, finished, status, dry_run, source, counts, error, mode FROM runs ORDER BY id DESC`
	args := []any{}
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("state file %s: read runs: %w", s.path, err)
	}
	defer rows.Close()
	var out []Run
	for rows.Next() {
		r, err := scanRun(rows)
		if err != nil {
			return nil, fmt.Errorf("state file %s: read runs: %w", s.path, err)
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state file %s: read runs: %w", s.path, err)
	}
	return out, nil
}

// LastRun returns the newest run, or nil when there has been none.
func (s *Store) LastRun(ctx context.Context) (*Run, error) {
	return s.oneRun(ctx, `ORDER BY id DESC LIMIT 1`)
}

type scanner interface{ Scan(dest ...any) error }

func scanRun(sc scanner) (Run, error) {
	var r Run
	var started, finished int64
	var counts string
	if err := sc.Scan(&r.ID, &started, &finished, &r.Status, &r.DryRun, &r.Source, &counts, &r.Error, &r.Mode); err != nil {
		return Run{}, err
	}
	r.Started, r.Finished = fromDB(started), fromDB(finished)
	if err := json.Unmarshal([]byte(counts), &r.Counts); err != nil {
		return Run{}, fmt.Errorf("run %d: counts: %w", r.ID, err)
	}
	return r, nil
}

// SetRunMode records what run id reads: RunFull, RunIncremental or
// RunOnDemand. It is set once the run knows, after reading its position.
func (s *Store) SetRunMode(ctx context.Context, id int64, mode string) error {
	switch mode {
	case RunFull, RunIncremental, RunOnDemand:
	default:
		return fmt.Errorf("run %d: mode %q is not one of full, incremental, provision", id, mode)
	}
	if _, err := s.db.ExecContext(ctx, `UPDATE runs SET mode = ? WHERE id = ?`, mode, id); err != nil {
		return fmt.Errorf("state file %s: record mode of run %d: %w", s.path, id, err)
	}
	return nil
}

// MarkApplying records that run id starts writing to Slack, executing the
// plan planID. From then on, plans computed before it are out of date.
func (s *Store) MarkApplying(ctx context.Context, id int64, planID string) error {
	if _, err := s.db.ExecContext(ctx, `UPDATE runs SET applied = 1, plan_id = ? WHERE id = ?`, planID, id); err != nil {
		return fmt.Errorf("state file %s: mark run %d as applying: %w", s.path, id, err)
	}
	return nil
}

// LastAppliedRun returns the newest run that wrote (or began writing) to
// Slack, or reset the state; nil when there has been none.
func (s *Store) LastAppliedRun(ctx context.Context) (*Run, error) {
	return s.oneRun(ctx, `WHERE applied = 1 ORDER BY id DESC LIMIT 1`)
}

// RunForPlan returns the first run that applied the plan planID, or nil.
func (s *Store) RunForPlan(ctx context.Context, planID string) (*Run, error) {
	if planID == "" {
		return nil, nil
	}
	return s.oneRun(ctx, `WHERE applied = 1 AND plan_id = ? ORDER BY id LIMIT 1`, planID)
}

func (s *Store) oneRun(ctx context.Context, where string, args ...any) (*Run, error) {
	row := s.db.QueryRowContext(ctx,
		`SELECT id, started, finished, status, dry_run, source, counts, error, mode FROM runs `+where, args...)
	r, err := scanRun(row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("state file %s: read runs: %w", s.path, err)
	}
	return &r, nil
}
