package tui

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/slackprov/slackprov/mapping"
)

// problem is one thing wrong with the mapping being edited.
type problem struct {
	entry int // index in its list, -1 for the list as a whole
	msg   string
	pos   int // 1-based position inside the expression, 0 if none
}

var (
	entryPrefix = regexp.MustCompile(`^(users|groups) entry (\d+) \([^)]*\): `)
	exprPos     = regexp.MustCompile(`^expression position (\d+): `)
)

// listProblems compiles one list the way a save would and returns its
// problems, each tied to the entry it concerns. mapping.Compile reports
// "users entry N (target): ..." messages; they are split back apart here so
// the editor can show each next to its row and expression column.
//
// With known, source attributes the directory does not have are problems
// too, each with the closest name it has.
func listProblems(groups bool, attrs []mapping.Attribute, known *mapping.Known) []problem {
	m := &mapping.Mapping{Version: mapping.Version}
	kind := "users"
	if groups {
		m.Groups, kind = attrs, "groups"
	} else {
		m.Users = attrs
	}
	c, err := m.Compile()
	if err == nil && known != nil {
		err = c.CheckSources(*known)
	}
	var out []problem
	for _, e := range flatten(err) {
		var pe *mapping.PosError
		if !errors.As(e, &pe) {
			out = append(out, problem{entry: -1, msg: e.Error()})
			continue
		}
		p := problem{entry: -1, msg: pe.Msg}
		if sm := entryPrefix.FindStringSubmatch(pe.Msg); sm != nil {
			if sm[1] != kind {
				continue
			}
			n, _ := strconv.Atoi(sm[2])
			p.entry, p.msg = n-1, pe.Msg[len(sm[0]):]
		} else if rest, ok := strings.CutPrefix(pe.Msg, kind+": "); ok {
			p.msg = rest
		} else {
			continue
		}
		if sm := exprPos.FindStringSubmatch(p.msg); sm != nil {
			p.pos, _ = strconv.Atoi(sm[1])
			p.msg = p.msg[len(sm[0]):]
		}
		out = append(out, p)
	}
	return out
}

// entryProblems are the problems of entry i alone.
func entryProblems(groups bool, attrs []mapping.Attribute, i int, known *mapping.Known) []problem {
	var out []problem
	for _, p := range listProblems(groups, attrs, known) {
		if p.entry == i {
			out = append(out, p)
		}
	}
	return out
}

// expressionProblem parses one expression on its own and returns where it
// is wrong, or nil when it parses.
func expressionProblem(expr string, known *mapping.Known) *problem {
	// The work email completes a mapping that compiles, so the attribute
	// names are checked too; a constant reads no attribute of its own.
	attrs := []mapping.Attribute{
		{Target: mapping.AttrUserName, Type: mapping.TypeExpression, Expression: expr, Match: 1},
		{Target: mapping.AttrWorkEmail, Type: mapping.TypeConstant, Value: "check@example.com"},
	}
	for _, p := range entryProblems(false, attrs, 0, known) {
		return &p
	}
	return nil
}

func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

func (p problem) String() string {
	if p.pos > 0 {
		return fmt.Sprintf("position %d: %s", p.pos, p.msg)
	}
	return p.msg
}
