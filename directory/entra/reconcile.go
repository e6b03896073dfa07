package entra

import (
	"slices"
	"sort"

	"github.com/slackprov/slackprov/directory"
)

// This file is the arithmetic of an incremental read, with no Graph calls:
// given what the deltas and the assignments said, which groups and users
// are in scope now, which changed, which left scope, and which users must
// be read whole. readDelta collects the inputs and fetches what it asks for.

// userDelta is what a /users/delta round said: the users changed since the
// last read, in first-seen order, and those deleted.
type userDelta struct {
	order   []string
	changed map[string]changedUser
	deleted map[string]bool
}

// changedUser is a delta entry; managerKnown says it named the manager,
// which delta does only when the manager changed.
type changedUser struct {
	user         directory.User
	managerKnown bool
}

// add folds one entry in: a later entry for the same user wins, and
// deletion undoes a change (and the reverse).
func (d *userDelta) add(id string, u *changedUser) {
	if d.changed == nil {
		d.changed, d.deleted = map[string]changedUser{}, map[string]bool{}
	}
	if u == nil {
		d.deleted[id] = true
		delete(d.changed, id)
		return
	}
	delete(d.deleted, id)
	if _, seen := d.changed[id]; !seen {
		d.order = append(d.order, id)
	}
	d.changed[id] = *u
}

// deltaInput is everything an incremental read learnt before reconciling.
type deltaInput struct {
	all    bool // scope "all"; otherwise "assigned"
	prev   *syncState
	users  userDelta
	groups groupDelta
	// direct and assigned are the app's user and group assignments (scope
	// "assigned" only).
	direct, assigned []string
	// read holds the groups readDelta read whole because no delta describes
	// their membership (groupsToRead); a group missing here is gone.
	read map[string]*groupState
	// needManager says the mappings read the manager.
	needManager bool
	retry       Retry
}

// readReason says why a user is returned; it names the read in errors.
type readReason int

const (
	readChanged readReason = iota
	readNewlyAssigned
	readRetry
)

// userRead is a user the snapshot returns: from its delta entry (user set)
// or read whole from Graph.
type userRead struct {
	id   string
	why  readReason
	user *directory.User
}

// reconciliation is the new scope. Users that reads find gone leave it:
// assemble finishes the arithmetic once they are known.
type reconciliation struct {
	all           bool
	groups        map[string]*groupState // in scope now, for the saved state
	order         []string               // groups, in order
	changedGroups map[string]bool
	removedGroups []string
	direct        []string
	reads         []userRead
	// scope holds the users in scope now (assigned) or the users deleted
	// (all), before reads find any gone.
	scope, before map[string]bool
	retryUsers    []string
}

