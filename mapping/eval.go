package mapping

import (
	"fmt"
	"strings"

	"github.com/slackprov/slackprov/schema"
)

// Severity of a Problem.
const (
	SeverityError   = "error"
	SeverityWarning = "warning"
)

// Problem is something wrong with one object's mapped values. Code is
// Slack's error code where Slack has one, so a problem found here reads
// the same as the error Slack would have returned.
type Problem struct {
	Target   string
	Code     string
	Message  string
	Severity string
}

// Result is one object's mapped values. Values holds target → value for
// every attribute that flows; null values and IgnoreFlowIfNullOrEmpty leave
// the target out.
type Result struct {
	Values   map[string]string
	Problems []Problem
	// Candidates holds, for each SelectUniqueValue mapping, every candidate
	// value in order; Values has the first. The engine, which knows every
	// Slack account, picks the first one nobody has (Choose).
	Candidates map[string][]string
	// Notes are, per target, what the plan should say about a value, such
	// as a userName shortened to Slack's limit.
	Notes map[string][]string
	// candidateNotes are each candidate's notes, parallel to Candidates.
	candidateNotes map[string][][]string
}

// Choose settles a SelectUniqueValue target on its i-th candidate, with
// that candidate's notes, and says when earlier ones were taken.
func (r *Result) Choose(target string, i int) {
	cands := r.Candidates[target]
	r.Values[target] = cands[i]
	var notes []string
	if cn := r.candidateNotes[target]; i < len(cn) {
		notes = append(notes, cn[i]...)
	}
	if i > 0 {
		notes = append(notes, fmt.Sprintf("%s taken, so %q was chosen", quoteList(cands[:i]), cands[i]))
	}
	r.note(target, notes, true)
}

func (r *Result) note(target string, notes []string, replace bool) {
	if len(notes) == 0 && !replace {
		return
	}
	if r.Notes == nil {
		r.Notes = map[string][]string{}
	}
	if len(notes) == 0 {
		delete(r.Notes, target)
		return
	}
	r.Notes[target] = append([]string(nil), notes...)
}

func quoteList(vals []string) string {
	q := make([]string, len(vals))
	for i, v := range vals {
		q[i] = fmt.Sprintf("%q", v)
	}
	if len(q) == 1 {
		return q[0] + " is"
	}
	return strings.Join(q, ", ") + " are"
}

// HasErrors reports whether any problem is an error (not a warning).
func (r Result) HasErrors() bool {
	for _, p := range r.Problems {
		if p.Severity == SeverityError {
			return true
		}
	}
	return false
}

// EvalUser maps a directory user. With create=false, on_create attributes
// and defaults are left out, as on an Entra update; with create=true,
// defaults fill null values. Slack's checks run on the result.
func (c *Compiled) EvalUser(o Object, create bool) Result {
	r := c.eval(c.users, o, create)
	if c.rules == RulesSCIM {
		r.Problems = append(r.Problems, checkSCIMUser(r.Values, create || !c.OnCreateOnly(schema.UserName))...)
		return r
	}
	evalProblems := r.Problems
	r.Problems = append(r.Problems, checkUser(r.Values, func(target string) bool {
		a := findAttr(c.users, target)
		return !hasTarget(evalProblems, target) && a.Target != "" && (create || !a.OnCreate())
	})...)
	// Slack refuses a new account with no name at all (invalid_name_required);
	// on update a null name is simply not sent.
	_, given := r.Values[schema.GivenName]
	_, family := r.Values[schema.FamilyName]
	if create && !given && !family {
		r.Problems = append(r.Problems, Problem{Target: schema.GivenName, Code: "invalid_name_required", Severity: SeverityError,
			Message: "given name and family name are both empty; Slack needs at least one for a new account"})
	}
	// A check message that quotes a Redact()ed value would show it to
	// everyone who reads the plan or the log.
	r.Problems = c.redactor.Problems(r.Problems, r.Values)
	return r
}

// hasTarget reports whether a problem concerns target. Problems are few,
// most often none, so a scan beats building a set for every user.
func hasTarget(ps []Problem, target string) bool {
	for _, p := range ps {
		if p.Target == target {
			return true
		}
	}
	return false
}

// EvalGroup maps a directory group's own attributes. Members are not
// mapped values: the engine reads them from the directory.
func (c *Compiled) EvalGroup(o Object, create bool) Result {
	r := c.eval(c.groups, o, create)
	requireName := create || !c.GroupOnCreateOnly(schema.DisplayName)
	if c.rules == RulesSCIM {
		r.Problems = append(r.Problems, requiredProblem(r.Values, schema.DisplayName, requireName, "group displayName is empty; SCIM (RFC 7643) requires one")...)
		return r
	}
	r.Problems = append(r.Problems, checkGroup(r.Values, requireName)...)
	return r
}

