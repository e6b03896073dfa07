package mapping

import (
	"strings"
	"testing"
)

func TestRedactor(t *testing.T) {
	r := NewRedactor([]string{AttrWorkEmail, AttrTitle, AttrTitle})
	long := strings.Repeat("secret ", 20)
	vals := map[string]string{AttrWorkEmail: "ada\"x@contoso.com", AttrTitle: long, AttrUserName: "ada", AttrDepartment: ""}

	if got := r.Targets(); len(got) != 2 || !r.Redacted(AttrTitle) || r.Redacted(AttrUserName) {
		t.Errorf("targets %v", got)
	}
	if r.Value(AttrTitle, "") != "" || r.Value(AttrTitle, "x") != RedactedValue || r.Value(AttrUserName, "ada") != "ada" {
		t.Error("Value: an empty value must stay empty, a redacted one hidden, others shown")
	}
	shownVals := r.Values(vals)
	if shownVals[AttrWorkEmail] != RedactedValue || shownVals[AttrUserName] != "ada" || vals[AttrWorkEmail] == RedactedValue {
		t.Errorf("Values = %v (and must not change its argument)", shownVals)
	}
	for _, msg := range []string{
		"%q is not an email address",        // quoted, with an escaped quote
		"value %s is 140 characters",        // cut short by shown()
		"bare %s in a sentence",             // as it is
		"title value %s contains emoji ...", // the check messages' own form
	} {
		for _, v := range []string{vals[AttrWorkEmail], long} {
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
		if m.Users[i].Target == AttrWorkEmail {
			m.Users[i] = Attribute{Target: AttrWorkEmail, Type: TypeExpression, Expression: "Redact([mail])", Match: 1, Apply: ApplyAlways}
		}
		if m.Users[i].Target == AttrTitle {
			m.Users[i] = Attribute{Target: AttrTitle, Type: TypeExpression, Expression: "Redact([jobTitle])", Apply: ApplyAlways}
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
