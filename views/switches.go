package views

import (
	"fmt"
	"strings"

	"github.com/slackprov/slackprov/provision"
)

// describeSwitchedOff is the plan's line about switched-off actions.
func describeSwitchedOff(offs []provision.SwitchedOff) string {
	if len(offs) == 0 {
		return ""
	}
	parts := make([]string, len(offs))
	for i, s := range offs {
		if s.Action == "sync" {
			parts[i] = fmt.Sprintf("group provisioning is disabled (%d directory groups left alone)", s.Held)
			continue
		}
		what := s.Action
		if s.Kind == provision.KindUser && s.Action == "delete" {
			what = "delete (deactivate)"
		}
		parts[i] = fmt.Sprintf("%s %s: %d held back", s.Kind, what, s.Held)
	}
	return "Switched off in the mapping: " + strings.Join(parts, "; ")
}
