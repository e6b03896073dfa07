package mapping

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/slackprov/slackprov/schema"
)

// Operator is a scoping-filter operator, spelled as Entra's portal shows it.
type Operator string

// The operators of Entra's scoping filters (reference §4). Less_Than and
// Less_Than_OR_EQUALS are slackprov additions for symmetry.
const (
	OpEquals              Operator = "EQUALS"
	OpNotEquals           Operator = "NOT EQUALS"
	OpIsTrue              Operator = "IS TRUE"
	OpIsFalse             Operator = "IS FALSE"
	OpIsNull              Operator = "IS NULL"
	OpIsNotNull           Operator = "IS NOT NULL"
	OpRegexMatch          Operator = "REGEX MATCH"
	OpNotRegexMatch       Operator = "NOT REGEX MATCH"
	OpGreaterThan         Operator = "Greater_Than"
	OpGreaterThanOrEquals Operator = "Greater_Than_OR_EQUALS"
	OpLessThan            Operator = "Less_Than"
	OpLessThanOrEquals    Operator = "Less_Than_OR_EQUALS"
	OpIncludes            Operator = "Includes"
	OpEndsWith            Operator = "ENDS_WITH"
	OpIn                  Operator = "&"
	OpNotIn               Operator = "!&"
)

// Operators lists every operator in the order the docs describe them.
func Operators() []Operator {
	return []Operator{OpEquals, OpNotEquals, OpIsTrue, OpIsFalse, OpIsNull, OpIsNotNull,
		OpRegexMatch, OpNotRegexMatch, OpGreaterThan, OpGreaterThanOrEquals, OpLessThan,
		OpLessThanOrEquals, OpIncludes, OpEndsWith, OpIn, OpNotIn}
}

// operatorKey folds case, spaces and underscores away, so the spellings an
// Entra export may use (ISNOTNULL, IS_NOT_NULL, "Is Not Null") all resolve:
// Microsoft documents only EQUALS's exported spelling.
func operatorKey(s string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '_' || r == '-' {
			return -1
		}
		if r >= 'a' && r <= 'z' {
			return r - 'a' + 'A'
		}
		return r
	}, s)
}

var operatorsByKey = func() map[string]Operator {
	m := map[string]Operator{}
	for _, op := range Operators() {
		m[operatorKey(string(op))] = op
	}
	m["NOTEQUAL"] = OpNotEquals
	m["EQUAL"] = OpEquals
	m["CONTAINS"] = OpIncludes
	m["ENDSWITH"] = OpEndsWith
	return m
}()

// ParseOperator resolves an operator name in any of its spellings.
func ParseOperator(s string) (Operator, bool) {
	op, ok := operatorsByKey[operatorKey(strings.TrimSpace(s))]
	return op, ok
}

// unary operators take no value.
func (op Operator) unary() bool {
	switch op {
	case OpIsTrue, OpIsFalse, OpIsNull, OpIsNotNull:
		return true
	}
	return false
}

func (op Operator) numeric() bool {
	switch op {
	case OpGreaterThan, OpGreaterThanOrEquals, OpLessThan, OpLessThanOrEquals:
		return true
	}
	return false
}

// Clause is one test of a scoping filter: attribute, operator, value.
type Clause struct {
	Attribute string
	Operator  Operator
	// Value is the operand; unary operators (IS TRUE, IS NULL, ...) have none.
	Value        string
	Line, Column int
}

// Filter is a named set of clauses that must all hold (AND). An object is
// in scope when any filter holds (OR), or when there are no filters.
type Filter struct {
	Name         string
	Clauses      []Clause
	Line, Column int
}

// scopeUnfilterable are source attributes a filter can't use, with why.
// Entra refuses the same ones (reference §4), except userType.
var scopeUnfilterable = map[string]string{
	"manager":            "manager is a reference to another user; Entra can't filter on it either",
	"appRoleAssignments": "app role assignments can't be filtered (Entra refuses them too)",
	"members":            "group members can't be filtered (Entra refuses them too)",
	"IsMemberOf":         "IsMemberOf is not supported by Entra's filters either; assign the group to the app instead",
	SourceIsSoftDeleted:  "IsSoftDeleted is computed partly from the scope itself; filter on accountEnabled instead",
}

// compiledClause is a clause ready to evaluate.
type compiledClause struct {
	Clause
	re  *regexp.Regexp
	num int64
}

