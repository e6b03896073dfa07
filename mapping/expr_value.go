package mapping

import (
	"strconv"
	"strings"
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
type value struct {
	kind valueKind
	s    string
	l    []string
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
	if b {
		return str("True")
	}
	return str("False")
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
