package tui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/slackprov/slackprov/mapping"
)

// The fields of the edit form, top to bottom.
const (
	fieldType = iota
	fieldTarget
	fieldValue
	fieldDefault
	fieldApply
	fieldMatch
	fieldCount
)

var types = []mapping.Type{mapping.TypeDirect, mapping.TypeConstant, mapping.TypeExpression, mapping.TypeNone}

// form edits one attribute mapping. Each type keeps its own input, so
// trying another type and coming back loses nothing.
type form struct {
	groups bool
	index  int // row being edited; -1 when adding
	orig   int
	focus  int
	typ    mapping.Type
	apply  mapping.Apply

	target, source, constant, expression, def, match textinput.Model

	targets, sources []string
	known            *mapping.Known
	// exprProblem is what is wrong with the expression exprChecked.
	exprChecked string
	exprProblem *problem
	pick        int
	problems    []problem

	keys  formKeys
	st    styles
	width int
}

func newInput(value string) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	in.CharLimit = mapping.MaxExpressionLength
	in.SetValue(value)
	return in
}

func newForm(st styles, groups bool, index int, r row, targets, sources []string, known *mapping.Known) *form {
	a := r.attr
	f := &form{
		st: st, keys: newFormKeys("change type or apply"), width: 80,
		groups: groups, index: index, orig: r.orig,
		typ: a.Type, apply: a.Apply,
		target: newInput(a.Target), source: newInput(a.Source), constant: newInput(a.Value),
		expression: newInput(a.Expression), def: newInput(a.Default),
		targets: targets, sources: sources, known: known,
	}
	if f.typ == "" {
		f.typ = mapping.TypeDirect
	}
	if f.apply == "" {
		f.apply = mapping.ApplyAlways
	}
	match := ""
	if a.Match > 0 {
		match = strconv.Itoa(a.Match)
	}
	f.match = newInput(match)
	if a.Target == "" {
		f.focus = fieldTarget
	}
	f.refocus()
	return f
}

// attr is the attribute the form describes now. A match that is not a
// number is reported by check, and reads as 0 here.
func (f *form) attr() mapping.Attribute {
	a := mapping.Attribute{
		Target: strings.TrimSpace(f.target.Value()), Type: f.typ,
		Default: f.def.Value(), Apply: f.apply,
	}
	switch f.typ {
	case mapping.TypeDirect:
		a.Source = strings.TrimSpace(f.source.Value())
	case mapping.TypeConstant:
		a.Value = f.constant.Value()
	case mapping.TypeExpression:
		a.Expression = f.expression.Value()
	}
	a.Match, _ = strconv.Atoi(strings.TrimSpace(f.match.Value()))
	return a
}

// matchError says what is wrong with the match field, or "".
func (f *form) matchError() string {
	s := strings.TrimSpace(f.match.Value())
	if s == "" {
		return ""
	}
	if n, err := strconv.Atoi(s); err != nil || n < 0 {
		return fmt.Sprintf("match precedence must be a whole number (0 = not matching, 1 = tried first), not %q", s)
	}
	return ""
}

// input is the text input of the focused field, nil on choice fields.
func (f *form) input() *textinput.Model {
	switch f.focus {
	case fieldTarget:
		return &f.target
	case fieldValue:
		return f.valueInput()
	case fieldDefault:
		return &f.def
	case fieldMatch:
		return &f.match
	}
	return nil
}

// valueInput is the input the type uses: source, value or expression.
func (f *form) valueInput() *textinput.Model {
	switch f.typ {
	case mapping.TypeDirect:
		return &f.source
	case mapping.TypeConstant:
		return &f.constant
	case mapping.TypeExpression:
		return &f.expression
	}
	return nil
}

func (f *form) refocus() {
	for _, in := range []*textinput.Model{&f.target, &f.source, &f.constant, &f.expression, &f.def, &f.match} {
		in.Blur()
	}
	if in := f.input(); in != nil {
		in.Focus()
		in.CursorEnd()
	}
	f.pick = 0
}

