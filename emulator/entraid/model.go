package entraid

import (
	"fmt"
	"slices"
	"sort"
	"time"
)

// User is a user in the emulated tenant, with Graph's property names.
type User struct {
	ID                string
	UserPrincipalName string
	Mail              string
	GivenName         string
	Surname           string
	DisplayName       string
	JobTitle          string
	Department        string
	MobilePhone       string
	EmployeeID        string
	OfficeLocation    string
	BusinessPhones    []string
	AccountEnabled    bool
	Manager           string // the manager's user id
	// Extra holds other string properties by Graph name, e.g. "city", or
	// "extensionAttribute1" (served inside onPremisesExtensionAttributes).
	Extra map[string]string
}

type entraUserRec struct {
	u           User
	created     uint64
	changed     map[string]uint64 // Graph property -> seq of its last change
	prevManager string            // for manager@delta's removal entry
	deleted     bool              // soft-deleted ("changed") or purged
	purged      bool              // permanently deleted ("deleted")
	deletedSeq  uint64
	restoredSeq uint64
	// What a soft delete took away, given back on restore as Entra does.
	savedGroups   []string
	savedAssigned bool
}

type entraGroupRec struct {
	id         string
	name       string
	created    uint64
	nameSeq    uint64
	members    []string
	events     []entraMemberEvent
	deleted    bool
	deletedSeq uint64
}

type entraMemberEvent struct {
	seq   uint64
	id    string
	added bool
}

type entraAssignment struct {
	id            string
	principalID   string
	principalType string // "User" or "Group"
	created       time.Time
}

// entraUserProps are the properties UpdateUser compares to record changes.
func entraUserProps(u *User) map[string]string {
	m := map[string]string{
		"userPrincipalName": u.UserPrincipalName, "mail": u.Mail, "givenName": u.GivenName,
		"surname": u.Surname, "displayName": u.DisplayName, "jobTitle": u.JobTitle,
		"department": u.Department, "mobilePhone": u.MobilePhone, "employeeId": u.EmployeeID,
		"officeLocation": u.OfficeLocation, "manager": u.Manager,
		"accountEnabled": fmt.Sprint(u.AccountEnabled), "businessPhones": fmt.Sprint(u.BusinessPhones),
	}
	for k, v := range u.Extra {
		m[k] = v
		if entraIsExtensionAttr(k) {
			m["onPremisesExtensionAttributes"] += k + "=" + v + ";"
		}
	}
	return m
}

func (e *Tenant) newIDLocked() string {
	e.nextID++
	n := e.nextID
	return fmt.Sprintf("%08x-e000-4000-8000-%012x", uint32(n*2654435761), n)
}

func (e *Tenant) bump() uint64 {
	e.seq++
	return e.seq
}

// AddUser adds a user and returns its id (u.ID, or a new one when empty).
func (e *Tenant) AddUser(u User) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if u.ID == "" {
		u.ID = e.newIDLocked()
	}
	if _, dup := e.users[u.ID]; dup {
		panic("emulator: AddUser: duplicate user id " + u.ID)
	}
	u.Extra = entraCloneStrings(u.Extra)
	u.BusinessPhones = slices.Clone(u.BusinessPhones)
	rec := &entraUserRec{u: u, created: e.bump(), changed: map[string]uint64{}}
	e.users[u.ID] = rec
	e.userOrder = append(e.userOrder, u.ID)
	return u.ID
}

func entraCloneStrings(m map[string]string) map[string]string {
	if m == nil {
		return nil
	}
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// User returns a copy of the user with this id, deleted or not.
func (e *Tenant) User(id string) (User, bool) {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, ok := e.users[id]
	if !ok || rec.purged {
		return User{}, false
	}
	u := rec.u
	u.Extra = entraCloneStrings(u.Extra)
	return u, true
}

// UserIDs lists the ids of users that are not deleted, in creation order.
func (e *Tenant) UserIDs() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ids []string
	for _, id := range e.userOrder {
		if !e.users[id].deleted {
			ids = append(ids, id)
		}
	}
	return ids
}

