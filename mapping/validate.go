package mapping

import (
	"fmt"
	"sort"
	"strings"

	"github.com/slackprov/slackprov/schema"
)

// SourceIsSoftDeleted is the computed source attribute Entra defines: "True"
// when the user is unassigned, out of scope, soft-deleted or disabled. The
// engine supplies it; it is not a directory attribute.
const SourceIsSoftDeleted = "IsSoftDeleted"

// issue is one problem with a mapping entry. field names the YAML key it is
// about ("" for the entry itself) so the loader can point at that key; pos
// is the 1-based position inside an expression, when there is one.
type issue struct {
	index int
	field string
	pos   int
	msg   string
}

// objectKind describes what a list of attributes maps.
type objectKind struct {
	name     string // "users" or "groups"
	attrs    []schema.Attribute
	required []string
}

var (
	userKind  = objectKind{"users", userTargets, []string{schema.UserName, schema.WorkEmail}}
	groupKind = objectKind{"groups", groupTargets, []string{schema.DisplayName}}
)

// targets lists the kind's target paths, sorted.
func (k objectKind) targets() []string { return schema.Paths(k.attrs) }

// matchable lists the targets Slack can find an existing object of the kind by.
func (k objectKind) matchable() []string { return matchable(k.attrs) }

// checked is an attribute after validation: its canonical target and
// inferred type, and its parsed expression.
type checked struct {
	Attribute
	node *node
}

// validate checks a list of attributes and infers their types. An empty
// constant can't be inferred, so it needs Type: TypeConstant (the loader
// sets it when the file says value: "").
func validate(kind objectKind, attrs []Attribute) ([]checked, []issue) {
	v := &validator{kind: kind, seenTarget: map[string]int{}, seenMatch: map[int]int{}}
	out := make([]checked, len(attrs))
	for i, a := range attrs {
		c := checked{Attribute: a}
		v.target(i, &c)
		v.source(i, &c)
		v.when(i, &c)
		if c.node != nil {
			for _, msg := range uniqueRules(kind, c) {
				v.add(i, msg.field, msg.pos, "%s", msg.text)
			}
		}
		out[i] = c
	}
	for _, r := range kind.required {
		if _, ok := v.seenTarget[r]; !ok && (kind.name == userKind.name || len(attrs) > 0) {
			v.add(-1, "", 0, "%s must map %s: Slack requires it", kind.name, quote(r))
		}
	}
	if kind.name == userKind.name && len(v.seenMatch) == 0 && len(attrs) > 0 {
		v.add(-1, "", 0, "users need at least one matching attribute (match: 1 on userName or the work email) so existing Slack accounts are found instead of duplicated")
	}
	return out, v.issues
}

// validator collects the issues of one list of attributes, and what the
// entries seen so far have claimed: targets and match precedences.
type validator struct {
	kind       objectKind
	issues     []issue
	seenTarget map[string]int
	seenMatch  map[int]int
}

func (v *validator) add(i int, field string, pos int, format string, args ...any) {
	v.issues = append(v.issues, issue{i, field, pos, fmt.Sprintf(format, args...)})
}

// target resolves the entry's target to its canonical path, once per list.
func (v *validator) target(i int, c *checked) {
	a := c.Attribute
	if a.Target == "" {
		v.add(i, "", 0, "entry has no target")
		return
	}
	t, ok := canonicalTarget(a.Target, v.kind.attrs)
	if !ok {
		v.add(i, "target", 0, "%s", targetError(strings.TrimSuffix(v.kind.name, "s"), a.Target, v.kind.targets()))
		return
	}
	c.Target = t
	if j, dup := v.seenTarget[t]; dup {
		v.add(i, "target", 0, "target %s is already mapped by %s entry %d; map each target once", quote(t), v.kind.name, j+1)
	}
	v.seenTarget[t] = i
}

