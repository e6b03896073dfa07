package tui

import (
	"fmt"

	"github.com/slackprov/slackprov/mapping"
)

// derived is everything the view shows that is computed from the edits:
// previews, verdicts and the impact. Update keeps it current after every
// message, recomputing a part only when its inputs changed, so View only
// lays things out and never compiles or evaluates a mapping.
type derived struct {
	dirty bool
	// table is the user list as applied, for the table's value column.
	table preview
	// filters are the sample's verdicts against the scoping tab's filters.
	filters [2][]filterVerdict
	impact  *impact
	// impactStale is set while the latest edit is still being measured.
	impactStale bool

	tableKey, filtersKey string
}

// derive brings the derived state up to date with the edits.
func (e *Editor) derive() {
	d := &e.derived
	d.dirty = e.Dirty()
	sample := e.currentSample()
	users := e.lists[tabUsers].attrs()
	if key := fmt.Sprint(e.sample, users); key != d.tableKey {
		d.table, d.tableKey = computePreview(users, sample, e.opts.Payload, e.opts.Known), key
	}
	if key := fmt.Sprint(e.sample, e.scope); key != d.filtersKey {
		d.filters, d.filtersKey = e.filterVerdicts(), key
	}
	e.table.sample, e.table.values, e.table.selected = sample, d.table, e.mode != modeSearch
	e.scoping.verdicts, e.scoping.who, e.scoping.selected = d.filters, firstName(sample), e.mode == modeTable
	w := mainWidth(max(e.width, 20))
	e.picker.SetSize(w, 0)
	if e.form != nil {
		e.form.SetSize(w, 0)
		e.form.derive()
	}
	if e.clause != nil {
		e.clause.SetSize(w, 0)
		e.clause.derive(e.currentSample())
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

// filterVerdicts judges every filter of the scoping tab; only user
// filters are tested against the sample.
func (e *Editor) filterVerdicts() [2][]filterVerdict {
	var verdicts [2][]filterVerdict
	for k, l := range e.scope {
		o := e.sampleObject()
		if k == scopeGroups {
			o = nil
		}
		for _, f := range l {
			verdicts[k] = append(verdicts[k], checkFilter(k, f, o, e.opts.Known))
		}
	}
	return verdicts
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

func (e *Editor) sampleObject() mapping.Object {
	if s := e.currentSample(); s != nil {
		return s.Object
	}
	return nil
}
