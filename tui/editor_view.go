package tui

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/charmbracelet/lipgloss"

	"github.com/slackprov/slackprov/mapping"
)

// sideBySide is the width from which the preview sits beside the table
// instead of under it.
const sideBySide = 120

// View implements tea.Model.
func (e *Editor) View() string {
	if e.quit {
		return ""
	}
	w, h := max(e.width, 20), max(e.height, 8)
	st := e.st
	var out []string
	title := st.title.Render("slackprov mappings") + st.dim.Render(" · ") + e.opts.Path
	if e.derived.dirty {
		title += st.warn.Render(" [modified]")
	}
	out = append(out, truncate(title, w), e.tabsLine(w))
	body := h - 4
	switch {
	case e.mode == modeHelp:
		lines := append([]string{st.header.Render("Keys") + st.dim.Render("  (any key closes)")}, helpLines(st, slices.Concat(e.tabKeys().FullHelp()...), w)...)
		out = append(out, pad(clip(st, lines, body), body)...)
	case w >= sideBySide:
		lw := mainWidth(w)
		rw := w - lw - 3
		left := pad(e.mainLines(lw, body), body)
		right := pad(e.previewView(rw, body), body)
		for i := range body {
			out = append(out, lipgloss.NewStyle().Width(lw).Render(truncate(left[i], lw))+st.dim.Render(" │ ")+truncate(right[i], rw))
		}
	default:
		var main []string
		var mh int
		switch {
		case (e.mode == modeTable || e.mode == modeName) && e.tab == tabScoping:
			// The filters need more room than the scope verdict below.
			mh = min(max(4, body*2/3), body-2)
			main = e.mainLines(w, mh)
		case e.mode == modeTable:
			mh = min(max(4, body/2), body-2)
			main = e.mainLines(w, mh)
		default:
			main = e.mainLines(w, body)
			mh = min(max(min(len(main), body-6), min(body/2, len(main))), body-2)
		}
		out = append(out, pad(clip(st, main, mh), mh)...)
		out = append(out, st.dim.Render(strings.Repeat("─", w)))
		out = append(out, pad(e.previewView(w, body-mh-1), body-mh-1)...)
	}
	out = append(out, e.statusLine(w), e.footerLine(w))
	for i := range out {
		out[i] = strings.TrimRight(out[i], " ")
	}
	return strings.Join(out, "\n")
}

// mainWidth is the width of the table or form: three fifths of a wide
// terminal, beside the preview, or all of a narrow one, above it.
func mainWidth(w int) int {
	if w >= sideBySide {
		return w * 3 / 5
	}
	return w
}

func truncate(s string, w int) string {
	return lipgloss.NewStyle().MaxWidth(w).Render(s)
}

func pad(lines []string, n int) []string {
	for len(lines) < n {
		lines = append(lines, "")
	}
	return lines[:n]
}

func (e *Editor) tabsLine(w int) string {
	var parts []string
	for i, name := range tabNames {
		label := fmt.Sprintf("%d %s", i+1, name)
		if i < 2 {
			label += fmt.Sprintf(" (%d)", len(e.lists[i].rows))
		}
		if i == e.tab {
			// Brackets, not only colour and underline, so the active tab
			// shows under NO_COLOR too.
			parts = append(parts, e.st.activeTab.Render("["+label+"]"))
		} else {
			parts = append(parts, e.st.tab.Render(label))
		}
	}
	line := strings.Join(parts, " ")
	hint := e.st.dim.Render("? help")
	gap := w - lipgloss.Width(line) - lipgloss.Width(hint)
	if gap < 1 {
		return truncate(line, w)
	}
	return line + strings.Repeat(" ", gap) + hint
}

// mainLines is the left or upper area: the table, the form, the sample
// search or the scoping tab.
func (e *Editor) mainLines(w, h int) []string {
	switch {
	case e.mode == modeForm:
		return strings.Split(strings.TrimRight(e.form.View(), "\n"), "\n")
	case e.mode == modeClause:
		return strings.Split(strings.TrimRight(e.clause.View(), "\n"), "\n")
	case e.mode == modeSearch:
		return strings.Split(e.picker.View(), "\n")
	case e.mode == modeImpact:
		return e.impactLines(w, h)
	case e.tab == tabScoping:
		return e.scopingLines(w, h)
	}
	return e.tableLines(w, h)
}

// describe shows where a mapping's value comes from.
func describe(a mapping.Attribute) string {
	s := ""
	switch a.Type {
	case mapping.TypeDirect:
		s = a.Source
	case mapping.TypeConstant:
		s = strconv.Quote(a.Value)
	case mapping.TypeExpression:
		s = a.Expression
	case mapping.TypeNone:
		s = "(nothing)"
	}
	if a.Default != "" {
		s += " ?? " + strconv.Quote(a.Default)
	}
	return s
}

