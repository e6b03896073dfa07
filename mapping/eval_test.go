package mapping

import (
	"reflect"
	"strings"
	"testing"
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
		AttrUserName:       "ada.lovelace",
		AttrWorkEmail:      "ada@contoso.com",
		AttrDisplayName:    "Ada Lovelace",
		AttrGivenName:      "Ada",
		AttrFamilyName:     "Lovelace",
		AttrTitle:          "Analyst",
		AttrActive:         "True",
		AttrMobilePhone:    "+44 20 7946 0000",
		AttrDepartment:     "Engines",
		AttrEmployeeNumber: "1815",
		AttrManager:        "99999999-0000-0000-0000-000000000000",
		AttrExternalID:     "11111111-2222-3333-4444-555555555555",
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
	for _, target := range []string{AttrDisplayName, AttrExternalID, AttrUserName} {
		if _, ok := r.Values[target]; ok {
			t.Errorf("update sent on_create target %s", target)
		}
	}
	if r.Values[AttrWorkEmail] != "ada@contoso.com" {
		t.Errorf("email = %q", r.Values[AttrWorkEmail])
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
		got, ok := c.EvalUser(o, false).Values[AttrActive]
		if got != tc.want || ok != tc.ok {
			t.Errorf("IsSoftDeleted=%q: active = %q, %v; want %q, %v", tc.soft, got, ok, tc.want, tc.ok)
		}
	}
}

func TestDefaultsOnlyOnCreate(t *testing.T) {
	m := Default()
	m.Users = append(m.Users, Attribute{Target: AttrDivision, Source: "division", Default: "Unassigned"})
	c := mustCompile(t, m)
	if got := c.EvalUser(ada(), true).Values[AttrDivision]; got != "Unassigned" {
		t.Errorf("create: division = %q, want default", got)
	}
	if got, ok := c.EvalUser(ada(), false).Values[AttrDivision]; ok {
		t.Errorf("update: division = %q, want absent (defaults apply on create only)", got)
	}
	o := ada()
	o["division"] = []string{"R&D"}
	if got := c.EvalUser(o, true).Values[AttrDivision]; got != "R&D" {
		t.Errorf("create with value: division = %q", got)
	}
}

func TestEvalUserTypes(t *testing.T) {
	m := Default()
	m.Users = append(m.Users,
		Attribute{Target: AttrUserType, Type: TypeConstant, Value: "Employee"},
		Attribute{Target: AttrCostCenter, Type: TypeNone, Default: "CC-0"},
		Attribute{Target: AttrNickName, Expression: `IgnoreFlowIfNullOrEmpty([nick])`, Default: "never"},
		Attribute{Target: AttrLocale, Source: "preferredLanguage"},
		Attribute{Target: AttrOrganization, Source: "companies"},
	)
	c := mustCompile(t, m)
	o := ada()
	o["companies"] = []string{"Contoso", "Fabrikam"}
	r := c.EvalUser(o, true)
	if r.Values[AttrUserType] != "Employee" {
		t.Errorf("constant: %q", r.Values[AttrUserType])
	}
	if r.Values[AttrCostCenter] != "CC-0" {
		t.Errorf("none with default on create: %q", r.Values[AttrCostCenter])
	}
	if v, ok := r.Values[AttrNickName]; ok {
		t.Errorf("IgnoreFlowIfNullOrEmpty sent %q", v)
	}
	if v, ok := r.Values[AttrLocale]; ok {
		t.Errorf("null direct source sent %q", v)
	}
	if r.Values[AttrOrganization] != "Contoso" {
		t.Errorf("multi-valued: %q", r.Values[AttrOrganization])
	}
	if !hasProblem(r.Problems, AttrOrganization, "multiple_values", SeverityWarning) {
		t.Errorf("no multiple_values warning: %+v", r.Problems)
	}
	if _, ok := c.EvalUser(o, false).Values[AttrCostCenter]; ok {
		t.Error("type none sent a value on update")
	}
}

func TestEvalUserExpressionFailure(t *testing.T) {
	m := Default()
	m.Users = append(m.Users, Attribute{Target: AttrNickName, Expression: `Mid([givenName], [start], 2)`})
	c := mustCompile(t, m)
	o := ada()
	o["start"] = []string{"zero"}
	r := c.EvalUser(o, true)
	if _, ok := r.Values[AttrNickName]; ok {
		t.Error("failed expression produced a value")
	}
	var found *Problem
	for i := range r.Problems {
		if r.Problems[i].Code == "expression_failed" {
			found = &r.Problems[i]
		}
	}
	if found == nil || found.Target != AttrNickName || !strings.Contains(found.Message, "position 1: Mid") {
		t.Errorf("problem = %+v", found)
	}
	if !r.HasErrors() {
		t.Error("HasErrors = false")
	}
}

