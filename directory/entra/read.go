package entra

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/slackprov/slackprov/directory"
)

// Read returns a full snapshot on the first read, with Options.Full, and
// whenever the saved delta links cannot be used (then Notices say why);
// otherwise the changes since the last committed read.
func (s *Source) Read(ctx context.Context) (*directory.Snapshot, error) {
	snap, err := s.readSnapshot(ctx)
	if err != nil {
		return nil, err
	}
	v, err := s.Vocabulary(ctx)
	if err != nil {
		return nil, err
	}
	snap.Vocabulary = v
	return snap, nil
}

func (s *Source) readSnapshot(ctx context.Context) (*directory.Snapshot, error) {
	var notices []string
	if s.opts.Watermarks != nil && !s.opts.Full {
		prev, links, why, err := s.loadState(ctx)
		if err != nil {
			return nil, fmt.Errorf("entra: read the saved delta links: %w", err)
		}
		if why != "" {
			notices = append(notices, why)
		}
		if prev != nil {
			snap, err := s.readDelta(ctx, prev, links)
			if err == nil || !isExpiredDelta(err) {
				return snap, err
			}
			var ge *GraphError
			errors.As(err, &ge)
			notices = append(notices, fmt.Sprintf("Entra: the saved delta link has expired (%d %s): reading the whole directory again",
				ge.Status, ge.Code))
		}
	}
	snap, err := s.readFull(ctx)
	if err != nil {
		return nil, err
	}
	snap.Notices = append(notices, snap.Notices...)
	return snap, nil
}

// readFull reads everything in scope. The users delta link is taken first
// ("$deltatoken=latest"), so any change made while listing shows up again
// in the next incremental read instead of being lost; the groups come from a
// complete /groups/delta round, which yields both members and a link.
func (s *Source) readFull(ctx context.Context) (*directory.Snapshot, error) {
	usersLink, err := each(ctx, s.graph, s.usersDeltaStart(), permUsers, func(*struct{}) error { return nil })
	if err != nil {
		return nil, fmt.Errorf("entra: start the users delta: %w", err)
	}
	groupsLink, round, err := s.groupRound(ctx, s.groupsDeltaStart())
	if err != nil {
		return nil, fmt.Errorf("entra: read groups: %w", err)
	}
	all := map[string]*groupState{}
	for _, id := range round.order {
		if ch := round.changes[id]; !ch.removed {
			name := ""
			if ch.name != nil {
				name = *ch.name
			}
			all[id] = &groupState{Name: name, Members: dedupe(ch.adds)}
		}
	}

	var direct []string
	groups := all
	groupOrder := round.order
	if s.opts.Scope == scopeAssigned {
		var assignedGroups []string
		if direct, assignedGroups, err = s.readAssignments(ctx); err != nil {
			return nil, fmt.Errorf("entra: read the Slack app's assignments: %w", err)
		}
		groups, groupOrder = map[string]*groupState{}, nil
		for _, id := range assignedGroups {
			g := all[id]
			if g == nil {
				// Assigned after the groups round began: read it directly.
				if g, err = s.fetchGroup(ctx, id); isNotFound(err) {
					continue
				} else if err != nil {
					return nil, fmt.Errorf("entra: read assigned group %s: %w", id, err)
				}
			}
			groups[id] = g
			groupOrder = append(groupOrder, id)
		}
	}

	st := s.newState(direct, groups)
	scope := st.inScope()
	snap := &directory.Snapshot{}
	listed := map[string]bool{}
	q := url.Values{"$select": {strings.Join(s.sel.props, ",")}, "$top": {"999"}}
	if s.sel.manager {
		q.Set("$expand", "manager($select=id)")
	}
	_, err = s.eachUser(ctx, s.graph.url("users", q), func(g *graphUser) error {
		if g.err != nil {
			snap.Problems = append(snap.Problems, directory.RecordError{File: "Microsoft Graph /users", Kind: "user", Err: g.err})
			return nil
		}
		if u, _ := g.directoryUser(s.sel, false); s.opts.Scope == scopeAll || scope[u.ID] {
			snap.Users = append(snap.Users, u)
			listed[u.ID] = true
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("entra: list users: %w", err)
	}
	for _, id := range groupOrder {
		g := groups[id]
		snap.Groups = append(snap.Groups, directory.Group{ID: id, DisplayName: g.Name, Members: keep(g.Members, listed)})
	}
	snap.Commit = s.commitFunc(st, deltaLinks{users: usersLink, groups: groupsLink})
	return snap, nil
}

// keep returns the ids in set, in order; never nil.
func keep(ids []string, set map[string]bool) []string {
	out := []string{}
	for _, id := range ids {
		if set[id] {
			out = append(out, id)
		}
	}
	return out
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k, v := range m {
		if v {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}
