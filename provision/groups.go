package provision

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/scim"
)

// slackGroups indexes the Slack groups for one planning pass.
type slackGroups struct {
	byID, byExternal, byName map[string]*scim.Group
	// claimed maps a Slack group id to the directory group it belongs to.
	claimed map[string]string
	// present holds the directory groups the source returned.
	present map[string]bool
}

// groups matches and diffs every directory group, after users, because
// membership needs each user's Slack id (or its pending create).
func (p *planner) groups() {
	if !p.in.Mapping.GroupsEnabled() {
		return
	}
	sg := p.indexGroups()
	for _, e := range p.in.Snapshot.Problems {
		if e.Kind == "group" {
			if e.ID != "" {
				sg.present[e.ID] = true
			}
			p.fail(Operation{Action: ActionCreate, Kind: KindGroup, SourceID: e.ID}, "invalid_source_record", e.Error())
		}
	}
	groups := make([]*directory.Group, len(p.in.Snapshot.Groups))
	for i := range p.in.Snapshot.Groups {
		groups[i] = &p.in.Snapshot.Groups[i]
	}
	sort.Slice(groups, func(i, j int) bool { return groups[i].ID < groups[j].ID })
	for _, dg := range groups {
		// A group outside the scoping filters is treated as gone.
		if sg.present[dg.ID] || !p.in.Mapping.GroupInScope(dg) {
			continue
		}
		sg.present[dg.ID] = true
		p.group(sg, dg)
	}
	p.groupDeletes(sg)
}

func (p *planner) indexGroups() *slackGroups {
	sg := &slackGroups{
		byID:       make(map[string]*scim.Group, len(p.in.SlackGroups)),
		byExternal: map[string]*scim.Group{},
		byName:     map[string]*scim.Group{},
		claimed:    map[string]string{},
		present:    map[string]bool{},
	}
	for _, g := range p.in.SlackGroups {
		sg.byID[g.ID] = g
		if g.ExternalID != "" {
			sg.byExternal[g.ExternalID] = g
		}
		sg.byName[strings.ToLower(g.DisplayName)] = g
	}
	for src, id := range p.in.GroupLinks {
		sg.claimed[id] = src
	}
	return sg
}

// matchGroup finds the Slack group of a directory group: the stored link,
// then externalId, then the mapping's matching attributes.
func (p *planner) matchGroup(sg *slackGroups, dg *directory.Group, vals map[string]string) (*scim.Group, string) {
	if id, ok := p.in.GroupLinks[dg.ID]; ok && sg.byID[id] != nil {
		return sg.byID[id], "link"
	}
	if g := sg.byExternal[dg.ID]; g != nil {
		return g, "externalId"
	}
	for _, attr := range p.in.Mapping.GroupMatching() {
		if g := sg.byName[strings.ToLower(vals[attr])]; attr == "displayName" && g != nil {
			return g, attr
		}
	}
	return nil, ""
}

