package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Change is one attribute's old and new value in a provisioning operation.
type Change struct {
	Attribute string `json:"attribute"`
	Old       string `json:"old"`
	New       string `json:"new"`
}

// LogEntry is one provisioning operation, attempted or skipped.
type LogEntry struct {
	ID        int64
	RunID     int64 // 0 when the operation ran outside a recorded run
	Time      time.Time
	Action    string // create|update|deactivate|reactivate|delete|link|skip
	Kind      string // "user" or "group"
	SourceID  string
	TargetID  string
	Name      string
	Changes   []Change
	Status    string // ok|failed|skipped
	ErrorCode string
	Error     string
}

var (
	logActions  = []string{"create", "update", "deactivate", "reactivate", "delete", "link", "skip"}
	logStatuses = []string{"ok", "failed", "skipped"}
)

// AppendLog records e and returns its id. A zero Time means now.
func (s *Store) AppendLog(ctx context.Context, e LogEntry) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var err error
		id, err = s.appendLog(ctx, tx, e)
		return err
	})
	return id, err
}

// AppendLogs records several entries in one transaction.
func (s *Store) AppendLogs(ctx context.Context, entries []LogEntry) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, e := range entries {
			if _, err := s.appendLog(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) appendLog(ctx context.Context, tx *sql.Tx, e LogEntry) (int64, error) {
	if !slices.Contains(logActions, e.Action) {
		return 0, fmt.Errorf("log %s %s: action %q is not one of %s", e.Kind, e.SourceID, e.Action, strings.Join(logActions, ", "))
	}
	if !slices.Contains(logStatuses, e.Status) {
		return 0, fmt.Errorf("log %s %s: status %q is not one of %s", e.Kind, e.SourceID, e.Status, strings.Join(logStatuses, ", "))
	}
	if e.Time.IsZero() {
		e.Time = s.now()
	}
	changes := e.Changes
	if changes == nil {
		changes = []Change{}
	}
	c, err := json.Marshal(changes)
	if err != nil {
		return 0, fmt.Errorf("log %s %s: encode changes: %w", e.Kind, e.SourceID, err)
	}
	var runID any // NULL, not 0, so the foreign key only binds real runs
	if e.RunID != 0 {
		runID = e.RunID
	}
	res, err := tx.ExecContext(ctx, `
INSERT INTO log (run_id, time, action, kind, source_id, target_id, name, changes, status, error_code, error)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		runID, toDB(e.Time), e.Action, e.Kind, e.SourceID, e.TargetID, e.Name, string(c), e.Status, e.ErrorCode, e.Error)
	if err != nil {
		return 0, fmt.Errorf("state file %s: log %s %s %s (run %d): %w", s.path, e.Action, e.Kind, e.SourceID, e.RunID, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("state file %s: log %s %s %s: %w", s.path, e.Action, e.Kind, e.SourceID, err)
	}
	return id, nil
}

// LogFilter selects provisioning log entries; zero fields match everything.
type LogFilter struct {
	RunID    int64
	Status   string
	SourceID string
	TargetID string
	Since    time.Time // entries at or after this time
	Until    time.Time // entries before this time
	Action   string
	// Object matches an entry whose directory id, Slack id or name (any
	// case) is this: one user or group however the admin knows it.
	Object string
	Limit  int // the newest Limit matching entries when > 0
}

// Log returns the matching entries, oldest first.
func (s *Store) Log(ctx context.Context, f LogFilter) ([]LogEntry, error) {
	var where []string
	var args []any
	if f.RunID != 0 {
		where = append(where, "run_id = ?")
		args = append(args, f.RunID)
	}
	if f.Status != "" {
		where = append(where, "status = ?")
		args = append(args, f.Status)
	}
	if f.SourceID != "" {
		where = append(where, "source_id = ?")
		args = append(args, f.SourceID)
	}
	if f.TargetID != "" {
		where = append(where, "target_id = ?")
		args = append(args, f.TargetID)
	}
	if !f.Since.IsZero() {
		where = append(where, "time >= ?")
		args = append(args, toDB(f.Since))
	}
	if !f.Until.IsZero() {
		where = append(where, "time < ?")
		args = append(args, toDB(f.Until))
	}
	if f.Action != "" {
		where = append(where, "action = ?")
		args = append(args, f.Action)
	}
	if f.Object != "" {
		where = append(where, "(source_id = ? OR target_id = ? OR name = ? COLLATE NOCASE)")
		args = append(args, f.Object, f.Object, f.Object)
	}
	q := `SELECT id, run_id, time, action, kind, source_id, target_id, name, changes, status, error_code, error FROM log`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	// Newest first so LIMIT keeps the newest rows; reversed below.
	q += " ORDER BY id DESC"
	if f.Limit > 0 {
		q += " LIMIT ?"
		args = append(args, f.Limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("state file %s: read provisioning log: %w", s.path, err)
	}
	defer rows.Close()
	var out []LogEntry
	for rows.Next() {
		var e LogEntry
		var runID *int64
		var t int64
		var changes string
		if err := rows.Scan(&e.ID, &runID, &t, &e.Action, &e.Kind, &e.SourceID, &e.TargetID, &e.Name,
			&changes, &e.Status, &e.ErrorCode, &e.Error); err != nil {
			return nil, fmt.Errorf("state file %s: read provisioning log: %w", s.path, err)
		}
		if runID != nil {
			e.RunID = *runID
		}
		e.Time = fromDB(t)
		if err := json.Unmarshal([]byte(changes), &e.Changes); err != nil {
			return nil, fmt.Errorf("state file %s: provisioning log entry %d: changes: %w", s.path, e.ID, err)
		}
		if len(e.Changes) == 0 {
			e.Changes = nil
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state file %s: read provisioning log: %w", s.path, err)
	}
	slices.Reverse(out)
	return out, nil
}
