package provision

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/schema"
	"github.com/slackprov/slackprov/scim"
)

// Input is everything planning needs; reading it is the caller's job, so the
// planner is a pure function that tests and benchmarks can call directly.
type Input struct {
	Snapshot    *directory.Snapshot
	Source      string
	SlackUsers  []*scim.User
	SlackGroups []*scim.Group
	// Links from the store: directory id → Slack id.
	UserLinks  map[string]string
	GroupLinks map[string]string
	Mapping    *mapping.Compiled
	// MaxDeactivations refuses plans that deactivate more users (and delete
	// more groups) than this.
	MaxDeactivations int
	Now              time.Time
	// Pending holds the objects that failed in an earlier run, keyed
	// PendingKey(kind, id); their operations are marked as retried.
	Pending map[string]bool
}

// PendingKey is the key of an object in Input.Pending.
func PendingKey(kind Kind, sourceID string) string { return string(kind) + ":" + sourceID }

// planner holds the indexes of one planning pass.
type planner struct {
	in   Input
	plan *Plan

	byName map[nameKey]*scim.User
	// seen holds the userNames and emails of the users planned so far,
	// each with the snapshot record that computed it, one index per
	// unique attribute: a key without the attribute is smaller, and a
	// million users have two each.
	seen [len(uniqueAttrs)]*strIndex

	// Every Slack id and every directory id gets one small number, once:
	// the per-id state then lives in slices, and each user costs one
	// lookup in a big string index per side instead of one per fact.
	slackIdx *strIndex
	slack    []slackState
	dirIdx   *strIndex
	dirs     []dirState
	// creating maps a directory user id to its create operation's index.
	creating map[string]int
	// diffTargets are the attributes an update compares, computed once.
	diffTargets []string
	// managerOnly are matched users to recheck once managers resolve, and
	// waiting holds their mapped values if the mapping is volatile (its
	// values differ at each evaluation).
	managerOnly checkList
	waiting     valueStore
	volatile    bool
	// absent are the linked directory ids the source did not return.
	absent []string
	// delta is the incremental read's removals; nil on a full read.
	delta   *directory.Delta
	removed map[string]bool
}

// Build computes the plan. It never writes anywhere.
func Build(in Input) *Plan {
	p := &planner{
		in: in,
		plan: &Plan{
			Version: PlanVersion, CreatedAt: in.Now.UTC(), Source: in.Source, DryRun: true,
			Operations: []Operation{}, DirectoryUsers: len(in.Snapshot.Users), Incremental: in.Snapshot.Delta != nil,
		},
		slackIdx:    newStrIndex(len(in.SlackUsers)),
		slack:       make([]slackState, 0, len(in.SlackUsers)),
		dirIdx:      newStrIndex(len(in.Snapshot.Users)),
		dirs:        make([]dirState, 0, len(in.Snapshot.Users)),
		creating:    make(map[string]int),
		diffTargets: updatableTargets(in.Mapping),
		volatile:    len(in.Mapping.Volatile()) > 0,
		delta:       in.Snapshot.Delta,
		removed:     map[string]bool{},
	}
	if p.delta != nil {
		for _, id := range p.delta.RemovedUsers {
			p.removed[id] = true
		}
	}
	p.index()
	p.noteSwitches()
	p.users()
	p.managers()
	n := len(p.plan.Operations)
	p.deactivations()
	p.groups()
	p.dropSwitchedOff(n)
	p.memberNames()
	p.unmanaged()
	p.order()
	p.redact()
	p.before()
	p.markRetried()
	p.plan.Recount()
	p.safety()
	return p.plan
}

// slackState is what planning learns about one Slack account.
type slackState struct {
	// user is the account; of two listed with one id, the later.
	user *scim.User
	// claimed is the directory user matched to the account in this plan.
	claimed string
	// linkedTo is the directory user the store links to the account.
	linkedTo string
	linked   bool
}

