package provision

import (
	"fmt"
	"iter"
	"sort"

	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/schema"
	"github.com/slackprov/slackprov/scim"
)

// fail records an operation that cannot be carried out as planned.
func (p *planner) fail(op Operation, code, msg string) {
	op.Status = StatusFailed
	op.ErrorCode = code
	op.Error = msg
	p.plan.Operations = append(p.plan.Operations, op)
}

// firstError returns the first error-severity problem, if any.
func firstError(problems []mapping.Problem) (mapping.Problem, bool) {
	for _, pr := range problems {
		if pr.Severity != "warning" {
			return pr, true
		}
	}
	return mapping.Problem{}, false
}

func (p *planner) planCreate(op Operation, d *dirState, vals map[string]string, problems []mapping.Problem) {
	op.Action = ActionCreate
	if pr, bad := firstError(problems); bad {
		p.fail(op, pr.Code, pr.Message)
		return
	}
	op.Status = StatusPlanned
	op.Desired = vals
	if mgr := vals[schema.Manager]; mgr != "" {
		// Resolved after every user is matched (managers()).
		op.ManagerSourceID = mgr
	}
	for _, attr := range sortedAttrs(vals) {
		if attr == schema.Manager {
			continue
		}
		op.Changes = append(op.Changes, Change{Attribute: attr, New: vals[attr]})
	}
	d.enabled = true
	p.creating[op.SourceID] = len(p.plan.Operations)
	p.plan.Operations = append(p.plan.Operations, op)
}

// planExisting decides what a matched Slack account needs.
func (p *planner) planExisting(op Operation, ui int32, u *scim.User, vals map[string]string, problems []mapping.Problem, active bool) {
	d := &p.dirs[ui]
	if op.UserName == "" {
		op.UserName = u.UserName
	}
	if !active {
		if u.IsActive() {
			op.Action = ActionDeactivate
			op.Status = StatusPlanned
			op.Changes = []Change{{Attribute: schema.Active, Old: "true", New: "false"}}
			p.plan.Operations = append(p.plan.Operations, op)
			return
		}
		p.plan.Users.Unchanged++
		return
	}
	d.enabled = true
	op.Desired = vals
	op.Changes = p.diffUser(u, vals)
	switch {
	case !u.IsActive():
		op.Action = ActionReactivate
		op.Changes = append([]Change{{Attribute: schema.Active, Old: "false", New: "true"}}, op.Changes...)
	case len(op.Changes) == 0 && vals[schema.Manager] == "":
		p.plan.Users.Unchanged++
		p.in.Mapping.Recycle(vals)
		return
	case len(op.Changes) == 0 && len(problems) == 0:
		// Only the manager may differ, and that is known once every user is
		// matched; most users have a manager, so keep this check small.
		c := managerCheck{target: u, matchedBy: op.MatchedBy, manager: vals[schema.Manager], record: ui}
		if p.volatile {
			c.vals = p.waiting.keep(vals)
		}
		p.managerOnly.add(c)
		p.in.Mapping.Recycle(vals)
		return
	default:
		op.Action = ActionUpdate
	}
	if pr, bad := firstError(problems); bad {
		p.fail(op, pr.Code, pr.Message)
		return
	}
	op.Status = StatusPlanned
	if mgr := vals[schema.Manager]; mgr != "" {
		op.ManagerSourceID = mgr
	}
	p.plan.Operations = append(p.plan.Operations, op)
}

// diffUser compares the mapped values an update may send with Slack's.
// Attributes applied only on create, and null source values (as in Entra),
// are never diffed; the manager is diffed later, once every id is known.
func (p *planner) diffUser(u *scim.User, vals map[string]string) []Change {
	var changes []Change
	for _, attr := range p.diffTargets {
		want, ok := vals[attr]
		if !ok {
			continue
		}
		if old := u.Get(attr); !schema.Same(attr, old, want) {
			changes = append(changes, Change{Attribute: attr, Old: old, New: want})
		}
	}
	return changes
}

// updatableTargets lists, sorted, the mapped user attributes an update may
// change: not the ones applied only on create, nor those Slack will not update.
func updatableTargets(m interface {
	UserTargets() []string
	OnCreateOnly(string) bool
}) []string {
	var out []string
	for _, attr := range m.UserTargets() {
		if attr == schema.Active || attr == schema.Manager || !scim.IsUpdatable(attr) || m.OnCreateOnly(attr) {
			continue
		}
		out = append(out, attr)
	}
	return out
}

// managerCheck is a matched user whose only possible change is the manager.
// Its directory id and userName are read again from the snapshot record and
// the values, as few are needed.
type managerCheck struct {
	matchedBy string
	target    *scim.User
	manager   string
	// record is the user's snapshot record, whose values are evaluated
	// again if the manager changed; vals keeps them instead when the mapping
	// is volatile (see waitingValues).
	record int32
	vals   keptValues
}

