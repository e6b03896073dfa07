package tui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/slackprov/slackprov/mapping"
)

// naming is the filter the name prompt is for; filter -1 adds one.
type naming struct {
	kind, filter int
}

// scopeRow is the scoping tab's row under the cursor.
func (e *Editor) scopeRow() scopeRow {
	rows := scopeRows(e.scope)
	c := min(max(e.cursor[tabScoping], 0), len(rows)-1)
	e.cursor[tabScoping] = c
	return rows[c]
}

func (e *Editor) selectScope(r scopeRow) {
	if i := slices.Index(scopeRows(e.scope), r); i >= 0 {
		e.cursor[tabScoping] = i
	}
}

// updateScoping handles the scoping tab's own keys; the keys every tab
// shares (tabs, quit, help, pick) are handled before.
func (e *Editor) updateScoping(msg tea.KeyMsg) tea.Cmd {
	k := e.keys
	r := e.scopeRow()
	switch {
	case key.Matches(msg, k.Up):
		e.cursor[tabScoping]--
	case key.Matches(msg, k.Down):
		e.cursor[tabScoping]++
	case key.Matches(msg, k.Top):
		e.cursor[tabScoping] = 0
	case key.Matches(msg, k.Bottom):
		e.cursor[tabScoping] = len(scopeRows(e.scope)) - 1
	case key.Matches(msg, k.Add), key.Matches(msg, k.Edit) && r.filter < 0:
		return e.askName(naming{kind: r.kind, filter: -1}, "")
	case key.Matches(msg, k.Undo):
		e.undoDelete()
	case r.filter < 0:
		if key.Matches(msg, k.AddClause) || key.Matches(msg, k.Delete) {
			e.setError("Select a filter first (↑/↓); a adds a %s filter", scopeKindNames[r.kind])
		}
	case key.Matches(msg, k.AddClause):
		return e.openClause(r.kind, r.filter, -1, false)
	case key.Matches(msg, k.Edit) && r.clause < 0:
		return e.askName(naming{kind: r.kind, filter: r.filter}, e.scope[r.kind][r.filter].name)
	case key.Matches(msg, k.Edit):
		return e.openClause(r.kind, r.filter, r.clause, false)
	case key.Matches(msg, k.Delete):
		e.deleteScope(r)
	}
	return nil
}

func (e *Editor) deleteScope(r scopeRow) {
	name := e.scope[r.kind][r.filter].name
	d := e.scope[r.kind].remove(r)
	e.undo = append(e.undo, deleted{tab: tabScoping, scope: &d})
	if r.clause < 0 {
		e.selectScope(scopeRow{kind: r.kind, filter: min(r.filter, len(e.scope[r.kind])-1), clause: -1})
		e.setStatus("Deleted %s filter %q and its %d clause(s) — u undoes", scopeKindNames[r.kind], name, len(d.f.clauses))
		return
	}
	left := len(e.scope[r.kind][r.filter].clauses)
	e.selectScope(scopeRow{kind: r.kind, filter: r.filter, clause: min(r.clause, left-1)})
	if left == 0 {
		e.setStatus("Deleted the last clause of %q — u undoes; a filter needs a clause (c adds one, d deletes the filter)", name)
		return
	}
	e.setStatus("Deleted clause %s from %q — u undoes", clauseText(d.c.clause), name)
}

// undoScope puts a scoping deletion back and selects it.
func (e *Editor) undoScope(d scopeDeletion) {
	e.tab = tabScoping
	if !e.scope[d.kind].restore(d) {
		e.setError("Could not restore the clause: its filter is gone")
		return
	}
	e.selectScope(scopeRow{kind: d.kind, filter: d.filter, clause: d.clause})
	if d.clause < 0 {
		e.setStatus("Restored filter %q", d.f.name)
		return
	}
	e.setStatus("Restored clause %s", clauseText(d.c.clause))
}

func (e *Editor) askName(n naming, current string) tea.Cmd {
	e.naming = n
	e.nameInput.SetValue(current)
	e.nameInput.CursorEnd()
	e.mode = modeName
	return e.nameInput.Focus()
}

func (e *Editor) updateName(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		e.nameInput.Blur()
		e.mode = modeTable
		e.setStatus("Cancelled")
		return nil
	case "enter":
		e.commitName()
		if e.mode == modeClause {
			return textinput.Blink
		}
		return nil
	}
	var cmd tea.Cmd
	e.nameInput, cmd = e.nameInput.Update(msg)
	return cmd
}

// commitName renames the filter, or adds a new one and opens the form for
// its first clause. It reports whether the prompt closed.
func (e *Editor) commitName() bool {
	n := e.naming
	name := strings.TrimSpace(e.nameInput.Value())
	if name == "" {
		e.setError("A filter needs a name (it is how the preview and sync report it); type one or esc")
		return false
	}
	e.nameInput.Blur()
	e.mode = modeTable
	if n.filter >= 0 {
		e.scope[n.kind][n.filter].name = name
		e.selectScope(scopeRow{kind: n.kind, filter: n.filter, clause: -1})
		e.setStatus("Renamed the filter to %q — ctrl+s saves", name)
		return true
	}
	e.scope[n.kind] = append(e.scope[n.kind], scopeFilter{name: name, orig: -1})
	e.openClause(n.kind, len(e.scope[n.kind])-1, -1, true)
	return true
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
	e.selectScope(scopeRow{kind: f.kind, filter: f.filter, clause: idx})
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
