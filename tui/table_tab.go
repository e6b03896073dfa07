package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/slackprov/slackprov/mapping"
)

// tableTab is the users and groups tabs: one component for both, since
// the row filter typed on one stays on the other. kind is the list shown.
type tableTab struct {
	tabBase
	kind int

	cursor, offset [2]int
	filter         textinput.Model
	filtering      bool

	// payload shapes the value column's SCIM values (EditorOptions).
	payload func(map[string]string) any
	// sample is the preview's user and values its values under the user
	// mappings, derived in Update.
	sample    *Sample
	values    preview
	valuesKey string
}

func newTableTab(st styles, keys editorKeys, d *doc, h host, opts EditorOptions) *tableTab {
	t := &tableTab{tabBase: newTabBase(st, keys, d, h, opts.Known), filter: newInput(""), payload: opts.Payload}
	t.filter.Placeholder = "type to filter by target, source or expression"
	return t
}

// visible lists the row indexes the filter lets through.
func (t *tableTab) visible() []int {
	q := strings.ToLower(strings.TrimSpace(t.filter.Value()))
	var out []int
	for i, r := range t.doc.lists[t.kind].rows {
		a := r.attr
		hay := strings.ToLower(strings.Join([]string{a.Target, a.Source, a.Value, a.Expression, a.Default}, "\x00"))
		if q == "" || strings.Contains(hay, q) {
			out = append(out, i)
		}
	}
	return out
}

// current is the row index under the cursor, or -1.
func (t *tableTab) current() int {
	vis := t.visible()
	if len(vis) == 0 {
		return -1
	}
	c := min(max(t.cursor[t.kind], 0), len(vis)-1)
	t.cursor[t.kind] = c
	return vis[c]
}

// selectRow puts the cursor on row index i, clearing a filter that hides it.
func (t *tableTab) selectRow(i int) {
	if !slices.Contains(t.visible(), i) {
		t.filter.SetValue("")
	}
	t.cursor[t.kind] = slices.Index(t.visible(), i)
}

// typing reports whether keys go to the filter's input.
func (t *tableTab) typing() bool { return t.filtering }

// stopFiltering leaves the filter's input, keeping what it holds.
func (t *tableTab) stopFiltering() {
	t.filter.Blur()
	t.filtering = false
}

// closeText keeps the filter typed so far.
func (t *tableTab) closeText() bool {
	t.stopFiltering()
	return true
}

// Update implements component: the filter's input while it is typed,
// else the tab's keys (the keys every tab shares are the editor's).
func (t *tableTab) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	switch {
	case !ok:
		return nil
	case t.filtering:
		return t.updateFilter(km)
	}
	t.current() // keeps the cursor within the rows before it moves
	k := t.keys
	switch {
	case key.Matches(km, k.Up):
		t.cursor[t.kind]--
	case key.Matches(km, k.Down):
		t.cursor[t.kind]++
	case key.Matches(km, k.Top):
		t.cursor[t.kind] = 0
	case key.Matches(km, k.Bottom):
		t.cursor[t.kind] = len(t.visible()) - 1
	case key.Matches(km, k.Filter):
		t.filtering = true
		return t.filter.Focus()
	case km.String() == "esc" && t.filter.Value() != "":
		t.filter.SetValue("")
	case key.Matches(km, k.Create):
		t.toggleSwitch("create")
	case key.Matches(km, k.Update):
		t.toggleSwitch("update")
	case key.Matches(km, k.Remove):
		t.toggleSwitch("delete")
	case key.Matches(km, k.Enable):
		t.toggleSwitch("enabled")
	case key.Matches(km, k.Add):
		return t.host.openForm(-1)
	default:
		return t.updateRow(km)
	}
	return nil
}

func (t *tableTab) updateFilter(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "esc":
		t.filter.SetValue("")
		fallthrough
	case "enter":
		t.stopFiltering()
		return nil
	}
	var cmd tea.Cmd
	t.filter, cmd = t.filter.Update(msg)
	t.cursor[t.kind] = 0
	return cmd
}

// updateRow handles the keys that act on the row under the cursor.
func (t *tableTab) updateRow(msg tea.KeyMsg) tea.Cmd {
	k := t.keys
	l := &t.doc.lists[t.kind]
	cur := t.current()
	switch {
	case cur < 0:
		return nil
	case key.Matches(msg, k.Edit):
		return t.host.openForm(cur)
	case key.Matches(msg, k.Delete):
		r := l.remove(cur)
		t.doc.undo = append(t.doc.undo, deleted{tab: t.kind, index: cur, row: r})
		t.doc.setStatus("Deleted %s — u undoes", r.attr.Target)
	case key.Matches(msg, k.Undo):
		t.host.undoDelete()
	case key.Matches(msg, k.MoveUp):
		if l.swap(cur, cur-1) {
			t.selectRow(cur - 1)
		}
	case key.Matches(msg, k.MoveDown):
		if l.swap(cur, cur+1) {
			t.selectRow(cur + 1)
		}
	case key.Matches(msg, k.Match):
		l.toggleMatch(cur)
		t.describeMatching()
	case key.Matches(msg, k.Earlier):
		if l.shiftMatch(cur, -1) {
			t.describeMatching()
		}
	case key.Matches(msg, k.Later):
		if l.shiftMatch(cur, 1) {
			t.describeMatching()
		}
	}
	return nil
}

