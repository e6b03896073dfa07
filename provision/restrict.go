package provision

import (
	"fmt"
	"slices"
)

// Restrict narrows the plan to the given directory users: their own
// operations and links, and, in group updates, only the membership changes
// that name them. Group creates, renames and deletes touch everyone in the
// group, so they are left to a whole run.
func (p *Plan) Restrict(users []string, userLinks map[string]string) {
	src := make(map[string]bool, len(users))
	slackIDs := map[string]bool{}
	for _, u := range users {
		src[u] = true
		if id := userLinks[u]; id != "" {
			slackIDs[id] = true
		}
	}
	kept := p.Operations[:0:0]
	for _, op := range p.Operations {
		if op.Kind == KindUser && src[op.SourceID] {
			kept = append(kept, op)
			continue
		}
		if op.Kind != KindGroup || op.Action != ActionUpdate {
			continue
		}
		op.AddMembers = keepOnly(op.AddMembers, src)
		op.RemoveMembers = keepOnly(op.RemoveMembers, slackIDs)
		if len(op.AddMembers)+len(op.RemoveMembers) == 0 {
			continue
		}
		var changes []Change
		for _, c := range op.Changes {
			if c.Attribute == "members" {
				c.New = fmt.Sprintf("+%d -%d", len(op.AddMembers), len(op.RemoveMembers))
				changes = append(changes, c)
			}
		}
		op.Changes = changes
		kept = append(kept, op)
	}
	p.Operations = kept
	p.Links = slices.DeleteFunc(slices.Clone(p.Links), func(l Link) bool { return l.Kind != KindUser || !src[l.SourceID] })
	p.Unmanaged = nil
	p.Users.Unchanged, p.Groups.Unchanged = 0, 0
	p.Recount()
}

func keepOnly(ids []string, set map[string]bool) []string {
	var out []string
	for _, id := range ids {
		if set[id] {
			out = append(out, id)
		}
	}
	return out
}
