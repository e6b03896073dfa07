package provision

import (
	"fmt"
	"sort"
	"strings"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/scim"
)

// groups matches and diffs every directory group, after users, because
// membership needs each user's Slack id (or its pending create).
func (p *planner) groups() {
	if !p.in.Mapping.GroupsEnabled() {
		return
	}
	byID := make(map[string]*scim.Group, len(p.in.SlackGroups))
	byExternal := map[string]*scim.Group{}
	byName := map[string]*scim.Group{}
	for _, g := range p.in.SlackGroups {
		byID[g.ID] = g
		if g.ExternalID != "" {
			byExternal[g.ExternalID] = g
		}
		byName[strings.ToLower(g.DisplayName)] = g
	}
	claimed := map[string]string{}
	for src, id := range p.in.GroupLinks {
		claimed[id] = src
	}
	present := map[string]bool{}
	for _, e := range p.in.Snapshot.Problems {
		if e.Kind == "group" {
			if e.ID != "" {
				present[e.ID] = true
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
		if present[dg.ID] || !p.in.Mapping.GroupInScope(dg) {
			continue
		}
		present[dg.ID] = true
		vals := p.in.Mapping.EvalGroup(dg, false).Values
		name := vals["displayName"]
		if name == "" {
			name = dg.DisplayName
		}
		op := Operation{Kind: KindGroup, SourceID: dg.ID, DisplayName: name}

		var match *scim.Group
		if id, ok := p.in.GroupLinks[dg.ID]; ok && byID[id] != nil {
			match, op.MatchedBy = byID[id], "link"
		} else if g := byExternal[dg.ID]; g != nil {
			match, op.MatchedBy = g, "externalId"
		} else {
			for _, attr := range p.in.Mapping.GroupMatching() {
				if g := byName[strings.ToLower(vals[attr])]; attr == "displayName" && g != nil {
					match, op.MatchedBy = g, attr
					break
				}
			}
		}
		if match != nil {
			if owner := claimed[match.ID]; owner != "" && owner != dg.ID {
				p.fail(op, "conflict", fmt.Sprintf("Slack group %s (%s) already belongs to directory group %s", match.ID, match.DisplayName, owner))
				continue
			}
			claimed[match.ID] = dg.ID
			p.link(KindGroup, dg.ID, match.ID, name, op.MatchedBy, p.in.GroupLinks)
		}
		members := p.wantedMembers(dg)
		if match == nil {
			op.Action = ActionCreate
			op.Status = StatusPlanned
			op.Desired = p.in.Mapping.EvalGroup(dg, true).Values
			op.AddMembers = members
			op.Changes = []Change{{Attribute: "displayName", New: name}}
			if len(members) > 0 {
				op.Changes = append(op.Changes, Change{Attribute: "members", New: fmt.Sprintf("%d members", len(members))})
			}
			p.plan.Operations = append(p.plan.Operations, op)
			continue
		}
		op.TargetID = match.ID
		op.Desired = vals
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
			continue
		}
		op.Action = ActionUpdate
		op.Status = StatusPlanned
		p.plan.Operations = append(p.plan.Operations, op)
	}

	// Groups we created whose directory group is gone are deleted: a Slack
	// group holds no data of its own, and its members stay in Slack.
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
		g := byID[p.in.GroupLinks[src]]
		if present[src] || g == nil || claimed[g.ID] != src {
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
	seen := map[string]bool{}
	var out []string
	for _, m := range g.Members {
		if p.member(m) && !seen[m] {
			seen[m] = true
			out = append(out, m)
		}
	}
	sort.Strings(out)
	return out
}

// memberDiff compares wanted members (directory ids) with the Slack group's
// members (Slack ids). Additions stay directory ids, resolved at apply time;
// removals are Slack ids.
func (p *planner) memberDiff(g *scim.Group, wanted []string) (add, remove []string) {
	have := make(map[string]bool, len(g.Members))
	for _, m := range g.Members {
		have[m.Value] = true
	}
	keep := map[string]bool{}
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