// checkList holds the manager checks in fixed chunks: nearly every matched
// user waits for one, and a single growing slice copied all of them at each
// doubling.
type checkList struct{ chunks [][]managerCheck }

func (l *checkList) add(c managerCheck) {
	if n := len(l.chunks); n == 0 || len(l.chunks[n-1]) == cap(l.chunks[n-1]) {
		l.chunks = append(l.chunks, make([]managerCheck, 0, 1<<14))
	}
	last := &l.chunks[len(l.chunks)-1]
	*last = append(*last, c)
}

// all yields the checks in the order added.
func (l *checkList) all() iter.Seq[*managerCheck] {
	return func(yield func(*managerCheck) bool) {
		for _, chunk := range l.chunks {
			for i := range chunk {
				if !yield(&chunk[i]) {
					return
				}
			}
		}
	}
}

// waitingValues returns the mapped values of a user whose manager changed.
// Evaluating the mapping again gives the values diffed before, and keeping
// them for every matched user while managers resolve was a quarter of a
// million-user plan's memory, all of it fresh pages the kernel has to hand
// out; only a mapping with Now(), Guid() or RandomString() keeps them.
func (p *planner) waitingValues(c *managerCheck) map[string]string {
	if p.volatile {
		return p.waiting.values(c.vals)
	}
	return p.in.Mapping.EvalUser(&p.in.Snapshot.Users[c.record], false).Values
}

// valueStore keeps the mapped values of users waiting for the manager check
// as key, value pairs in large chunks: most of them turn out unchanged, and a
// map kept for each of a million users was most of planning's memory and of
// the collector's work. Each user's map goes back to the mapping at once.
type valueStore struct {
	chunks [][]string
}

// keptValues locates one user's pairs in a valueStore.
type keptValues struct {
	chunk, start, end int32
}

const valueChunk = 1 << 16

func (s *valueStore) keep(vals map[string]string) keptValues {
	n := len(s.chunks)
	if n == 0 || len(s.chunks[n-1])+2*len(vals) > cap(s.chunks[n-1]) {
		s.chunks = append(s.chunks, make([]string, 0, max(valueChunk, 2*len(vals))))
		n++
	}
	c := s.chunks[n-1]
	start := len(c)
	for k, v := range vals {
		c = append(c, k, v)
	}
	s.chunks[n-1] = c
	return keptValues{chunk: int32(n - 1), start: int32(start), end: int32(len(c))}
}

// values rebuilds the map kept at k.
func (s *valueStore) values(k keptValues) map[string]string {
	pairs := s.chunks[k.chunk][k.start:k.end]
	m := make(map[string]string, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		m[pairs[i]] = pairs[i+1]
	}
	return m
}

// managers resolves each manager reference to a Slack id now that every user
// is matched, and drops the operations that turn out to change nothing.
func (p *planner) managers() {
	for c := range p.managerOnly.all() {
		want, known := p.slackID(c.manager)
		_, pending := p.creating[c.manager]
		if !pending && (!known || c.target.Get(schema.Manager) == want) {
			p.plan.Users.Unchanged++
			continue
		}
		vals := p.waitingValues(c)
		userName := vals[schema.UserName]
		if userName == "" {
			userName = c.target.UserName // as planExisting names it
		}
		p.plan.Operations = append(p.plan.Operations, Operation{
			Action: ActionUpdate, Kind: KindUser, SourceID: p.in.Snapshot.Users[c.record].ID, TargetID: c.target.ID, UserName: userName,
			MatchedBy: c.matchedBy, Status: StatusPlanned, Desired: vals, ManagerSourceID: c.manager,
		})
	}
	p.managerOnly, p.waiting = checkList{}, valueStore{}
	ops := p.plan.Operations[:0]
	for _, op := range p.plan.Operations {
		if op.Kind != KindUser || op.Status != StatusPlanned || op.ManagerSourceID == "" {
			ops = append(ops, op)
			continue
		}
		mgr := op.ManagerSourceID
		want, known := p.slackID(mgr)
		_, pending := p.creating[mgr]
		op.ManagerSourceID = ""
		switch {
		case known:
			op.Desired[schema.Manager] = want
		case pending:
			delete(op.Desired, schema.Manager)
			op.ManagerSourceID = mgr
			created := p.plan.Operations[p.creating[mgr]]
			want = "(new user " + p.in.Mapping.Redactor().Name(created.UserName, created.SourceID) + ")"
		default:
			// The manager has no Slack account and will not get one now.
			delete(op.Desired, schema.Manager)
			want = ""
		}
		if op.Action != ActionCreate && want != "" {
			var old string
			if u := p.byID(op.TargetID); u != nil {
				old = u.Get(schema.Manager)
			}
			if old != want {
				op.Changes = append(op.Changes, Change{Attribute: schema.Manager, Old: old, New: want})
			}
		}
		if op.Action == ActionCreate && want != "" {
			op.Changes = append(op.Changes, Change{Attribute: schema.Manager, New: want})
		}
		if op.Action == ActionUpdate && len(op.Changes) == 0 {
			p.plan.Users.Unchanged++
			continue
		}
		ops = append(ops, op)
	}
	p.plan.Operations = ops
	p.levels()
}

