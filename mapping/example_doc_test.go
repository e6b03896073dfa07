package mapping

import (
	"os"
	"regexp"
	"testing"

	"github.com/slackprov/slackprov/schema"
)

// The full example in docs/mappings.md must load and evaluate.
func TestDocsExampleLoads(t *testing.T) {
	doc, err := os.ReadFile("../docs/mappings.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```yaml\n(.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("no yaml example in docs/mappings.md")
	}
	mp, err := Parse("docs/mappings.md", m[1])
	if err != nil {
		t.Fatal(err)
	}
	c := mustCompile(t, mp)
	r := c.EvalUser(ada(), true)
	if r.Values[schema.CostCenter] != "CC-0000" || r.Values[schema.UserType] != "Employee" || r.HasErrors() {
		t.Errorf("values %v problems %+v", r.Values, r.Problems)
	}
}

// The scoping example in docs/mappings.md must load and behave as described.
func TestDocsScopeExampleLoads(t *testing.T) {
	doc, err := os.ReadFile("../docs/mappings.md")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile("(?s)```yaml\n(scope:.*?)```").FindSubmatch(doc)
	if m == nil {
		t.Fatal("no scope: example in docs/mappings.md")
	}
	mp, err := Parse("docs/mappings.md", append([]byte(base), m[1]...))
	if err != nil {
		t.Fatal(err)
	}
	c := mustCompile(t, mp)
	if !c.UserInScope(user("userPrincipalName", "a@example.com", "accountEnabled", "True")) ||
		c.UserInScope(user("userPrincipalName", "a@example.org", "accountEnabled", "True")) ||
		!c.UserInScope(user("department", "Contractors", "employeeId", "5001")) ||
		!c.GroupInScope(user("displayName", "team-x")) {
		t.Error("the documented filters do not behave as documented")
	}
}
