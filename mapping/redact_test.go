package mapping

import (
	"strings"
	"testing"

	"github.com/slackprov/slackprov/schema"
)

func TestRedactor(t *testing.T) {
	r := NewRedactor([]string{schema.WorkEmail, schema.Title, schema.Title})
	long := strings.Repeat("secret ", 20)
	vals := map[string]string{schema.WorkEmail: "ada\"x@contoso.com", schema.Title: long, schema.UserName: "ada", schema.Department: ""}

	if got := r.Targets(); len(got) != 2 || !r.Redacted(schema.Title) || r.Redacted(schema.UserName) {
		t.Errorf("targets %v", got)
	}
	if r.Value(schema.Title, "") != "" || r.Value(schema.Title, "x") != RedactedValue || r.Value(schema.UserName, "ada") != "ada" {
		t.Error("Value: an empty value must stay empty, a redacted one hidden, others shown")
	}
	shownVals := r.Values(vals)
	if shownVals[schema.WorkEmail] != RedactedValue || shownVals[schema.UserName] != "ada" || vals[schema.WorkEmail] == RedactedValue {
		t.Errorf("Values = %v (and must not change its argument)", shownVals)
	}
	for _, msg := range []string{
		"%q is not an email address",        // quoted, with an escaped quote
		"value %s is 140 characters",        // cut short by shown()
		"bare %s in a sentence",             // as it is
		"title value %s contains emoji ...", // the check messages' own form
	} {
		for _, v := range []string{vals[schema.WorkEmail], long} {
			var text string
			switch {
			case strings.Contains(msg, "%q"):
				text = strings.Replace(msg, "%q", `"`+strings.ReplaceAll(v, `"`, `\"`)+`"`, 1)
			case strings.Contains(msg, "140"):
				text = strings.Replace(msg, "%s", shown(v), 1)
			default:
				text = strings.Replace(msg, "%s", v, 1)
			}
			got := r.Text(text, vals)
			if strings.Contains(got, "secret") || strings.Contains(got, "contoso") || !strings.Contains(got, RedactedValue) {
				t.Errorf("Text(%q) = %q", text, got)
			}
		}
	}
	if got := r.Text("userName ada is taken", vals); got != "userName ada is taken" {
		t.Errorf("a value that is not redacted was changed: %q", got)
	}
	ps := r.Problems([]Problem{{Message: `"ada\"x@contoso.com" is not an email address`}}, vals)
	if ps[0].Message != RedactedValue+" is not an email address" {
		t.Errorf("Problems: %q", ps[0].Message)
	}
}

// A check that fails on a Redact()ed value says so without quoting it.
func TestEvalUserRedactsCheckMessages(t *testing.T) {
	m := Default()
	for i := range m.Users {
		if m.Users[i].Target == schema.WorkEmail {
			m.Users[i] = Attribute{Target: schema.WorkEmail, Type: TypeExpression, Expression: "Redact([mail])", Match: 1, Apply: ApplyAlways}
		}
		if m.Users[i].Target == schema.Title {
			m.Users[i] = Attribute{Target: schema.Title, Type: TypeExpression, Expression: "Redact([jobTitle])", Apply: ApplyAlways}
		}
	}
	c, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	res := c.EvalUser(obj{"userPrincipalName": {"ada@contoso.com"}, "mail": {"hidden-at-nowhere"}, "jobTitle": {"Top\x00Secret"}, "surname": {"L"}}, true)
	if len(res.Problems) != 2 {
		t.Fatalf("problems %+v", res.Problems)
	}
	for _, p := range res.Problems {
		if strings.Contains(p.Message, "hidden") || strings.Contains(p.Message, "Secret") || !strings.Contains(p.Message, RedactedValue) {
			t.Errorf("%s: %q", p.Code, p.Message)
		}
	}
}

// The compiled mapping's redactor also hides the sources a redacted target
// reads, and names new users by directory id once userNames are hidden.
func TestRedactorSourcesAndNames(t *testing.T) {
	m := &Mapping{Version: Version, Users: []Attribute{
		{Target: schema.UserName, Type: TypeExpression, Expression: `Redact([userPrincipalName])`},
		{Target: schema.WorkEmail, Type: TypeDirect, Source: "mail", Match: 1},
		{Target: schema.Title, Type: TypeExpression, Expression: `Redact(Join(" ", [jobTitle], [department]))`},
	}}
	c, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	r := c.Redactor()
	for name, want := range map[string]bool{"userPrincipalName": true, "jobTitle": true, "department": true, "mail": false} {
		if got := r.HidesSource(name); got != want {
			t.Errorf("HidesSource(%s) = %v, want %v", name, got, want)
		}
	}
	for _, target := range r.Targets() {
		for _, s := range c.UserTargetSources(target) {
			if !r.HidesSource(s) {
				t.Errorf("%s feeds the redacted %s but is not hidden", s, target)
			}
		}
	}
	if got := r.Name("ada", "u-1"); got != "u-1" {
		t.Errorf("Name with userName redacted = %q, want the directory id", got)
	}
	if got := NewRedactor(nil).Name("ada", "u-1"); got != "ada" {
		t.Errorf("Name = %q, want the userName", got)
	}
	res, err := EvalExpression(`Redact([mail])`, user("mail", "a@x.io"))
	if err != nil || len(res.Shown()) != 1 || res.Shown()[0] != RedactedValue || res.Values[0] != "a@x.io" {
		t.Errorf("ExprResult.Shown = %v (values %v, %v)", res.Shown(), res.Values, err)
	}
}