// levels numbers creates so that a manager created by this plan comes before
// the people who report to it. Cycles (bad data) are cut at an arbitrary point.
func (p *planner) levels() {
	index := map[string]int{}
	for i, op := range p.plan.Operations {
		if op.Action == ActionCreate && op.Status == StatusPlanned {
			index[op.SourceID] = i
		}
	}
	var depth func(i, guard int) int
	depth = func(i, guard int) int {
		op := &p.plan.Operations[i]
		j, ok := index[op.ManagerSourceID]
		if !ok || guard > len(index) {
			return 0
		}
		return depth(j, guard+1) + 1
	}
	for _, i := range index {
		p.plan.Operations[i].Level = depth(i, 0)
	}
}

// deactivations plans the deactivation of linked Slack accounts whose
// directory user is gone. Only links mean ownership: an account we never
// linked is unmanaged and left alone.
func (p *planner) deactivations() {
	// A record the source could not read, and whose id it could not read
	// either, might be any linked user: absence proves nothing then.
	unreadable := 0
	for _, e := range p.in.Snapshot.Problems {
		if e.Kind == "user" && e.ID == "" {
			unreadable++
		}
	}
	// Only the absent are sorted: on a full read that is a handful of a
	// million links.
	var srcs []string
	if p.delta != nil {
		// Absence from an incremental read means "unchanged"; only what
		// the source saw leave is gone.
		for _, src := range p.delta.RemovedUsers {
			if !p.dirOf(src).present {
				srcs = append(srcs, src)
			}
		}
	} else {
		srcs = p.absent
	}
	sort.Strings(srcs)
	for _, src := range srcs {
		id, linked := p.in.UserLinks[src]
		s := p.slackOf(id)
		if !linked || s == nil || s.claimed != "" {
			continue
		}
		u := s.user
		s.claimed = src
		if !u.IsActive() {
			p.plan.Users.Unchanged++
			continue
		}
		op := Operation{
			Action: ActionDeactivate, Kind: KindUser, SourceID: src, TargetID: u.ID, UserName: u.UserName,
			Status: StatusPlanned, MatchedBy: "link", Reason: ReasonRemoved,
			Changes: []Change{{Attribute: schema.Active, Old: "true", New: "false"}},
		}
		if unreadable > 0 {
			p.fail(op, "unreadable_source", fmt.Sprintf("not deactivated: the source has %d user records whose id could not be read, and this user may be one of them; fix those records first", unreadable))
			continue
		}
		p.plan.Operations = append(p.plan.Operations, op)
	}
}

func (p *planner) unmanaged() {
	if p.delta != nil {
		// An incremental run reads only the accounts it may change.
		return
	}
	// Without repeated ids, account i has slot i.
	distinct := len(p.slack) == len(p.in.SlackUsers)
	for i, u := range p.in.SlackUsers {
		var s *slackState
		if distinct {
			s = &p.slack[i]
		} else {
			s = p.slackOf(u.ID)
		}
		if s.claimed != "" {
			continue
		}
		p.plan.Unmanaged = append(p.plan.Unmanaged, Unmanaged{ID: u.ID, UserName: u.UserName, Email: u.PrimaryEmail(), Active: u.IsActive()})
	}
	sort.Slice(p.plan.Unmanaged, func(i, j int) bool { return p.plan.Unmanaged[i].UserName < p.plan.Unmanaged[j].UserName })
}

var actionOrder = map[Action]int{ActionCreate: 0, ActionReactivate: 1, ActionUpdate: 2, ActionDelete: 3, ActionDeactivate: 4}

// order sorts operations the way Apply runs them: users before groups (groups
// need their members), deactivations last of all, creates by manager level.
func (p *planner) order() {
	rank := func(op *Operation) int {
		if op.Action == ActionDeactivate {
			return 20
		}
		r := actionOrder[op.Action]
		if op.Kind == KindGroup {
			r += 10
		}
		return r
	}
	sort.SliceStable(p.plan.Operations, func(i, j int) bool {
		a, b := &p.plan.Operations[i], &p.plan.Operations[j]
		if ra, rb := rank(a), rank(b); ra != rb {
			return ra < rb
		}
		if a.Level != b.Level {
			return a.Level < b.Level
		}
		return a.Name() < b.Name()
	})
}

func sortedAttrs(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
