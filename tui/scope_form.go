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

// The fields of the clause form, top to bottom.
const (
	clauseAttribute = iota
	clauseOperator
	clauseValue
	clauseFieldCount
)

// operatorHelp says in a few words when each operator holds, as
// docs/mappings.md describes them.
var operatorHelp = map[mapping.Operator]string{
	mapping.OpEquals:              "equals the value (case-sensitive)",
	mapping.OpNotEquals:           "differs from the value (case-sensitive)",
	mapping.OpIsTrue:              "is True (any case); takes no value",
	mapping.OpIsFalse:             "is False (any case); takes no value",
	mapping.OpIsNull:              "is absent or empty; takes no value",
	mapping.OpIsNotNull:           "has a value; takes no value",
	mapping.OpRegexMatch:          "the regular expression matches (anchor with ^…$)",
	mapping.OpNotRegexMatch:       "the regular expression does not match",
	mapping.OpGreaterThan:         "is a whole number larger than the value",
	mapping.OpGreaterThanOrEquals: "is a whole number larger than or equal to the value",
	mapping.OpLessThan:            "is a whole number smaller than the value",
	mapping.OpLessThanOrEquals:    "is a whole number smaller than or equal to the value",
	mapping.OpIncludes:            "contains the value (case-sensitive)",
	mapping.OpEndsWith:            "ends with the value (case-sensitive)",
	mapping.OpIn:                  "numbers: shares a bit with the value; text: occurs within the value",
	mapping.OpNotIn:               "the opposite of &",
}

// clauseForm edits one clause of a scoping filter.
type clauseForm struct {
	kind, filter int
	clause       int // clause being edited; -1 when adding
	orig         int
	// newFilter is set when the filter was created for this clause: a
	// filter needs a clause, so cancelling takes the filter away again.
	newFilter bool

	focus            int
	op               mapping.Operator
	attribute, value textinput.Model
	attributes       []string
	known            *mapping.Known
	// verdict is the clause being edited against the sample user.
	verdict clauseVerdict
	pick    int
	// refused shows every problem, the "no attribute yet" one included,
	// once enter was pressed on a clause that would not load.
	refused bool

	// filterName and sample name the filter and the preview's user in the
	// form's lines.
	filterName string
	sample     *Sample
	keys       formKeys
	st         styles
	width      int
}

func newClauseForm(st styles, filterName string, kind, filter, clause int, c scopeClause, attributes []string, known *mapping.Known) *clauseForm {
	f := &clauseForm{
		st: st, keys: newFormKeys("operator"), width: 80, filterName: filterName,
		kind: kind, filter: filter, clause: clause, orig: c.orig,
		op:        c.clause.Operator.Canonical(),
		attribute: newInput(c.clause.Attribute), value: newInput(c.clause.Value),
		attributes: attributes, known: known,
	}
	if f.op == "" {
		f.op = mapping.OpEquals
	}
	f.refocus()
	return f
}

// current is the clause the form describes now; a unary operator's
// clause has no value, whatever was typed before the operator changed.
func (f *clauseForm) current() scopeClause {
	c := mapping.Clause{Attribute: strings.TrimSpace(f.attribute.Value()), Operator: f.op}
	if !unaryOperator(f.op) {
		c.Value = f.value.Value()
	}
	return scopeClause{clause: c, orig: f.orig}
}

// input is the text input of the focused field, nil on the operator.
func (f *clauseForm) input() *textinput.Model {
	switch f.focus {
	case clauseAttribute:
		return &f.attribute
	case clauseValue:
		return &f.value
	}
	return nil
}

func (f *clauseForm) refocus() {
	f.attribute.Blur()
	f.value.Blur()
	if in := f.input(); in != nil {
		in.Focus()
		in.CursorEnd()
	}
	f.pick = 0
}

func (f *clauseForm) move(delta int) {
	for {
		f.focus = (f.focus + delta + clauseFieldCount) % clauseFieldCount
		if f.focus != clauseValue || !unaryOperator(f.op) {
			break
		}
	}
	f.refocus()
}

func (f *clauseForm) suggestions() []string {
	if f.focus != clauseAttribute {
		return nil
	}
	return completions(f.attribute.Value(), f.attributes, 5)
}

