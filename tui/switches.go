package tui

import (
	"strings"

	"github.com/slackprov/slackprov/mapping"
)

// toggleSwitch flips one of Entra's switches of the tab's object
// mapping: C create, U update, D delete, E group sync.
func (t *tableTab) toggleSwitch(which string) {
	kind := t.kind
	s := &t.doc.switches[kind]
	what := tabNames[kind]
	switch which {
	case "create":
		s.NoCreate = !s.NoCreate
	case "update":
		s.NoUpdate = !s.NoUpdate
	case "delete":
		s.NoDelete = !s.NoDelete
	case "enabled":
		if kind != tabGroups {
			t.doc.setError("The user mapping can't be disabled (nor can it in Entra); switch its actions off instead")
			return
		}
		s.Disabled = !s.Disabled
		if s.Disabled {
			t.doc.setStatus("Group provisioning switched off: Slack's groups will be left alone — ctrl+s saves")
		} else {
			t.doc.setStatus("Group provisioning switched on — ctrl+s saves")
		}
		return
	}
	t.doc.setStatus("%s: %s — ctrl+s saves", what, switchesText(*s, kind == tabGroups))
}

// switchesText describes a mapping's switches in one line.
func switchesText(s mapping.Switches, groups bool) string {
	var parts []string
	if groups {
		on := "yes"
		if s.Disabled {
			on = "no"
		}
		parts = append(parts, "sync "+on)
	}
	for _, a := range []string{"create", "update", "delete"} {
		mark := "✓"
		if !s.Allows(a) {
			mark = "✗"
		}
		parts = append(parts, a+" "+mark)
	}
	return strings.Join(parts, " · ")
}
