package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// Get returns the value stored under key; ok is false when there is none.
// Keys hold watermarks such as Graph delta links, never credentials.
func (s *Store) Get(ctx context.Context, key string) (value string, ok bool, err error) {
	err = s.db.QueryRowContext(ctx, `SELECT value FROM kv WHERE key = ?`, key).Scan(&value)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("state file %s: read %q: %w", s.path, key, err)
	}
	return value, true, nil
}

// Put stores value under key, replacing any previous value.
func (s *Store) Put(ctx context.Context, key, value string) error {
	if key == "" {
		return errors.New("store: empty key")
	}
	if _, err := s.db.ExecContext(ctx,
		`INSERT INTO kv (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
		key, value); err != nil {
		return fmt.Errorf("state file %s: write %q: %w", s.path, key, err)
	}
	return nil
}
