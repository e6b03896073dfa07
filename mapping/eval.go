package mapping

import "fmt"

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
	// Slack account, picks the first one nobody has.
	Candidates map[string][]string
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
		r.Problems = append(r.Problems, checkSCIMUser(r.Values, create || !c.OnCreateOnly(AttrUserName))...)
		return r
	}
	evalProblems := r.Problems
	r.Problems = append(r.Problems, checkUser(r.Values, func(target string) bool {
		a := findAttr(c.users, target)
		return !hasTarget(evalProblems, target) && a.Target != "" && (create || !a.OnCreate())
	})...)
	// Slack refuses a new account with no name at all (invalid_name_required);
	// on update a null name is simply not sent.
	_, given := r.Values[AttrGivenName]
	_, family := r.Values[AttrFamilyName]
	if create && !given && !family {
		r.Problems = append(r.Problems, Problem{Target: AttrGivenName, Code: "invalid_name_required", Severity: SeverityError,
			Message: "given name and family name are both empty; Slack needs at least one for a new account"})
	}
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
	requireName := create || !c.GroupOnCreateOnly(AttrDisplayName)
	if c.rules == RulesSCIM {
		r.Problems = append(r.Problems, requiredProblem(r.Values, AttrDisplayName, requireName, "group displayName is empty; SCIM (RFC 7643) requires one")...)
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
			if v, err = e.eval(a.node); err != nil {
				r.Problems = append(r.Problems, Problem{
					Target:   a.Target,
					Code:     "expression_failed",
					Message:  fmt.Sprintf("%s: expression %s failed at %v", a.Target, a.Expression, err),
					Severity: SeverityError,
				})
				continue
			}
		}
		switch {
		case v.kind == kindIgnore:
			continue
		case v.isNull():
			if create && a.Default != "" {
				r.Values[a.Target] = a.Default
			}
			continue
		case v.kind == kindList && len(v.l) > 1:
			r.Problems = append(r.Problems, Problem{
				Target:   a.Target,
				Code:     "multiple_values",
				Message:  fmt.Sprintf("%s: the source has %d values but Slack takes one; the first (%q) was used — choose one with Item() or combine them with Join()", a.Target, len(v.l), v.l[0]),
				Severity: SeverityWarning,
			})
		}
		r.Values[a.Target] = v.first()
	}
	return r
}

// candidates evaluates every candidate of a SelectUniqueValue mapping into
// r.Candidates and returns the first, or null when none has a value. A
// candidate that fails is a problem but does not stop the others.
func (c *Compiled) candidates(e *evaluator, a *compiledAttr, r *Result) value {
	var vals []string
	for _, arg := range a.node.args {
		v, err := e.eval(arg)
		if err != nil {
			r.Problems = append(r.Problems, Problem{Target: a.Target, Code: "expression_failed", Severity: SeverityWarning,
				Message: fmt.Sprintf("%s: a SelectUniqueValue candidate failed at %v; the others are still tried", a.Target, err)})
			continue
		}
		if !v.empty() {
			vals = append(vals, v.first())
		}
	}
	if len(vals) == 0 {
		return null
	}
	if r.Candidates == nil {
		r.Candidates = map[string][]string{}
	}
	r.Candidates[a.Target] = vals
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