// source infers the entry's type and checks that it says where the value
// comes from in exactly the way the type needs, parsing its expression.
func (v *validator) source(i int, c *checked) {
	a := c.Attribute
	c.Type = inferType(a)
	switch c.Type {
	case "":
		set := setFields(a)
		if len(set) == 0 {
			v.add(i, "", 0, "entry for %s needs one of source, value or expression (or type: none with a default)", quote(a.Target))
		} else {
			v.add(i, set[1], 0, "entry for %s sets both %s and %s; give only one", quote(a.Target), set[0], set[1])
		}
	case TypeDirect, TypeConstant, TypeExpression, TypeNone:
		for _, f := range setFields(a) {
			if f != fieldFor(c.Type) {
				v.add(i, f, 0, "%s is not used by type %s; remove it or change the type", f, c.Type)
			}
		}
	default:
		v.add(i, "type", 0, "unknown type %q; use direct, constant, expression or none", a.Type)
	}
	switch c.Type {
	case TypeDirect:
		switch {
		case a.Source == "":
			v.add(i, "source", 0, "type direct needs a source attribute, e.g. source: mail")
		case strings.ContainsAny(a.Source, "[]()\""):
			v.add(i, "source", 0, "source %q must be a plain attribute name (write mail, not [mail]); use expression: for functions", a.Source)
		}
	case TypeExpression:
		if a.Expression == "" {
			v.add(i, "expression", 0, "type expression needs an expression")
			return
		}
		n, err := parseExpression(a.Expression)
		if err != nil {
			se := err.(*SyntaxError)
			v.add(i, "expression", se.Pos, "%s", se.Msg)
		}
		c.node = n
	case TypeNone:
		if a.Default == "" {
			v.add(i, "type", 0, "type none with no default does nothing; add a default or remove the entry")
		}
	}
}

// when checks when the entry flows (apply) and whether it finds existing
// objects (match).
func (v *validator) when(i int, c *checked) {
	a := c.Attribute
	switch a.Apply {
	case "":
		c.Apply = ApplyAlways
	case ApplyAlways, ApplyOnCreate:
	default:
		v.add(i, "apply", 0, "unknown apply %q; use always or on_create", a.Apply)
	}
	switch {
	case a.Match < 0:
		v.add(i, "match", 0, "match must be 0 (not matching) or a precedence of 1 or more, got %d", a.Match)
	case a.Match > 0:
		if c.Target != "" && !contains(v.kind.matchable(), c.Target) {
			v.add(i, "match", 0, "Slack can only find existing %s by %s, not %s", v.kind.name, orList(v.kind.matchable()), quote(c.Target))
		}
		if j, dup := v.seenMatch[a.Match]; dup {
			v.add(i, "match", 0, "match precedence %d is already used by %s entry %d; precedences must differ", a.Match, v.kind.name, j+1)
		}
		v.seenMatch[a.Match] = i
	}
}

func inferType(a Attribute) Type {
	if a.Type != "" {
		return a.Type
	}
	set := setFields(a)
	switch {
	case len(set) != 1:
		if len(set) == 0 && a.Default != "" {
			return TypeNone
		}
		return ""
	case set[0] == "source":
		return TypeDirect
	case set[0] == "value":
		return TypeConstant
	}
	return TypeExpression
}

func setFields(a Attribute) []string {
	var out []string
	if a.Source != "" {
		out = append(out, "source")
	}
	if a.Value != "" {
		out = append(out, "value")
	}
	if a.Expression != "" {
		out = append(out, "expression")
	}
	return out
}

func fieldFor(t Type) string {
	switch t {
	case TypeDirect:
		return "source"
	case TypeConstant:
		return "value"
	case TypeExpression:
		return "expression"
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func orList(items []string) string {
	q := make([]string, len(items))
	for i, s := range items {
		q[i] = quote(s)
	}
	sort.Strings(q)
	return strings.Join(q, " or ")
}

type ruleBreak struct {
	field string
	pos   int
	text  string
}

// uniqueRules are Entra's rules for SelectUniqueValue, adapted to Slack: the
// whole expression, only on create, never a matching attribute, and only for
// the attributes Slack keeps unique (userName, the work email), since those
// are the ones slackprov can check against every Slack account.
func uniqueRules(kind objectKind, c checked) []ruleBreak {
	var out []ruleBreak
	c.node.walk(func(n *node) {
		if n != c.node && n.kind == nodeCall && n.name == "SelectUniqueValue" {
			out = append(out, ruleBreak{"expression", n.pos, "SelectUniqueValue must be the whole expression, not inside another function"})
		}
	})
	if c.node.kind != nodeCall || c.node.name != "SelectUniqueValue" {
		return out
	}
	if kind.name != userKind.name || (c.Target != schema.UserName && c.Target != schema.WorkEmail) {
		out = append(out, ruleBreak{"target", 0, "SelectUniqueValue picks a value no Slack account has yet; Slack keeps only userName and the work email unique, so use it for one of those"})
	}
	if c.Apply != ApplyOnCreate {
		out = append(out, ruleBreak{"apply", 0, "SelectUniqueValue chooses a value when the account is created: set apply: on_create, as Entra requires"})
	}
	if c.Match > 0 {
		out = append(out, ruleBreak{"match", 0, "a SelectUniqueValue mapping cannot be a matching attribute (its value depends on who else exists); match on the work email instead"})
	}
	return out
}
