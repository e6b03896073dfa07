package mapping

import (
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"github.com/slackprov/slackprov/schema"
)

// ExprResult is what one expression gives for one object.
type ExprResult struct {
	// Values holds the value: nil for null, one string, or a list's values.
	Values []string
	// List reports a multi-valued result (even with one value).
	List bool
	// Flow is false when a mapping with this expression would send nothing:
	// the value is null, or IgnoreFlowIfNullOrEmpty dropped it.
	Flow bool
	// Redacted reports a Redact() call: the value must show as [Redact].
	Redacted bool
}

// Null reports a null result.
func (r ExprResult) Null() bool { return r.Values == nil }

// Shown is Values as people may see them: every value hidden when the
// expression calls Redact().
func (r ExprResult) Shown() []string {
	if !r.Redacted || r.Values == nil {
		return r.Values
	}
	out := make([]string, len(r.Values))
	for i := range out {
		out[i] = RedactedValue
	}
	return out
}

// EvalExpression parses expr and evaluates it against o, as a mapping would
// for one user. taken are values the target already holds: a top-level
// SelectUniqueValue gives its first candidate not among them (compared
// without case, as Slack compares userNames and emails), the way a sync
// chooses. A syntax error is a *SyntaxError and an evaluation failure an
// *EvalError, both with the 1-based position they concern.
func EvalExpression(expr string, o Object, taken ...string) (ExprResult, error) {
	n, err := parseExpression(expr)
	if err != nil {
		return ExprResult{}, err
	}
	e := &evaluator{obj: o, now: time.Now, rand: rand.Reader}
	var v value
	if n.kind == nodeCall && n.name == "SelectUniqueValue" {
		v, err = selectUntaken(e, n, taken)
	} else {
		v, err = e.eval(n)
	}
	if err != nil {
		return ExprResult{}, err
	}
	r := ExprResult{Flow: !v.isNull(), List: v.kind == kindList}
	if v.kind == kindString || v.kind == kindList {
		r.Values = append([]string{}, v.values()...)
	}
	n.walk(func(x *node) { r.Redacted = r.Redacted || (x.kind == nodeCall && x.name == "Redact") })
	return r, nil
}

// UserTargetSources lists the directory attributes the user target's
// mapping reads, sorted; nil when the target is not mapped.
func (c *Compiled) UserTargetSources(target string) []string {
	for i := range c.users {
		if c.users[i].Target == target {
			return sourceAttributes(c.users[i : i+1])
		}
	}
	return nil
}

// UserAttributes returns the user mappings as compiled: canonical targets,
// explicit types and apply modes, in file order.
func (c *Compiled) UserAttributes() []Attribute { return attributesOf(c.users) }

// GroupAttributes is UserAttributes for groups.
func (c *Compiled) GroupAttributes() []Attribute { return attributesOf(c.groups) }

func attributesOf(in []compiledAttr) []Attribute {
	out := make([]Attribute, len(in))
	for i, a := range in {
		out[i] = a.Attribute
	}
	return out
}

// selectUntaken evaluates SelectUniqueValue's candidates in order and gives
// the first with a value that is not taken.
func selectUntaken(e *evaluator, n *node, taken []string) (value, error) {
	held := make(map[string]bool, len(taken))
	for _, t := range taken {
		held[schema.Fold(t)] = true
	}
	var tried []string
	for _, arg := range n.args {
		v, err := e.eval(arg)
		if err != nil {
			return null, err
		}
		if v.empty() {
			continue
		}
		if !held[schema.Fold(v.first())] {
			return str(v.first()), nil
		}
		tried = append(tried, v.first())
	}
	if len(tried) == 0 {
		return null, nil
	}
	return null, &EvalError{Pos: n.pos, Function: n.name, Msg: fmt.Sprintf("every candidate is taken (%s); a sync would fail this user — add another candidate", strings.Join(tried, ", "))}
}