// Update implements component: keys edit the clause (enter and esc are
// the editor's); other messages go to the focused input.
func (f *clauseForm) Update(msg tea.Msg) tea.Cmd {
	km, ok := msg.(tea.KeyMsg)
	if !ok {
		return updateInput(f.input(), msg)
	}
	if f.keys.navigate(km, f.suggestions(), &f.pick, &f.attribute, f.move) {
		return nil
	}
	if f.focus == clauseOperator {
		switch {
		case key.Matches(km, f.keys.Left):
			f.op = cycle(mapping.Operators(), f.op, -1)
		case key.Matches(km, f.keys.Right):
			f.op = cycle(mapping.Operators(), f.op, 1)
		}
		return nil
	}
	in := f.input()
	var cmd tea.Cmd
	*in, cmd = in.Update(km)
	f.pick = 0
	return cmd
}

// SetSize implements component; the form takes the lines it needs.
func (f *clauseForm) SetSize(width, _ int) { f.width = width }

// ShortHelp implements help.KeyMap.
func (f *clauseForm) ShortHelp() []key.Binding { return f.keys.ShortHelp() }

// FullHelp implements help.KeyMap.
func (f *clauseForm) FullHelp() [][]key.Binding { return f.keys.FullHelp() }

// View implements component: the form with the sample's result against
// the clause, live.
func (f *clauseForm) View() string {
	st, width, filterName, sample := f.st, f.width, f.filterName, f.sample
	title := fmt.Sprintf("Add a clause to %s filter %q", scopeKindNames[f.kind], filterName)
	if f.clause >= 0 {
		title = fmt.Sprintf("Edit clause %d of %s filter %q", f.clause+1, scopeKindNames[f.kind], filterName)
	}
	var b strings.Builder
	b.WriteString(truncate(st.title.Render(title)+st.dim.Render("  enter apply · esc cancel · ↑/↓ field"), width) + "\n")
	const labelW = 12
	inputW := max(10, width-labelW-2)
	f.attribute.Width, f.value.Width = inputW, inputW
	line := func(field int, label, value string) {
		ls, marker := st.label, "  "
		if f.focus == field {
			ls, marker = st.focusLabel, st.key.Render("› ")
		}
		b.WriteString(marker + ls.Render(fit(label, labelW)) + value + "\n")
	}
	line(clauseAttribute, "Attribute", f.attribute.View())
	if sugg := f.suggestions(); len(sugg) > 0 {
		b.WriteString(truncate(strings.Repeat(" ", labelW+2)+suggestionLine(st, sugg, f.pick), width) + "\n")
	}
	line(clauseOperator, "Operator", choice(st, string(f.op), f.focus == clauseOperator))
	b.WriteString(truncate(strings.Repeat(" ", labelW+2)+st.dim.Render(operatorHelp[f.op]), width) + "\n")
	if !unaryOperator(f.op) {
		line(clauseValue, "Value", f.value.View())
	}
	c := f.current().clause
	v := f.verdict
	problems := v.problems
	if !f.refused && c.Attribute == "" {
		problems = nil
	}
	switch {
	case len(problems) > 0:
		for _, p := range problems {
			b.WriteString(strings.Join(wrapped(st.err, "  ! "+p, width, 4), "\n") + "\n")
		}
	case v.judged:
		holds := "holds"
		if !v.holds {
			holds = "fails"
		}
		b.WriteString(truncate("  "+st.label.Render(fit(firstName(sample), labelW))+clauseMark(st, v)+fmt.Sprintf(" %s: %s is %s", holds, c.Attribute, sampleValue(v)), width) + "\n")
	}
	return b.String()
}

// firstName is the sample's first word, for narrow columns.
func firstName(s *Sample) string {
	if s == nil {
		return ""
	}
	if f := strings.Fields(s.label()); len(f) > 0 {
		return f[0]
	}
	return "sample"
}

func clauseMark(st styles, v clauseVerdict) string {
	switch {
	case len(v.problems) > 0:
		return st.err.Render("!")
	case !v.judged:
		return " "
	case v.holds:
		return st.ok.Render("✓")
	}
	return st.err.Render("✗")
}

// sampleValue is what the sample's attribute holds, so a failing clause
// shows why it fails.
func sampleValue(v clauseVerdict) string {
	if v.null {
		return "empty"
	}
	return strconv.Quote(v.actual)
}