// dirState is what planning learns about one directory id.
type dirState struct {
	// target is the Slack id of a matched user.
	target string
	// link is 1 + the slot of the Slack account the store links the
	// user to, 0 for none; external, of an unlinked user, 1 + the slot of
	// the account whose externalId is the user's id.
	link, external int32
	// present: the source returned the id, readable or not, so it may not
	// be deactivated for being absent.
	present bool
	// enabled: the user is, or will be, an active member.
	enabled bool
	matched bool
}

func (p *planner) index() {
	users := p.in.SlackUsers
	p.slackIdx.each(len(users), func(i int) string { return users[i].ID }, func(i int, _ int32, _ bool) {
		if s, ok := p.slackIdx.add(users[i].ID, int32(len(p.slack))); ok {
			p.slack[s].user = users[i]
		} else {
			p.slack = append(p.slack, slackState{user: users[i]})
		}
	})
	// Record i of the snapshot has slot i; a repeated id is looked up to
	// the slot of its first record, the one users() plans.
	records := p.in.Snapshot.Users
	p.dirIdx.each(len(records), func(i int) string { return records[i].ID }, func(i int, _ int32, _ bool) {
		p.dirIdx.add(records[i].ID, int32(i))
		p.dirs = append(p.dirs, dirState{present: true})
	})
	for _, e := range p.in.Snapshot.Problems {
		if e.ID != "" {
			p.addDir(e.ID)
		}
	}
	linked := p.joinLinks()
	p.joinExternal()
	// At most every unlinked user meets an unlinked account. Growing the
	// list instead allocated it five times over: a first sync of an org of a
	// million users links them all.
	if n := min(len(p.in.Snapshot.Users)-linked.dir, len(p.slack)-linked.slack); n > 0 {
		p.plan.Links = make([]Link, 0, n)
	}
}

// linkCount counts the Slack accounts and the directory users that the
// store's links join.
type linkCount struct{ slack, dir int }

// joinLinks joins both sides in one pass over the store's links: matching a
// linked user then looks nothing up, and the links whose user the source
// did not return are the deactivation candidates of a full read.
func (p *planner) joinLinks() (c linkCount) {
	var srcs, ids [batch]string
	var dirSlot, slackSlot [batch]int32
	var present, linked [batch]bool
	n := 0
	join := func() {
		p.dirIdx.lookup(srcs[:n], dirSlot[:], present[:])
		p.slackIdx.lookup(ids[:n], slackSlot[:], linked[:])
		for j := range n {
			p.joinLink(srcs[j], dirSlot[j], present[j], slackSlot[j], linked[j], &c)
		}
		n = 0
	}
	for src, id := range p.in.UserLinks {
		srcs[n], ids[n] = src, id
		if n++; n == batch {
			join()
		}
	}
	join()
	return c
}

// joinLink joins the link of directory user src (its slot di, if present)
// to a Slack account (its slot si, if listed).
func (p *planner) joinLink(src string, di int32, present bool, si int32, linked bool, c *linkCount) {
	if linked {
		if !p.slack[si].linked {
			c.slack++
		}
		p.slack[si].linkedTo, p.slack[si].linked = src, true
	}
	if !present {
		if p.delta == nil { // an incremental read leaves out the unchanged
			p.absent = append(p.absent, src)
		}
	} else if linked {
		p.dirs[di].link = si + 1
		c.dir++
	}
}

// addDir gives a directory id its slot, if it has none yet, and marks it present.
func (p *planner) addDir(id string) {
	if _, ok := p.dirIdx.add(id, int32(len(p.dirs))); ok {
		return
	}
	p.dirs = append(p.dirs, dirState{present: true})
}

// slackOf returns the state of a Slack account, nil for an unknown id.
func (p *planner) slackOf(id string) *slackState {
	if i, ok := p.slackIdx.get(id); ok {
		return &p.slack[i]
	}
	return nil
}

// dirOf returns the state of a directory id; an id the source did not
// return has the zero state.
func (p *planner) dirOf(id string) dirState {
	if i, ok := p.dirIdx.get(id); ok {
		return p.dirs[i]
	}
	return dirState{}
}

