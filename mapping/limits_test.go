package mapping

import (
	"strings"
	"testing"

	"github.com/slackprov/slackprov/schema"
)

func TestNestingLimit(t *testing.T) {
	ok := strings.Repeat("Trim(", MaxExpressionDepth) + "[a]" + strings.Repeat(")", MaxExpressionDepth)
	if _, err := parseExpression(ok); err != nil {
		t.Errorf("%d nested calls refused: %v", MaxExpressionDepth, err)
	}
	deep := "Trim(" + ok + ")"
	_, err := parseExpression(deep)
	if err == nil || !strings.Contains(err.Error(), "nested more than 64 deep") {
		t.Errorf("%d nested calls: error %v", MaxExpressionDepth+1, err)
	}
}

func TestResultSizeLimits(t *testing.T) {
	big := obj{"a": {strings.Repeat("a", 2000)}, "commas": {strings.Repeat(",", 2000)}, "b": {strings.Repeat("b", 3000)}}
	tests := []struct {
		expr string
		fail bool
	}{
		{`Replace([a], "a", , , "aaaaaaaa", , )`, false},                                          // 16,000 bytes
		{`Replace([a], "a", , , "aaaaaaaaa", , )`, true},                                          // 18,000 bytes
		{`Replace(Left([a], 100), "x", , , , , Replace(Left([a], 500), "a", , , "x", , ))`, true}, // template: 500 × 100
		{`Replace([a], , "a", , "$0$0$0$0$0$0$0$0$0", , )`, true},
		{`Replace([a], , "a", , "$0$0", , )`, false},
		{`Replace([a], , "(?<g>a)", "g", "bbbbbbbbbbbbbbbbbbbbbbbbbbbb", , )`, true},
		{`Join("", [b], [b], [b], [b], [b])`, false},
		{`Join("", [b], [b], [b], [b], [b], [b])`, true},
		{`Split([commas], ",")`, true},
		{`Count(Split(Left([commas], 1000), ","))`, false},
		{`Append([b], [b])`, false},
		{`Append(Append([b], [b]), Append(Append([b], [b]), Append([b], [b])))`, true},
	}
	for _, tt := range tests {
		_, err := evalExpr(t, tt.expr, big)
		if (err != nil) != tt.fail {
			t.Errorf("%s: error %v, want failure %v", tt.expr, err, tt.fail)
		}
		if err != nil && !strings.Contains(err.Error(), "at most") {
			t.Errorf("%s: error %v does not name the limit", tt.expr, err)
		}
	}
}

func TestOversizedResultFailsOneUser(t *testing.T) {
	m := Default()
	m.Users = append(m.Users, Attribute{Target: schema.NickName, Type: TypeExpression, Expression: `Replace([givenName], "A", , , Join("", [surname], [surname], [surname], [surname], [surname], [surname], [surname], [surname], [surname], [surname], [surname], [surname]), , )`})
	c := mustCompile(t, m)
	o := ada()
	o["givenName"] = []string{strings.Repeat("A", 200)}
	r := c.EvalUser(o, true)
	if !hasProblem(r.Problems, schema.NickName, "expression_failed", SeverityError) {
		t.Errorf("problems = %+v, want expression_failed on nickName", r.Problems)
	}
	if r.Values[schema.WorkEmail] != "ada@contoso.com" {
		t.Error("the other attributes must still be mapped")
	}
}