// group plans one directory group's create or update.
func (p *planner) group(sg *slackGroups, dg *directory.Group) {
	vals := p.in.Mapping.EvalGroup(dg, false).Values
	name := vals["displayName"]
	if name == "" {
		name = dg.DisplayName
	}
	op := Operation{Kind: KindGroup, SourceID: dg.ID, DisplayName: name}
	match, how := p.matchGroup(sg, dg, vals)
	op.MatchedBy = how
	if match == nil {
		members := p.wantedMembers(dg)
		op.Action = ActionCreate
		op.Status = StatusPlanned
		op.Desired = p.in.Mapping.EvalGroup(dg, true).Values
		op.AddMembers = members
		op.Changes = []Change{{Attribute: "displayName", New: name}}
		if len(members) > 0 {
			op.Changes = append(op.Changes, Change{Attribute: "members", New: fmt.Sprintf("%d members", len(members))})
		}
		p.plan.Operations = append(p.plan.Operations, op)
		return
	}
	if owner := sg.claimed[match.ID]; owner != "" && owner != dg.ID {
		p.fail(op, "conflict", fmt.Sprintf("Slack group %s (%s) already belongs to directory group %s", match.ID, match.DisplayName, owner))
		return
	}
	sg.claimed[match.ID] = dg.ID
	p.link(KindGroup, dg.ID, match.ID, name, op.MatchedBy, p.in.GroupLinks)
	op.TargetID = match.ID
	op.Desired = vals
	members := p.wantedMembers(dg)
	if name != match.DisplayName && !p.in.Mapping.GroupOnCreateOnly("displayName") {
		op.Changes = append(op.Changes, Change{Attribute: "displayName", Old: match.DisplayName, New: name})
	}
	op.AddMembers, op.RemoveMembers = p.memberDiff(match, members)
	if len(op.AddMembers) > 0 || len(op.RemoveMembers) > 0 {
		op.Changes = append(op.Changes, Change{Attribute: "members",
			Old: fmt.Sprintf("%d members", len(match.Members)),
			New: fmt.Sprintf("+%d -%d", len(op.AddMembers), len(op.RemoveMembers))})
	}
	if len(op.Changes) == 0 {
		p.plan.Groups.Unchanged++
		return
	}
	op.Action = ActionUpdate
	op.Status = StatusPlanned
	p.plan.Operations = append(p.plan.Operations, op)
}

// groupDeletes deletes the groups we created whose directory group is
// gone: a Slack group holds no data of its own, and its members stay in Slack.
func (p *planner) groupDeletes(sg *slackGroups) {
	var srcs []string
	if p.delta != nil {
		srcs = append(srcs, p.delta.RemovedGroups...)
	} else {
		for src := range p.in.GroupLinks {
			srcs = append(srcs, src)
		}
	}
	sort.Strings(srcs)
	for _, src := range srcs {
		g := sg.byID[p.in.GroupLinks[src]]
		if sg.present[src] || g == nil || sg.claimed[g.ID] != src {
			continue
		}
		p.plan.Operations = append(p.plan.Operations, Operation{
			Action: ActionDelete, Kind: KindGroup, SourceID: src, TargetID: g.ID, DisplayName: g.DisplayName,
			Status: StatusPlanned, MatchedBy: "link",
		})
	}
}

// wantedMembers lists the directory ids of a group's members that are, or
// will be, active Slack users. Slack refuses deactivated members.
func (p *planner) wantedMembers(g *directory.Group) []string {
	var out []string
	p.dirIdx.each(len(g.Members), func(i int) string { return g.Members[i] }, func(i int, slot int32, found bool) {
		var d dirState
		if found {
			d = p.dirs[slot]
		}
		if p.member(g.Members[i], d) {
			out = append(out, g.Members[i])
		}
	})
	// Sorted, a member listed twice is dropped without a set, which was
	// half the memory of planning a group.
	slices.Sort(out)
	return slices.Compact(out)
}

// memberDiff compares wanted members (directory ids) with the Slack group's
// members (Slack ids). Additions stay directory ids, resolved at apply time;
// removals are Slack ids.
func (p *planner) memberDiff(g *scim.Group, wanted []string) (add, remove []string) {
	have := make(map[string]bool, len(g.Members))
	for _, m := range g.Members {
		have[m.Value] = true
	}
	keep := make(map[string]bool, len(wanted))
	for _, src := range wanted {
		if id, ok := p.slackID(src); ok {
			keep[id] = true
			if have[id] {
				continue
			}
		}
		add = append(add, src)
	}
	for _, m := range g.Members {
		// A deactivated account in a group is inert, and whether Slack drops
		// it by itself is not documented: leaving it keeps full and
		// incremental runs in agreement either way.
		if u := p.byID(m.Value); keep[m.Value] || (u != nil && !u.IsActive()) {
			continue
		}
		remove = append(remove, m.Value)
	}
	sort.Strings(remove)
	return add, remove
}