type compiledFilter struct {
	name    string
	clauses []compiledClause
}

// filterIssue is a problem with one clause (clause >= 0) or filter.
type filterIssue struct {
	filter, clause int
	field          string
	msg            string
}

// compileFilters checks filters and prepares them; issues say what is wrong.
func compileFilters(kind objectKind, filters []Filter) ([]compiledFilter, []filterIssue) {
	var issues []filterIssue
	out := make([]compiledFilter, 0, len(filters))
	for fi, f := range filters {
		cf := compiledFilter{name: f.Name}
		if len(f.Clauses) == 0 {
			issues = append(issues, filterIssue{fi, -1, "clauses", fmt.Sprintf("%s scope filter %q has no clauses; add at least one (attribute, operator, value)", strings.TrimSuffix(kind.name, "s"), f.Name)})
		}
		for ci, c := range f.Clauses {
			add := func(field, format string, args ...any) {
				issues = append(issues, filterIssue{fi, ci, field, fmt.Sprintf(format, args...)})
			}
			cc := compiledClause{Clause: c}
			switch {
			case c.Attribute == "":
				add("attribute", "clause has no attribute; name the source attribute it tests, e.g. attribute: department")
			case strings.ContainsAny(c.Attribute, "[]()\""):
				add("attribute", "attribute %q must be a plain attribute name (write department, not [department])", c.Attribute)
			case scopeUnfilterable[c.Attribute] != "":
				add("attribute", "attribute %q can't be used in a scope filter: %s", c.Attribute, scopeUnfilterable[c.Attribute])
			}
			op, ok := ParseOperator(string(c.Operator))
			if !ok {
				add("operator", "unknown operator %q; use one of %s", c.Operator, operatorList())
				cf.clauses = append(cf.clauses, cc)
				continue
			}
			cc.Operator = op
			switch {
			case op.unary():
				if c.Value != "" {
					add("value", "operator %s takes no value; remove value: %q", op, c.Value)
				}
			case op.numeric():
				n, err := strconv.ParseInt(strings.TrimSpace(c.Value), 10, 64)
				if err != nil {
					add("value", "operator %s compares whole numbers; value %q is not one", op, c.Value)
				}
				cc.num = n
			case op == OpRegexMatch || op == OpNotRegexMatch:
				re, err := regexp.Compile(c.Value)
				if err != nil {
					add("value", "value %q is not a valid regular expression (lookarounds and backreferences are not supported): %v", c.Value, err)
				}
				cc.re = re
			}
			cf.clauses = append(cf.clauses, cc)
		}
		out = append(out, cf)
	}
	return out, issues
}

func operatorList() string {
	ops := Operators()
	s := make([]string, len(ops))
	for i, op := range ops {
		s[i] = string(op)
	}
	return strings.Join(s, ", ")
}

// UserInScope reports whether a directory user passes the user scope
// filters: true when there are none. An out-of-scope user is treated like
// a disabled one (deactivated through the normal plan and safety checks).
func (c *Compiled) UserInScope(o Object) bool { return inScope(c.userScope, o) }

// GroupInScope reports whether a directory group passes the group scope
// filters: true when there are none.
func (c *Compiled) GroupInScope(o Object) bool { return inScope(c.groupScope, o) }

// HasUserScope reports whether any user scope filter is set.
func (c *Compiled) HasUserScope() bool { return len(c.userScope) > 0 }

// HasGroupScope reports whether any group scope filter is set.
func (c *Compiled) HasGroupScope() bool { return len(c.groupScope) > 0 }

func inScope(filters []compiledFilter, o Object) bool {
	if len(filters) == 0 {
		return true
	}
	for i := range filters {
		if filters[i].holds(o) {
			return true
		}
	}
	return false
}

func (f *compiledFilter) holds(o Object) bool {
	for i := range f.clauses {
		if !f.clauses[i].holds(o) {
			return false
		}
	}
	return true
}

// ClauseResult is how one clause judged an object, for explanations.
type ClauseResult struct {
	Clause
	// Actual is the attribute's value ("" when null); Null says it was null.
	Actual string
	Null   bool
	Holds  bool
}

// FilterResult is how one filter judged an object.
type FilterResult struct {
	Name    string
	Clauses []ClauseResult
	Holds   bool
}

// ExplainUserScope evaluates every user filter and clause against o, so a
// preview can say which clause kept a user out. It is empty when there are
// no filters.
func (c *Compiled) ExplainUserScope(o Object) []FilterResult { return explain(c.userScope, o) }