func TestEvalUserChecksRun(t *testing.T) {
	m := Default()
	m.Users[0] = Attribute{Target: AttrUserName, Type: TypeExpression, Expression: "SlackUserName([userPrincipalName])", Apply: ApplyAlways}
	c := mustCompile(t, m)
	o := ada()
	o["userPrincipalName"] = []string{"bartholomew.featherstonehaugh@contoso.com"}
	delete(o, "mail")
	r := c.EvalUser(o, false)
	if !hasProblem(r.Problems, AttrUserName, "long_username", SeverityError) {
		t.Errorf("no long_username: %+v", r.Problems)
	}
	if !hasProblem(r.Problems, AttrWorkEmail, "email_empty", SeverityError) {
		t.Errorf("no email_empty: %+v", r.Problems)
	}
}

func TestEvalGroup(t *testing.T) {
	c := mustCompile(t, Default())
	g := user("id", "g-1", "displayName", "Engineering")
	if got := c.EvalGroup(g, true).Values; !reflect.DeepEqual(got, map[string]string{AttrDisplayName: "Engineering", AttrExternalID: "g-1"}) {
		t.Errorf("create: %v", got)
	}
	if got := c.EvalGroup(g, false).Values; !reflect.DeepEqual(got, map[string]string{AttrDisplayName: "Engineering"}) {
		t.Errorf("update: %v", got)
	}
	r := c.EvalGroup(user("id", "g-2"), true)
	if !hasProblem(r.Problems, AttrDisplayName, "display_name_required", SeverityError) {
		t.Errorf("problems: %+v", r.Problems)
	}
}

func TestCompiledQueries(t *testing.T) {
	m := Default()
	m.Users = append(m.Users,
		Attribute{Target: AttrNickName, Expression: `Redact(Left([secret], 3))`},
		Attribute{Target: AttrLocale, Expression: `Guid()`, Apply: ApplyOnCreate},
	)
	c := mustCompile(t, m)
	if got, want := c.UserMatching(), []string{AttrWorkEmail}; !reflect.DeepEqual(got, want) {
		t.Errorf("UserMatching = %v, want %v", got, want)
	}
	if got, want := c.GroupMatching(), []string{AttrDisplayName}; !reflect.DeepEqual(got, want) {
		t.Errorf("GroupMatching = %v, want %v", got, want)
	}
	for target, want := range map[string]bool{AttrDisplayName: true, AttrExternalID: true, AttrUserName: true, AttrTitle: false, "nonsense": false} {
		if got := c.OnCreateOnly(target); got != want {
			t.Errorf("OnCreateOnly(%s) = %v", target, got)
		}
	}
	if !c.GroupOnCreateOnly(AttrExternalID) || c.GroupOnCreateOnly(AttrDisplayName) {
		t.Error("GroupOnCreateOnly wrong")
	}
	if !c.Redacted(AttrNickName) || c.Redacted(AttrUserName) {
		t.Error("Redacted wrong")
	}
	if got := c.Volatile(); !reflect.DeepEqual(got, []string{AttrLocale}) {
		t.Errorf("Volatile = %v", got)
	}
	wantTargets := append(UserTargetPaths()[:0:0], AttrActive, AttrDepartment, AttrEmployeeNumber, AttrManager,
		AttrWorkEmail, AttrExternalID, AttrLocale, AttrFamilyName, AttrGivenName, AttrNickName, AttrMobilePhone, AttrTitle, AttrUserName, AttrDisplayName)
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
				got = c.EvalUser(o, true).Values[AttrUserName]
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
	if r.Values[AttrUserName] != "bartholomew.featherst" || r.HasErrors() {
		t.Fatalf("userName %q, problems %+v", r.Values[AttrUserName], r.Problems)
	}
	if got := r.Notes[AttrUserName]; len(got) != 1 || !strings.Contains(got[0], `"bartholomew.featherstonehaugh" shortened to "bartholomew.featherst"`) {
		t.Errorf("notes %q", got)
	}
	r.Choose(AttrUserName, 1)
	if r.Values[AttrUserName] != "bartholomew.feather_2" {
		t.Errorf("second candidate %q", r.Values[AttrUserName])
	}
	if got := strings.Join(r.Notes[AttrUserName], "; "); !strings.Contains(got, "shortened to \"bartholomew.feather\"") || !strings.Contains(got, `"bartholomew.featherst" is taken, so "bartholomew.feather_2" was chosen`) {
		t.Errorf("notes %q", got)
	}
	short := c.EvalUser(ada(), true)
	if short.Values[AttrUserName] != "ada.lovelace" || len(short.Notes) != 0 {
		t.Errorf("short name: %q, notes %v", short.Values[AttrUserName], short.Notes)
	}
}
