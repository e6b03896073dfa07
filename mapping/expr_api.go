package mapping

import (
	"crypto/rand"
	"time"
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

// EvalExpression parses expr and evaluates it against o, as a mapping would
// for one user. A syntax error is a *SyntaxError and an evaluation failure
// an *EvalError, both with the 1-based position they concern.
func EvalExpression(expr string, o Object) (ExprResult, error) {
	n, err := parseExpression(expr)
	if err != nil {
		return ExprResult{}, err
	}
	e := &evaluator{obj: o, now: time.Now, rand: rand.Reader}
	v, err := e.eval(n)
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