// byID returns the Slack account with an id, nil for an unknown one.
func (p *planner) byID(id string) *scim.User {
	if s := p.slackOf(id); s != nil {
		return s.user
	}
	return nil
}

// joinExternal finds, for every directory user without a link, the Slack
// account whose externalId is its id: a first sync of an org whose
// accounts an earlier tool created finds them all this way. One bulk pass,
// a batch of lookups at a time, instead of one lookup per user as users are
// planned.
func (p *planner) joinExternal() {
	records := p.in.Snapshot.Users
	if !slices.ContainsFunc(p.dirs[:len(records)], func(d dirState) bool { return d.link == 0 }) {
		return // a re-sync: every user is linked
	}
	byExternal := newStrIndex(len(p.slack))
	// Of two accounts with one externalId the later is kept: going
	// backwards, the first added.
	last := len(p.slack) - 1
	externalID := func(i int) string { return p.slack[last-i].user.ExternalID }
	byExternal.each(len(p.slack), externalID, func(i int, _ int32, _ bool) {
		if id := externalID(i); id != "" {
			byExternal.add(id, int32(last-i))
		}
	})
	byExternal.each(len(records), func(i int) string { return records[i].ID }, func(i int, slot int32, found bool) {
		if found && p.dirs[i].link == 0 {
			p.dirs[i].external = slot + 1
		}
	})
}

// uniqueAttrs are the Slack attributes that find one account by value:
// each account's userName and each of its emails is its own, compared
// without case, as Slack compares them.
var uniqueAttrs = [...]string{schema.UserName, schema.WorkEmail}

// nameKey finds a Slack account, or a planned user, by a unique attribute
// (its position in uniqueAttrs, which keeps a million keys small).
type nameKey struct {
	attr  uint8
	value string
}

// matchKey is the one place that says which attributes find an account and
// how their values compare: false for an empty value or an attribute that
// is not unique in Slack.
func matchKey(attr, value string) (nameKey, bool) {
	if value == "" {
		return nameKey{}, false
	}
	for i, a := range uniqueAttrs {
		if a == attr {
			return nameKey{uint8(i), schema.Fold(value)}, true
		}
	}
	return nameKey{}, false
}

// indexNames builds byName the first time a directory user has neither
// link nor externalId to go by: on a re-sync every user has one, and the
// map would hold every Slack account twice for nothing.
func (p *planner) indexNames() {
	if p.byName != nil {
		return
	}
	p.byName = make(map[nameKey]*scim.User, 2*len(p.in.SlackUsers))
	for _, u := range p.in.SlackUsers {
		for _, e := range u.Emails {
			if k, ok := matchKey(schema.WorkEmail, e.Value); ok {
				if _, dup := p.byName[k]; !dup || e.Primary {
					p.byName[k] = u
				}
			}
		}
		if k, ok := matchKey(schema.UserName, u.UserName); ok {
			p.byName[k] = u
		}
	}
}

// named returns the Slack account a unique attribute's value finds.
func (p *planner) named(attr, value string) *scim.User {
	k, ok := matchKey(attr, value)
	if !ok {
		return nil
	}
	p.indexNames()
	return p.byName[k]
}

// users matches and diffs every directory user, in id order: two directory
// users computing the same userName or email cannot both exist in Slack,
// and the second one fails, so the outcome is stable.
func (p *planner) users() {
	snap := p.in.Snapshot
	for _, e := range snap.Problems {
		if e.Kind == "user" {
			p.fail(Operation{Action: ActionCreate, Kind: KindUser, SourceID: e.ID}, "invalid_source_record", e.Error())
		}
	}
	for i := range p.seen {
		p.seen[i] = newStrIndex(len(snap.Users))
	}
	for _, ui := range p.usersByID() {
		p.user(ui)
	}
	if len(p.plan.Links) == 0 {
		p.plan.Links = nil
	}
	// A fallback that a later user chose is not free after all.
	for _, i := range p.creating {
		op := &p.plan.Operations[i]
		op.UserNameFallbacks = slices.DeleteFunc(op.UserNameFallbacks, func(v string) bool {
			k, _ := matchKey(schema.UserName, v)
			_, taken := p.seen[k.attr].get(k.value)
			return taken
		})
		if len(op.UserNameFallbacks) == 0 {
			op.UserNameFallbacks = nil
		}
	}
}

