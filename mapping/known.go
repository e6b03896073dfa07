package mapping

import (
	"errors"
	"fmt"
	"strings"
)

// Known is the set of source attribute names a directory's objects carry,
// so a mapping that reads any other name — a typo that would silently send
// nothing — is caught when it is loaded.
type Known struct {
	Users, Groups []string
	// UserPrefixes accepts any user attribute starting with one of them: the
	// directory extensions of a tenant that could not be listed.
	UserPrefixes []string
}

// alwaysKnown are computed for every user whatever the source.
var alwaysKnown = []string{SourceIsSoftDeleted}

// CheckSources reports every source attribute the mapping reads that the
// directory does not have — in direct mappings, inside expressions and in
// scoping clauses — each at its place in the file and with the closest
// known name when there is one. It is nil when every name is known.
func (c *Compiled) CheckSources(k Known) error {
	var errs []error
	check := func(kind objectKind, known, prefixes []string, name, where string, line, col int) {
		if isKnown(name, known, prefixes) {
			return
		}
		msg := fmt.Sprintf("%s: unknown attribute %q", where, name)
		if s := closeMatches(name, known, 1); len(s) > 0 {
			msg += fmt.Sprintf(" — did you mean %q?", s[0])
		} else {
			msg += fmt.Sprintf("; the %s have none by that name", kind.name)
		}
		errs = append(errs, &PosError{File: c.file, Line: line, Column: col, Msg: msg})
	}
	users := append(append([]string(nil), k.Users...), alwaysKnown...)
	for _, side := range []struct {
		kind     objectKind
		attrs    []compiledAttr
		filters  []compiledFilter
		known    []string
		prefixes []string
	}{
		{userKind, c.users, c.userScope, users, k.UserPrefixes},
		{groupKind, c.groups, c.groupScope, k.Groups, nil},
	} {
		for i, a := range side.attrs {
			where := fmt.Sprintf("%s entry %d (%s)", side.kind.name, i+1, a.Target)
			if a.Type == TypeDirect {
				check(side.kind, side.known, side.prefixes, a.Source, where+": source", a.Line, a.Column)
			}
			if a.node != nil {
				a.node.walk(func(n *node) {
					if n.kind == nodeAttr {
						check(side.kind, side.known, side.prefixes, n.name, fmt.Sprintf("%s: expression position %d", where, n.pos), a.Line, a.Column)
					}
				})
			}
		}
		for fi, f := range side.filters {
			for ci, cl := range f.clauses {
				where := fmt.Sprintf("%s scope filter %d (%s) clause %d", strings.TrimSuffix(side.kind.name, "s"), fi+1, f.name, ci+1)
				check(side.kind, side.known, side.prefixes, cl.Attribute, where, cl.Line, cl.Column)
			}
		}
	}
	return errors.Join(errs...)
}

// File is the mapping file the mapping was compiled from; "" for the
// built-in defaults.
func (c *Compiled) File() string { return c.file }

func isKnown(name string, known, prefixes []string) bool {
	for _, k := range known {
		if k == name {
			return true
		}
	}
	for _, p := range prefixes {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}
