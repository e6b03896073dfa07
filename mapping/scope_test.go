package mapping

import (
	"reflect"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/schema"
)

func TestClauseOperators(t *testing.T) {
	tests := []struct {
		op    Operator
		value string
		attr  []string // nil: attribute absent
		want  bool
	}{
		{OpEquals, "Sales", []string{"Sales"}, true},
		{OpEquals, "Sales", []string{"sales"}, false},
		{OpEquals, "", []string{""}, false},
		{OpEquals, "Sales", nil, false},
		{OpNotEquals, "Sales", []string{"Ops"}, true},
		{OpNotEquals, "Sales", []string{"Sales"}, false},
		{OpNotEquals, "Sales", []string{"sales"}, true},
		{OpNotEquals, "Sales", nil, false},
		{OpNotEquals, "Sales", []string{""}, false},
		{OpIsTrue, "", []string{"True"}, true},
		{OpIsTrue, "", []string{"true"}, true},
		{OpIsTrue, "", []string{"False"}, false},
		{OpIsTrue, "", []string{"yes"}, false},
		{OpIsTrue, "", nil, false},
		{OpIsFalse, "", []string{"False"}, true},
		{OpIsFalse, "", []string{"True"}, false},
		{OpIsFalse, "", nil, false},
		{OpIsNull, "", nil, true},
		{OpIsNull, "", []string{""}, true},
		{OpIsNull, "", []string{"x"}, false},
		{OpIsNotNull, "", []string{"x"}, true},
		{OpIsNotNull, "", []string{""}, false},
		{OpIsNotNull, "", nil, false},
		{OpIsNotNull, "", []string{"a", "b"}, true},
		{OpRegexMatch, `.*@contoso\.com$`, []string{"ada@contoso.com"}, true},
		{OpRegexMatch, `.*@contoso\.com$`, []string{"ada@fabrikam.com"}, false},
		{OpRegexMatch, `(1[0-9]{6})`, []string{"ID-1234567"}, true},
		{OpRegexMatch, `^a`, []string{"A"}, false},
		{OpRegexMatch, `.*`, nil, false},
		{OpNotRegexMatch, `@contoso\.com$`, []string{"ada@fabrikam.com"}, true},
		{OpNotRegexMatch, `@contoso\.com$`, []string{"ada@contoso.com"}, false},
		{OpNotRegexMatch, `x`, nil, false},
		{OpNotRegexMatch, `x`, []string{""}, false},
		{OpGreaterThan, "10", []string{"11"}, true},
		{OpGreaterThan, "10", []string{"10"}, false},
		{OpGreaterThan, "10", []string{"9"}, false},
		{OpGreaterThan, "10", []string{"eleven"}, false},
		{OpGreaterThan, "10", []string{"10.5"}, false},
		{OpGreaterThan, "-5", []string{"-4"}, true},
		{OpGreaterThanOrEquals, "10", []string{"10"}, true},
		{OpGreaterThanOrEquals, "10", []string{" 10 "}, true},
		{OpGreaterThanOrEquals, "10", []string{"9"}, false},
		{OpLessThan, "10", []string{"9"}, true},
		{OpLessThan, "10", []string{"10"}, false},
		{OpLessThanOrEquals, "10", []string{"10"}, true},
		{OpLessThanOrEquals, "10", []string{"11"}, false},
		{OpLessThanOrEquals, "10", nil, false},
		{OpIncludes, "ales", []string{"Sales"}, true},
		{OpIncludes, "ALES", []string{"Sales"}, false},
		{OpIncludes, "x", nil, false},
		{OpEndsWith, "@contoso.com", []string{"a@contoso.com"}, true},
		{OpEndsWith, "@contoso.com", []string{"a@contoso.com.evil"}, false},
		{OpIn, "Sales,Support", []string{"Sales"}, true},
		{OpIn, "Sales,Support", []string{"Ops"}, false},
		{OpIn, "2", []string{"514"}, true},
		{OpIn, "2", []string{"512"}, false},
		{OpNotIn, "Sales,Support", []string{"Ops"}, true},
		{OpNotIn, "Sales,Support", []string{"Sales"}, false},
		{OpNotIn, "Sales", nil, false},
		{OpEquals, "Sales", []string{"Sales", "Ops"}, false},
		{OpNotEquals, "x", []string{"Sales", "Ops"}, false},
		{OpEquals, "Ünïcødé", []string{"Ünïcødé"}, true},
	}
	for _, tt := range tests {
		o := obj{}
		if tt.attr != nil {
			o["a"] = tt.attr
		}
		c := compileScope(t, []Filter{{Name: "f", Clauses: []Clause{{Attribute: "a", Operator: tt.op, Value: tt.value}}}})
		if got := c.UserInScope(o); got != tt.want {
			t.Errorf("%q %s %q on %q = %v, want %v", "a", tt.op, tt.value, tt.attr, got, tt.want)
		}
	}
}

