package tui

import (
	"slices"

	"github.com/slackprov/slackprov/mapping"
)

// row is one attribute mapping being edited. orig is its index in the file
// as loaded (-1 for a new entry), so saving can reuse its YAML node and keep
// the comments around it.
type row struct {
	attr mapping.Attribute
	orig int
}

// list is the editable user or group mapping list.
type list struct {
	rows []row
}

func newList(attrs []mapping.Attribute) list {
	l := list{rows: make([]row, len(attrs))}
	for i, a := range attrs {
		l.rows[i] = row{attr: a, orig: i}
	}
	return l
}

func (l list) attrs() []mapping.Attribute {
	out := make([]mapping.Attribute, len(l.rows))
	for i, r := range l.rows {
		out[i] = r.attr
	}
	return out
}

// edits is the list in the mapping package's editing model.
func (l list) edits() []mapping.EntryEdit {
	out := make([]mapping.EntryEdit, len(l.rows))
	for i, r := range l.rows {
		out[i] = mapping.EntryEdit{Attribute: r.attr, Orig: r.orig}
	}
	return out
}

func (l list) clone() list { return list{rows: slices.Clone(l.rows)} }

// sameAs reports whether two lists hold the same mappings in the same order,
// ignoring where in the file they came from.
func (l list) sameAs(o list) bool {
	if len(l.rows) != len(o.rows) {
		return false
	}
	for i := range l.rows {
		if !mapping.SameAttribute(l.rows[i].attr, o.rows[i].attr) {
			return false
		}
	}
	return true
}

// deleted is one removed row, or on the scoping tab one removed filter or
// clause (scope), kept so it can be put back where it was.
type deleted struct {
	tab   int
	index int
	row   row
	scope *scopeDeletion
}

func (l *list) remove(i int) row {
	r := l.rows[i]
	l.rows = slices.Delete(l.rows, i, i+1)
	return r
}

func (l *list) insert(i int, r row) {
	i = min(max(i, 0), len(l.rows))
	l.rows = slices.Insert(l.rows, i, r)
}

// swap exchanges rows i and j (file order); it reports false at the edges.
func (l *list) swap(i, j int) bool {
	if i < 0 || j < 0 || i >= len(l.rows) || j >= len(l.rows) {
		return false
	}
	l.rows[i], l.rows[j] = l.rows[j], l.rows[i]
	return true
}

// toggleMatch makes row i a matching attribute tried last, or takes it out
// of matching; precedences are renumbered 1..n so they stay distinct.
func (l *list) toggleMatch(i int) {
	if l.rows[i].attr.Match > 0 {
		l.rows[i].attr.Match = 0
	} else {
		l.rows[i].attr.Match = 1 << 30
	}
	l.renumber()
}

// shiftMatch moves row i's matching precedence earlier (delta -1) or later
// (+1) by swapping with its neighbour in precedence order.
func (l *list) shiftMatch(i, delta int) bool {
	order := l.matchOrder()
	at := slices.Index(order, i)
	if at < 0 || at+delta < 0 || at+delta >= len(order) {
		return false
	}
	j := order[at+delta]
	l.rows[i].attr.Match, l.rows[j].attr.Match = l.rows[j].attr.Match, l.rows[i].attr.Match
	return true
}

// matchOrder lists the indexes of matching rows, tried-first first.
func (l *list) matchOrder() []int {
	var idx []int
	for i, r := range l.rows {
		if r.attr.Match > 0 {
			idx = append(idx, i)
		}
	}
	slices.SortStableFunc(idx, func(a, b int) int { return l.rows[a].attr.Match - l.rows[b].attr.Match })
	return idx
}

func (l *list) renumber() {
	for n, i := range l.matchOrder() {
		l.rows[i].attr.Match = n + 1
	}
}