// ExplainGroupScope is ExplainUserScope for groups.
func (c *Compiled) ExplainGroupScope(o Object) []FilterResult { return explain(c.groupScope, o) }

func explain(filters []compiledFilter, o Object) []FilterResult {
	out := make([]FilterResult, len(filters))
	for i, f := range filters {
		r := FilterResult{Name: f.name, Holds: true}
		for _, c := range f.clauses {
			v, multi, ok := scopeValue(o, c.Attribute)
			holds := c.holds(o)
			if multi {
				v = strings.Join(attrList(o, c.Attribute), ", ")
			}
			r.Clauses = append(r.Clauses, ClauseResult{Clause: c.Clause, Actual: v, Null: !ok, Holds: holds})
			r.Holds = r.Holds && holds
		}
		out[i] = r
	}
	return out
}

func attrList(o Object, name string) []string {
	vals, _ := o.Attr(name)
	return vals
}

// scopeValue reads a single-valued attribute; multi reports a list, which
// filters can't test (reference §4).
func scopeValue(o Object, name string) (v string, multi, ok bool) {
	if sv, fast := o.(SingleValued); fast {
		if s, single, present := sv.AttrString(name); single {
			return s, false, present && s != ""
		}
	}
	vals, present := o.Attr(name)
	switch {
	case !present || len(vals) == 0:
		return "", false, false
	case len(vals) > 1:
		return "", true, true
	}
	return vals[0], false, vals[0] != ""
}

// holds evaluates the clause. As in Entra, a null or empty attribute fails
// every clause except IS NULL (so NOT EQUALS and NOT REGEX MATCH are false
// for it too), and multi-valued attributes fail every clause except
// IS NOT NULL.
func (c *compiledClause) holds(o Object) bool {
	v, multi, ok := scopeValue(o, c.Attribute)
	switch c.Operator {
	case OpIsNull:
		return !ok
	case OpIsNotNull:
		return ok
	}
	if !ok || multi {
		return false
	}
	switch c.Operator {
	case OpEquals:
		return v == c.Value
	case OpNotEquals:
		return v != c.Value
	case OpIsTrue:
		return strings.EqualFold(strings.TrimSpace(v), "true")
	case OpIsFalse:
		return strings.EqualFold(strings.TrimSpace(v), "false")
	case OpRegexMatch:
		return c.re.MatchString(v)
	case OpNotRegexMatch:
		return !c.re.MatchString(v)
	case OpIncludes:
		return strings.Contains(v, c.Value)
	case OpEndsWith:
		return strings.HasSuffix(v, c.Value)
	case OpIn, OpNotIn:
		return c.bitsOrContained(v) == (c.Operator == OpIn)
	}
	n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	if err != nil {
		return false
	}
	switch c.Operator {
	case OpGreaterThan:
		return n > c.num
	case OpGreaterThanOrEquals:
		return n >= c.num
	case OpLessThan:
		return n < c.num
	case OpLessThanOrEquals:
		return n <= c.num
	}
	return false
}

// bitsOrContained is the & operator. Microsoft describes it only as "the
// evaluated attribute exists in the input string value": with two whole
// numbers it is read as a bitwise AND (flags such as userAccountControl),
// otherwise as "the attribute's value occurs within the filter's value".
func (c *compiledClause) bitsOrContained(v string) bool {
	a, errA := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
	b, errB := strconv.ParseInt(strings.TrimSpace(c.Value), 10, 64)
	if errA == nil && errB == nil {
		return a&b != 0
	}
	return strings.Contains(c.Value, v)
}

// softDeleted presents an object with IsSoftDeleted forced to "True".
type softDeleted struct{ Object }

func (s softDeleted) Attr(name string) ([]string, bool) {
	if name == SourceIsSoftDeleted {
		return []string{schema.True}, true
	}
	return s.Object.Attr(name)
}

func (s softDeleted) AttrBool(name string) (value, isBool bool) {
	if name == SourceIsSoftDeleted {
		return true, true
	}
	if bv, ok := s.Object.(BoolValued); ok {
		return bv.AttrBool(name)
	}
	return false, false
}

// SoftDeleted wraps o so that its computed IsSoftDeleted reads "True", as
// Entra computes it for a user who fails the scoping filters; the mapping's
// active expression then yields False.
func SoftDeleted(o Object) Object { return softDeleted{o} }
