package mapping

import (
	"strconv"
	"strings"

	"github.com/slackprov/slackprov/schema"
)

type valueKind uint8

const (
	kindNull valueKind = iota
	kindString
	kindList
	// kindIgnore is IgnoreFlowIfNullOrEmpty's "send nothing" marker; to any
	// function that receives it, it is null.
	kindIgnore
)

// value is what an expression evaluates to: null, one string, or a list
// (multi-valued attribute). It is passed by value so evaluating a string
// does not allocate.
//
// A boolean (a directory boolean, a comparison, Not, IsNull…) is a string
// spelled as Entra spells it, True or False, so every string function
// takes it as Entra's do, and it also keeps its boolean: conditions and
// boolean targets use that, so it is never parsed back from its spelling.
type value struct {
	kind   valueKind
	isBool bool
	b      bool
	s      string
	l      []string
}

var null = value{}

func str(s string) value { return value{kind: kindString, s: s} }

func list(l []string) value {
	if len(l) == 0 {
		return null
	}
	return value{kind: kindList, l: l}
}

func boolean(b bool) value {
	return value{kind: kindString, isBool: true, b: b, s: schema.FormatBool(b)}
}

// asBool is v as a boolean: its own when it is one, else its text read as
// True or False (a constant in the mapping). ok is false for anything else.
func (v value) asBool() (b, ok bool) {
	switch {
	case v.isBool:
		return v.b, true
	case v.kind == kindString:
		return schema.ParseBool(strings.TrimSpace(v.s))
	}
	return false, false
}

func (v value) isNull() bool { return v.kind == kindNull || v.kind == kindIgnore }

// empty reports null, "" or an empty list.
func (v value) empty() bool {
	switch v.kind {
	case kindString:
		return v.s == ""
	case kindList:
		return len(v.l) == 0
	}
	return true
}

// first is the single string a scalar context sees: the string itself, or
// a list's first value.
func (v value) first() string {
	switch v.kind {
	case kindString:
		return v.s
	case kindList:
		if len(v.l) > 0 {
			return v.l[0]
		}
	}
	return ""
}

// values is every string of v (none for null).
func (v value) values() []string {
	switch v.kind {
	case kindString:
		return []string{v.s}
	case kindList:
		return v.l
	}
	return nil
}

// truth interprets v as a condition: "True" (any case) or a non-zero
// number is true; everything else, null included, is false.
func (v value) truth() bool {
	if v.isBool {
		return v.b
	}
	s := strings.TrimSpace(v.first())
	if v.isNull() || s == "" {
		return false
	}
	if strings.EqualFold(s, "true") {
		return true
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		return f != 0
	}
	return false
}
