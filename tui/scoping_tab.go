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

// scopingTab is the scoping tab: each kind's filters and their clauses,
// a cursor over them, and the prompt that names a filter. The clause form
// it opens is the editor's.
type scopingTab struct {
	tabBase

	cursor, offset int
	nameInput      textinput.Model
	naming         naming
	asking         bool

	// verdicts are each filter's verdicts for the preview's user, who
	// their first name, derived in Update.
	verdicts    [2][]filterVerdict
	verdictsKey string
	who         string
}

func newScopingTab(st styles, keys editorKeys, d *doc, h host, known *mapping.Known) *scopingTab {
	t := &scopingTab{tabBase: newTabBase(st, keys, d, h, known), nameInput: newInput("")}
	t.nameInput.Placeholder = "e.g. Sales staff"
	return t
}

// row is the row under the cursor, the cursor kept within the rows.
func (t *scopingTab) row() scopeRow {
	rows := scopeRows(t.doc.scope)
	t.cursor = min(max(t.cursor, 0), len(rows)-1)
	return rows[t.cursor]
}

func (t *scopingTab) selectScope(r scopeRow) {
	if i := slices.Index(scopeRows(t.doc.scope), r); i >= 0 {
		t.cursor = i
	}
}

// typing reports whether keys go to the name prompt.
func (t *scopingTab) typing() bool { return t.asking }

// closeText applies the name being typed, if any.
func (t *scopingTab) closeText() bool {
	if !t.asking {
		return true
	}
	closed, _ := t.commitName()
	return closed
}

// Update implements component: the name prompt while it is open, else
// the tab's keys (the keys every tab shares are the editor's).
func (t *scopingTab) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	switch {
	case t.asking && ok:
		return t.updateName(km)
	case t.asking:
		var cmd tea.Cmd
		t.nameInput, cmd = t.nameInput.Update(msg)
		return cmd
	case !ok:
		return nil
	}
	k := t.keys
	r := t.row()
	switch {
	case key.Matches(km, k.Up):
		t.cursor--
	case key.Matches(km, k.Down):
		t.cursor++
	case key.Matches(km, k.Top):
		t.cursor = 0
	case key.Matches(km, k.Bottom):
		t.cursor = len(scopeRows(t.doc.scope)) - 1
	case key.Matches(km, k.Add), key.Matches(km, k.Edit) && r.filter < 0:
		return t.askName(naming{kind: r.kind, filter: -1}, "")
	case key.Matches(km, k.Undo):
		t.host.undoDelete()
	case r.filter < 0:
		if key.Matches(km, k.AddClause) || key.Matches(km, k.Delete) {
			t.doc.setError("Select a filter first (↑/↓); a adds a %s filter", scopeKindNames[r.kind])
		}
	case key.Matches(km, k.AddClause):
		return t.host.openClause(r.kind, r.filter, -1, false)
	case key.Matches(km, k.Edit) && r.clause < 0:
		return t.askName(naming{kind: r.kind, filter: r.filter}, t.doc.scope[r.kind][r.filter].name)
	case key.Matches(km, k.Edit):
		return t.host.openClause(r.kind, r.filter, r.clause, false)
	case key.Matches(km, k.Delete):
		t.deleteScope(r)
	}
	return nil
}

func (t *scopingTab) deleteScope(r scopeRow) {
	scope := &t.doc.scope
	name := scope[r.kind][r.filter].name
	d := scope[r.kind].remove(r)
	t.doc.undo = append(t.doc.undo, deleted{tab: tabScoping, scope: &d})
	if r.clause < 0 {
		t.selectScope(scopeRow{kind: r.kind, filter: min(r.filter, len(scope[r.kind])-1), clause: -1})
		t.doc.setStatus("Deleted %s filter %q and its %d clause(s) — u undoes", scopeKindNames[r.kind], name, len(d.f.clauses))
		return
	}
	left := len(scope[r.kind][r.filter].clauses)
	t.selectScope(scopeRow{kind: r.kind, filter: r.filter, clause: min(r.clause, left-1)})
	if left == 0 {
		t.doc.setStatus("Deleted the last clause of %q — u undoes; a filter needs a clause (c adds one, d deletes the filter)", name)
		return
	}
	t.doc.setStatus("Deleted clause %s from %q — u undoes", clauseText(d.c.clause), name)
}

func (t *scopingTab) askName(n naming, current string) tea.Cmd {
	t.naming, t.asking = n, true
	t.nameInput.SetValue(current)
	t.nameInput.CursorEnd()
	return t.nameInput.Focus()
}

func (t *scopingTab) updateName(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		t.nameInput.Blur()
		t.asking = false
		t.doc.setStatus("Cancelled")
		return nil
	case "enter":
		_, cmd := t.commitName()
		return cmd
	}
	var cmd tea.Cmd
	t.nameInput, cmd = t.nameInput.Update(msg)
	return cmd
}

