package provision

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
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
	// MaxDeactivations refuses plans that deactivate more users than this.
	MaxDeactivations int
	Now              time.Time
}

// planner holds the indexes of one planning pass.
type planner struct {
	in   Input
	plan *Plan

	byID       map[string]*scim.User
	byExternal map[string]*scim.User
	byEmail    map[string]*scim.User
	byUserName map[string]*scim.User

	// claimed maps a Slack user id to the directory user matched to it.
	claimed map[string]string
	// target maps a directory user id to its Slack id (matched users).
	target map[string]string
	// creating maps a directory user id to its create operation's index.
	creating map[string]int
	// present holds every directory id the source returned, readable or not:
	// none of them may be deactivated for being absent.
	present map[string]bool
	// enabled holds directory users that are, or will be, active members.
	enabled map[string]bool
	// linkedTo is the store's links reversed: Slack id → directory id.
	linkedTo map[string]string
	// diffTargets are the attributes an update compares, computed once.
	diffTargets []string
	// managerOnly are matched users to recheck once managers resolve.
	managerOnly []managerCheck
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
			Operations: []Operation{},
		},
		byID:        make(map[string]*scim.User, len(in.SlackUsers)),
		byExternal:  make(map[string]*scim.User, len(in.SlackUsers)),
		byEmail:     make(map[string]*scim.User, len(in.SlackUsers)),
		byUserName:  make(map[string]*scim.User, len(in.SlackUsers)),
		claimed:     make(map[string]string, len(in.SlackUsers)),
		target:      make(map[string]string, len(in.Snapshot.Users)),
		creating:    make(map[string]int),
		present:     make(map[string]bool, len(in.Snapshot.Users)),
		enabled:     make(map[string]bool, len(in.Snapshot.Users)),
		linkedTo:    make(map[string]string, len(in.UserLinks)),
		diffTargets: updatableTargets(in.Mapping),
		delta:       in.Snapshot.Delta,
		removed:     map[string]bool{},
	}
	if p.delta != nil {
		for _, id := range p.delta.RemovedUsers {
			p.removed[id] = true
		}
	}
	p.index()
	p.users()
	p.managers()
	p.deactivations()
	p.groups()
	p.memberNames()
	p.unmanaged()
	p.order()
	p.redact()
	p.plan.Recount()
	p.safety()
	return p.plan
}

func (p *planner) index() {
	for _, u := range p.in.SlackUsers {
		p.byID[u.ID] = u
		if u.ExternalID != "" {
			p.byExternal[u.ExternalID] = u
		}
		for _, e := range u.Emails {
			if e.Value != "" {
				key := strings.ToLower(e.Value)
				if _, dup := p.byEmail[key]; !dup || e.Primary {
					p.byEmail[key] = u
				}
			}
		}
		p.byUserName[strings.ToLower(u.UserName)] = u
	}
	for src, id := range p.in.UserLinks {
		p.linkedTo[id] = src
	}
	for _, u := range p.in.Snapshot.Users {
		p.present[u.ID] = true
	}
	for _, e := range p.in.Snapshot.Problems {
		if e.ID != "" {
			p.present[e.ID] = true
		}
	}
}

// users matches and diffs every directory user.
func (p *planner) users() {
	snap := p.in.Snapshot
	users := make([]*directory.User, len(snap.Users))
	for i := range snap.Users {
		users[i] = &snap.Users[i]
	}
	sort.Slice(users, func(i, j int) bool { return users[i].ID < users[j].ID })

	// Two directory users computing the same userName or email cannot both
	// exist in Slack: the second one fails, by id order, so the outcome is stable.
	seenUserName := make(map[string]string, len(users))
	seenEmail := make(map[string]string, len(users))
	seenID := make(map[string]bool, len(users))

	for _, e := range snap.Problems {
		if e.Kind == "user" {
			p.fail(Operation{Action: ActionCreate, Kind: KindUser, SourceID: e.ID}, "invalid_source_record", e.Error())
		}
	}

	for _, du := range users {
		if seenID[du.ID] {
			continue
		}
		seenID[du.ID] = true
		// A user outside the scoping filters is deprovisioned like a
		// disabled one, as Entra does: IsSoftDeleted reads True.
		var obj mapping.Object = du
		inScope := p.in.Mapping.UserInScope(du)
		if !inScope {
			obj = mapping.SoftDeleted(du)
		}
		res := p.in.Mapping.EvalUser(obj, false)
		vals := res.Values
		if !inScope {
			vals[scim.AttrActive] = "False"
		}
		active := activeValue(vals)
		match, how, conflict := p.match(du.ID, vals)
		if conflict != "" {
			p.fail(Operation{Action: ActionUpdate, Kind: KindUser, SourceID: du.ID, UserName: vals[scim.AttrUserName]}, "conflict", conflict)
			continue
		}
		if match == nil {
			if !active {
				// A disabled user who never had a Slack account needs none.
				continue
			}
			res = p.in.Mapping.EvalUser(obj, true)
			vals = res.Values
			if len(res.Candidates) > 0 {
				taken := func(target, v string) bool {
					key := strings.ToLower(v)
					switch target {
					case scim.AttrUserName:
						return p.byUserName[key] != nil || seenUserName[key] != ""
					case scim.AttrWorkEmail:
						return p.byEmail[key] != nil || seenEmail[key] != ""
					}
					return false
				}
				if msg := pickUnique(&res, taken); msg != "" {
					p.fail(Operation{Action: ActionCreate, Kind: KindUser, SourceID: du.ID, UserName: vals[scim.AttrUserName]}, "no_unique_value", msg)
					continue
				}
			}
		}
		op := Operation{Kind: KindUser, SourceID: du.ID, UserName: vals[scim.AttrUserName], MatchedBy: how}
		if dup := firstOwner(seenUserName, strings.ToLower(vals[scim.AttrUserName]), du.ID); dup != "" {
			op.Action = actionFor(match, active)
			p.fail(op, "duplicate_username", fmt.Sprintf("userName %q is also computed for directory user %s; make the mapping produce unique userNames", vals[scim.AttrUserName], dup))
			continue
		}
		if dup := firstOwner(seenEmail, strings.ToLower(vals[scim.AttrWorkEmail]), du.ID); dup != "" {
			op.Action = actionFor(match, active)
			p.fail(op, "duplicate_email", fmt.Sprintf("email %q is also used by directory user %s; Slack needs a unique email per account", vals[scim.AttrWorkEmail], dup))
			continue
		}
		if match == nil {
			p.planCreate(op, vals, res.Problems)
			continue
		}
		p.claimed[match.ID] = du.ID
		p.target[du.ID] = match.ID
		op.TargetID = match.ID
		if !active {
			op.Reason = deactivationReason(inScope)
		}
		p.planExisting(op, match, vals, res.Problems, active)
	}
}

