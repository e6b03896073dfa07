package store

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations[i] takes the schema from version i to version i+1. Released
// entries are never edited; a schema change is a new entry at the end.
var migrations = []string{
	`
CREATE TABLE links (
	kind      TEXT    NOT NULL CHECK (kind IN ('user', 'group')),
	source_id TEXT    NOT NULL CHECK (source_id <> ''),
	target_id TEXT    NOT NULL CHECK (target_id <> ''),
	created   INTEGER NOT NULL,
	updated   INTEGER NOT NULL,
	PRIMARY KEY (kind, source_id),
	UNIQUE (kind, target_id)
);
CREATE TABLE runs (
	id       INTEGER PRIMARY KEY AUTOINCREMENT,
	started  INTEGER NOT NULL,
	finished INTEGER NOT NULL DEFAULT 0,
	status   TEXT    NOT NULL,
	dry_run  INTEGER NOT NULL,
	source   TEXT    NOT NULL,
	counts   TEXT    NOT NULL DEFAULT '{}',
	error    TEXT    NOT NULL DEFAULT ''
);
CREATE TABLE log (
	id         INTEGER PRIMARY KEY AUTOINCREMENT,
	run_id     INTEGER REFERENCES runs (id) ON DELETE CASCADE,
	time       INTEGER NOT NULL,
	action     TEXT    NOT NULL,
	kind       TEXT    NOT NULL,
	source_id  TEXT    NOT NULL,
	target_id  TEXT    NOT NULL,
	name       TEXT    NOT NULL,
	changes    TEXT    NOT NULL DEFAULT '[]',
	status     TEXT    NOT NULL,
	error_code TEXT    NOT NULL,
	error      TEXT    NOT NULL
);
CREATE INDEX log_run ON log (run_id);
CREATE INDEX log_source ON log (source_id);
CREATE INDEX log_target ON log (target_id);
CREATE INDEX log_time ON log (time);
CREATE TABLE kv (
	key   TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
`,
	`
CREATE TABLE binding (
	id             INTEGER PRIMARY KEY CHECK (id = 1),
	slack_org      TEXT    NOT NULL CHECK (slack_org <> ''),
	slack_org_name TEXT    NOT NULL,
	directory      TEXT    NOT NULL CHECK (directory <> ''),
	bound          INTEGER NOT NULL
);
CREATE TABLE pending (
	kind         TEXT    NOT NULL CHECK (kind IN ('user', 'group')),
	source_id    TEXT    NOT NULL CHECK (source_id <> ''),
	name         TEXT    NOT NULL,
	action       TEXT    NOT NULL,
	error_code   TEXT    NOT NULL,
	error        TEXT    NOT NULL,
	first_failed INTEGER NOT NULL,
	last_failed  INTEGER NOT NULL,
	attempts     INTEGER NOT NULL,
	PRIMARY KEY (kind, source_id)
);
ALTER TABLE runs ADD COLUMN plan_id TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN applied INTEGER NOT NULL DEFAULT 0;
`,
	`
CREATE TABLE quarantine (
	id      INTEGER PRIMARY KEY CHECK (id = 1),
	reason  TEXT    NOT NULL CHECK (reason <> ''),
	message TEXT    NOT NULL,
	since   INTEGER NOT NULL,
	updated INTEGER NOT NULL
);
ALTER TABLE pending ADD COLUMN next_retry INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN mode TEXT NOT NULL DEFAULT '';
`,
}

// migrate applies the pending migrations, each in its own transaction that
// re-reads the version, so two processes opening a new file at once apply
// every migration exactly once.
func (s *Store) migrate(ctx context.Context) error {
	for {
		done, err := s.migrateOne(ctx)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

func (s *Store) migrateOne(ctx context.Context) (done bool, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		var v int
		if err := tx.QueryRowContext(ctx, "PRAGMA user_version").Scan(&v); err != nil {
			return fmt.Errorf("read schema version of state file %s: %w", s.path, err)
		}
		if v > len(migrations) {
			return fmt.Errorf("state file %s was written by a newer slackprov (schema %d); upgrade slackprov", s.path, v)
		}
		if v == len(migrations) {
			done = true
			return nil
		}
		if _, err := tx.ExecContext(ctx, migrations[v]); err != nil {
			return fmt.Errorf("upgrade state file %s to schema %d: %w", s.path, v+1, err)
		}
		// PRAGMA takes no bound parameters; v+1 is an int we computed.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("PRAGMA user_version = %d", v+1)); err != nil {
			return fmt.Errorf("upgrade state file %s to schema %d: %w", s.path, v+1, err)
		}
		return nil
	})
	return done, err
}