// scopeGroups are the groups in scope now, in a stable order: the assigned
// ones, or with scope "all" the known ones then those the delta adds.
func scopeGroups(in *deltaInput) []string {
	if !in.all {
		return in.assigned
	}
	var ids []string
	for id := range in.prev.Groups {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range in.groups.order {
		if _, known := in.prev.Groups[id]; !known {
			ids = append(ids, id)
		}
	}
	return ids
}

// groupsToRead are the groups in scope whose membership no delta holds:
// newly assigned ones.
func groupsToRead(in *deltaInput) []string {
	var ids []string
	for _, id := range scopeGroups(in) {
		ch := in.groups.changes[id]
		_, known := in.prev.Groups[id]
		if known || (ch != nil && (ch.removed || in.all)) {
			continue
		}
		ids = append(ids, id)
	}
	return ids
}

// reconcile works out the new scope and the users to return.
func reconcile(in *deltaInput) *reconciliation {
	rec := &reconciliation{all: in.all, direct: in.direct, retryUsers: in.retry.Users}
	rec.reconcileGroups(in)
	if in.all {
		rec.usersAll(in)
	} else {
		rec.usersAssigned(in)
	}
	for _, id := range in.retry.Groups {
		if _, ok := rec.groups[id]; ok {
			rec.changedGroups[id] = true
		}
	}
	for id := range in.prev.Groups {
		if _, still := rec.groups[id]; !still {
			rec.removedGroups = append(rec.removedGroups, id)
		}
	}
	sort.Strings(rec.removedGroups)
	return rec
}

func (rec *reconciliation) reconcileGroups(in *deltaInput) {
	rec.groups, rec.changedGroups = map[string]*groupState{}, map[string]bool{}
	for _, id := range scopeGroups(in) {
		ch := in.groups.changes[id]
		if ch != nil && ch.removed {
			continue
		}
		old, known := in.prev.Groups[id]
		var g *groupState
		switch {
		case known:
			g = &groupState{Name: old.Name, Members: slices.Clone(old.Members)}
			rec.changedGroups[id] = ch != nil && applyGroupChange(g, ch)
		case in.all && ch != nil:
			// A group created since the last read: delta listed all its members.
			g = &groupState{Members: dedupe(ch.adds)}
			if ch.name != nil {
				g.Name = *ch.name
			}
			rec.changedGroups[id] = true
		default:
			if g = in.read[id]; g == nil {
				continue
			}
			rec.changedGroups[id] = true
		}
		deleted := in.users.deleted
		if kept := slices.DeleteFunc(slices.Clone(g.Members), func(m string) bool { return deleted[m] }); len(kept) != len(g.Members) {
			g.Members = kept
			rec.changedGroups[id] = true
		}
		rec.groups[id] = g
		rec.order = append(rec.order, id)
	}
}

// changedRead returns a changed user from its delta entry, unless the
// mappings need a manager the entry did not name: then it is read whole.
func changedRead(in *deltaInput, id string) userRead {
	cu := in.users.changed[id]
	if in.needManager && !cu.managerKnown {
		return userRead{id: id, why: readChanged}
	}
	return userRead{id: id, why: readChanged, user: &cu.user}
}

// usersAll: every changed user is returned, and deleted ones removed.
func (rec *reconciliation) usersAll(in *deltaInput) {
	rec.scope = in.users.deleted
	listed := map[string]bool{}
	for _, id := range in.users.order {
		rec.reads = append(rec.reads, changedRead(in, id))
		listed[id] = true
	}
	for _, id := range in.retry.Users {
		if !listed[id] && !in.users.deleted[id] {
			rec.reads = append(rec.reads, userRead{id: id, why: readRetry})
			listed[id] = true
		}
	}
}

// usersAssigned: the changed users still in scope and those newly in scope
// are returned; those no longer in scope are removed.
func (rec *reconciliation) usersAssigned(in *deltaInput) {
	st := &syncState{DirectUsers: in.direct, Groups: rec.groups}
	rec.scope, rec.before = st.inScope(), in.prev.inScope()
	for id := range in.users.deleted {
		delete(rec.scope, id)
	}
	listed := map[string]bool{}
	for _, id := range in.users.order {
		if rec.scope[id] {
			rec.reads = append(rec.reads, changedRead(in, id))
			listed[id] = true
		}
	}
	for _, id := range sortedKeys(rec.scope) {
		if _, changed := in.users.changed[id]; !changed && !rec.before[id] {
			rec.reads = append(rec.reads, userRead{id: id, why: readNewlyAssigned})
			listed[id] = true
		}
	}
	for _, id := range in.retry.Users {
		if rec.scope[id] && !listed[id] {
			rec.reads = append(rec.reads, userRead{id: id, why: readRetry})
			listed[id] = true
		}
	}
}

// assemble builds the snapshot from the reconciliation and the users read
// whole; gone are the reads Graph answered 404 (deleted since).
func (rec *reconciliation) assemble(fetched map[string]directory.User, gone map[string]bool) *directory.Snapshot {
	snap := &directory.Snapshot{Delta: &directory.Delta{}}
	for _, r := range rec.reads {
		switch {
		case gone[r.id]:
		case r.user != nil:
			snap.Users = append(snap.Users, *r.user)
		default:
			snap.Users = append(snap.Users, fetched[r.id])
		}
	}
	removed, memberOK := map[string]bool{}, map[string]bool{}
	if rec.all {
		for id := range rec.scope {
			removed[id] = true
		}
		for id := range gone {
			removed[id] = true
		}
		memberOK = notIn(allMembers(rec.groups), removed)
	} else {
		for id := range rec.scope {
			memberOK[id] = !gone[id]
		}
		for id := range rec.before {
			removed[id] = !memberOK[id]
		}
		// A user out of scope whose deactivation failed is retried.
		for _, id := range rec.retryUsers {
			removed[id] = removed[id] || !memberOK[id]
		}
	}
	for _, id := range rec.order {
		if rec.changedGroups[id] {
			g := rec.groups[id]
			snap.Groups = append(snap.Groups, directory.Group{ID: id, DisplayName: g.Name, Members: keep(g.Members, memberOK)})
		}
	}
	snap.Delta.RemovedUsers = sortedKeys(removed)
	snap.Delta.RemovedGroups = rec.removedGroups
	return snap
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
