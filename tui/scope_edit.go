package tui

import (
	"fmt"
	"slices"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/slackprov/slackprov/mapping"
)

// undoScope puts a scoping deletion back and selects it.
func (e *Editor) undoScope(d scopeDeletion) {
	e.setTab(tabScoping)
	if !e.scope[d.kind].restore(d) {
		e.setError("Could not restore the clause: its filter is gone")
		return
	}
	e.scoping.selectScope(scopeRow{kind: d.kind, filter: d.filter, clause: d.clause})
	if d.clause < 0 {
		e.setStatus("Restored filter %q", d.f.name)
		return
	}
	e.setStatus("Restored clause %s", clauseText(d.c.clause))
}

func (e *Editor) openClause(kind, filter, clause int, newFilter bool) tea.Cmd {
	c := scopeClause{orig: -1}
	if clause >= 0 {
		c = e.scope[kind][filter].clauses[clause]
	}
	e.clause = newClauseForm(e.st, e.scope[kind][filter].name, kind, filter, clause, c, e.filterAttributes(kind), e.opts.Known)
	e.clause.newFilter = newFilter
	e.mode = modeClause
	return textinput.Blink
}

// filterAttributes complete a clause's attribute: the directory's user
// attributes, or for groups the attributes the group mappings read (the
// editor is not told the directory's group attributes).
func (e *Editor) filterAttributes(kind int) []string {
	if kind == scopeUsers {
		return e.opts.SourceAttributes
	}
	names := []string{"displayName"}
	for _, r := range e.lists[tabGroups].rows {
		names = append(names, r.attr.Source)
	}
	return mergeNames(names)
}

func (e *Editor) updateClause(msg tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(msg, e.clause.keys.Cancel):
		f := e.clause
		e.mode, e.clause = modeTable, nil
		if f.newFilter {
			name := e.scope[f.kind][f.filter].name
			e.scope[f.kind] = slices.Delete(e.scope[f.kind], f.filter, f.filter+1)
			e.setStatus("Filter %q not added: a filter needs at least one clause", name)
			return nil
		}
		e.setStatus("Edit cancelled")
		return nil
	case key.Matches(msg, e.clause.keys.Apply):
		e.commitClause()
		return nil
	}
	return e.clause.Update(msg)
}

// commitClause puts the form's clause into its filter if it would load,
// else keeps the form open with the reasons shown.
func (e *Editor) commitClause() bool {
	f := e.clause
	c := f.current()
	if v := checkClause(f.kind, c.clause, nil, e.opts.Known); len(v.problems) > 0 {
		f.refused = true
		e.setError("Clause not applied: %s", v.problems[0])
		return false
	}
	e.scope = e.scopeWithForm()
	idx := f.clause
	if idx < 0 {
		idx = len(e.scope[f.kind][f.filter].clauses) - 1
	}
	e.scoping.selectScope(scopeRow{kind: f.kind, filter: f.filter, clause: idx})
	e.mode, e.clause = modeTable, nil
	name := e.scope[f.kind][f.filter].name
	switch {
	case f.newFilter:
		e.setStatus("Added %s filter %q — ctrl+s saves", scopeKindNames[f.kind], name)
	case f.clause < 0:
		e.setStatus("Added clause %s to %q — ctrl+s saves", clauseText(c.clause), name)
	default:
		e.setStatus("Changed clause %s of %q — ctrl+s saves", clauseText(c.clause), name)
	}
	return true
}

// scopeWithForm is the scope with the open clause form's clause in place,
// so the preview follows the form before it is applied.
func (e *Editor) scopeWithForm() [2]scopeList {
	next := [2]scopeList{e.scope[0].clone(), e.scope[1].clone()}
	f := e.clause
	if e.mode != modeClause || f == nil {
		return next
	}
	fl := &next[f.kind][f.filter]
	if f.clause >= 0 {
		fl.clauses[f.clause] = f.current()
	} else {
		fl.clauses = append(fl.clauses, f.current())
	}
	return next
}

// clauseText is a clause as one line: attribute, operator and the quoted
// value (none for unary operators).
func clauseText(c mapping.Clause) string {
	s := fmt.Sprintf("%s %s", c.Attribute, c.Operator)
	if !unaryOperator(c.Operator) || c.Value != "" {
		s += " " + fmt.Sprintf("%q", c.Value)
	}
	return s
}
