package entra

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"

	"github.com/slackprov/slackprov/directory"
)

// readDelta follows the saved delta links and re-lists the assignments, then
// works out what changed in scope. With no change it costs one call per delta
// stream plus one per 999 assignments.
func (s *Source) readDelta(ctx context.Context, prev *syncState, links deltaLinks) (*directory.Snapshot, error) {
	changed := map[string]parsedUser{}
	var changedOrder []string
	deleted := map[string]bool{}
	usersLink, err := s.graph.each(ctx, links.users, permUsers, func(raw json.RawMessage) error {
		pu, err := parseUser(raw, s.sel, true)
		if err != nil {
			return fmt.Errorf("entra: a /users/delta entry is not a user: %w", err)
		}
		id := pu.user.ID
		if pu.removed {
			deleted[id] = true
			delete(changed, id)
			return nil
		}
		delete(deleted, id)
		if _, seen := changed[id]; !seen {
			changedOrder = append(changedOrder, id)
		}
		changed[id] = pu
		return nil
	})
	if err != nil {
		return nil, err
	}
	groupsLink, gch, gOrder, err := s.groupRound(ctx, links.groups)
	if err != nil {
		return nil, err
	}

	// The groups in scope now, in a stable order.
	var direct, scopeGroups []string
	if s.opts.Scope == scopeAssigned {
		if direct, scopeGroups, err = s.readAssignments(ctx); err != nil {
			return nil, fmt.Errorf("entra: read the Slack app's assignments: %w", err)
		}
	} else {
		for id := range prev.Groups {
			scopeGroups = append(scopeGroups, id)
		}
		sort.Strings(scopeGroups)
		for _, id := range gOrder {
			if _, known := prev.Groups[id]; !known {
				scopeGroups = append(scopeGroups, id)
			}
		}
	}

	groups := map[string]*groupState{}
	var groupOrder []string
	changedGroups := map[string]bool{}
	for _, id := range scopeGroups {
		ch := gch[id]
		if ch != nil && ch.removed {
			continue
		}
		old, known := prev.Groups[id]
		var g *groupState
		switch {
		case known:
			g = &groupState{Name: old.Name, Members: slices.Clone(old.Members)}
			if ch != nil && applyGroupChange(g, ch) {
				changedGroups[id] = true
			}
		case s.opts.Scope == scopeAll && ch != nil:
			// A group created since the last read: delta listed all its members.
			g = &groupState{Members: dedupe(ch.adds)}
			if ch.name != nil {
				g.Name = *ch.name
			}
			changedGroups[id] = true
		default:
			// Newly assigned: its membership so far is not in any delta.
			fetched, err := s.fetchGroup(ctx, id)
			if isNotFound(err) {
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("entra: read newly assigned group %s: %w", id, err)
			}
			g = fetched
			changedGroups[id] = true
		}
		if kept := slices.DeleteFunc(slices.Clone(g.Members), func(m string) bool { return deleted[m] }); len(kept) != len(g.Members) {
			g.Members = kept
			changedGroups[id] = true
		}
		groups[id] = g
		groupOrder = append(groupOrder, id)
	}

	st := s.newState(direct, groups)
	snap := &directory.Snapshot{Delta: &directory.Delta{}}
	removedUsers := map[string]bool{}
	var memberOK map[string]bool // which members a changed group may list
	resolve := func(pu parsedUser) (parsedUser, bool, error) {
		if !s.sel.manager || pu.hasManager {
			return pu, true, nil
		}
		// Delta names the manager only when it changed: read the user whole.
		full, err := s.fetchUser(ctx, pu.user.ID)
		if isNotFound(err) {
			return pu, false, nil
		}
		return full, err == nil, err
	}

	// retry reads a user that failed last time, unless this read has it
	// already; gone says what to do when Graph no longer has it.
	retry := func(id string, gone func()) error {
		for _, u := range snap.Users {
			if u.ID == id {
				return nil
			}
		}
		pu, err := s.fetchUser(ctx, id)
		if isNotFound(err) {
			gone()
			return nil
		}
		if err != nil {
			return fmt.Errorf("entra: read user %s, whose provisioning failed last time: %w", id, err)
		}
		snap.Users = append(snap.Users, pu.user)
		return nil
	}

	if s.opts.Scope == scopeAll {
		for _, id := range changedOrder {
			pu, ok, err := resolve(changed[id])
			if err != nil {
				return nil, fmt.Errorf("entra: read changed user %s: %w", id, err)
			}
			if !ok {
				deleted[id] = true
				continue
			}
			snap.Users = append(snap.Users, pu.user)
		}
		for _, id := range s.opts.Retry.Users {
			if deleted[id] {
				continue
			}
			if err := retry(id, func() { deleted[id] = true }); err != nil {
				return nil, err
			}
		}
		removedUsers = deleted
		memberOK = notIn(allMembers(groups), deleted)
	} else {
		scope, before := st.inScope(), prev.inScope()
		for id := range deleted {
			delete(scope, id)
		}
		for _, id := range changedOrder {
			if !scope[id] {
				continue
			}
			pu, ok, err := resolve(changed[id])
			if err != nil {
				return nil, fmt.Errorf("entra: read changed user %s: %w", id, err)
			}
			if !ok {
				delete(scope, id)
				continue
			}
			snap.Users = append(snap.Users, pu.user)
		}
		for _, id := range sortedKeys(scope) {
			if before[id] {
				continue
			}
			if _, done := changed[id]; done {
				continue
			}
			pu, err := s.fetchUser(ctx, id)
			if isNotFound(err) {
				delete(scope, id)
				continue
			}
			if err != nil {
				return nil, fmt.Errorf("entra: read newly assigned user %s: %w", id, err)
			}
			snap.Users = append(snap.Users, pu.user)
		}
		for _, id := range s.opts.Retry.Users {
			if !scope[id] {
				// Gone from scope: a pending deactivation is retried.
				removedUsers[id] = true
				continue
			}
			if err := retry(id, func() { delete(scope, id) }); err != nil {
				return nil, err
			}
		}
		for id := range before {
			if !scope[id] {
				removedUsers[id] = true
			}
		}
		memberOK = scope
	}
	for _, id := range s.opts.Retry.Groups {
		if _, ok := groups[id]; ok {
			changedGroups[id] = true
		}
	}

	for _, id := range groupOrder {
		if changedGroups[id] {
			g := groups[id]
			snap.Groups = append(snap.Groups, directory.Group{ID: id, DisplayName: g.Name, Members: keep(g.Members, memberOK)})
		}
	}
	snap.Delta.RemovedUsers = sortedKeys(removedUsers)
	for id := range prev.Groups {
		if _, still := groups[id]; !still {
			snap.Delta.RemovedGroups = append(snap.Delta.RemovedGroups, id)
		}
	}
	sort.Strings(snap.Delta.RemovedGroups)
	snap.Commit = s.commitFunc(st, deltaLinks{users: usersLink, groups: groupsLink})
	return snap, nil
}

// applyGroupChange folds a delta entry into a group; it reports whether the
// name or the direct user membership changed.
func applyGroupChange(g *groupState, ch *groupChange) bool {
	changed := false
	if ch.name != nil && *ch.name != g.Name {
		g.Name, changed = *ch.name, true
	}
	for _, id := range ch.dels {
		if i := slices.Index(g.Members, id); i >= 0 {
			g.Members, changed = slices.Delete(g.Members, i, i+1), true
		}
	}
	for _, id := range ch.adds {
		if !slices.Contains(g.Members, id) {
			g.Members, changed = append(g.Members, id), true
		}
	}
	return changed
}

func allMembers(groups map[string]*groupState) []string {
	var ids []string
	for _, g := range groups {
		ids = append(ids, g.Members...)
	}
	return ids
}

// notIn is the set of ids not in excluded.
func notIn(ids []string, excluded map[string]bool) map[string]bool {
	set := map[string]bool{}
	for _, id := range ids {
		if !excluded[id] {
			set[id] = true
		}
	}
	return set
}
