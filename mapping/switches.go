package mapping

import (
	"strings"

	"go.yaml.in/yaml/v3"
)

// Switches are Entra's switches of one object mapping: "Enabled" (only a
// group mapping can be disabled) and the "Target object actions" Create,
// Update and Delete. The zero value is Entra's default: everything on.
// For users, Delete is deactivation: slackprov never deletes a Slack user.
type Switches struct {
	Disabled                     bool
	NoCreate, NoUpdate, NoDelete bool
}

// Allows reports whether the action ("create", "update" or "delete") is on.
func (s Switches) Allows(action string) bool {
	switch action {
	case "create":
		return !s.NoCreate
	case "update":
		return !s.NoUpdate
	case "delete":
		return !s.NoDelete
	}
	return false
}

// Actions lists the actions that are on, in Entra's order.
func (s Switches) Actions() []string {
	out := []string{}
	for _, a := range actionNames {
		if s.Allows(a) {
			out = append(out, a)
		}
	}
	return out
}

// Default reports Entra's default: enabled, every action on.
func (s Switches) Default() bool { return s == Switches{} }

var (
	actionNames   = []string{"create", "update", "delete"}
	objectsKeys   = []string{"users", "groups"}
	switchKeys    = []string{"enabled", "actions"}
	switchesUsage = "objects.users and objects.groups take enabled (groups only) and actions, a list of create, update and delete"
)

// objects reads the objects section.
func (l *loader) objects(n *yaml.Node) (users, groups Switches) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return users, groups
	}
	if n.Kind != yaml.MappingNode {
		l.errorf(n, "objects must be a map: %s", switchesUsage)
		return users, groups
	}
	for key, val := range l.pairs(n, objectsKeys, "objects key") {
		if key.Value == "users" {
			users = l.switches(val, "users")
		} else {
			groups = l.switches(val, "groups")
		}
	}
	return users, groups
}

func (l *loader) switches(n *yaml.Node, kind string) Switches {
	var s Switches
	if n.Kind != yaml.MappingNode {
		l.errorf(n, "objects.%s must be a map: %s", kind, switchesUsage)
		return s
	}
	for key, val := range l.pairs(n, switchKeys, "objects."+kind+" key") {
		switch key.Value {
		case "enabled":
			if val.Kind != yaml.ScalarNode || (val.Value != "true" && val.Value != "false") {
				l.errorf(val, "objects.%s.enabled must be true or false", kind)
				continue
			}
			if kind == "users" && val.Value == "false" {
				l.errorf(val, "the user mapping can't be disabled (nor can it in Entra); turn its actions off instead")
				continue
			}
			s.Disabled = val.Value == "false"
		case "actions":
			if val.Kind != yaml.SequenceNode {
				l.errorf(val, "objects.%s.actions must be a list of create, update and delete ([] for none)", kind)
				continue
			}
			on := map[string]bool{}
			for _, a := range val.Content {
				name := strings.ToLower(a.Value)
				if a.Kind != yaml.ScalarNode || !contains(actionNames, name) {
					l.errorf(a, "unknown action %q; use create, update or delete", a.Value)
					continue
				}
				on[name] = true
			}
			s.NoCreate, s.NoUpdate, s.NoDelete = !on["create"], !on["update"], !on["delete"]
		}
	}
	return s
}

// switchesNode writes the objects section; nil when every switch is at
// Entra's default.
func switchesNode(users, groups Switches) *yaml.Node {
	if users.Default() && groups.Default() {
		return nil
	}
	objects := &yaml.Node{Kind: yaml.MappingNode}
	for _, o := range []struct {
		key string
		s   Switches
	}{{"users", users}, {"groups", groups}} {
		if o.s.Default() {
			continue
		}
		m := &yaml.Node{Kind: yaml.MappingNode}
		if o.s.Disabled {
			addScalar(m, "enabled", "false", "!!bool")
		}
		actions := &yaml.Node{Kind: yaml.SequenceNode, Style: yaml.FlowStyle}
		for _, a := range o.s.Actions() {
			actions.Content = append(actions.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: a})
		}
		m.Content = append(m.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "actions"}, actions)
		objects.Content = append(objects.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: o.key}, m)
	}
	return objects
}

// UserSwitches are the user mapping's switches.
func (c *Compiled) UserSwitches() Switches { return c.userSwitches }

// GroupSwitches are the group mapping's switches.
func (c *Compiled) GroupSwitches() Switches { return c.groupSwitches }