func (t *tableTab) describeMatching() {
	l := t.doc.lists[t.kind]
	var names []string
	for _, i := range l.matchOrder() {
		names = append(names, shortTarget(l.rows[i].attr.Target))
	}
	if len(names) == 0 {
		t.doc.setError("No matching attributes: existing Slack accounts would not be found")
		return
	}
	t.doc.setStatus("Matching tries %s", strings.Join(names, ", then "))
}

// SetSize implements component, and scrolls to keep the cursor in view.
func (t *tableTab) SetSize(width, height int) {
	t.width, t.height = width, height
	vis := t.visible()
	if len(vis) == 0 {
		return
	}
	rowsH := t.rowsHeight()
	cur := min(max(t.cursor[t.kind], 0), len(vis)-1)
	off := t.offset[t.kind]
	if cur < off {
		off = cur
	}
	if cur >= off+rowsH {
		off = cur - rowsH + 1
	}
	t.offset[t.kind] = min(off, max(0, len(vis)-rowsH))
}

// rowsHeight is how many rows fit under the switches and the headings.
func (t *tableTab) rowsHeight() int { return max(1, t.height-2) }

// ShortHelp implements help.KeyMap: the tab's footer.
func (t *tableTab) ShortHelp() []key.Binding { return tableHelp{t.keys}.ShortHelp() }

// FullHelp implements help.KeyMap: the help screen.
func (t *tableTab) FullHelp() [][]key.Binding { return tableHelp{t.keys}.FullHelp() }

// footer is the tab's footer line: the filter being typed, the filter in
// force, or the tab's keys.
func (t *tableTab) footer(w int) string {
	st := t.st
	if t.filtering {
		return st.key.Render("/") + t.filter.View()
	}
	if f := t.filter.Value(); f != "" {
		return st.key.Render("/") + f + st.dim.Render("  ") + helpLine(st, filteredHelp{t.keys}, w-len(f)-3)
	}
	return helpLine(st, t, w)
}

// View implements component: the switches, the headings and the rows in
// view.
func (t *tableTab) View() string {
	return strings.Join(t.lines(), "\n")
}

func (t *tableTab) lines() []string {
	vis := t.visible()
	users := t.kind == tabUsers
	cols := tableColumns(t.width, users)
	lines := t.head(cols)
	if len(vis) == 0 {
		msg := "No mappings here. a adds one."
		if t.filter.Value() != "" {
			msg = fmt.Sprintf("No mapping matches %q. esc clears the filter.", t.filter.Value())
		}
		return append(lines, t.st.dim.Render(msg))
	}
	cur := min(max(t.cursor[t.kind], 0), len(vis)-1)
	off := t.offset[t.kind]
	for n := off; n < len(vis) && n < off+t.rowsHeight(); n++ {
		lines = append(lines, t.row(t.doc.lists[t.kind].rows[vis[n]].attr, cols, users, n == cur && t.selected))
	}
	return lines
}

// head is the switches line and the column headings.
func (t *tableTab) head(cols columns) []string {
	st := t.st
	users := t.kind == tabUsers
	valueHead := ""
	if users {
		who := "value"
		if t.sample != nil {
			who = "value for " + strings.Fields(t.sample.label())[0]
		}
		valueHead = " " + fit(who, cols.value)
	}
	head := "  " + fit("M", 3) + fit("target", cols.target) + " ← " + fit("source / expression", cols.source) + " " + fit("type", 6) + " " + fit("apply", 10) + valueHead
	toggles := "C/U/D toggle"
	if !users {
		toggles = "C/U/D/E toggle"
	}
	return []string{
		truncate(st.dim.Render("Entra switches: "+switchesText(t.doc.switches[t.kind], !users)+" ("+toggles+")"), t.width),
		st.header.Render(strings.TrimRight(head, " ")),
	}
}

// row is one mapping's line; on the users tab with the sample's value
// and its problem marker.
func (t *tableTab) row(a mapping.Attribute, cols columns, users, selected bool) string {
	st := t.st
	match := ""
	if a.Match > 0 {
		match = strconv.Itoa(a.Match)
	}
	apply := "always"
	if a.OnCreate() {
		apply = "on create"
	}
	text := fit(match, 3) + fit(shortTarget(a.Target), cols.target) + " ← " + fit(describe(a), cols.source) + " " + fit(typeLabel(a.Type), 6) + " " + fit(apply, 10)
	val, flag := "", ""
	if users {
		v, ok := t.values.values[a.Target]
		switch {
		case len(t.values.errs) > 0:
			v = ""
		case !ok:
			v = "∅"
		}
		if flag = t.values.flag(a.Target); flag != "" {
			v = flag + " " + v
		}
		val = " " + fit(v, cols.value)
	}
	if selected {
		return st.selected.Render("› " + text + val)
	}
	switch flag {
	case "!":
		val = st.err.Render(val)
	case "~":
		val = st.warn.Render(val)
	}
	return "  " + text + val
}