// usersByID returns the snapshot's record numbers sorted by directory id,
// a repeated id once, at its first record.
func (p *planner) usersByID() []int32 {
	users := p.in.Snapshot.Users
	order := make([]int32, len(users))
	for i := range users {
		order[i] = int32(i)
	}
	slices.SortStableFunc(order, func(a, b int32) int { return strings.Compare(users[a].ID, users[b].ID) })
	// Sorted, a repeated id follows its first.
	return slices.CompactFunc(order, func(a, b int32) bool { return users[a].ID == users[b].ID })
}

// user matches one directory user, record ui of the snapshot, and plans
// what its Slack account needs.
func (p *planner) user(ui int32) {
	du, d := &p.in.Snapshot.Users[ui], &p.dirs[ui]
	// A user outside the scoping filters is deprovisioned like a disabled
	// one, as Entra does: IsSoftDeleted reads True.
	var obj mapping.Object = du
	inScope := p.in.Mapping.UserInScope(du)
	if !inScope {
		obj = mapping.SoftDeleted(du)
	}
	res := p.in.Mapping.EvalUser(obj, false)
	vals := res.Values
	if !inScope {
		vals[schema.Active] = "False"
	}
	active := activeValue(vals)
	match, ms, how, conflict := p.match(du.ID, d, vals)
	if conflict != "" {
		// The account found is someone else's, so this user has none:
		// what cannot happen is its create.
		p.fail(Operation{Action: ActionCreate, Kind: KindUser, SourceID: du.ID, UserName: vals[schema.UserName]}, "conflict", p.hide(vals, conflict))
		return
	}
	var fallbacks []string
	if match == nil {
		if !active || !p.allows(KindUser, "create") {
			// A disabled user who never had a Slack account needs none.
			return
		}
		res = p.in.Mapping.EvalUser(obj, true)
		vals = res.Values
		var ok bool
		if fallbacks, ok = p.chooseUnique(du.ID, &res); !ok {
			return
		}
	}
	op := Operation{Kind: KindUser, SourceID: du.ID, UserName: vals[schema.UserName], MatchedBy: how, Notes: notesOf(res.Notes), UserNameFallbacks: fallbacks}
	if !p.claimNames(ui, &op, vals, actionFor(match, active)) {
		return
	}
	if match == nil {
		p.planCreate(op, d, vals, res.Problems)
		return
	}
	ms.claimed = du.ID
	d.target, d.matched = match.ID, true
	if how != "link" { // found through its link: nothing new to record
		p.link(KindUser, du.ID, match.ID, op.UserName, how, p.in.UserLinks)
	}
	op.TargetID = match.ID
	if !active {
		op.Reason = deactivationReason(inScope)
	}
	n := len(p.plan.Operations)
	p.planExisting(op, ui, match, vals, res.Problems, active)
	p.dropSwitchedOff(n)
}

// taken reports whether a unique attribute's value is held by a Slack
// account or by a user planned earlier.
func (p *planner) taken(attr, value string) bool {
	k, ok := matchKey(attr, value)
	if !ok {
		return false
	}
	p.indexNames()
	_, planned := p.seen[k.attr].get(k.value)
	return planned || p.byName[k] != nil
}

// chooseUnique settles a create's SelectUniqueValue mappings on free
// values and returns the later userName candidates that are free too; it
// fails the create when every candidate is taken.
func (p *planner) chooseUnique(src string, res *mapping.Result) ([]string, bool) {
	if len(res.Candidates) == 0 {
		return nil, true
	}
	if msg := pickUnique(res, p.taken, p.in.Mapping.CheckUser); msg != "" {
		p.fail(Operation{Action: ActionCreate, Kind: KindUser, SourceID: src, UserName: res.Values[schema.UserName]}, "no_unique_value", msg)
		return nil, false
	}
	return laterFree(res, schema.UserName, p.taken), true
}

