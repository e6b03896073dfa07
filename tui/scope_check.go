package tui

import (
	"errors"
	"strings"

	"github.com/slackprov/slackprov/mapping"
)

// scopeCheckUsers is a valid user mapping to compile clauses against:
// Compile refuses a mapping without Slack's required attributes, and a
// clause must be judged on its own, whatever state the user list is in.
var scopeCheckUsers = mapping.Default().Users

// clauseVerdict is what the mapping package says about one clause and how
// the sample user fares against it.
type clauseVerdict struct {
	problems []string // why the clause would not load; empty when it would
	judged   bool     // a sample was tested (only user clauses, with a sample)
	holds    bool
	actual   string // the sample's value ("" with null)
	null     bool
}

// checkClause compiles c as the only clause of a kind's filter, exactly as
// a save would (with known, an attribute the directory lacks is a problem),
// and tests o against it when o is not nil.
func checkClause(kind int, c mapping.Clause, o mapping.Object, known *mapping.Known) clauseVerdict {
	f := []mapping.Filter{{Name: "check", Clauses: []mapping.Clause{c}}}
	m := &mapping.Mapping{Version: mapping.Version, Users: scopeCheckUsers}
	if kind == scopeUsers {
		m.UserScope = f
	} else {
		m.GroupScope = f
	}
	compiled, err := m.Compile()
	prefix := scopeKindNames[kind] + " scope filter 1 (check) clause 1: "
	if err == nil && known != nil {
		// Only the clause is judged here, not the stand-in user mappings.
		for _, e := range flatten(compiled.CheckSources(*known)) {
			var pe *mapping.PosError
			if errors.As(e, &pe) && strings.HasPrefix(pe.Msg, prefix) {
				err = errors.Join(err, e)
			}
		}
	}
	if err != nil {
		var v clauseVerdict
		for _, e := range flatten(err) {
			msg := e.Error()
			var pe *mapping.PosError
			if errors.As(e, &pe) {
				msg = pe.Msg
			}
			v.problems = append(v.problems, strings.TrimPrefix(msg, prefix))
		}
		return v
	}
	if o == nil || kind != scopeUsers {
		return clauseVerdict{}
	}
	r := compiled.ExplainUserScope(o)[0].Clauses[0]
	return clauseVerdict{judged: true, holds: r.Holds, actual: r.Actual, null: r.Null}
}

// filterVerdict sums up a filter: its clauses' verdicts, whether it can
// be judged (every clause loads and there is at least one), and whether
// the sample passes it.
type filterVerdict struct {
	clauses []clauseVerdict
	valid   bool
	judged  bool
	holds   bool
}

func checkFilter(kind int, f scopeFilter, o mapping.Object, known *mapping.Known) filterVerdict {
	v := filterVerdict{valid: len(f.clauses) > 0, holds: true}
	for _, c := range f.clauses {
		cv := checkClause(kind, c.clause, o, known)
		v.clauses = append(v.clauses, cv)
		v.valid = v.valid && len(cv.problems) == 0
		v.holds = v.holds && cv.holds
	}
	v.judged = v.valid && o != nil && kind == scopeUsers
	v.holds = v.holds && v.judged
	return v
}

// scopeVerdict is the sample user against every user filter.
type scopeVerdict struct {
	filters []filterVerdict
	// inScope is meaningful only when known: every filter loads (or one
	// that loads already lets the user in).
	known, inScope bool
}

func checkScope(l scopeList, o mapping.Object, known *mapping.Known) scopeVerdict {
	v := scopeVerdict{known: true, inScope: len(l) == 0}
	for _, f := range l {
		fv := checkFilter(scopeUsers, f, o, known)
		v.filters = append(v.filters, fv)
		v.inScope = v.inScope || fv.holds
		v.known = v.known && fv.judged
	}
	v.known = v.known || v.inScope
	return v
}
