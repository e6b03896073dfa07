package provision

import "fmt"

// safety refuses plans that look like a broken source rather than real
// departures: an empty directory while we own accounts, or more
// deactivations than the threshold. The plan is still returned for display.
func (p *planner) safety() {
	linked := len(p.in.UserLinks)
	if p.delta == nil && len(p.in.Snapshot.Users) == 0 && linked > 0 {
		p.plan.Refused = fmt.Sprintf("the source returned no users while %d Slack accounts are linked to directory users; "+
			"this looks like a broken source, not everyone leaving. Check %s", linked, p.in.Source)
		return
	}
	if n := p.plan.Users.Deactivate; n > p.in.MaxDeactivations {
		p.plan.Refused = fmt.Sprintf("the plan deactivates %d users, above the safety threshold of %d; "+
			"review the plan, then rerun with --max-deactivations %d (or set safety.max_deactivations) if it is right",
			n, p.in.MaxDeactivations, n)
	}
}