// UpdateUser changes a user through edit and records which properties changed.
func (e *Tenant) UpdateUser(id string, edit func(*User)) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, err := e.liveUserLocked(id)
	if err != nil {
		return err
	}
	before := entraUserProps(&rec.u)
	oldManager := rec.u.Manager
	u := rec.u
	u.Extra = entraCloneStrings(u.Extra)
	edit(&u)
	u.ID = id
	after := entraUserProps(&u)
	seq := e.bump()
	for k, v := range after {
		if before[k] != v {
			rec.changed[k] = seq
		}
	}
	for k := range before {
		if _, still := after[k]; !still {
			rec.changed[k] = seq
		}
	}
	if oldManager != u.Manager {
		rec.prevManager = oldManager
	}
	rec.u = u
	return nil
}

// DisableUser sets accountEnabled to false (sign-in blocked).
func (e *Tenant) DisableUser(id string) error {
	return e.UpdateUser(id, func(u *User) { u.AccountEnabled = false })
}

func (e *Tenant) liveUserLocked(id string) (*entraUserRec, error) {
	rec, ok := e.users[id]
	if !ok || rec.deleted {
		return nil, fmt.Errorf("emulator: no user %s", id)
	}
	return rec, nil
}

// DeleteUser soft-deletes a user: it leaves its groups and assignments (both
// come back on RestoreUser) and delta reports it as @removed "changed".
func (e *Tenant) DeleteUser(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, err := e.liveUserLocked(id)
	if err != nil {
		return err
	}
	seq := e.bump()
	rec.deleted, rec.deletedSeq = true, seq
	rec.savedGroups = nil
	for _, gid := range e.groupOrder {
		g := e.groups[gid]
		if !g.deleted && g.removeMember(id, seq) {
			rec.savedGroups = append(rec.savedGroups, gid)
		}
	}
	rec.savedAssigned = e.unassignLocked(id)
	return nil
}

// PurgeUser permanently deletes a user (soft-deleting it first if needed);
// delta reports it as @removed "deleted".
func (e *Tenant) PurgeUser(id string) error {
	e.mu.Lock()
	rec, ok := e.users[id]
	e.mu.Unlock()
	if !ok || rec.purged {
		return fmt.Errorf("emulator: no user %s", id)
	}
	if !rec.deleted {
		if err := e.DeleteUser(id); err != nil {
			return err
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	rec.purged, rec.deletedSeq = true, e.bump()
	return nil
}

// RestoreUser brings back a soft-deleted user with its groups and assignment.
func (e *Tenant) RestoreUser(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	rec, ok := e.users[id]
	if !ok || !rec.deleted || rec.purged {
		return fmt.Errorf("emulator: no soft-deleted user %s", id)
	}
	seq := e.bump()
	rec.deleted, rec.restoredSeq = false, seq
	for _, gid := range rec.savedGroups {
		if g := e.groups[gid]; g != nil && !g.deleted {
			g.addMember(id, seq)
		}
	}
	if rec.savedAssigned {
		e.assignLocked(id, "User")
	}
	return nil
}

// AddGroup adds a group with direct members (user or group ids) and returns
// its id (id, or a new one when empty).
func (e *Tenant) AddGroup(id, displayName string, members ...string) string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if id == "" {
		id = e.newIDLocked()
	}
	if _, dup := e.groups[id]; dup {
		panic("emulator: AddGroup: duplicate group id " + id)
	}
	seq := e.bump()
	g := &entraGroupRec{id: id, name: displayName, created: seq}
	for _, m := range members {
		g.addMember(m, seq)
	}
	e.groups[id] = g
	e.groupOrder = append(e.groupOrder, id)
	return id
}

// RenameGroup changes a group's displayName.
func (e *Tenant) RenameGroup(id, displayName string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, err := e.liveGroupLocked(id)
	if err != nil {
		return err
	}
	g.name, g.nameSeq = displayName, e.bump()
	return nil
}

// DeleteGroup deletes a group and its app role assignment.
func (e *Tenant) DeleteGroup(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, err := e.liveGroupLocked(id)
	if err != nil {
		return err
	}
	g.deleted, g.deletedSeq = true, e.bump()
	e.unassignLocked(id)
	return nil
}

// AddMember makes a user or group a direct member of a group.
func (e *Tenant) AddMember(groupID, memberID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, err := e.liveGroupLocked(groupID)
	if err != nil {
		return err
	}
	if !e.principalExistsLocked(memberID) {
		return fmt.Errorf("emulator: no user or group %s", memberID)
	}
	g.addMember(memberID, e.bump())
	return nil
}

// RemoveMember removes a direct member from a group.
func (e *Tenant) RemoveMember(groupID, memberID string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	g, err := e.liveGroupLocked(groupID)
	if err != nil {
		return err
	}
	if !g.removeMember(memberID, e.bump()) {
		return fmt.Errorf("emulator: %s is not a member of group %s", memberID, groupID)
	}
	return nil
}

// GroupMembers lists a group's direct members.
func (e *Tenant) GroupMembers(groupID string) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if g := e.groups[groupID]; g != nil && !g.deleted {
		return slices.Clone(g.members)
	}
	return nil
}

