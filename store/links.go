package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// Link ties a directory object to the Slack object provisioned for it.
type Link struct {
	Kind     string // "user" or "group"
	SourceID string // directory object id
	TargetID string // Slack id
	Created  time.Time
	Updated  time.Time
}

func checkKind(kind string) error {
	if kind != "user" && kind != "group" {
		return fmt.Errorf("link kind %q is not \"user\" or \"group\"", kind)
	}
	return nil
}

// Links returns every link of one kind, source id → target id.
func (s *Store) Links(ctx context.Context, kind string) (map[string]string, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx, `SELECT source_id, target_id FROM links WHERE kind = ?`, kind)
	if err != nil {
		return nil, fmt.Errorf("state file %s: read %s links: %w", s.path, kind, err)
	}
	defer rows.Close()
	out := make(map[string]string)
	for rows.Next() {
		var src, dst string
		if err := rows.Scan(&src, &dst); err != nil {
			return nil, fmt.Errorf("state file %s: read %s links: %w", s.path, kind, err)
		}
		out[src] = dst
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state file %s: read %s links: %w", s.path, kind, err)
	}
	return out, nil
}

// LinkDetails returns every link of one kind with its timestamps, ordered by
// source id.
func (s *Store) LinkDetails(ctx context.Context, kind string) ([]Link, error) {
	if err := checkKind(kind); err != nil {
		return nil, err
	}
	rows, err := s.db.QueryContext(ctx,
		`SELECT source_id, target_id, created, updated FROM links WHERE kind = ? ORDER BY source_id`, kind)
	if err != nil {
		return nil, fmt.Errorf("state file %s: read %s links: %w", s.path, kind, err)
	}
	defer rows.Close()
	var out []Link
	for rows.Next() {
		l := Link{Kind: kind}
		var created, updated int64
		if err := rows.Scan(&l.SourceID, &l.TargetID, &created, &updated); err != nil {
			return nil, fmt.Errorf("state file %s: read %s links: %w", s.path, kind, err)
		}
		l.Created, l.Updated = fromDB(created), fromDB(updated)
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("state file %s: read %s links: %w", s.path, kind, err)
	}
	return out, nil
}

// SetLink links sourceID to targetID. A Slack object belongs to one directory
// object: if targetID was linked to another source id, that link is removed.
func (s *Store) SetLink(ctx context.Context, kind, sourceID, targetID string) error {
	return s.SetLinks(ctx, []Link{{Kind: kind, SourceID: sourceID, TargetID: targetID}})
}

// SetLinks records several links in one transaction, as SetLink would one
// by one (only Kind, SourceID and TargetID are read).
func (s *Store) SetLinks(ctx context.Context, links []Link) error {
	for _, l := range links {
		if err := checkKind(l.Kind); err != nil {
			return err
		}
		if l.SourceID == "" || l.TargetID == "" {
			return fmt.Errorf("link %s %q → %q: both ids are required", l.Kind, l.SourceID, l.TargetID)
		}
	}
	now := toDB(s.now())
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for _, l := range links {
			if err := s.setLink(ctx, tx, l.Kind, l.SourceID, l.TargetID, now); err != nil {
				return err
			}
		}
		return nil
	})
}

func (s *Store) setLink(ctx context.Context, tx *sql.Tx, kind, sourceID, targetID string, now int64) error {
	if _, err := tx.ExecContext(ctx,
		`DELETE FROM links WHERE kind = ? AND target_id = ? AND source_id <> ?`,
		kind, targetID, sourceID); err != nil {
		return fmt.Errorf("state file %s: link %s %s → %s: %w", s.path, kind, sourceID, targetID, err)
	}
	if _, err := tx.ExecContext(ctx, `
INSERT INTO links (kind, source_id, target_id, created, updated) VALUES (?, ?, ?, ?, ?)
ON CONFLICT (kind, source_id) DO UPDATE SET
	target_id = excluded.target_id,
	updated = CASE WHEN links.target_id = excluded.target_id THEN links.updated ELSE excluded.updated END`,
		kind, sourceID, targetID, now, now); err != nil {
		return fmt.Errorf("state file %s: link %s %s → %s: %w", s.path, kind, sourceID, targetID, err)
	}
	return nil
}

// DeleteLink removes the link of sourceID, if any.
func (s *Store) DeleteLink(ctx context.Context, kind, sourceID string) error {
	if err := checkKind(kind); err != nil {
		return err
	}
	if _, err := s.db.ExecContext(ctx, `DELETE FROM links WHERE kind = ? AND source_id = ?`, kind, sourceID); err != nil {
		return fmt.Errorf("state file %s: unlink %s %s: %w", s.path, kind, sourceID, err)
	}
	return nil
}
