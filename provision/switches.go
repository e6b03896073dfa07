package provision

import (
	"github.com/slackprov/slackprov/mapping"
)

// SwitchedOff is an Entra mapping switch that is off, and how many
// operations it kept out of the plan.
type SwitchedOff struct {
	Kind Kind `json:"kind"`
	// Action is "create", "update", "delete" or, for a disabled group
	// mapping, "sync".
	Action string `json:"action"`
	Held   int    `json:"held"`
}

// actionSwitch is the target object action an operation needs. Slack users
// are never deleted: deactivation is what Entra's Delete stands for here,
// and reactivation is an update.
func actionSwitch(a Action) string {
	switch a {
	case ActionCreate:
		return "create"
	case ActionDeactivate, ActionDelete:
		return "delete"
	}
	return "update"
}

func (p *planner) switches(k Kind) mapping.Switches {
	if k == KindGroup {
		return p.in.Mapping.GroupSwitches()
	}
	return p.in.Mapping.UserSwitches()
}

// allows reports whether the mapping lets the planner make a k object's
// action, and counts what it holds back.
func (p *planner) allows(k Kind, action string) bool {
	if p.switches(k).Allows(action) {
		return true
	}
	p.held(k, action, 1)
	return false
}

func (p *planner) held(k Kind, action string, n int) {
	for i := range p.plan.SwitchedOff {
		if s := &p.plan.SwitchedOff[i]; s.Kind == k && s.Action == action {
			s.Held += n
			return
		}
	}
	p.plan.SwitchedOff = append(p.plan.SwitchedOff, SwitchedOff{Kind: k, Action: action, Held: n})
}

// dropSwitchedOff removes the planned operations from index from on whose
// action the mapping switches off; an existing object left as it is counts
// as unchanged.
func (p *planner) dropSwitchedOff(from int) {
	kept := p.plan.Operations[:from]
	for _, op := range p.plan.Operations[from:] {
		if op.Status != StatusPlanned || p.allows(op.Kind, actionSwitch(op.Action)) {
			kept = append(kept, op)
			continue
		}
		if op.Action != ActionCreate {
			if op.Kind == KindGroup {
				p.plan.Groups.Unchanged++
			} else {
				p.plan.Users.Unchanged++
			}
		}
	}
	p.plan.Operations = kept
}

// noteSwitches lists the switches that are off even when they held nothing
// back, so the plan always says which changes it would never make.
func (p *planner) noteSwitches() {
	for _, k := range []Kind{KindUser, KindGroup} {
		s := p.switches(k)
		if k == KindGroup && s.Disabled {
			p.held(k, "sync", len(p.in.Snapshot.Groups))
			continue
		}
		for _, a := range []string{"create", "update", "delete"} {
			if !s.Allows(a) {
				p.held(k, a, 0)
			}
		}
	}
}
