package provision

import (
	"fmt"
	"strings"
)

// safety refuses plans that look like a broken source rather than real
// departures. The plan is still returned for display.
func (p *planner) safety() {
	p.plan.Refusal = p.plan.Refuse(p.in.MaxDeactivations, len(p.in.UserLinks))
	p.plan.Refused = p.plan.Refusal.String()
}

// Refusal is why a safety check stops a plan, as values: views word it
// and say which setting changes the threshold.
type Refusal struct {
	// EmptySource: a full read returned no users while Linked Slack
	// accounts are linked to directory users.
	EmptySource bool
	Linked      int
	Source      string
	// Users and Groups are the deactivations and group deletions planned,
	// above Max.
	Users, Groups, Max int
}

// Removals is how many deactivations and group deletions the plan makes.
func (r *Refusal) Removals() int { return r.Users + r.Groups }

// String is the refusal in the engine's words; "" for none.
func (r *Refusal) String() string {
	switch {
	case r == nil:
		return ""
	case r.EmptySource:
		return fmt.Sprintf("the source returned no users while %d Slack accounts are linked to directory users; "+
			"this looks like a broken source, not everyone leaving. Check %s", r.Linked, r.Source)
	}
	var what []string
	if r.Users > 0 {
		what = append(what, fmt.Sprintf("deactivates %d users", r.Users))
	}
	if r.Groups > 0 {
		what = append(what, fmt.Sprintf("deletes %d groups", r.Groups))
	}
	total := ""
	if r.Users > 0 && r.Groups > 0 {
		total = fmt.Sprintf(" (%d removals)", r.Removals())
	}
	return fmt.Sprintf("the plan %s%s, above the safety threshold of %d", strings.Join(what, " and "), total, r.Max)
}

// Check runs the safety checks on the plan's own operations, so `apply` can
// run them again on a saved plan instead of trusting its Refused field. It
// returns why the plan is refused, or "".
func (p *Plan) Check(maxDeactivations, linked int) string {
	return p.Refuse(maxDeactivations, linked).String()
}

// Refuse runs the safety checks: an empty full read while linked accounts
// exist, or more deactivations and group deletions than maxDeactivations.
// It returns nil when the plan passes.
func (p *Plan) Refuse(maxDeactivations, linked int) *Refusal {
	if !p.Incremental && p.DirectoryUsers == 0 && linked > 0 {
		return &Refusal{EmptySource: true, Linked: linked, Source: p.Source}
	}
	r := &Refusal{Max: maxDeactivations}
	for _, op := range p.Operations {
		switch {
		case op.Status != StatusPlanned:
		case op.Kind == KindUser && op.Action == ActionDeactivate:
			r.Users++
		case op.Kind == KindGroup && op.Action == ActionDelete:
			r.Groups++
		}
	}
	if r.Removals() <= maxDeactivations {
		return nil
	}
	return r
}
