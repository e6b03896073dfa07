package tui

import (
	"errors"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/slackprov/slackprov/mapping"
)

// toggleSwitch flips one of Entra's switches of the current tab's object
// mapping: C create, U update, D delete, E group sync.
func (e *Editor) toggleSwitch(which string) {
	kind := min(e.tab, 1)
	s := &e.switches[kind]
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
			e.setError("The user mapping can't be disabled (nor can it in Entra); switch its actions off instead")
			return
		}
		s.Disabled = !s.Disabled
		if s.Disabled {
			e.setStatus("Group provisioning switched off: Slack's groups will be left alone — ctrl+s saves")
		} else {
			e.setStatus("Group provisioning switched on — ctrl+s saves")
		}
		return
	}
	e.setStatus("%s: %s — ctrl+s saves", what, switchesText(*s, kind == tabGroups))
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

// withSwitches writes the switches into the objects section of a mapping
// file's content, keeping the rest (and its comments) as it is.
func withSwitches(data []byte, users, groups mapping.Switches) ([]byte, error) {
	marshalled, err := (&mapping.Mapping{UserSwitches: users, GroupSwitches: groups}).Marshal()
	if err != nil {
		return nil, err
	}
	var plain yaml.Node
	if err := yaml.Unmarshal(marshalled, &plain); err != nil {
		return nil, err
	}
	objects := valueOf(plain.Content[0], "objects")
	out, err := editDocument(data, func(root *yaml.Node) error {
		switch {
		case objects == nil:
			removeKey(root, "objects")
		case !setValue(root, "objects", objects):
			root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "objects"}, objects)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	back, err := mapping.Parse("edited", out)
	if err != nil {
		return nil, err
	}
	if back.UserSwitches != users || back.GroupSwitches != groups {
		return nil, errors.New("the switches did not read back as written")
	}
	return out, nil
}

func removeKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}
