package mapping

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Object is a directory object as the mapping sees it. Attr returns the
// attribute's values; ok=false means null (absent). A single-valued
// attribute returns one value. Sources should report missing or empty
// attributes as null, as Microsoft Graph does.
type Object interface {
	Attr(name string) (values []string, ok bool)
}

// SingleValued is an optional fast path for objects whose attribute is a
// single string: planning 100k users reads a million attributes, and a
// one-element slice per read is most of the engine's garbage. single is
// false for an attribute that is not one string (a list, or a boolean).
type SingleValued interface {
	AttrString(name string) (value string, single, ok bool)
}

// BoolValued is an object whose boolean attributes (accountEnabled,
// IsSoftDeleted) are booleans: isBool is false for any other name. The
// evaluator asks it before Attr, so a boolean is never spelled as text
// and parsed back.
type BoolValued interface {
	AttrBool(name string) (value, isBool bool)
}

// EvalError is a failure while evaluating an expression for one object.
type EvalError struct {
	Pos      int
	Function string
	Msg      string
}

func (e *EvalError) Error() string {
	if e.Function == "" {
		return fmt.Sprintf("position %d: %s", e.Pos, e.Msg)
	}
	return fmt.Sprintf("position %d: %s: %s", e.Pos, e.Function, e.Msg)
}

// evaluator holds per-evaluation state. It is reused through a pool so a
// run over many objects does not allocate argument slices per call.
type evaluator struct {
	obj   Object
	stack []value
	now   func() time.Time
	rand  io.Reader
	// notes are what an evaluation did that the plan should say, such as
	// a userName shortened to Slack's limit.
	notes []string
}

func (e *evaluator) eval(n *node) (value, error) {
	switch n.kind {
	case nodeLit:
		return n.lit, nil
	case nodeMissing:
		return null, nil
	case nodeAttr:
		return e.attr(n.name), nil
	case nodeCompare:
		return e.compare(n)
	}
	base := len(e.stack)
	for _, a := range n.args {
		v, err := e.eval(a)
		if err != nil {
			e.stack = e.stack[:base]
			return null, err
		}
		e.stack = append(e.stack, v)
	}
	v, err := n.fn.call(e, n, e.stack[base:])
	e.stack = e.stack[:base]
	if err == nil {
		err = checkSize(v)
	}
	if err != nil {
		if _, ok := err.(*EvalError); !ok {
			err = &EvalError{Pos: n.pos, Function: n.name, Msg: err.Error()}
		}
		return null, err
	}
	return v, nil
}

func (e *evaluator) attr(name string) value {
	if e.obj == nil {
		return null
	}
	if sv, fast := e.obj.(SingleValued); fast {
		if v, single, ok := sv.AttrString(name); single {
			if !ok {
				return null
			}
			return str(v)
		}
	}
	if bv, typed := e.obj.(BoolValued); typed {
		if b, isBool := bv.AttrBool(name); isBool {
			return boolean(b)
		}
	}
	vals, ok := e.obj.Attr(name)
	switch {
	case !ok || len(vals) == 0:
		return null
	case len(vals) == 1:
		return str(vals[0])
	}
	return list(vals)
}

// compare implements =, <>, <, <=, >, >= as Entra's IIF conditions use
// them. Numbers compare numerically, everything else as case-sensitive
// strings. Unlike Entra, where a null attribute makes the condition fail
// outright, null compares as "": the portable spelling of that test is
// Switch with a "" key, and both work here.
func (e *evaluator) compare(n *node) (value, error) {
	l, err := e.eval(n.args[0])
	if err != nil {
		return null, err
	}
	r, err := e.eval(n.args[1])
	if err != nil {
		return null, err
	}
	a, b := l.first(), r.first()
	var c int
	fa, errA := strconv.ParseFloat(strings.TrimSpace(a), 64)
	fb, errB := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if errA == nil && errB == nil {
		switch {
		case fa < fb:
			c = -1
		case fa > fb:
			c = 1
		}
	} else {
		c = strings.Compare(a, b)
	}
	switch n.op {
	case "=":
		return boolean(c == 0), nil
	case "<>":
		return boolean(c != 0), nil
	case "<":
		return boolean(c < 0), nil
	case "<=":
		return boolean(c <= 0), nil
	case ">":
		return boolean(c > 0), nil
	}
	return boolean(c >= 0), nil
}