func typeLabel(t mapping.Type) string {
	switch t {
	case mapping.TypeConstant:
		return "const"
	case mapping.TypeExpression:
		return "expr"
	}
	return string(t)
}

// columns are the table's column widths: target, source and, on the
// users tab, the sample's value.
type columns struct{ target, source, value int }

func tableColumns(w int, users bool) columns {
	flex := w - 26
	c := columns{target: flex * 36 / 100}
	c.source = flex - c.target
	if users {
		flex--
		c.source = flex * 32 / 100
		c.value = flex - c.target - c.source
	}
	return c
}

func (e *Editor) tableLines(w, h int) []string {
	st := e.st
	vis := e.visible()
	users := e.tab == tabUsers
	cols := tableColumns(w, users)
	lines := e.tableHead(w, cols)
	h--
	if len(vis) == 0 {
		msg := "No mappings here. a adds one."
		if e.filter.Value() != "" {
			msg = fmt.Sprintf("No mapping matches %q. esc clears the filter.", e.filter.Value())
		}
		return append(lines, st.dim.Render(msg))
	}
	rowsH := max(1, h-1)
	cur := min(max(e.cursor[e.tab], 0), len(vis)-1)
	off := e.offset[e.tab]
	if cur < off {
		off = cur
	}
	if cur >= off+rowsH {
		off = cur - rowsH + 1
	}
	off = min(off, max(0, len(vis)-rowsH))
	e.offset[e.tab] = off
	for n := off; n < len(vis) && n < off+rowsH; n++ {
		lines = append(lines, e.tableRow(e.lists[e.tab].rows[vis[n]].attr, cols, users, n == cur && e.mode != modeSearch))
	}
	return lines
}

// tableHead is the switches line and the column headings.
func (e *Editor) tableHead(w int, cols columns) []string {
	st := e.st
	users := e.tab == tabUsers
	valueHead := ""
	if users {
		who := "value"
		if sample := e.currentSample(); sample != nil {
			who = "value for " + strings.Fields(sample.label())[0]
		}
		valueHead = " " + fit(who, cols.value)
	}
	head := "  " + fit("M", 3) + fit("target", cols.target) + " ← " + fit("source / expression", cols.source) + " " + fit("type", 6) + " " + fit("apply", 10) + valueHead
	toggles := "C/U/D toggle"
	if !users {
		toggles = "C/U/D/E toggle"
	}
	return []string{
		truncate(st.dim.Render("Entra switches: "+switchesText(e.switches[min(e.tab, 1)], !users)+" ("+toggles+")"), w),
		st.header.Render(strings.TrimRight(head, " ")),
	}
}

// tableRow is one mapping's line; on the users tab with the sample's
// value and its problem marker.
func (e *Editor) tableRow(a mapping.Attribute, cols columns, users, selected bool) string {
	st := e.st
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
		pv := e.derived.table
		v, ok := pv.values[a.Target]
		switch {
		case len(pv.errs) > 0:
			v = ""
		case !ok:
			v = "∅"
		}
		if flag = pv.flag(a.Target); flag != "" {
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

func (e *Editor) currentSample() *Sample {
	if e.sample >= 0 && e.sample < len(e.opts.Samples) {
		return &e.opts.Samples[e.sample]
	}
	return nil
}

// previewView is the preview pane's lines in a w×h area.
func (e *Editor) previewView(w, h int) []string {
	e.preview.SetSize(w, h)
	return strings.Split(e.preview.View(), "\n")
}

func (e *Editor) statusLine(w int) string {
	if e.status == "" {
		return ""
	}
	if e.statusIsErr {
		return e.st.err.Render(truncate(e.status, w))
	}
	return e.st.status.Render(truncate(e.status, w))
}

func (e *Editor) footerLine(w int) string {
	st := e.st
	switch e.mode {
	case modeConfirmQuit:
		return st.warn.Render(truncate("Unsaved changes — y: save and quit · n: quit without saving · esc: keep editing", w))
	case modeFilter:
		return st.key.Render("/") + e.filter.View()
	case modeSearch:
		return helpLine(st, e.picker, w)
	case modeForm:
		return helpLine(st, e.form, w)
	case modeClause:
		return helpLine(st, e.clause, w)
	case modeName:
		prompt := fmt.Sprintf("Name of the new %s filter: ", scopeKindNames[e.naming.kind])
		if e.naming.filter >= 0 {
			prompt = fmt.Sprintf("Rename %s filter %d: ", scopeKindNames[e.naming.kind], e.naming.filter+1)
		}
		return truncate(st.key.Render(prompt)+e.nameInput.View(), w)
	}
	if f := e.filter.Value(); f != "" && e.tab != tabScoping {
		return st.key.Render("/") + f + st.dim.Render("  ") + helpLine(st, filteredHelp{e.keys}, w-len(f)-3)
	}
	return helpLine(st, e.tabKeys(), w)
}