// claimNames records the userName and email of user ui as planned, and
// fails op when an earlier directory user computed either.
func (p *planner) claimNames(ui int32, op *Operation, vals map[string]string, action Action) bool {
	for _, attr := range uniqueAttrs {
		k, ok := matchKey(attr, vals[attr])
		if !ok {
			continue
		}
		owner, taken := p.seen[k.attr].add(k.value, ui)
		if !taken {
			continue
		}
		dup := p.in.Snapshot.Users[owner].ID
		op.Action = action
		if attr == schema.UserName {
			p.fail(*op, "duplicate_username", p.hide(vals, fmt.Sprintf("userName %q is also computed for directory user %s; make the mapping produce unique userNames", vals[attr], dup)))
		} else {
			p.fail(*op, "duplicate_email", p.hide(vals, fmt.Sprintf("email %q is also used by directory user %s; Slack needs a unique email per account", vals[attr], dup)))
		}
		return false
	}
	return true
}

// laterFree returns the candidates after the one chosen for target that
// taken says are free now.
func laterFree(res *mapping.Result, target string, taken func(target, value string) bool) []string {
	cands := res.Candidates[target]
	i := slices.Index(cands, res.Values[target])
	if i < 0 {
		return nil
	}
	var free []string
	for _, c := range cands[i+1:] {
		if !taken(target, c) {
			free = append(free, c)
		}
	}
	return free
}

// pickUnique settles each SelectUniqueValue mapping on its first candidate
// that taken says no Slack account or other planned user has, and redoes the
// target's checks (check) for the value chosen. It says why when every one is
// taken.
func pickUnique(res *mapping.Result, taken func(target, value string) bool, check func(map[string]string) []mapping.Problem) string {
	for target, cands := range res.Candidates {
		chosen := slices.IndexFunc(cands, func(c string) bool { return !taken(target, c) })
		if chosen < 0 {
			return fmt.Sprintf("every candidate %s is taken in Slack or by another user in this plan (%s); add another candidate to the SelectUniqueValue mapping",
				target, strings.Join(cands, ", "))
		}
		res.Choose(target, chosen)
		kept := res.Problems[:0]
		for _, pr := range res.Problems {
			if pr.Target != target {
				kept = append(kept, pr)
			}
		}
		for _, pr := range check(map[string]string{target: cands[chosen]}) {
			if pr.Target == target {
				kept = append(kept, pr)
			}
		}
		res.Problems = kept
	}
	return ""
}

// notesOf flattens a mapping result's notes, by target, for the plan.
func notesOf(notes map[string][]string) []string {
	if len(notes) == 0 {
		return nil // the common case, without allocating
	}
	var out []string
	for _, t := range slices.Sorted(maps.Keys(notes)) {
		for _, n := range notes[t] {
			out = append(out, t+": "+n)
		}
	}
	return out
}

func actionFor(match *scim.User, active bool) Action {
	switch {
	case match == nil:
		return ActionCreate
	case !active:
		return ActionDeactivate
	default:
		return ActionUpdate
	}
}

// activeValue reads the mapped active flag; an unmapped flag means active.
func activeValue(vals map[string]string) bool {
	v, ok := vals[schema.Active]
	return !ok || !strings.EqualFold(v, "false")
}

// match finds the Slack account for a directory user: the stored link, then
// externalId, then the mapping's matching attributes in precedence order.
func (p *planner) match(sourceID string, d *dirState, vals map[string]string) (u *scim.User, s *slackState, how, conflict string) {
	if d.link > 0 {
		return p.claim(sourceID, &p.slack[d.link-1], "link")
	}
	if d.external > 0 {
		return p.claim(sourceID, &p.slack[d.external-1], "externalId")
	}
	for _, attr := range p.in.Mapping.UserMatching() {
		if u := p.named(attr, vals[attr]); u != nil {
			return p.claim(sourceID, p.slackOf(u.ID), attr)
		}
	}
	return nil, nil, "", ""
}

