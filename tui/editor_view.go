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

// layout is how a frame divides the terminal. Update works it out after
// every message (arrange), sizing the parts and scrolling the tabs, so
// View only draws.
type layout struct {
	body int
	wide bool
	// mainW×mainH is the size the table, form or tab is drawn at; shown is
	// how many of its lines the narrow layout shows above the preview.
	mainW, mainH, shown int
}

// arrange lays the frame out for the editor's state and size.
func (e *Editor) arrange() {
	w, h := max(e.width, 20), max(e.height, 8)
	l := layout{body: h - 4}
	body := l.body
	switch {
	case e.mode == modeHelp:
	case w >= sideBySide:
		l.wide, l.mainW, l.mainH = true, mainWidth(w), body
		e.sizeMain(l.mainW, body)
		e.preview.SetSize(w-l.mainW-3, body)
	default:
		l.mainW = w
		l.mainH, l.shown = body, -1
		switch {
		case e.mode == modeTable && e.tab == tabScoping:
			// The filters need more room than the scope verdict below.
			l.mainH = min(max(4, body*2/3), body-2)
			l.shown = l.mainH
		case e.mode == modeTable && !e.table.filtering:
			l.mainH = min(max(4, body/2), body-2)
			l.shown = l.mainH
		}
		e.sizeMain(w, l.mainH)
		if l.shown < 0 {
			// A form shows whole when it fits, the preview taking the rest.
			n := len(e.mainLines(w, body))
			l.shown = min(max(min(n, body-6), min(body/2, n)), body-2)
		}
		e.preview.SetSize(w, body-l.shown-1)
	}
	e.layout = l
}

// sizeMain sizes what the main area shows, which scrolls to keep its
// cursor in view; the forms and the picker take their width in derive.
func (e *Editor) sizeMain(w, h int) {
	switch e.mode {
	case modeForm, modeClause, modeSearch:
	case modeImpact:
		if im := e.derived.impact; im != nil && len(im.why) > 0 {
			e.impactScroll = min(max(e.impactScroll, 0), len(im.why)-1)
		}
	default:
		e.front().SetSize(w, h)
	}
}

// View implements tea.Model.
func (e *Editor) View() string {
	if e.quit {
		return ""
	}
	w, l := max(e.width, 20), e.layout
	st := e.st
	var out []string
	title := st.title.Render("slackprov mappings") + st.dim.Render(" · ") + e.opts.Path
	if e.derived.dirty {
		title += st.warn.Render(" [modified]")
	}
	out = append(out, truncate(title, w), e.tabsLine(w))
	body := l.body
	switch {
	case e.mode == modeHelp:
		lines := append([]string{st.header.Render("Keys") + st.dim.Render("  (any key closes)")}, helpLines(st, slices.Concat(e.front().FullHelp()...), w)...)
		out = append(out, pad(clip(st, lines, body), body)...)
	case l.wide:
		left := pad(e.mainLines(l.mainW, body), body)
		right := pad(strings.Split(e.preview.View(), "\n"), body)
		for i := range body {
			out = append(out, lipgloss.NewStyle().Width(l.mainW).Render(truncate(left[i], l.mainW))+st.dim.Render(" │ ")+truncate(right[i], w-l.mainW-3))
		}
	default:
		out = append(out, pad(clip(st, e.mainLines(w, l.mainH), l.shown), l.shown)...)
		out = append(out, st.dim.Render(strings.Repeat("─", w)))
		out = append(out, pad(strings.Split(e.preview.View(), "\n"), body-l.shown-1)...)
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
		return e.scoping.lines()
	}
	return e.table.lines()
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

func (e *Editor) currentSample() *Sample {
	if e.sample >= 0 && e.sample < len(e.opts.Samples) {
		return &e.opts.Samples[e.sample]
	}
	return nil
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
	case modeSearch:
		return helpLine(st, e.picker, w)
	case modeForm:
		return helpLine(st, e.form, w)
	case modeClause:
		return helpLine(st, e.clause, w)
	}
	return e.front().footer(w)
}
