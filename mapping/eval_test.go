package mapping

import (
	"reflect"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/schema"
)

func mustCompile(t testing.TB, m *Mapping) *Compiled {
	t.Helper()
	c, err := m.Compile()
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return c
}

func TestEvalUserDefaultCreate(t *testing.T) {
	c := mustCompile(t, Default())
	r := c.EvalUser(ada(), true)
	want := map[string]string{
		schema.UserName:       "ada.lovelace",
		schema.WorkEmail:      "ada@contoso.com",
		schema.DisplayName:    "Ada Lovelace",
		schema.GivenName:      "Ada",
		schema.FamilyName:     "Lovelace",
		schema.Title:          "Analyst",
		schema.Active:         "True",
		schema.MobilePhone:    "+44 20 7946 0000",
		schema.Department:     "Engines",
		schema.EmployeeNumber: "1815",
		schema.Manager:        "99999999-0000-0000-0000-000000000000",
		schema.ExternalID:     "11111111-2222-3333-4444-555555555555",
	}
	if !reflect.DeepEqual(r.Values, want) {
		t.Errorf("values\n got %v\nwant %v", r.Values, want)
	}
	if len(r.Problems) != 0 {
		t.Errorf("problems: %+v", r.Problems)
	}
}

func TestEvalUserUpdateOmitsOnCreate(t *testing.T) {
	c := mustCompile(t, Default())
	r := c.EvalUser(ada(), false)
	for _, target := range []string{schema.DisplayName, schema.ExternalID, schema.UserName} {
		if _, ok := r.Values[target]; ok {
			t.Errorf("update sent on_create target %s", target)
		}
	}
	if r.Values[schema.WorkEmail] != "ada@contoso.com" {
		t.Errorf("email = %q", r.Values[schema.WorkEmail])
	}
	if len(r.Problems) != 0 {
		t.Errorf("problems: %+v", r.Problems)
	}
}