func compileScope(t *testing.T, filters []Filter) *Compiled {
	t.Helper()
	m := Default()
	m.UserScope = filters
	m.GroupScope = filters
	c, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestScopeAndWithinOrAcross(t *testing.T) {
	c := compileScope(t, []Filter{
		{Name: "Sales in Europe", Clauses: []Clause{
			{Attribute: "department", Operator: OpEquals, Value: "Sales"},
			{Attribute: "country", Operator: OpEquals, Value: "DE"},
		}},
		{Name: "Contractors", Clauses: []Clause{{Attribute: "employeeType", Operator: OpEquals, Value: "Contractor"}}},
	})
	tests := []struct {
		o    obj
		want bool
	}{
		{user("department", "Sales", "country", "DE"), true},
		{user("department", "Sales", "country", "US"), false},
		{user("department", "Sales"), false},
		{user("employeeType", "Contractor"), true},
		{user("department", "Ops", "employeeType", "Contractor"), true},
		{user(), false},
	}
	for _, tt := range tests {
		if got := c.UserInScope(tt.o); got != tt.want {
			t.Errorf("UserInScope(%v) = %v, want %v", tt.o, got, tt.want)
		}
		if got := c.GroupInScope(tt.o); got != tt.want {
			t.Errorf("GroupInScope(%v) = %v, want %v", tt.o, got, tt.want)
		}
	}
	r := c.ExplainUserScope(user("department", "Sales", "country", "US"))
	if len(r) != 2 || r[0].Holds || !r[0].Clauses[0].Holds || r[0].Clauses[1].Holds || r[0].Clauses[1].Actual != "US" || !r[1].Clauses[0].Null {
		t.Errorf("ExplainUserScope = %+v", r)
	}
}

func TestNoFiltersMeansEverythingInScope(t *testing.T) {
	c := mustCompile(t, Default())
	if !c.UserInScope(user()) || !c.GroupInScope(user()) || c.HasUserScope() || c.HasGroupScope() {
		t.Error("a mapping without filters must keep everything in scope")
	}
	if len(c.ExplainUserScope(user())) != 0 {
		t.Error("no filters, nothing to explain")
	}
}

func TestParseOperatorSpellings(t *testing.T) {
	for in, want := range map[string]Operator{
		"EQUALS": OpEquals, "equals": OpEquals, "NOT EQUALS": OpNotEquals, "NOT_EQUALS": OpNotEquals,
		"ISNOTNULL": OpIsNotNull, "Is Not Null": OpIsNotNull, "IS_NULL": OpIsNull, "REGEXMATCH": OpRegexMatch,
		"GREATER_THAN": OpGreaterThan, "Greater_Than_OR_EQUALS": OpGreaterThanOrEquals, "includes": OpIncludes,
		"ENDS_WITH": OpEndsWith, "&": OpIn, "!&": OpNotIn, "less_than_or_equals": OpLessThanOrEquals,
	} {
		if got, ok := ParseOperator(in); !ok || got != want {
			t.Errorf("ParseOperator(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := ParseOperator("STARTS_SOMEHOW"); ok {
		t.Error("unknown operator accepted")
	}
}

const scopeYAML = base + `scope:
  users:
    - name: Sales only
      clauses:
        - attribute: department
          operator: equals
          value: Sales
        - attribute: accountEnabled
          operator: IS TRUE
    - name: Big ids
      clauses:
        - attribute: employeeId
          operator: Greater_Than
          value: 1000
  groups:
    - name: Teams
      clauses:
        - attribute: displayName
          operator: REGEX MATCH
          value: ^team-
`

func TestParseScope(t *testing.T) {
	m, err := Parse("s.yaml", []byte(scopeYAML))
	if err != nil {
		t.Fatal(err)
	}
	want := []Filter{
		{Name: "Sales only", Line: 10, Column: 7, Clauses: []Clause{
			{Attribute: "department", Operator: OpEquals, Value: "Sales", Line: 12, Column: 11},
			{Attribute: "accountEnabled", Operator: OpIsTrue, Line: 15, Column: 11},
		}},
		{Name: "Big ids", Line: 17, Column: 7, Clauses: []Clause{
			{Attribute: "employeeId", Operator: OpGreaterThan, Value: "1000", Line: 19, Column: 11},
		}},
	}
	if !reflect.DeepEqual(m.UserScope, want) {
		t.Errorf("UserScope = %+v\nwant %+v", m.UserScope, want)
	}
	c := mustCompile(t, m)
	if !c.UserInScope(user("department", "Sales", "accountEnabled", "True")) || c.UserInScope(user("department", "Sales", "accountEnabled", "False")) {
		t.Error("first filter not applied")
	}
	if !c.UserInScope(user("employeeId", "1001")) || !c.GroupInScope(user("displayName", "team-a")) || c.GroupInScope(user("displayName", "a-team")) {
		t.Error("second filter or group filter not applied")
	}
	data, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	again, err := Parse("again.yaml", data)
	if err != nil {
		t.Fatalf("%v\n%s", err, data)
	}
	strip := func(fs []Filter) []Filter {
		out := make([]Filter, len(fs))
		for i, f := range fs {
			f.Line, f.Column = 0, 0
			f.Clauses = append([]Clause(nil), f.Clauses...)
			for j := range f.Clauses {
				f.Clauses[j].Line, f.Clauses[j].Column = 0, 0
			}
			out[i] = f
		}
		return out
	}
	if !reflect.DeepEqual(strip(again.UserScope), strip(m.UserScope)) || !reflect.DeepEqual(strip(again.GroupScope), strip(m.GroupScope)) {
		t.Errorf("scope changed in a round trip:\n%s", data)
	}
}

func TestScopeErrors(t *testing.T) {
	tests := []struct {
		scope, want string
	}{
		{"scope:\n  users:\n    - name: x\n      clauses:\n        - attribute: department\n          operator: SIMILAR\n          value: a\n",
			`s.yaml:13:21: unknown operator "SIMILAR"`},
		{"scope:\n  users:\n    - name: x\n      clauses:\n        - attribute: employeeId\n          operator: Greater_Than\n          value: ten\n",
			`s.yaml:14:18: operator Greater_Than compares whole numbers; value "ten" is not one`},
		{"scope:\n  users:\n    - name: x\n      clauses:\n        - attribute: mail\n          operator: REGEX MATCH\n          value: (?=x)\n",
			`s.yaml:14:18: value "(?=x)" is not a valid regular expression`},
		{"scope:\n  users:\n    - name: x\n      clauses:\n        - attribute: manager\n          operator: IS NOT NULL\n",
			`s.yaml:12:22: attribute "manager" can't be used in a scope filter`},
		{"scope:\n  users:\n    - name: x\n      clauses:\n        - attribute: mail\n          operator: IS NULL\n          value: a\n",
			`s.yaml:14:18: operator IS NULL takes no value`},
		{"scope:\n  users:\n    - name: empty\n      clauses: []\n",
			`s.yaml:11:16: user scope filter "empty" has no clauses`},
		{"scope:\n  users:\n    - name: x\n      clauses:\n        - operator: IS NULL\n",
			`s.yaml:12:11: clause has no attribute`},
		{"scope:\n  people: []\n", `s.yaml:9:3: unknown scope key "people"`},
		{"scope:\n  users:\n    - name: x\n      clause: []\n", `s.yaml:11:7: unknown filter key "clause"; did you mean "clauses"?`},
		{"scope:\n  users:\n    - name: x\n      clauses:\n        - attribute: a\n          operator: EQUALS\n          values: [a]\n",
			`s.yaml:14:11: unknown clause key "values"; did you mean "value"?`},
	}
	for _, tt := range tests {
		_, err := Parse("s.yaml", []byte(base+tt.scope))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) error = %v, want %q", tt.scope, err, tt.want)
		}
	}
}

func TestCompileScopeErrorNamesClause(t *testing.T) {
	m := Default()
	m.File = "m.yaml"
	m.UserScope = []Filter{{Name: "f", Line: 3, Column: 5, Clauses: []Clause{{Attribute: "x", Operator: "NOPE", Line: 4, Column: 7}}}}
	_, err := m.Compile()
	if err == nil || !strings.Contains(err.Error(), `m.yaml:4:7: user scope filter 1 (f) clause 1: unknown operator "NOPE"`) {
		t.Errorf("Compile error = %v", err)
	}
}

func TestSoftDeletedWrapper(t *testing.T) {
	c := mustCompile(t, Default())
	r := c.EvalUser(SoftDeleted(ada()), false)
	if r.Values[schema.Active] != "False" {
		t.Errorf("active = %q for an out-of-scope user, want False", r.Values[schema.Active])
	}
	if r.Values[schema.WorkEmail] != "ada@contoso.com" {
		t.Error("other attributes must read through")
	}
}