func (f *form) move(delta int) {
	for {
		f.focus = (f.focus + delta + fieldCount) % fieldCount
		if f.focus != fieldValue || f.valueInput() != nil {
			break
		}
	}
	f.refocus()
}

// suggestions are the completions for the focused field. In an
// expression they complete the attribute name being typed after "[".
func (f *form) suggestions() []string {
	switch {
	case f.focus == fieldTarget:
		return completions(f.target.Value(), f.targets, 5)
	case f.focus == fieldValue && f.typ == mapping.TypeDirect:
		return completions(f.source.Value(), f.sources, 5)
	case f.focus == fieldValue && f.typ == mapping.TypeExpression:
		if partial, ok := f.openAttribute(); ok {
			return completions(partial, f.sources, 5)
		}
	}
	return nil
}

// openAttribute is the attribute name typed so far inside an unclosed "["
// before the expression's cursor.
func (f *form) openAttribute() (string, bool) {
	before := []rune(f.expression.Value())[:f.expression.Position()]
	for i := len(before) - 1; i >= 0; i-- {
		switch before[i] {
		case '[':
			return string(before[i+1:]), true
		case ']', '"', '(', ',', ')':
			return "", false
		}
	}
	return "", false
}

// completeAttribute puts name in place of the partial attribute before the
// cursor and closes the bracket.
func (f *form) completeAttribute(name string) {
	runes := []rune(f.expression.Value())
	pos := f.expression.Position()
	partial, _ := f.openAttribute()
	start := pos - len([]rune(partial))
	after := string(runes[pos:])
	closing := "]"
	if strings.HasPrefix(after, "]") {
		closing = ""
	}
	value := string(runes[:start]) + name + closing + after
	f.expression.SetValue(value)
	f.expression.SetCursor(start + len([]rune(name)) + 1)
	f.pick = 0
}

func cycle[T comparable](list []T, cur T, delta int) T {
	for i, v := range list {
		if v == cur {
			return list[(i+delta+len(list))%len(list)]
		}
	}
	return list[0]
}

// Update implements component: keys edit the form (enter and esc are the
// editor's, which applies or drops the entry); other messages go to the
// focused input.
func (f *form) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return updateInput(f.input(), msg)
	}
	return f.updateKey(km)
}

// SetSize implements component; the form takes the lines it needs.
func (f *form) SetSize(width, _ int) { f.width = width }

// ShortHelp implements help.KeyMap.
func (f *form) ShortHelp() []key.Binding { return f.keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (f *form) FullHelp() [][]key.Binding { return f.keys.FullHelp() }

func (f *form) updateKey(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, f.keys.Complete) && f.focus == fieldValue && f.typ == mapping.TypeExpression {
		if sugg := f.suggestions(); len(sugg) > 0 {
			f.completeAttribute(sugg[min(f.pick, len(sugg)-1)])
			return nil
		}
	}
	if f.keys.navigate(msg, f.suggestions(), &f.pick, f.input(), f.move) {
		return nil
	}
	switch f.focus {
	case fieldType, fieldApply:
		delta := 0
		switch {
		case key.Matches(msg, f.keys.Left):
			delta = -1
		case key.Matches(msg, f.keys.Right):
			delta = 1
		}
		if delta != 0 && f.focus == fieldType {
			f.typ = cycle(types, f.typ, delta)
			// A direct mapping turned into an expression starts as the
			// expression that reads the same attribute.
			if f.typ == mapping.TypeExpression && strings.TrimSpace(f.expression.Value()) == "" {
				if src := strings.TrimSpace(f.source.Value()); src != "" {
					f.expression.SetValue("[" + src + "]")
				}
			}
		} else if delta != 0 {
			f.apply = cycle([]mapping.Apply{mapping.ApplyAlways, mapping.ApplyOnCreate}, f.apply, delta)
		}
		return nil
	}
	in := f.input()
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	f.pick = 0
	return cmd
}