func TestEvalUserSoftDeleted(t *testing.T) {
	c := mustCompile(t, Default())
	for _, tc := range []struct {
		soft string
		want string
		ok   bool
	}{
		{"True", "False", true},
		{"False", "True", true},
		{"", "", false}, // unknown: don't send active at all rather than deactivate
	} {
		o := ada()
		if tc.soft == "" {
			delete(o, "IsSoftDeleted")
		} else {
			o["IsSoftDeleted"] = []string{tc.soft}
		}
		got, ok := c.EvalUser(o, false).Values[schema.Active]
		if got != tc.want || ok != tc.ok {
			t.Errorf("IsSoftDeleted=%q: active = %q, %v; want %q, %v", tc.soft, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDefaultsOnlyOnCreate(t *testing.T) {
	m := Default()
	m.Users = append(m.Users, Attribute{Target: schema.Division, Source: "division", Default: "Unassigned"})
	c := mustCompile(t, m)
	if got := c.EvalUser(ada(), true).Values[schema.Division]; got != "Unassigned" {
		t.Errorf("create: division = %q, want default", got)
	}
	if got, ok := c.EvalUser(ada(), false).Values[schema.Division]; ok {
		t.Errorf("update: division = %q, want absent (defaults apply on create only)", got)
	}
	o := ada()
	o["division"] = []string{"R&D"}
	if got := c.EvalUser(o, true).Values[schema.Division]; got != "R&D" {
		t.Errorf("create with value: division = %q", got)
	}
}

func TestEvalUserTypes(t *testing.T) {
	m := Default()
	m.Users = append(m.Users,
		Attribute{Target: schema.UserType, Type: TypeConstant, Value: "Employee"},
		Attribute{Target: schema.CostCenter, Type: TypeNone, Default: "CC-0"},
		Attribute{Target: schema.NickName, Expression: `IgnoreFlowIfNullOrEmpty([nick])`, Default: "never"},
		Attribute{Target: schema.Locale, Source: "preferredLanguage"},
		Attribute{Target: schema.Organization, Source: "companies"},
	)
	c := mustCompile(t, m)
	o := ada()
	o["companies"] = []string{"Contoso", "Fabrikam"}
	r := c.EvalUser(o, true)
	if r.Values[schema.UserType] != "Employee" {
		t.Errorf("constant: %q", r.Values[schema.UserType])
	}
	if r.Values[schema.CostCenter] != "CC-0" {
		t.Errorf("none with default on create: %q", r.Values[schema.CostCenter])
	}
	if v, ok := r.Values[schema.NickName]; ok {
		t.Errorf("IgnoreFlowIfNullOrEmpty sent %q", v)
	}
	if v, ok := r.Values[schema.Locale]; ok {
		t.Errorf("null direct source sent %q", v)
	}
	if r.Values[schema.Organization] != "Contoso" {
		t.Errorf("multi-valued: %q", r.Values[schema.Organization])
	}
	if !hasProblem(r.Problems, schema.Organization, "multiple_values", SeverityWarning) {
		t.Errorf("no multiple_values warning: %+v", r.Problems)
	}
	if _, ok := c.EvalUser(o, false).Values[schema.CostCenter]; ok {
		t.Error("type none sent a value on update")
	}
}

func TestEvalUserExpressionFailure(t *testing.T) {
	m := Default()
	m.Users = append(m.Users, Attribute{Target: schema.NickName, Expression: `Mid([givenName], [start], 2)`})
	c := mustCompile(t, m)
	o := ada()
	o["start"] = []string{"zero"}
	r := c.EvalUser(o, true)
	if _, ok := r.Values[schema.NickName]; ok {
		t.Error("failed expression produced a value")
	}
	var found *Problem
	for i := range r.Problems {
		if r.Problems[i].Code == "expression_failed" {
			found = &r.Problems[i]
		}
	}
	if found == nil || found.Target != schema.NickName || !strings.Contains(found.Message, "position 1: Mid") {
		t.Errorf("problem = %+v", found)
	}
	if !r.HasErrors() {
		t.Error("HasErrors = false")
	}
}

func TestEvalUserChecksRun(t *testing.T) {
	m := Default()
	m.Users[0] = Attribute{Target: schema.UserName, Type: TypeExpression, Expression: "SlackUserName([userPrincipalName])", Apply: ApplyAlways}
	c := mustCompile(t, m)
	o := ada()
	o["userPrincipalName"] = []string{"bartholomew.featherstonehaugh@contoso.com"}
	delete(o, "mail")
	r := c.EvalUser(o, false)
	if !hasProblem(r.Problems, schema.UserName, "long_username", SeverityError) {
		t.Errorf("no long_username: %+v", r.Problems)
	}
	if !hasProblem(r.Problems, schema.WorkEmail, "email_empty", SeverityError) {
		t.Errorf("no email_empty: %+v", r.Problems)
	}
}

func TestEvalGroup(t *testing.T) {
	c := mustCompile(t, Default())
	g := user("id", "g-1", "displayName", "Engineering")
	if got := c.EvalGroup(g, true).Values; !reflect.DeepEqual(got, map[string]string{schema.DisplayName: "Engineering", schema.ExternalID: "g-1"}) {
		t.Errorf("create: %v", got)
	}
	if got := c.EvalGroup(g, false).Values; !reflect.DeepEqual(got, map[string]string{schema.DisplayName: "Engineering"}) {
		t.Errorf("update: %v", got)
	}
	r := c.EvalGroup(user("id", "g-2"), true)
	if !hasProblem(r.Problems, schema.DisplayName, "display_name_required", SeverityError) {
		t.Errorf("problems: %+v", r.Problems)
	}
}

func TestCompiledQueries(t *testing.T) {
	m := Default()
	m.Users = append(m.Users,
		Attribute{Target: schema.NickName, Expression: `Redact(Left([secret], 3))`},
		Attribute{Target: schema.Locale, Expression: `Guid()`, Apply: ApplyOnCreate},
	)
	c := mustCompile(t, m)
	if got, want := c.UserMatching(), []string{schema.WorkEmail}; !reflect.DeepEqual(got, want) {
		t.Errorf("UserMatching = %v, want %v", got, want)
	}
	if got, want := c.GroupMatching(), []string{schema.DisplayName}; !reflect.DeepEqual(got, want) {
		t.Errorf("GroupMatching = %v, want %v", got, want)
	}
	for target, want := range map[string]bool{schema.DisplayName: true, schema.ExternalID: true, schema.UserName: true, schema.Title: false, "nonsense": false} {
		if got := c.OnCreateOnly(target); got != want {
			t.Errorf("OnCreateOnly(%s) = %v", target, got)
		}
	}
	if !c.GroupOnCreateOnly(schema.ExternalID) || c.GroupOnCreateOnly(schema.DisplayName) {
		t.Error("GroupOnCreateOnly wrong")
	}
	if !c.Redacted(schema.NickName) || c.Redacted(schema.UserName) {
		t.Error("Redacted wrong")
	}
	if got := c.Volatile(); !reflect.DeepEqual(got, []string{schema.Locale}) {
		t.Errorf("Volatile = %v", got)
	}
	wantTargets := append(UserTargetPaths()[:0:0], schema.Active, schema.Department, schema.EmployeeNumber, schema.Manager,
		schema.WorkEmail, schema.ExternalID, schema.Locale, schema.FamilyName, schema.GivenName, schema.NickName, schema.MobilePhone, schema.Title, schema.UserName, schema.DisplayName)
	if got := c.UserTargets(); !reflect.DeepEqual(got, sortedCopy(wantTargets)) {
		t.Errorf("UserTargets = %v", got)
	}
	wantSources := []string{"department", "displayName", "employeeId", "givenName", "id", "jobTitle", "mail", "manager", "mobilePhone", "secret", "surname", "userPrincipalName"}
	if got := c.SourceAttributes(); !reflect.DeepEqual(got, wantSources) {
		t.Errorf("SourceAttributes = %v\nwant %v", got, wantSources)
	}
}

func hasProblem(ps []Problem, target, code, severity string) bool {
	for _, p := range ps {
		if p.Target == target && p.Code == code && p.Severity == severity {
			return true
		}
	}
	return false
}

func TestGroupsDisabledWithoutGroupEntries(t *testing.T) {
	m := Default()
	m.Groups = nil
	c := mustCompile(t, m)
	if c.GroupsEnabled() {
		t.Error("GroupsEnabled with no group entries")
	}
	if !mustCompile(t, Default()).GroupsEnabled() {
		t.Error("default mapping has groups disabled")
	}
}

// The engine evaluates users from several goroutines; run with -race.
func TestEvalConcurrent(t *testing.T) {
	c := mustCompile(t, Default())
	done := make(chan string)
	for i := range 8 {
		go func() {
			o := ada()
			o["userPrincipalName"] = []string{strings.Repeat("x", i+1) + "@contoso.com"}
			var got string
			for range 200 {
				got = c.EvalUser(o, true).Values[schema.UserName]
			}
			done <- got
		}()
	}
	seen := map[string]bool{}
	for range 8 {
		seen[<-done] = true
	}
	if len(seen) != 8 {
		t.Errorf("results mixed between goroutines: %v", seen)
	}
}

// The built-in userName fits Slack's 21 characters and says when it was
// shortened; the candidates after it are for names already taken.
func TestDefaultUserNameShortens(t *testing.T) {
	c := mustCompile(t, Default())
	o := ada()
	o["userPrincipalName"] = []string{"Bartholomew.Featherstonehaugh@contoso.com"}
	r := c.EvalUser(o, true)
	if r.Values[schema.UserName] != "bartholomew.featherst" || r.HasErrors() {
		t.Fatalf("userName %q, problems %+v", r.Values[schema.UserName], r.Problems)
	}
	if got := r.Notes[schema.UserName]; len(got) != 1 || !strings.Contains(got[0], `"bartholomew.featherstonehaugh" shortened to "bartholomew.featherst"`) {
		t.Errorf("notes %q", got)
	}
	r.Choose(schema.UserName, 1)
	if r.Values[schema.UserName] != "bartholomew.feather_2" {
		t.Errorf("second candidate %q", r.Values[schema.UserName])
	}
	if got := strings.Join(r.Notes[schema.UserName], "; "); !strings.Contains(got, "shortened to \"bartholomew.feather\"") || !strings.Contains(got, `"bartholomew.featherst" is taken, so "bartholomew.feather_2" was chosen`) {
		t.Errorf("notes %q", got)
	}
	short := c.EvalUser(ada(), true)
	if short.Values[schema.UserName] != "ada.lovelace" || len(short.Notes) != 0 {
		t.Errorf("short name: %q, notes %v", short.Values[schema.UserName], short.Notes)
	}
}