// pickUnique settles each SelectUniqueValue mapping on its first candidate
// that taken says no Slack account or other planned user has, and redoes the
// Slack checks for the value chosen. It says why when every one is taken.
func pickUnique(res *mapping.Result, taken func(target, value string) bool) string {
	for target, cands := range res.Candidates {
		chosen := ""
		for _, c := range cands {
			if !taken(target, c) {
				chosen = c
				break
			}
		}
		if chosen == "" {
			return fmt.Sprintf("every candidate %s is taken in Slack or by another user in this plan (%s); add another candidate to the SelectUniqueValue mapping",
				target, strings.Join(cands, ", "))
		}
		res.Values[target] = chosen
		kept := res.Problems[:0]
		for _, pr := range res.Problems {
			if pr.Target != target {
				kept = append(kept, pr)
			}
		}
		for _, pr := range mapping.CheckUser(map[string]string{target: chosen}) {
			if pr.Target == target {
				kept = append(kept, pr)
			}
		}
		res.Problems = kept
	}
	return ""
}

func firstOwner(seen map[string]string, key, id string) string {
	if key == "" {
		return ""
	}
	if owner, ok := seen[key]; ok {
		return owner
	}
	seen[key] = id
	return ""
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
	v, ok := vals[scim.AttrActive]
	return !ok || !strings.EqualFold(v, "false")
}

// match finds the Slack account for a directory user: the stored link, then
// externalId, then the mapping's matching attributes in precedence order.
func (p *planner) match(sourceID string, vals map[string]string) (u *scim.User, how, conflict string) {
	if id, ok := p.in.UserLinks[sourceID]; ok {
		if u := p.byID[id]; u != nil {
			return p.claim(sourceID, u, "link")
		}
	}
	if u := p.byExternal[sourceID]; u != nil {
		return p.claim(sourceID, u, "externalId")
	}
	for _, attr := range p.in.Mapping.UserMatching() {
		v := strings.ToLower(vals[attr])
		if v == "" {
			continue
		}
		var u *scim.User
		switch attr {
		case scim.AttrWorkEmail:
			u = p.byEmail[v]
		case scim.AttrUserName:
			u = p.byUserName[v]
		}
		if u != nil {
			return p.claim(sourceID, u, attr)
		}
	}
	return nil, "", ""
}

// claim accepts a match unless the Slack account already belongs to another
// directory user, by link, by this run's matching, or by its externalId.
func (p *planner) claim(sourceID string, u *scim.User, how string) (*scim.User, string, string) {
	owner := p.claimed[u.ID]
	if src, ok := p.linkedTo[u.ID]; ok && owner == "" {
		owner = src
	}
	if owner == "" && u.ExternalID != "" && p.present[u.ExternalID] {
		owner = u.ExternalID
	}
	if owner != "" && owner != sourceID {
		return nil, "", fmt.Sprintf("Slack account %s (%s) matched by %s already belongs to directory user %s; fix the duplicate in the directory or the mapping",
			u.ID, u.UserName, how, owner)
	}
	return u, how, ""
}

// redact hides the values of Redact() mappings in everything people read:
// the attribute diffs shown, saved and logged. Desired keeps the real
// values, since Apply must send them; RenderJSON hides those too.
func (p *planner) redact() {
	for _, t := range p.in.Mapping.UserTargets() {
		if p.in.Mapping.Redacted(t) {
			p.plan.Redacted = append(p.plan.Redacted, t)
		}
	}
	if len(p.plan.Redacted) == 0 {
		return
	}
	for i := range p.plan.Operations {
		for j := range p.plan.Operations[i].Changes {
			c := &p.plan.Operations[i].Changes[j]
			if p.plan.isRedacted(c.Attribute) {
				c.Old, c.New = redactValue(c.Old), redactValue(c.New)
			}
		}
	}
}

// slackID returns the Slack account of a directory user: matched in this
// plan, or, on an incremental read where unchanged users are not read, linked.
func (p *planner) slackID(src string) (string, bool) {
	if id, ok := p.target[src]; ok {
		return id, true
	}
	if p.delta != nil && !p.removed[src] && !p.present[src] {
		id, ok := p.in.UserLinks[src]
		return id, ok
	}
	return "", false
}

// member reports whether a directory user is, or will be, an active Slack
// user who may be a group member. On an incremental read an unchanged,
// linked user still is one.
func (p *planner) member(src string) bool {
	if p.enabled[src] {
		return true
	}
	_, unchanged := p.slackID(src)
	return unchanged && !p.present[src]
}
