package mapping

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Load reads a mapping file. Every problem in it is reported, each as
// "file:line:col: problem".
func Load(path string) (*Mapping, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading mapping file: %w", err)
	}
	return Parse(path, data)
}

var (
	topKeys   = []string{"version", "users", "groups", "scope", "objects"}
	entryKeys = []string{"target", "type", "source", "value", "expression", "default", "apply", "match"}
)

// loader collects positioned errors while walking the YAML tree.
type loader struct {
	file string
	errs []*PosError
}

func (l *loader) errorf(n *yaml.Node, format string, args ...any) {
	l.errs = append(l.errs, &PosError{File: l.file, Line: n.Line, Column: n.Column, Msg: fmt.Sprintf(format, args...)})
}

// entry is one attribute as read, with the nodes of its keys for errors.
type entry struct {
	attr   Attribute
	node   *yaml.Node
	fields map[string]*yaml.Node
}

var yamlLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// Parse reads a mapping from YAML; name is used in error messages.
func Parse(name string, data []byte) (*Mapping, error) {
	l := &loader{file: name}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// The YAML library reports a line but no column for syntax errors.
		if m := yamlLine.FindStringSubmatch(err.Error()); m != nil {
			line, _ := strconv.Atoi(m[1])
			return nil, &PosError{File: name, Line: line, Msg: "invalid YAML: " + m[2]}
		}
		return nil, &PosError{File: name, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &PosError{File: name, Line: 1, Column: 1, Msg: "mapping file is empty; start it with version: 1 (see docs/mappings.md)"}
	}
	root := resolve(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, &PosError{File: name, Line: root.Line, Column: root.Column, Msg: "a mapping file is a YAML map with version, users and groups"}
	}
	m := &Mapping{File: name}
	var users, groups []entry
	var userScope, groupScope []filterEntry
	usersAt, groupsAt := root, root
	sawVersion := false
	for key, val := range l.pairs(root, topKeys, "top-level key") {
		switch key.Value {
		case "version":
			sawVersion = true
			v, err := strconv.Atoi(val.Value)
			if val.Kind != yaml.ScalarNode || err != nil || v != Version {
				l.errorf(val, "version must be %d, got %q", Version, val.Value)
			}
			m.Version = v
		case "users":
			users, usersAt = l.entries(val, "users"), key
		case "groups":
			groups, groupsAt = l.entries(val, "groups"), key
		case "scope":
			userScope, groupScope = l.scope(val)
		case "objects":
			m.UserSwitches, m.GroupSwitches = l.objects(val)
		}
	}
	if !sawVersion {
		l.errorf(root, "missing version: add version: %d at the top", Version)
	}
	if len(l.errs) == 0 {
		m.Users = l.check(userKind, users, usersAt)
		m.Groups = l.check(groupKind, groups, groupsAt)
		m.UserScope = l.checkFilters(userKind, userScope)
		m.GroupScope = l.checkFilters(groupKind, groupScope)
	}
	if len(l.errs) > 0 {
		return nil, l.err()
	}
	return m, nil
}

// err joins the collected errors in file order.
func (l *loader) err() error {
	sort.SliceStable(l.errs, func(i, j int) bool {
		a, b := l.errs[i], l.errs[j]
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	errs := make([]error, len(l.errs))
	for i, e := range l.errs {
		errs[i] = e
	}
	return errors.Join(errs...)
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// pairs yields the key/value pairs of a YAML map, reporting unknown and
// repeated keys instead of yielding them.
func (l *loader) pairs(n *yaml.Node, known []string, what string) func(func(*yaml.Node, *yaml.Node) bool) {
	return func(yield func(*yaml.Node, *yaml.Node) bool) {
		seen := map[string]bool{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, val := n.Content[i], resolve(n.Content[i+1])
			switch {
			case !contains(known, key.Value):
				msg := fmt.Sprintf("unknown %s %q", what, key.Value)
				if s := closeMatches(key.Value, known, 1); len(s) > 0 {
					msg += fmt.Sprintf("; did you mean %q?", s[0])
				} else {
					msg += "; expected one of " + strings.Join(known, ", ")
				}
				l.errorf(key, "%s", msg)
				continue
			case seen[key.Value]:
				l.errorf(key, "%s %q appears twice", what, key.Value)
				continue
			}
			seen[key.Value] = true
			if !yield(key, val) {
				return
			}
		}
	}
}

func (l *loader) entries(n *yaml.Node, list string) []entry {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errorf(n, "%s must be a list of attribute mappings (- target: ...)", list)
		return nil
	}
	out := make([]entry, 0, len(n.Content))
	for _, item := range n.Content {
		item = resolve(item)
		if item.Kind != yaml.MappingNode {
			l.errorf(item, "each %s entry must be a map with target and source, value or expression", list)
			continue
		}
		e := entry{node: item, fields: map[string]*yaml.Node{}}
		e.attr.Line, e.attr.Column = item.Line, item.Column
		explicitConstant := false
		for key, val := range l.pairs(item, entryKeys, "key") {
			e.fields[key.Value] = val
			if val.Kind != yaml.ScalarNode {
				l.errorf(val, "%s must be a single value, not a list or map", key.Value)
				continue
			}
			if val.Tag == "!!null" {
				continue
			}
			s := val.Value
			switch key.Value {
			case "target":
				e.attr.Target = s
			case "type":
				e.attr.Type = Type(s)
			case "source":
				e.attr.Source = s
			case "value":
				e.attr.Value = s
				explicitConstant = s == ""
			case "expression":
				e.attr.Expression = s
			case "default":
				e.attr.Default = s
			case "apply":
				e.attr.Apply = Apply(s)
			case "match":
				v, err := strconv.Atoi(s)
				if err != nil {
					l.errorf(val, "match must be a whole number (the matching precedence, 1 = tried first), got %q", s)
					continue
				}
				e.attr.Match = v
			}
		}
		// An empty constant can't be inferred from the value alone.
		if explicitConstant && e.attr.Type == "" && e.attr.Source == "" && e.attr.Expression == "" {
			e.attr.Type = TypeConstant
		}
		out = append(out, e)
	}
	return out
}

// check validates entries and returns them normalised: canonical target,
// explicit type and apply.
func (l *loader) check(kind objectKind, entries []entry, list *yaml.Node) []Attribute {
	attrs := make([]Attribute, len(entries))
	for i, e := range entries {
		attrs[i] = e.attr
	}
	checked, issues := validate(kind, attrs)
	for _, is := range issues {
		at := list
		if is.index >= 0 {
			at = entries[is.index].node
			if f, ok := entries[is.index].fields[is.field]; ok {
				at = f
			}
		}
		msg := is.msg
		if is.pos > 0 {
			msg = fmt.Sprintf("expression position %d: %s", is.pos, msg)
		}
		l.errorf(at, "%s", msg)
	}
	out := make([]Attribute, len(checked))
	for i, c := range checked {
		out[i] = c.Attribute
	}
	return out
}
