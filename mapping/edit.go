package mapping

import (
	"bytes"
	"fmt"
	"slices"

	"go.yaml.in/yaml/v3"
)

// Edit is a mapping as an editor holds it: every entry, filter and clause
// carries the index it had in the file as loaded (-1 for a new one), so
// Render can reuse its YAML node and keep the comments around it.
type Edit struct {
	Users, Groups               []EntryEdit
	UserScope, GroupScope       []FilterEdit
	UserSwitches, GroupSwitches Switches
}

// EntryEdit is one attribute mapping and its index in the loaded file.
type EntryEdit struct {
	Attribute Attribute
	Orig      int
}

// FilterEdit is one scoping filter and its index in its kind's list as
// loaded.
type FilterEdit struct {
	Name    string
	Orig    int
	Clauses []ClauseEdit
}

// ClauseEdit is one clause and its index in its filter as loaded.
type ClauseEdit struct {
	Clause Clause
	Orig   int
}

// Mapping is the edit as the mapping package models it.
func (e Edit) Mapping() *Mapping {
	return &Mapping{Version: Version, Users: Attributes(e.Users), Groups: Attributes(e.Groups),
		UserScope: Filters(e.UserScope), GroupScope: Filters(e.GroupScope),
		UserSwitches: e.UserSwitches, GroupSwitches: e.GroupSwitches}
}

// Attributes lists the edited entries' attributes in order.
func Attributes(entries []EntryEdit) []Attribute {
	out := make([]Attribute, len(entries))
	for i, en := range entries {
		out[i] = en.Attribute
	}
	return out
}

// Filters lists the edited filters as the mapping package models them;
// none is nil, as Parse returns it.
func Filters(edits []FilterEdit) []Filter {
	if len(edits) == 0 {
		return nil
	}
	out := make([]Filter, len(edits))
	for i, f := range edits {
		out[i] = f.Filter()
	}
	return out
}

// Filter is the edited filter as the mapping package models it.
func (f FilterEdit) Filter() Filter {
	out := Filter{Name: f.Name, Clauses: make([]Clause, len(f.Clauses))}
	for j, c := range f.Clauses {
		out.Clauses[j] = c.Clause
	}
	return out
}

// SameAttribute reports whether two attribute mappings say the same
// thing, ignoring where in a file they came from.
func SameAttribute(a, b Attribute) bool {
	a.Line, a.Column, b.Line, b.Column = 0, 0, 0, 0
	if a.Apply == "" {
		a.Apply = ApplyAlways
	}
	if b.Apply == "" {
		b.Apply = ApplyAlways
	}
	return a == b
}

// SameFilters reports whether two filter lists say the same thing in the
// same order. Operators compare in their canonical spelling, as Parse
// returns them.
func SameFilters(a, b []Filter) bool {
	return slices.EqualFunc(a, b, func(x, y Filter) bool {
		return x.Name == y.Name && slices.EqualFunc(x.Clauses, y.Clauses, SameClause)
	})
}

// SameClause reports whether two clauses say the same thing.
func SameClause(a, b Clause) bool {
	return a.Attribute == b.Attribute && a.Operator.Canonical() == b.Operator.Canonical() && a.Value == b.Value
}

// Canonical is the operator's canonical spelling; an operator the mapping
// does not know is returned as it is.
func (op Operator) Canonical() Operator {
	if c, ok := ParseOperator(string(op)); ok {
		return c
	}
	return op
}

// Same reports whether m says exactly what the edit says.
func (e Edit) Same(m *Mapping) bool {
	want := e.Mapping()
	return slices.EqualFunc(m.Users, want.Users, SameAttribute) && slices.EqualFunc(m.Groups, want.Groups, SameAttribute) &&
		SameFilters(m.UserScope, want.UserScope) && SameFilters(m.GroupScope, want.GroupScope) &&
		m.UserSwitches == want.UserSwitches && m.GroupSwitches == want.GroupSwitches
}

// Render turns the edit into file content. When the file existed (orig is
// its content as loaded) it edits the original YAML tree in place, so
// comments, key order and unknown top-level sections survive; the result
// must read back as exactly the edit, and when it does not (an exotic
// file) the plain Marshal form is returned and kept reports false.
func (e Edit) Render(orig []byte) (data []byte, kept bool, err error) {
	plain, err := e.Mapping().Marshal()
	if err != nil {
		return nil, false, fmt.Errorf("writing the mapping as YAML: %w", err)
	}
	if len(bytes.TrimSpace(orig)) == 0 {
		return plain, true, nil
	}
	edited, err := editDocument(orig, func(root *yaml.Node) error { return e.editTree(root, orig) })
	if err != nil {
		return plain, false, nil
	}
	back, err := Parse("edited", edited)
	if err != nil || !e.Same(back) {
		return plain, false, nil
	}
	return edited, true, nil
}

// editTree rewrites the users and groups sequences, the scope section's
// filter lists that changed, and the objects section's switches.
func (e Edit) editTree(root *yaml.Node, orig []byte) error {
	for _, part := range []struct {
		key     string
		entries []EntryEdit
	}{{"users", e.Users}, {"groups", e.Groups}} {
		seq, err := editSequence(valueOf(root, part.key), part.entries)
		if err != nil {
			return err
		}
		if !setValue(root, part.key, seq) {
			root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: part.key}, seq)
		}
	}
	if err := editScope(root, orig, [2][]FilterEdit{e.UserScope, e.GroupScope}); err != nil {
		return err
	}
	return editSwitches(root, e.UserSwitches, e.GroupSwitches)
}

// NewEdit is a loaded mapping ready to edit: every entry, filter and
// clause at its own index.
func NewEdit(m *Mapping) Edit {
	return Edit{Users: entryEdits(m.Users), Groups: entryEdits(m.Groups),
		UserScope: filterEdits(m.UserScope), GroupScope: filterEdits(m.GroupScope),
		UserSwitches: m.UserSwitches, GroupSwitches: m.GroupSwitches}
}

func entryEdits(attrs []Attribute) []EntryEdit {
	out := make([]EntryEdit, len(attrs))
	for i, a := range attrs {
		out[i] = EntryEdit{Attribute: a, Orig: i}
	}
	return out
}

func filterEdits(filters []Filter) []FilterEdit {
	out := make([]FilterEdit, len(filters))
	for i, f := range filters {
		out[i] = FilterEdit{Name: f.Name, Orig: i, Clauses: make([]ClauseEdit, len(f.Clauses))}
		for j, c := range f.Clauses {
			out[i].Clauses[j] = ClauseEdit{Clause: c, Orig: j}
		}
	}
	return out
}
