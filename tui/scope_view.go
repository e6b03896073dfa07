package tui

import (
	"fmt"
	"strings"

	"github.com/slackprov/slackprov/mapping"
)

func (e *Editor) sampleObject() mapping.Object {
	if s := e.currentSample(); s != nil {
		return s.Object
	}
	return nil
}

// scopingLines is the scoping tab: each kind's filters and their clauses,
// with the sample user's result against each, scrolled to keep the cursor
// in view within h lines.
func (e *Editor) scopingLines(w, h int) []string {
	st := e.st
	lines := []string{truncate(st.header.Render("Scoping filters")+st.dim.Render("  in scope: any filter holds (a filter: all its clauses)"), w)}
	who := firstName(e.currentSample())
	rows := scopeRows(e.scope)
	cur := e.scopeRowIndex()
	var body []string
	verdicts := e.derived.filters
	for n, r := range rows {
		var text, mark string
		switch {
		case r.filter < 0 && len(e.scope[r.kind]) == 0:
			kind := scopeKindNames[r.kind]
			text = fmt.Sprintf("No %s filters: every assigned %s is in scope", kind, kind)
			mark = st.dim.Render(" · a adds one")
		case r.filter < 0:
			text = fmt.Sprintf("%s%s filters", strings.ToUpper(scopeKindNames[r.kind][:1]), scopeKindNames[r.kind][1:])
		case r.clause < 0:
			f := e.scope[r.kind][r.filter]
			v := verdicts[r.kind][r.filter]
			text = fmt.Sprintf("  %d. %s", r.filter+1, f.name)
			switch {
			case len(f.clauses) == 0:
				mark = st.err.Render("  ! no clauses: c adds one")
			case !v.valid:
				mark = st.err.Render("  ! a clause has a problem")
			case v.judged && v.holds:
				mark = st.ok.Render("  ✓ " + who)
			case v.judged:
				mark = st.err.Render("  ✗ " + who)
			}
		default:
			c := e.scope[r.kind][r.filter].clauses[r.clause].clause
			v := verdicts[r.kind][r.filter].clauses[r.clause]
			text = "     " + clauseText(c)
			switch {
			case len(v.problems) > 0:
				mark = st.err.Render("  ! " + v.problems[0])
			case v.judged:
				mark = "  " + clauseMark(st, v) + st.dim.Render(" "+who+": "+sampleValue(v))
			}
		}
		if n == cur && (e.mode == modeTable || e.mode == modeName) {
			body = append(body, truncate(st.selected.Render("› "+text)+mark, w))
			continue
		}
		if r.filter < 0 {
			text = st.header.Render(text)
		}
		body = append(body, truncate("  "+text+mark, w))
	}
	rowsH := max(1, h-1)
	off := e.offset[tabScoping]
	off = min(max(off, cur-rowsH+1), cur)
	off = max(0, min(off, len(body)-rowsH))
	e.offset[tabScoping] = off
	return append(lines, body[off:min(len(body), off+rowsH)]...)
}

// scopeRowIndex is the cursor's row, kept within the rows.
func (e *Editor) scopeRowIndex() int {
	e.scopeRow()
	return e.cursor[tabScoping]
}
