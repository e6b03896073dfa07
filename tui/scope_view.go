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

// scopePreviewLines is the preview pane on the scoping tab: whether the
// sample user is in scope, and which clause keeps them out. It follows an
// open clause form before the clause is applied.
func (e *Editor) scopePreviewLines(w, h int) []string {
	st := e.st
	sample := e.currentSample()
	var out []string
	if sample == nil {
		out = append(out, st.header.Render("Scope")+st.dim.Render("  no sample user"), st.dim.Render(fit(e.samplesNote(), w)))
		return clip(st, out, h)
	}
	who := firstName(sample)
	out = append(out, st.header.Render("Scope for ")+strings.TrimRight(fit(sample.label(), max(1, w-24)), " ")+st.dim.Render("  p: pick user"))
	l := e.scopeWithForm()[scopeUsers]
	v := e.derived.scope
	switch {
	case len(l) == 0:
		out = append(out, st.ok.Render(fit("✓ in scope: there are no user filters", w)))
	case v.inScope:
		for i, fv := range v.filters {
			if fv.holds {
				out = append(out, st.ok.Render(fit(fmt.Sprintf("✓ in scope: filter %d (%s) lets %s in", i+1, l[i].name, who), w)))
				break
			}
		}
	case !v.known:
		out = append(out, st.warn.Render(fit("? a filter has a problem (marked !): fix it to see whether "+who+" is in scope", w)))
	default:
		out = append(out, st.err.Render(fit("✗ out of scope: no user filter holds, so sync treats "+who+" as disabled", w)))
	}
	for i, fv := range v.filters {
		if !fv.judged || fv.holds {
			continue
		}
		for j, cv := range fv.clauses {
			if !cv.holds {
				c := l[i].clauses[j].clause
				out = append(out, st.dim.Render(fit(fmt.Sprintf("  %d. %s: %s fails, %s's %s is %s", i+1, l[i].name, clauseText(c), who, c.Attribute, sampleValue(cv)), w)))
				break
			}
		}
	}
	if len(e.scope[scopeGroups]) > 0 {
		out = append(out, st.dim.Render(fit("Group filters apply to directory groups; `slackprov sync --dry-run` shows which pass.", w)))
	}
	return clip(st, out, h)
}
