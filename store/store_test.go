package store

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func openTemp(t *testing.T) (*Store, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "state", "slackprov.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s, path
}

func TestOpenCreatesPrivateFileAndMigrates(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()

	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
	dir, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if perm := dir.Mode().Perm(); perm != 0o700 {
		t.Errorf("state dir mode = %o, want 700", perm)
	}
	file, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := file.Mode().Perm(); perm != 0o600 {
		t.Errorf("state file mode = %o, want 600", perm)
	}

	var version int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if version != len(migrations) {
		t.Errorf("user_version = %d, want %d", version, len(migrations))
	}
	var mode string
	if err := s.db.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
	var fk, busy int
	if err := s.db.QueryRowContext(ctx, "PRAGMA foreign_keys").Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(ctx, "PRAGMA busy_timeout").Scan(&busy); err != nil {
		t.Fatal(err)
	}
	if fk != 1 || busy != busyTimeoutMillis {
		t.Errorf("foreign_keys = %d, busy_timeout = %d; want 1, %d", fk, busy, busyTimeoutMillis)
	}
	for _, table := range []string{"links", "runs", "log", "kv"} {
		var n int
		if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?", table).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 1 {
			t.Errorf("table %s missing after migration", table)
		}
	}
}

func TestOpenTightensLoosePermissions(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	if err := os.WriteFile(path, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Errorf("mode = %o, want 600", perm)
	}
}

func TestOpenPathWithURISpecialCharacters(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a dir?#%", "state.db")
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if err := s.Put(context.Background(), "k", "v"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("state file not created at the literal path: %v", err)
	}
}

func TestReopenIsIdempotentAndPersists(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetLink(ctx, "user", "src-1", "U1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "delta/users", "https://graph/delta?token=x"); err != nil {
		t.Fatal(err)
	}
	id, err := s.StartRun(ctx, false, "file people.json")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatalf("reopen: %v", err)
	}
	defer s.Close()
	links, err := s.Links(ctx, "user")
	if err != nil {
		t.Fatal(err)
	}
	if links["src-1"] != "U1" || len(links) != 1 {
		t.Errorf("links after reopen = %v", links)
	}
	v, ok, err := s.Get(ctx, "delta/users")
	if err != nil || !ok || v != "https://graph/delta?token=x" {
		t.Errorf("Get after reopen = %q, %v, %v", v, ok, err)
	}
	last, err := s.LastRun(ctx)
	if err != nil || last == nil || last.ID != id || last.Status != RunRunning {
		t.Errorf("LastRun after reopen = %+v, %v", last, err)
	}
}

func TestNewerSchemaIsRefused(t *testing.T) {
	ctx := context.Background()
	s, path := openTemp(t)
	newer := len(migrations) + 3
	if _, err := s.db.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", newer)); err != nil {
		t.Fatal(err)
	}
	s.Close()

	_, err := Open(ctx, path)
	if err == nil {
		t.Fatal("Open of a newer schema succeeded")
	}
	want := fmt.Sprintf("state file %s was written by a newer slackprov (schema %d); upgrade slackprov", path, newer)
	if err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
}

func TestMigrationRollsBackOnFailure(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	saved := migrations
	defer func() { migrations = saved }()
	migrations = append(append([]string{}, saved...), `CREATE TABLE extra (x); THIS IS NOT SQL;`)

	if _, err := Open(ctx, path); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("schema %d", len(migrations))) {
		t.Fatalf("Open with a broken migration: err = %v", err)
	}

	migrations = saved
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var version, extra int
	if err := s.db.QueryRowContext(ctx, "PRAGMA user_version").Scan(&version); err != nil {
		t.Fatal(err)
	}
	if err := s.db.QueryRowContext(ctx, "SELECT count(*) FROM sqlite_master WHERE name = 'extra'").Scan(&extra); err != nil {
		t.Fatal(err)
	}
	if version != len(saved) || extra != 0 {
		t.Errorf("after failed migration: user_version = %d, table extra present = %v; want %d, false", version, extra == 1, len(saved))
	}
}

func TestUnclosedStoreIsReadableByANewOpen(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "state.db")
	first, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	// first is deliberately left open until the end, as a killed process
	// leaves its WAL behind without a checkpoint.
	t.Cleanup(func() { first.Close() })
	if err := first.SetLink(ctx, "group", "g-1", "S1"); err != nil {
		t.Fatal(err)
	}
	if _, err := first.AppendLog(ctx, LogEntry{Action: "create", Kind: "group", SourceID: "g-1", TargetID: "S1", Status: "ok"}); err != nil {
		t.Fatal(err)
	}

	second, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("second Open while first is unclosed: %v", err)
	}
	defer second.Close()
	links, err := second.Links(ctx, "group")
	if err != nil {
		t.Fatal(err)
	}
	if links["g-1"] != "S1" {
		t.Errorf("second store sees links %v, want g-1 → S1", links)
	}
	entries, err := second.Log(ctx, LogFilter{})
	if err != nil || len(entries) != 1 {
		t.Errorf("second store sees log %v, %v", entries, err)
	}
	// And the second can write while the first still holds its connection.
	if err := second.SetLink(ctx, "group", "g-2", "S2"); err != nil {
		t.Fatalf("write from second store: %v", err)
	}
}

func TestSecondWriterWaitsForTheLock(t *testing.T) {
	ctx := context.Background()
	a, path := openTemp(t)
	b, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()

	// a holds the write lock as another process's long write would.
	tx, err := a.db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO kv (key, value) VALUES ('held', 'yes')`); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- b.SetLink(ctx, "user", "src", "U9") }()

	select {
	case err := <-done:
		t.Fatalf("SetLink returned (%v) while another connection held the write lock", err)
	case <-time.After(200 * time.Millisecond):
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; err != nil {
		t.Fatalf("waiting writer failed: %v", err)
	}
	links, err := a.Links(ctx, "user")
	if err != nil || links["src"] != "U9" {
		t.Errorf("links = %v, %v", links, err)
	}
}
