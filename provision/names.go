package provision

func deactivationReason(inScope bool) string {
	if inScope {
		return ReasonDisabled
	}
	return ReasonOutOfScope
}

// memberNames records a user name for every id in the plan's group member
// changes: additions are directory ids, removals Slack ids.
func (p *planner) memberNames() {
	fromOps := map[string]string{}
	for _, op := range p.plan.Operations {
		if op.Kind == KindUser && op.UserName != "" {
			fromOps[op.SourceID] = op.UserName
		}
	}
	names := map[string]string{}
	slackName := func(slackID string) string {
		if u := p.byID(slackID); u != nil {
			return u.UserName
		}
		return ""
	}
	name := func(id string, directoryID bool) {
		n := ""
		switch {
		case !directoryID:
			n = slackName(id)
		case fromOps[id] != "":
			n = fromOps[id]
		default:
			if slackID, ok := p.slackID(id); ok {
				n = slackName(slackID)
			}
		}
		if n != "" {
			names[id] = n
		}
	}
	for _, op := range p.plan.Operations {
		for _, id := range op.AddMembers {
			name(id, true)
		}
		for _, id := range op.RemoveMembers {
			name(id, false)
		}
	}
	if len(names) > 0 {
		p.plan.MemberNames = names
	}
}
