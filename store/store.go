// Package store keeps slackprov's local state in one SQLite file: which
// directory object is linked to which Slack object, a record of every run, the
// provisioning log, and small key-value watermarks. It never holds secrets.
//
// Every write is its own durable transaction (WAL with synchronous=FULL), so a
// process killed right after a call returns loses nothing. A Store is safe for
// concurrent use; a second process opening the same file waits on SQLite's
// busy timeout instead of failing.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// busyTimeoutMillis is how long a writer waits for another process holding
// the write lock before giving up.
const busyTimeoutMillis = 5000

// Store is an open state file.
type Store struct {
	db   *sql.DB
	path string
	now  func() time.Time
}

// Open opens the state file at path, creating it (and its parent directory)
// when missing, and brings its schema up to date.
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("open state file: no path given; set state_dir in the config")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("open state file %s: %w", path, err)
	}
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("create state directory for %s: %w", abs, err)
	}
	if err := checkPrivateDir(filepath.Dir(abs)); err != nil {
		return nil, err
	}
	if err := createPrivate(abs); err != nil {
		return nil, err
	}
	// SQLite opens its side files itself; none may be a planted link.
	for _, side := range []string{"-wal", "-shm", "-journal"} {
		if info, err := os.Lstat(abs + side); err == nil && info.Mode()&os.ModeSymlink != 0 {
			return nil, symlinkError(abs + side)
		}
	}

	db, err := sql.Open("sqlite", dsn(abs))
	if err != nil {
		return nil, fmt.Errorf("open state file %s: %w", abs, err)
	}
	// One connection serialises all statements of this process, so
	// concurrent goroutines queue in database/sql rather than racing for
	// SQLite's write lock and getting "database is locked".
	db.SetMaxOpenConns(1)
	db.SetConnMaxLifetime(0)
	db.SetConnMaxIdleTime(0)

	s := &Store{db: db, path: abs, now: time.Now}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open state file %s: %w", abs, err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// createPrivate makes sure the state file exists with owner-only permissions
// before SQLite opens it; SQLite gives its -wal and -shm files the same mode.
func createPrivate(path string) error {
	f, err := openPrivate(path, os.O_RDWR|os.O_CREATE)
	if err != nil {
		return fmt.Errorf("open state file: %w", err)
	}
	info, err := f.Stat()
	if err == nil && info.Mode().Perm()&0o077 != 0 {
		err = f.Chmod(0o600)
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("restrict permissions of state file %s: %w", path, err)
	}
	return nil
}

// symlinkError refuses a state file that is a symbolic link.
func symlinkError(path string) error {
	return fmt.Errorf("%s is a symbolic link; slackprov does not follow links for its state files, so that no file elsewhere is overwritten: remove the link (slackprov recreates the file)", path)
}

// dsn builds a file: URI so that paths containing '?', '#' or '%' reach
// SQLite intact. The pragmas are applied to every new connection.
func dsn(abs string) string {
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows drive paths: file:///C:/...
	}
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMillis))
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Add("_pragma", "foreign_keys(1)")
	// Write transactions take the write lock up front; a deferred
	// transaction that later upgrades fails immediately with SQLITE_BUSY
	// instead of waiting when another process is writing.
	q.Set("_txlock", "immediate")
	u := url.URL{Scheme: "file", Path: p, RawQuery: q.Encode()}
	return u.String()
}

// Close closes the state file. The Store must not be used afterwards.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close state file %s: %w", s.path, err)
	}
	return nil
}

// Path is the absolute path of the state file.
func (s *Store) Path() string { return s.path }

// Times are stored as Unix nanoseconds: exact, and ordered for range queries.
func toDB(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromDB(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// inTx runs fn in a write transaction and commits it. Errors from fn are
// returned as they are; fn is expected to say what it was doing.
func (s *Store) inTx(ctx context.Context, fn func(*sql.Tx) error) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("state file %s: begin transaction: %w", s.path, err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("state file %s: commit: %w", s.path, err)
	}
	return nil
}