func (g *entraGroupRec) addMember(id string, seq uint64) {
	if slices.Contains(g.members, id) {
		return
	}
	g.members = append(g.members, id)
	g.events = append(g.events, entraMemberEvent{seq: seq, id: id, added: true})
}

func (g *entraGroupRec) removeMember(id string, seq uint64) bool {
	i := slices.Index(g.members, id)
	if i < 0 {
		return false
	}
	g.members = slices.Delete(g.members, i, i+1)
	g.events = append(g.events, entraMemberEvent{seq: seq, id: id})
	return true
}

func (e *Tenant) liveGroupLocked(id string) (*entraGroupRec, error) {
	g, ok := e.groups[id]
	if !ok || g.deleted {
		return nil, fmt.Errorf("emulator: no group %s", id)
	}
	return g, nil
}

func (e *Tenant) principalExistsLocked(id string) bool {
	if u, ok := e.users[id]; ok && !u.deleted {
		return true
	}
	g, ok := e.groups[id]
	return ok && !g.deleted
}

// AssignUser assigns a user to the Slack app (Default Access role).
func (e *Tenant) AssignUser(id string) error { return e.assign(id, "User") }

// AssignGroup assigns a group to the Slack app; its direct user members are
// in scope, its nested groups' members are not.
func (e *Tenant) AssignGroup(id string) error { return e.assign(id, "Group") }

func (e *Tenant) assign(id, kind string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	var ok bool
	if kind == "User" {
		_, err := e.liveUserLocked(id)
		ok = err == nil
	} else {
		_, err := e.liveGroupLocked(id)
		ok = err == nil
	}
	if !ok {
		return fmt.Errorf("emulator: no %s %s to assign", kind, id)
	}
	e.assignLocked(id, kind)
	return nil
}

func (e *Tenant) assignLocked(id, kind string) {
	for _, a := range e.assignments {
		if a.principalID == id {
			return
		}
	}
	e.assignments = append(e.assignments, &entraAssignment{
		id: e.newIDLocked(), principalID: id, principalType: kind, created: e.opts.Now().UTC(),
	})
}

// Unassign removes a user's or group's assignment to the Slack app.
func (e *Tenant) Unassign(id string) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.unassignLocked(id) {
		return fmt.Errorf("emulator: %s is not assigned", id)
	}
	return nil
}

func (e *Tenant) unassignLocked(id string) bool {
	n := len(e.assignments)
	e.assignments = slices.DeleteFunc(e.assignments, func(a *entraAssignment) bool { return a.principalID == id })
	return len(e.assignments) != n
}

// Assigned lists the ids of assigned users and groups, sorted.
func (e *Tenant) Assigned() (users, groups []string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, a := range e.assignments {
		if a.principalType == "User" {
			users = append(users, a.principalID)
		} else {
			groups = append(groups, a.principalID)
		}
	}
	sort.Strings(users)
	sort.Strings(groups)
	return users, groups
}
