package mapping

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// show renders a value for table tests: null, ignore, "text" or ["a" "b"].
func show(v value) string {
	switch v.kind {
	case kindNull:
		return "null"
	case kindIgnore:
		return "ignore"
	case kindList:
		return fmt.Sprintf("%q", v.l)
	}
	return fmt.Sprintf("%q", v.s)
}

var fixedNow = time.Date(2024, 3, 9, 14, 5, 7, 0, time.UTC)

// evalExpr parses and evaluates src against o with a fixed clock.
func evalExpr(t *testing.T, src string, o Object) (value, error) {
	t.Helper()
	n, err := parseExpression(src)
	if err != nil {
		t.Fatalf("parse %s: %v", src, err)
	}
	e := &evaluator{obj: o, now: func() time.Time { return fixedNow }, rand: strings.NewReader(strings.Repeat("\x01\x23\x45\x67\x89\xab\xcd\xef", 512))}
	return e.eval(n)
}

// sample is the object most expression tests read.
var sample = obj{
	"givenName":  {"Ada"},
	"surname":    {"Lovelace"},
	"upn":        {"Ada.Lovelace@contoso.com"},
	"empty":      {""},
	"spaces":     {"  padded  "},
	"proxy":      {"SMTP:ada@contoso.com", "smtp:ada@fabrikam.com", "smtp:ada@contoso.com"},
	"dups":       {"a", "b", "a", "c", "b"},
	"accented":   {"Zoë Ærø Łódź Straße"},
	"flags":      {"12"},
	"n3":         {"3"},
	"soft":       {"True"},
	"country":    {"DE"},
	"emojiName":  {"Zoë😀"},
	"employeeId": {"000123"},
}

type exprCase struct {
	expr string
	want string // as rendered by show
}

func runExprCases(t *testing.T, cases []exprCase) {
	t.Helper()
	for _, tc := range cases {
		v, err := evalExpr(t, tc.expr, sample)
		if err != nil {
			t.Errorf("%s: unexpected error %v", tc.expr, err)
			continue
		}
		if got := show(v); got != tc.want {
			t.Errorf("%s = %s, want %s", tc.expr, got, tc.want)
		}
	}
}

func TestExpressionBasics(t *testing.T) {
	runExprCases(t, []exprCase{
		{`[givenName]`, `"Ada"`},
		{`[missing]`, `null`},
		{`[proxy]`, `["SMTP:ada@contoso.com" "smtp:ada@fabrikam.com" "smtp:ada@contoso.com"]`},
		{`"plain"`, `"plain"`},
		{`"Company name: \"Contoso\""`, `"Company name: \"Contoso\""`},
		{`"back\\slash"`, `"back\\slash"`},
		{`"\d kept"`, `"\\d kept"`},
		{`42`, `"42"`},
		{`-1.5`, `"-1.5"`},
		{`&HF`, `"15"`},
		{`&hff`, `"255"`},
		{`vbTextCompare`, `"vbTextCompare"`},
		{`  toupper ( [givenName] )  `, `"ADA"`},
		{`TOLOWER([givenName])`, `"ada"`},
		{`[givenName] = "Ada"`, `"True"`},
		{`[givenName] <> "Ada"`, `"False"`},
		{`[n3] > 10`, `"False"`},
		{`[n3] < 10`, `"True"`},
		{`"b" > "a"`, `"True"`},
		{`[n3] >= 3`, `"True"`},
		{`[n3] <= 2`, `"False"`},
		{`[missing] = ""`, `"True"`},
	})
}