// claim accepts a match unless the Slack account already belongs to another
// directory user, by link, by this run's matching, or by its externalId.
func (p *planner) claim(sourceID string, s *slackState, how string) (*scim.User, *slackState, string, string) {
	u := s.user
	owner := s.claimed
	if s.linked && owner == "" {
		owner = s.linkedTo
	}
	if owner == "" && u.ExternalID != "" && u.ExternalID != sourceID && p.dirOf(u.ExternalID).present {
		owner = u.ExternalID
	}
	if owner != "" && owner != sourceID {
		return nil, nil, "", fmt.Sprintf("Slack account %s (%s) matched by %s already belongs to directory user %s; fix the duplicate in the directory or the mapping",
			u.ID, u.UserName, how, owner)
	}
	return u, s, how, ""
}

// link records a match that the store does not hold yet, so applying the
// plan links it whatever rule matched it.
func (p *planner) link(kind Kind, src, target, name, how string, links map[string]string) {
	if links[src] == target {
		return
	}
	p.plan.Links = append(p.plan.Links, Link{Kind: kind, SourceID: src, TargetID: target, Name: name, MatchedBy: how})
}

// markRetried flags the operations of objects that failed in an earlier run.
func (p *planner) markRetried() {
	if len(p.in.Pending) == 0 {
		return
	}
	for i := range p.plan.Operations {
		op := &p.plan.Operations[i]
		op.Retried = p.in.Pending[PendingKey(op.Kind, op.SourceID)]
	}
}

// redact hides the values of Redact() mappings in everything people read:
// the attribute diffs and messages shown, saved and logged. Desired keeps
// the real values, since Apply must send them; RenderJSON hides those too.
func (p *planner) redact() {
	r := p.in.Mapping.Redactor()
	p.plan.Redacted = r.Targets()
	if len(p.plan.Redacted) == 0 {
		return
	}
	// A manager this plan creates is shown by userName ("(new user x)"),
	// which must not show a redacted userName either.
	newUsers := map[string]string{}
	if r.Redacted(schema.UserName) {
		for _, op := range p.plan.Operations {
			if op.Action == ActionCreate && op.UserName != "" {
				newUsers["(new user "+op.UserName+")"] = "(new user " + op.SourceID + ")"
			}
		}
	}
	for i := range p.plan.Operations {
		op := &p.plan.Operations[i]
		for j := range op.Changes {
			c := &op.Changes[j]
			c.Old, c.New = r.Value(c.Attribute, c.Old), r.Value(c.Attribute, c.New)
			if shown, ok := newUsers[c.New]; ok && c.Attribute == schema.Manager {
				c.New = shown
			}
		}
		if r.Redacted(schema.UserName) {
			op.UserName = "" // the operation is then named by its directory id
		}
	}
}

// hide removes the redacted values of one user's vals from a message.
func (p *planner) hide(vals map[string]string, msg string) string {
	return p.in.Mapping.Redactor().Text(msg, vals)
}

// slackID returns the Slack account of a directory user: matched in this
// plan, or, on an incremental read where unchanged users are not read, linked.
func (p *planner) slackID(src string) (string, bool) {
	d := p.dirOf(src)
	if d.matched {
		return d.target, true
	}
	if p.delta != nil && !p.removed[src] && !d.present {
		id, ok := p.in.UserLinks[src]
		return id, ok
	}
	return "", false
}

// member reports whether a directory user, whose state is d, is, or will
// be, an active Slack user who may be a group member. On an incremental
// read an unchanged, linked user still is one.
func (p *planner) member(src string, d dirState) bool {
	if d.enabled {
		return true
	}
	if d.present || p.delta == nil || p.removed[src] {
		return false
	}
	_, linked := p.in.UserLinks[src]
	return linked
}