// View implements component: the form, as wide as its size.
func (f *form) View() string {
	st, width := f.st, f.width
	what := "user"
	if f.groups {
		what = "group"
	}
	title := fmt.Sprintf("Add a %s mapping", what)
	if f.index >= 0 {
		title = fmt.Sprintf("Edit %s mapping %d", what, f.index+1)
	}
	var b strings.Builder
	b.WriteString(st.title.Render(title) + st.dim.Render("  "+f.keys.titleHelp()) + "\n")
	const labelW = 12
	inputW := max(10, width-labelW-2)
	for _, in := range []*textinput.Model{&f.target, &f.source, &f.constant, &f.expression, &f.def, &f.match} {
		in.Width = inputW
	}
	line := func(field int, label, value string) {
		ls := st.label
		marker := "  "
		if f.focus == field {
			ls, marker = st.focusLabel, st.key.Render("› ")
		}
		b.WriteString(marker + ls.Render(fit(label, labelW)) + value + "\n")
		if f.focus == field {
			if sugg := f.suggestions(); len(sugg) > 0 {
				b.WriteString(strings.Repeat(" ", labelW+2) + suggestionLine(st, sugg, f.pick) + "\n")
			}
		}
	}
	line(fieldType, "Type", choice(st, string(f.typ), f.focus == fieldType))
	line(fieldTarget, "Target", f.target.View())
	switch f.typ {
	case mapping.TypeDirect:
		line(fieldValue, "Source", f.source.View())
	case mapping.TypeConstant:
		line(fieldValue, "Value", f.constant.View())
	case mapping.TypeExpression:
		line(fieldValue, "Expression", f.expression.View())
		if p := f.exprProblem; p != nil && strings.TrimSpace(f.expression.Value()) != "" {
			b.WriteString(caretLines(st, f.expression.Value(), p, labelW+2, width))
		}
	}
	line(fieldDefault, "Default", f.def.View())
	apply := "always"
	if f.apply == mapping.ApplyOnCreate {
		apply = "on create only"
	}
	line(fieldApply, "Apply", choice(st, apply, f.focus == fieldApply))
	line(fieldMatch, "Match", f.match.View()+st.dim.Render("  0/empty = not matching, 1 = tried first"))
	if e := f.matchError(); e != "" {
		b.WriteString(st.err.Render("  ! "+e) + "\n")
	}
	for _, p := range f.problems {
		b.WriteString(strings.Join(wrapped(st.err, "  ! "+p.String(), width, 4), "\n") + "\n")
	}
	return b.String()
}

func choice(st styles, v string, focused bool) string {
	if focused {
		return st.key.Render("‹ ") + v + st.key.Render(" ›")
	}
	return v
}

// caretLines shows the expression around the error position with a caret
// under the offending character, indented to line up with the input. A
// long expression is shown as a window around the error so the caret is
// always at the right column.
func caretLines(st styles, expr string, p *problem, indent, width int) string {
	runes := []rune(expr)
	avail := max(10, width-indent-1)
	pos := min(max(p.pos, 1), len(runes)+1)
	start := 0
	if pos > avail-5 {
		start = pos - (avail - 5)
	}
	end := min(len(runes), start+avail)
	window := string(runes[start:end])
	pad := strings.Repeat(" ", indent)
	caret := strings.Repeat(" ", pos-1-start) + "^"
	caret += " "
	msg := wrapped(st.err, p.msg, max(10, avail-len([]rune(caret))), 0)
	out := pad + st.dim.Render(window) + "\n" + pad + st.err.Render(caret) + msg[0] + "\n"
	for _, l := range msg[1:] {
		out += pad + strings.Repeat(" ", len([]rune(caret))) + l + "\n"
	}
	return out
}
