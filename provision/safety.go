package provision

import (
	"fmt"
	"strings"
)

// safety refuses plans that look like a broken source rather than real
// departures. The plan is still returned for display.
func (p *planner) safety() {
	p.plan.Refused = p.plan.Check(p.in.MaxDeactivations, len(p.in.UserLinks))
}

// Check runs the safety checks on the plan's own operations, so `apply` can
// run them again on a saved plan instead of trusting its Refused field: an
// empty full read while linked accounts exist, or more deactivations and
// group deletions than maxDeactivations. It returns why the plan is refused,
// or "".
func (p *Plan) Check(maxDeactivations, linked int) string {
	if !p.Incremental && p.DirectoryUsers == 0 && linked > 0 {
		return fmt.Sprintf("the source returned no users while %d Slack accounts are linked to directory users; "+
			"this looks like a broken source, not everyone leaving. Check %s", linked, p.Source)
	}
	users, groups := 0, 0
	for _, op := range p.Operations {
		switch {
		case op.Status != StatusPlanned:
		case op.Kind == KindUser && op.Action == ActionDeactivate:
			users++
		case op.Kind == KindGroup && op.Action == ActionDelete:
			groups++
		}
	}
	n := users + groups
	if n <= maxDeactivations {
		return ""
	}
	var what []string
	if users > 0 {
		what = append(what, fmt.Sprintf("deactivates %d users", users))
	}
	if groups > 0 {
		what = append(what, fmt.Sprintf("deletes %d groups", groups))
	}
	total := ""
	if users > 0 && groups > 0 {
		total = fmt.Sprintf(" (%d removals)", n)
	}
	return fmt.Sprintf("the plan %s%s, above the safety threshold of %d; "+
		"review the plan, then rerun with --max-deactivations %d (or set safety.max_deactivations) if it is right",
		strings.Join(what, " and "), total, maxDeactivations, n)
}
