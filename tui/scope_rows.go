package tui

import (
	"slices"

	"github.com/slackprov/slackprov/mapping"
)

// scopeClause is one clause being edited. orig is its index in its filter
// as loaded (-1 for a new clause), so saving can reuse its YAML node.
type scopeClause struct {
	clause mapping.Clause
	orig   int
}

// scopeFilter is one scoping filter being edited; orig is its index in
// the file's users or groups filter list as loaded (-1 for a new one).
type scopeFilter struct {
	name    string
	orig    int
	clauses []scopeClause
}

// scopeList is the editable user or group filter list.
type scopeList []scopeFilter

// Scope kinds, the index into the editor's scope lists.
const (
	scopeUsers = iota
	scopeGroups
)

var scopeKindNames = [2]string{"user", "group"}

func newScopeList(filters []mapping.Filter) scopeList {
	l := make(scopeList, len(filters))
	for i, f := range filters {
		l[i] = scopeFilter{name: f.Name, orig: i, clauses: make([]scopeClause, len(f.Clauses))}
		for j, c := range f.Clauses {
			l[i].clauses[j] = scopeClause{clause: c, orig: j}
		}
	}
	return l
}

// filters is the list as the mapping package models it.
func (l scopeList) filters() []mapping.Filter {
	if len(l) == 0 {
		return nil
	}
	out := make([]mapping.Filter, len(l))
	for i, f := range l {
		out[i] = f.filter()
	}
	return out
}

func (f scopeFilter) filter() mapping.Filter {
	out := mapping.Filter{Name: f.name, Clauses: make([]mapping.Clause, len(f.clauses))}
	for j, c := range f.clauses {
		out.Clauses[j] = c.clause
	}
	return out
}

// edits is the list in the mapping package's editing model.
func (l scopeList) edits() []mapping.FilterEdit {
	out := make([]mapping.FilterEdit, len(l))
	for i, f := range l {
		out[i] = mapping.FilterEdit{Name: f.name, Orig: f.orig, Clauses: make([]mapping.ClauseEdit, len(f.clauses))}
		for j, c := range f.clauses {
			out[i].Clauses[j] = mapping.ClauseEdit{Clause: c.clause, Orig: c.orig}
		}
	}
	return out
}

// clone copies the list deeply enough that editing a clause of the copy
// leaves the original alone.
func (l scopeList) clone() scopeList {
	out := slices.Clone(l)
	for i := range out {
		out[i].clauses = slices.Clone(out[i].clauses)
	}
	return out
}

// unaryOperator reports whether op takes no value (IS TRUE, IS NULL, ...).
func unaryOperator(op mapping.Operator) bool {
	switch op.Canonical() {
	case mapping.OpIsTrue, mapping.OpIsFalse, mapping.OpIsNull, mapping.OpIsNotNull:
		return true
	}
	return false
}

// scopeRow is one selectable line of the scoping tab: a kind's heading
// (filter -1), a filter (clause -1) or a clause.
type scopeRow struct {
	kind, filter, clause int
}

// scopeRows lists the scoping tab's selectable lines, top to bottom.
func scopeRows(scope [2]scopeList) []scopeRow {
	var out []scopeRow
	for k, l := range scope {
		out = append(out, scopeRow{kind: k, filter: -1, clause: -1})
		for i, f := range l {
			out = append(out, scopeRow{kind: k, filter: i, clause: -1})
			for j := range f.clauses {
				out = append(out, scopeRow{kind: k, filter: i, clause: j})
			}
		}
	}
	return out
}

// scopeDeletion is a removed filter (clause < 0) or clause, kept so undo
// can put it back where it was.
type scopeDeletion struct {
	kind, filter, clause int
	f                    scopeFilter
	c                    scopeClause
}

// remove takes out the filter or clause r points at.
func (l *scopeList) remove(r scopeRow) scopeDeletion {
	d := scopeDeletion{kind: r.kind, filter: r.filter, clause: r.clause}
	if r.clause < 0 {
		d.f = (*l)[r.filter]
		*l = slices.Delete(*l, r.filter, r.filter+1)
		return d
	}
	f := &(*l)[r.filter]
	d.c = f.clauses[r.clause]
	f.clauses = slices.Delete(slices.Clone(f.clauses), r.clause, r.clause+1)
	return d
}

// restore puts a deletion back; it reports false when the filter a clause
// belonged to is gone.
func (l *scopeList) restore(d scopeDeletion) bool {
	if d.clause < 0 {
		*l = slices.Insert(*l, min(max(d.filter, 0), len(*l)), d.f)
		return true
	}
	if d.filter >= len(*l) {
		return false
	}
	f := &(*l)[d.filter]
	f.clauses = slices.Insert(slices.Clone(f.clauses), min(d.clause, len(f.clauses)), d.c)
	return true
}