func (c *Compiled) eval(attrs []compiledAttr, o Object, create bool) Result {
	e := c.pool.Get().(*evaluator)
	e.obj, e.now, e.rand = o, c.now, c.rand
	defer func() {
		e.obj = nil
		e.stack = e.stack[:0]
		c.pool.Put(e)
	}()
	values := c.spareValues()
	if values == nil {
		values = make(map[string]string, len(attrs))
	}
	r := Result{Values: values}
	for i := range attrs {
		a := &attrs[i]
		if a.OnCreate() && !create {
			continue
		}
		var v value
		switch a.Type {
		case TypeDirect:
			v = e.attr(a.Source)
		case TypeConstant:
			v = str(a.Value)
		case TypeExpression:
			if a.unique {
				v = c.candidates(e, a, &r)
				break
			}
			var err error
			e.notes = e.notes[:0]
			v, err = e.eval(a.node)
			r.note(a.Target, e.notes, false)
			if err != nil {
				msg := fmt.Sprintf("%s: expression %s failed at %v", a.Target, a.Expression, err)
				if a.redact {
					// The error may quote the source value, which Redact() hides.
					msg = fmt.Sprintf("%s: expression %s failed (the reason would show the value Redact() hides; try the expression with mappings eval)", a.Target, a.Expression)
				}
				r.Problems = append(r.Problems, Problem{Target: a.Target, Code: "expression_failed", Message: msg, Severity: SeverityError})
				continue
			}
		}
		settle(a, v, create, &r)
	}
	return r
}

// settle puts an attribute's value into r: nothing for null (or the
// default, on create), the first of a list, and a boolean target's value
// as a boolean, or a problem when it is none.
func settle(a *compiledAttr, v value, create bool, r *Result) {
	switch {
	case v.kind == kindIgnore:
		return
	case v.isNull():
		if !create || a.Default == "" {
			return
		}
		v = str(a.Default)
	case v.kind == kindList && len(v.l) > 1:
		r.Problems = append(r.Problems, Problem{
			Target:   a.Target,
			Code:     "multiple_values",
			Message:  fmt.Sprintf("%s: the source has %d values but Slack takes one; the first (%q) was used — choose one with Item() or combine them with Join()", a.Target, len(v.l), v.l[0]),
			Severity: SeverityWarning,
		})
	}
	if !a.boolean {
		r.Values[a.Target] = v.first()
		return
	}
	b, ok := v.asBool()
	if !ok {
		r.Problems = append(r.Problems, Problem{Target: a.Target, Code: "not_boolean", Severity: SeverityError,
			Message: fmt.Sprintf("%s is %s, which is neither True nor False; map a condition such as Not([IsSoftDeleted])", a.Target, shown(v.first()))})
		return
	}
	r.Values[a.Target] = schema.FormatBool(b)
}

// candidates evaluates every candidate of a SelectUniqueValue mapping into
// r.Candidates and returns the first, or null when none has a value. A
// candidate that fails is a problem but does not stop the others.
func (c *Compiled) candidates(e *evaluator, a *compiledAttr, r *Result) value {
	var vals []string
	var notes [][]string
	for _, arg := range a.node.args {
		e.notes = e.notes[:0]
		v, err := e.eval(arg)
		if err != nil {
			r.Problems = append(r.Problems, Problem{Target: a.Target, Code: "expression_failed", Severity: SeverityWarning,
				Message: fmt.Sprintf("%s: a SelectUniqueValue candidate failed at %v; the others are still tried", a.Target, err)})
			continue
		}
		if !v.empty() {
			vals = append(vals, v.first())
			notes = append(notes, append([]string(nil), e.notes...))
		}
	}
	if len(vals) == 0 {
		return null
	}
	if r.Candidates == nil {
		r.Candidates = map[string][]string{}
		r.candidateNotes = map[string][][]string{}
	}
	r.Candidates[a.Target] = vals
	r.candidateNotes[a.Target] = notes
	r.note(a.Target, notes[0], false)
	return str(vals[0])
}

// Recycle hands back a Result's Values that the caller no longer holds, for
// the next evaluation to reuse: planning 100k users would otherwise leave
// 100k maps to the garbage collector, most of them for users with no change.
func (c *Compiled) Recycle(values map[string]string) {
	clear(values)
	c.spareMu.Lock()
	if len(c.spare) < maxSpare {
		c.spare = append(c.spare, values)
	}
	c.spareMu.Unlock()
}

// maxSpare bounds the recycled maps kept: one per concurrent evaluation is
// all that is ever reused.
const maxSpare = 64

// spareValues returns a recycled map, or nil.
func (c *Compiled) spareValues() map[string]string {
	c.spareMu.Lock()
	defer c.spareMu.Unlock()
	n := len(c.spare)
	if n == 0 {
		return nil
	}
	m := c.spare[n-1]
	c.spare = c.spare[:n-1]
	return m
}
