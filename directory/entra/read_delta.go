package entra

import (
	"context"
	"fmt"

	"github.com/slackprov/slackprov/directory"
)

// readDelta follows the saved delta links and re-lists the assignments, then
// works out what changed in scope. With no change it costs one call per delta
// stream plus one per 999 assignments.
//
// It runs in four steps: collect what Graph says changed, reconcile it with
// the saved state (no calls), fetch the users the deltas cannot describe, and
// assemble the snapshot.
func (s *Source) readDelta(ctx context.Context, prev *syncState, links deltaLinks) (*directory.Snapshot, error) {
	in, next, err := s.collect(ctx, prev, links)
	if err != nil {
		return nil, err
	}
	rec := reconcile(in)
	fetched, gone, err := s.fetchUsers(ctx, rec.reads)
	if err != nil {
		return nil, err
	}
	snap := rec.assemble(fetched, gone)
	snap.Commit = s.commitFunc(s.newState(rec.direct, rec.groups), next)
	return snap, nil
}

// collect runs both delta rounds, lists the assignments and reads the
// groups whose membership no delta holds. It returns the new delta links.
func (s *Source) collect(ctx context.Context, prev *syncState, links deltaLinks) (*deltaInput, deltaLinks, error) {
	in := &deltaInput{all: s.opts.Scope == scopeAll, prev: prev, needManager: s.sel.manager, retry: s.opts.Retry}
	var next deltaLinks
	var err error
	if next.users, in.users, err = s.userRound(ctx, links.users); err != nil {
		return nil, next, err
	}
	if next.groups, in.groups, err = s.groupRound(ctx, links.groups); err != nil {
		return nil, next, err
	}
	if !in.all {
		if in.direct, in.assigned, err = s.readAssignments(ctx); err != nil {
			return nil, next, fmt.Errorf("entra: read the Slack app's assignments: %w", err)
		}
	}
	in.read = map[string]*groupState{}
	for _, id := range groupsToRead(in) {
		g, err := s.fetchGroup(ctx, id)
		if isNotFound(err) {
			continue
		}
		if err != nil {
			return nil, next, fmt.Errorf("entra: read newly assigned group %s: %w", id, err)
		}
		in.read[id] = g
	}
	return in, next, nil
}

// userRound follows the users delta link to its next one.
func (s *Source) userRound(ctx context.Context, link string) (string, userDelta, error) {
	var d userDelta
	next, err := s.eachUser(ctx, link, func(g *graphUser) error {
		if g.err != nil {
			return fmt.Errorf("entra: a /users/delta entry is not a user: %w", g.err)
		}
		if g.wire.Removed != nil {
			d.add(g.wire.ID, nil)
			return nil
		}
		u, known := g.directoryUser(s.sel, true)
		d.add(u.ID, &changedUser{user: u, managerKnown: known})
		return nil
	})
	return next, d, err
}

// fetchUsers reads whole the users the reconciliation could not take from
// a delta entry. Users Graph no longer has are gone.
func (s *Source) fetchUsers(ctx context.Context, reads []userRead) (map[string]directory.User, map[string]bool, error) {
	fetched, gone := map[string]directory.User{}, map[string]bool{}
	for _, r := range reads {
		if r.user != nil {
			continue
		}
		u, err := s.fetchUser(ctx, r.id)
		switch {
		case isNotFound(err):
			gone[r.id] = true
		case err != nil:
			return nil, nil, fmt.Errorf("entra: read %s: %w", r.describe(), err)
		default:
			fetched[r.id] = u
		}
	}
	return fetched, gone, nil
}

func (r userRead) describe() string {
	switch r.why {
	case readNewlyAssigned:
		return "newly assigned user " + r.id
	case readRetry:
		return "user " + r.id + ", whose provisioning failed last time"
	}
	return "changed user " + r.id
}