// commitName renames the filter, or adds a new one and opens the form for
// its first clause. It reports whether the prompt closed.
func (t *scopingTab) commitName() (bool, tea.Cmd) {
	n := t.naming
	name := strings.TrimSpace(t.nameInput.Value())
	if name == "" {
		t.doc.setError("A filter needs a name (it is how the preview and sync report it); type one or esc")
		return false, nil
	}
	t.nameInput.Blur()
	t.asking = false
	scope := &t.doc.scope
	if n.filter >= 0 {
		scope[n.kind][n.filter].name = name
		t.selectScope(scopeRow{kind: n.kind, filter: n.filter, clause: -1})
		t.doc.setStatus("Renamed the filter to %q — ctrl+s saves", name)
		return true, nil
	}
	scope[n.kind] = append(scope[n.kind], scopeFilter{name: name, orig: -1})
	return true, t.host.openClause(n.kind, len(scope[n.kind])-1, -1, true)
}

// SetSize implements component, and scrolls to keep the cursor in view.
func (t *scopingTab) SetSize(width, height int) {
	t.width, t.height = width, height
	t.row()
	rowsH := max(1, height-1)
	off := min(max(t.offset, t.cursor-rowsH+1), t.cursor)
	t.offset = max(0, min(off, len(scopeRows(t.doc.scope))-rowsH))
}

// ShortHelp implements help.KeyMap: the tab's footer.
func (t *scopingTab) ShortHelp() []key.Binding { return scopingHelp{t.keys}.ShortHelp() }

// FullHelp implements help.KeyMap: the help screen.
func (t *scopingTab) FullHelp() [][]key.Binding { return scopingHelp{t.keys}.FullHelp() }

// footer is the tab's footer line: the name prompt, or the tab's keys.
func (t *scopingTab) footer(w int) string {
	st := t.st
	if !t.asking {
		return helpLine(st, t, w)
	}
	prompt := fmt.Sprintf("Name of the new %s filter: ", scopeKindNames[t.naming.kind])
	if t.naming.filter >= 0 {
		prompt = fmt.Sprintf("Rename %s filter %d: ", scopeKindNames[t.naming.kind], t.naming.filter+1)
	}
	return truncate(st.key.Render(prompt)+t.nameInput.View(), w)
}

// View implements component.
func (t *scopingTab) View() string { return strings.Join(t.lines(), "\n") }

// lines is the tab: each kind's filters and their clauses, with the
// sample user's result against each, from the scroll offset on.
func (t *scopingTab) lines() []string {
	st := t.st
	lines := []string{truncate(st.header.Render("Scoping filters")+st.dim.Render("  in scope: any filter holds (a filter: all its clauses)"), t.width)}
	rows := scopeRows(t.doc.scope)
	cur := min(max(t.cursor, 0), len(rows)-1)
	var body []string
	for n, r := range rows {
		text, mark := t.rowText(r)
		if n == cur && t.selected {
			body = append(body, truncate(st.selected.Render("› "+text)+mark, t.width))
			continue
		}
		if r.filter < 0 {
			text = st.header.Render(text)
		}
		body = append(body, truncate("  "+text+mark, t.width))
	}
	off := min(t.offset, len(body))
	return append(lines, body[off:min(len(body), off+max(1, t.height-1))]...)
}

// rowText is a row's text and the mark after it: a heading, a filter
// with its verdict, or a clause with the sample's value.
func (t *scopingTab) rowText(r scopeRow) (text, mark string) {
	st := t.st
	scope := t.doc.scope
	switch {
	case r.filter < 0 && len(scope[r.kind]) == 0:
		kind := scopeKindNames[r.kind]
		return fmt.Sprintf("No %s filters: every assigned %s is in scope", kind, kind), st.dim.Render(" · a adds one")
	case r.filter < 0:
		return fmt.Sprintf("%s%s filters", strings.ToUpper(scopeKindNames[r.kind][:1]), scopeKindNames[r.kind][1:]), ""
	case r.clause < 0:
		f := scope[r.kind][r.filter]
		v := t.verdicts[r.kind][r.filter]
		text = fmt.Sprintf("  %d. %s", r.filter+1, f.name)
		switch {
		case len(f.clauses) == 0:
			mark = st.err.Render("  ! no clauses: c adds one")
		case !v.valid:
			mark = st.err.Render("  ! a clause has a problem")
		case v.judged && v.holds:
			mark = st.ok.Render("  ✓ " + t.who)
		case v.judged:
			mark = st.err.Render("  ✗ " + t.who)
		}
		return text, mark
	}
	c := scope[r.kind][r.filter].clauses[r.clause].clause
	v := t.verdicts[r.kind][r.filter].clauses[r.clause]
	switch {
	case len(v.problems) > 0:
		mark = st.err.Render("  ! " + v.problems[0])
	case v.judged:
		mark = "  " + clauseMark(st, v) + st.dim.Render(" "+t.who+": "+sampleValue(v))
	}
	return "     " + clauseText(c), mark
}
