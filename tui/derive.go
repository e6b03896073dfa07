package tui

import (
	"fmt"

	"github.com/slackprov/slackprov/mapping"
)

// derived is what the editor itself shows that is computed from the
// edits: whether they are saved and their impact. Update keeps it, and
// each part's own derived state (the tabs' values and verdicts, the forms'
// checks, the preview), current after every message, recomputing a part
// only when its inputs changed, so View only lays things out and never
// compiles or evaluates a mapping.
type derived struct {
	dirty  bool
	impact *impact
	// impactStale is set while the latest edit is still being measured.
	impactStale bool
}

// derive brings the derived state up to date with the edits.
func (e *Editor) derive() {
	d := &e.derived
	d.dirty = e.Dirty()
	sample := e.currentSample()
	e.table.selected = e.mode != modeSearch
	e.table.derive(e.sample, sample)
	e.scoping.selected = e.mode == modeTable
	e.scoping.derive(e.sample, sample)
	w := mainWidth(max(e.width, 20))
	e.picker.SetSize(w, 0)
	if e.form != nil {
		e.form.SetSize(w, 0)
		e.form.derive()
	}
	if e.clause != nil {
		e.clause.SetSize(w, 0)
		e.clause.derive(sample)
	}
	d.impact, d.impactStale = e.impactNow()
	e.preview.show(e.previewShows())
}

// previewShows is what the preview pane shows now: the mappings with an
// open form's entry in place, so the preview follows the form.
func (e *Editor) previewShows() previewShows {
	users := e.lists[tabUsers].attrs()
	if e.mode == modeForm && !e.form.groups {
		next, _ := e.formList()
		users = next.attrs()
	}
	return previewShows{users: users, filters: e.scopeWithForm()[scopeUsers], sample: e.sample, saveErrs: e.saveErrs,
		groups:       e.tab == tabGroups || (e.mode == modeForm && e.form.groups),
		scoping:      e.tab == tabScoping && e.mode != modeSearch,
		groupFilters: len(e.scope[scopeGroups]), impact: e.derived.impact, impactStale: e.derived.impactStale}
}

// derive evaluates the sample (index i) under the user mappings, for
// the value column, when either changed.
func (t *tableTab) derive(i int, sample *Sample) {
	users := t.doc.lists[tabUsers].attrs()
	if key := fmt.Sprint(i, users); key != t.valuesKey {
		t.values, t.valuesKey = computePreview(users, sample, t.payload, t.known), key
	}
	t.sample = sample
}

// derive judges every filter against the sample (index i) when either
// changed; only user filters are tested against it.
func (t *scopingTab) derive(i int, sample *Sample) {
	t.who = firstName(sample)
	key := fmt.Sprint(i, t.doc.scope)
	if key == t.verdictsKey {
		return
	}
	t.verdictsKey, t.verdicts = key, [2][]filterVerdict{}
	for k, l := range t.doc.scope {
		var o mapping.Object
		if sample != nil && k == scopeUsers {
			o = sample.Object
		}
		for _, f := range l {
			t.verdicts[k] = append(t.verdicts[k], checkFilter(k, f, o, t.known))
		}
	}
}

// derive checks the expression being typed, when it changed.
func (f *form) derive() {
	if expr := f.expression.Value(); expr != f.exprChecked {
		f.exprChecked, f.exprProblem = expr, expressionProblem(expr, f.known)
	}
}

// derive judges the clause being edited against the sample.
func (f *clauseForm) derive(sample *Sample) {
	var o mapping.Object
	if sample != nil {
		o = sample.Object
	}
	f.sample, f.verdict = sample, checkClause(f.kind, f.current().clause, o, f.known)
}