func TestParseErrorsExpression(t *testing.T) {
	tests := []struct{ src, want string }{
		{``, `position 1: expression is empty`},
		{`   `, `position 1: expression is empty`},
		{`Left([a], 2`, `position 1: Left( is missing its closing )`},
		{`Left([a] 2)`, `position 10: expected , or ) in the arguments of Left, found '2'`},
		{`[a`, `position 1: attribute name is missing its closing ]`},
		{`[]`, `position 1: empty attribute name []`},
		{`"open`, `position 1: string is missing its closing "`},
		{`Foo([a])`, `position 1: unknown function Foo`},
		{`ToUper([a])`, `position 1: unknown function ToUper; did you mean ToUpper`},
		{`Join(" ", Lft([a], 1))`, `position 11: unknown function Lft`},
		{`givenName`, `position 1: unexpected name givenName: attribute names go in square brackets, e.g. [givenName]`},
		{`Left([a], 2) extra`, `position 14: unexpected 'e' after the end of the expression`},
		{`Left([a])`, `position 1: Left takes 2 arguments, got 1`},
		{`Mid([a], 1, 2, 3)`, `position 1: Mid takes 2 to 3 arguments, got 4`},
		{`Coalesce()`, `position 1: Coalesce takes at least 1 arguments, got 0`},
		{`Left(, 2)`, `position 6: argument 1 of Left can't be left empty`},
		{`Left([a], "x")`, `position 11: argument 2 of Left must be a whole number, got "x"`},
		{`Switch([a], "d", "k")`, `position 18: Switch takes a source, a default, then keys and values in pairs`},
		{`Switch([a], "d", , "v")`, `position 18: Switch key 1 is empty`},
		{`&Hzz`, `position 1: &H must be followed by hexadecimal digits`},
		{`1.2.3`, `position 1: "1.2.3" is not a number`},
		{`[a] =`, `position 5: comparison = needs a value on its right`},
		{`ToLower([a], "not a culture!")`, `position 14: culture "not a culture!" is not a language tag`},
		{`InStr([a], "x", 1, vbSomething)`, `position 20: unexpected name vbSomething`},
		{`InStr([a], "x", 1, "fuzzy")`, `position 20: compare type must be vbBinaryCompare or vbTextCompare`},
		{`Replace([a], "x", "y", , "z", , )`, `position 1: Replace takes either oldValue (argument 2) or regexPattern (argument 3), not both`},
		{`Replace([a], , "(", , "z", , )`, `position 16: regexPattern "(" is not a valid regular expression`},
		{`Replace([a], , "(?<x>a)", "y", , [b], )`, `position 27: regexPattern has no group named "y"`},
		{`Replace([a], "x", , , , , )`, `needs replacementValue (argument 5) or template (argument 7)`},
		{`AppRoleAssignmentsComplex([appRoleAssignments])`, `AppRoleAssignmentsComplex is not supported by slackprov: Slack app roles`},
		{`SelectUniqueValue([a])`, `SelectUniqueValue takes at least 2 arguments`},
		{`Ω`, `position 1: unexpected name Ω`},
		{`Left("é€", 1) +`, `position 15: unexpected '+'`},
		{`(`, `position 1: expected a value`},
	}
	for _, tc := range tests {
		_, err := parseExpression(tc.src)
		if err == nil {
			t.Errorf("%s: no error, want %q", tc.src, tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\n got %v\nwant %s", tc.src, err, tc.want)
		}
	}
	long := `"` + strings.Repeat("x", MaxExpressionLength) + `"`
	if _, err := parseExpression(long); err == nil || !strings.Contains(err.Error(), "at most 10000") {
		t.Errorf("long expression: %v", err)
	}
}

func TestFunctionNamesAllKnown(t *testing.T) {
	for _, name := range FunctionNames() {
		f, err := lookupFunction(strings.ToUpper(name))
		if err != nil {
			if !strings.Contains(err.Error(), "not supported") {
				t.Errorf("%s: %v", name, err)
			}
			continue
		}
		if f.call == nil {
			t.Errorf("%s has no implementation", name)
		}
	}
}

func TestEvalExpressionAPI(t *testing.T) {
	o := obj{"a": {"x"}, "e": {""}, "m": {"p", "q"}}
	tests := []struct {
		expr                 string
		values               []string
		list, flow, redacted bool
	}{
		{`[a]`, []string{"x"}, false, true, false},
		{`[missing]`, nil, false, false, false},
		{`[e]`, []string{""}, false, true, false},
		{`IgnoreFlowIfNullOrEmpty([e])`, nil, false, false, false},
		{`[m]`, []string{"p", "q"}, true, true, false},
		{`Redact(Append([a], "!"))`, []string{"x!"}, false, true, true},
	}
	for _, tt := range tests {
		r, err := EvalExpression(tt.expr, o)
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		if fmt.Sprint(r.Values) != fmt.Sprint(tt.values) || (r.Values == nil) != (tt.values == nil) || r.List != tt.list || r.Flow != tt.flow || r.Redacted != tt.redacted {
			t.Errorf("%s = %+v", tt.expr, r)
		}
	}
	if _, err := EvalExpression(`Left([a]`, o); err == nil || !strings.Contains(err.Error(), "position 1") {
		t.Errorf("syntax error = %v", err)
	}
}
