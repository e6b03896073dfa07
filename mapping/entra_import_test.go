package mapping

import (
	"os"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/schema"
)

func TestImportEntraSlackFixture(t *testing.T) {
	data, err := os.ReadFile("testdata/entra-slack-schema.json")
	if err != nil {
		t.Fatal(err)
	}
	m, lost, err := ImportEntraSchema(data)
	if err != nil {
		t.Fatalf("import: %v (lost %q)", err, lost)
	}
	byTarget := map[string]Attribute{}
	for _, a := range m.Users {
		byTarget[a.Target] = a
	}
	want := map[string]Attribute{
		schema.Active:      {Type: TypeExpression, Expression: `Switch([IsSoftDeleted], , "False", "True", "True", "False")`, Apply: ApplyAlways},
		schema.UserName:    {Type: TypeExpression, Expression: `Left(ToLower(NormalizeDiacritics(Item(Split([userPrincipalName], "@"), 1))), 21)`, Apply: ApplyAlways, Match: 2},
		schema.WorkEmail:   {Type: TypeDirect, Source: "mail", Apply: ApplyAlways, Match: 1},
		schema.DisplayName: {Type: TypeExpression, Expression: `Join(" ", [givenName], [surname])`, Apply: ApplyOnCreate},
		schema.Title:       {Type: TypeExpression, Expression: `PCase([jobTitle])`, Apply: ApplyAlways, Default: "Team member"},
		schema.UserType:    {Type: TypeConstant, Value: "Employee", Apply: ApplyAlways},
		schema.Department:  {Type: TypeExpression, Expression: `Switch([department], [department], "R&D", "Research", "", "Unassigned")`, Apply: ApplyAlways},
		schema.ExternalID:  {Type: TypeDirect, Source: "objectId", Apply: ApplyOnCreate},
		schema.Manager:     {Type: TypeDirect, Source: "manager", Apply: ApplyAlways},
	}
	for target, w := range want {
		w.Target = target
		if got := byTarget[target]; got != w {
			t.Errorf("%s imported as %+v, want %+v", target, got, w)
		}
	}
	if len(m.Users) != 14 {
		t.Errorf("imported %d user attributes, want 14: %+v", len(m.Users), m.Users)
	}
	if a := m.Users[13]; a.Target != schema.Locality || a.Source != "city" {
		t.Errorf("the untyped address was imported as %+v", a)
	}
	if len(m.Groups) != 2 || m.Groups[0].Target != schema.DisplayName || m.Groups[0].Match != 1 {
		t.Errorf("groups = %+v", m.Groups)
	}
	// The export has Delete unticked for users and group sync set to No.
	if m.UserSwitches != (Switches{NoDelete: true}) || m.GroupSwitches != (Switches{Disabled: true}) {
		t.Errorf("switches: users %+v, groups %+v", m.UserSwitches, m.GroupSwitches)
	}
	if len(m.UserScope) != 2 || m.UserScope[0].Clauses[1].Operator != OpIsTrue || m.UserScope[1].Clauses[1].Value != "5000" {
		t.Errorf("user scope = %+v", m.UserScope)
	}
	wantLost := []string{
		`user attribute "roles": expression AppRoleAssignmentsComplex([appRoleAssignments]) can't be used: AppRoleAssignmentsComplex is not supported`,
		`user attribute "urn:scim:schemas:extension:contoso:1.0.badgeNumber": Slack has no such user attribute; skipped`,
	}
	if len(lost) != len(wantLost) {
		t.Errorf("lost %d parts, want %d:\n%s", len(lost), len(wantLost), strings.Join(lost, "\n"))
	}
	for i, w := range wantLost {
		if i < len(lost) && !strings.Contains(lost[i], w) {
			t.Errorf("lost[%d] = %q, want it to say %q", i, lost[i], w)
		}
	}

	c := mustCompile(t, m)
	u := user("userPrincipalName", "Zoë.Lindqvist@example.com", "mail", "zoe@example.com", "givenName", "Zoë",
		"surname", "Lindqvist", "jobTitle", "data engineer", "department", "R&D", "mobile", "+46 70 000 00 00",
		"accountEnabled", "True", "IsSoftDeleted", "False", "objectId", "u-1")
	r := c.EvalUser(u, true)
	for target, v := range map[string]string{
		schema.UserName: "zoe.lindqvist", schema.DisplayName: "Zoë Lindqvist", schema.Title: "Data Engineer",
		schema.Department: "Research", schema.UserType: "Employee", schema.Active: "True", schema.ExternalID: "u-1",
	} {
		if r.Values[target] != v {
			t.Errorf("%s = %q, want %q", target, r.Values[target], v)
		}
	}
	if !c.Redacted(schema.MobilePhone) {
		t.Error("the Redact() on the mobile phone must carry over")
	}
	if !c.UserInScope(u) || c.UserInScope(user("userPrincipalName", "x@elsewhere.org", "accountEnabled", "True")) ||
		!c.UserInScope(user("department", "Contractors", "employeeId", "5001")) {
		t.Error("imported scope filters do not behave as in Entra")
	}
}

// entraExport wraps user attribute mappings (JSON) in a minimal export.
func entraExport(userMappings string, extra ...string) []byte {
	om := `{"name":"Users","sourceObjectName":"User","targetObjectName":"User","attributeMappings":[` + userMappings + `]` + strings.Join(extra, "") + `}`
	return []byte(`{"synchronizationRules":[{"objectMappings":[` + om + `]}]}`)
}

const (
	upnMatch   = `{"targetAttributeName":"userName","source":{"expression":"[userPrincipalName]","name":"userPrincipalName","type":"Attribute"},"matchingPriority":1}`
	mailDirect = `{"targetAttributeName":"emails[type eq \"work\"].value","source":{"expression":"[mail]","name":"mail","type":"Attribute"}}`
)

func TestImportEntraCases(t *testing.T) {
	tests := []struct {
		name     string
		data     []byte
		check    func(*Mapping) bool
		wantLost []string
	}{
		{"default only is a constant",
			entraExport(upnMatch + "," + mailDirect + `,{"targetAttributeName":"timezone","source":null,"defaultValue":"Europe/Berlin"}`),
			func(m *Mapping) bool {
				a := m.Users[2]
				return a.Type == TypeConstant && a.Value == "Europe/Berlin" && a.Default == ""
			}, nil},
		{"function without expression is rebuilt",
			entraExport(upnMatch + "," + mailDirect + `,{"targetAttributeName":"nickName","source":{"name":"Append","type":"Function","parameters":[
				{"key":"source","value":{"name":"givenName","type":"Attribute"}},{"key":"suffix","value":{"name":"-x","type":"Constant"}}]}}`),
			func(m *Mapping) bool { return m.Users[2].Expression == `Append([givenName], "-x")` }, nil},
		{"attribute add only becomes on_create",
			entraExport(upnMatch + "," + mailDirect + `,{"targetAttributeName":"title","source":{"name":"jobTitle","type":"Attribute"},"flowType":"AttributeAddOnly","flowBehavior":"FlowAlways"}`),
			func(m *Mapping) bool { return m.Users[2].Apply == ApplyOnCreate },
			[]string{"flowType AttributeAddOnly", "flowBehavior FlowAlways"}},
		{"matching on an unmatchable target is dropped",
			entraExport(upnMatch + "," + mailDirect + `,{"targetAttributeName":"externalId","source":{"name":"objectId","type":"Attribute"},"matchingPriority":2}`),
			func(m *Mapping) bool { return m.Users[2].Match == 0 && m.Users[0].Match == 1 },
			[]string{`user attribute "externalId": matching on it (priority 2) is dropped`}},
		{"missing required targets get defaults and a matching attribute",
			entraExport(`{"targetAttributeName":"title","source":{"name":"jobTitle","type":"Attribute"}}`),
			func(m *Mapping) bool {
				return len(m.Users) == 3 && m.Users[1].Target == schema.UserName && m.Users[2].Target == schema.WorkEmail && m.Users[2].Match == 1
			},
			[]string{`does not map "userName"`, `does not map "emails[type eq \"work\"].value"`, "is now the matching attribute"}},
		{"a filter with an unknown operator is dropped whole",
			entraExport(upnMatch+","+mailDirect, `,"scope":{"groups":[
				{"name":"keep","clauses":[{"sourceOperandName":"department","operatorName":"EQUALS","targetOperand":{"values":["Sales"]}}]},
				{"name":"drop","clauses":[{"sourceOperandName":"department","operatorName":"SOUNDS_LIKE","targetOperand":{"values":["Sails"]}}]},
				{"name":"multi","clauses":[{"sourceOperandName":"department","operatorName":"EQUALS","targetOperand":{"values":["A","B"]}}]},
				{"name":"manager","clauses":[{"sourceOperandName":"manager","operatorName":"IS NOT NULL"}]}],
				"inputFilterGroups":[{"name":"early","clauses":[]}]}`),
			func(m *Mapping) bool { return len(m.UserScope) == 1 && m.UserScope[0].Name == "keep" },
			[]string{"experimental", `"drop": operator "SOUNDS_LIKE"`, `"multi": clause department EQUALS has 2 values`, `"manager": attribute "manager" can't be used`}},
		{"a disabled group mapping leaves groups alone",
			[]byte(`{"synchronizationRules":[{"objectMappings":[
				{"name":"U","sourceObjectName":"User","attributeMappings":[` + upnMatch + "," + mailDirect + `]},
				{"name":"G","enabled":false,"sourceObjectName":"Group","attributeMappings":[{"targetAttributeName":"displayName","source":{"name":"displayName","type":"Attribute"},"matchingPriority":1}]},
				{"name":"C","sourceObjectName":"Contact","attributeMappings":[]}]}]}`),
			func(m *Mapping) bool {
				return len(m.Groups) == 1 && m.GroupSwitches == Switches{Disabled: true} && m.UserSwitches.Default()
			},
			[]string{`object mapping "C" (Contact → )`}},
		{"target object actions turned off",
			entraExport(upnMatch+","+mailDirect, `,"flowTypes":"Add, Update"`),
			func(m *Mapping) bool { return m.UserSwitches == Switches{NoDelete: true} },
			nil},
		{"duplicate target and bad expression",
			entraExport(upnMatch + "," + mailDirect + `,{"targetAttributeName":"userName","source":{"name":"mail","type":"Attribute"}},
				{"targetAttributeName":"title","source":{"expression":"Left([jobTitle]","type":"Function"}}`),
			func(m *Mapping) bool { return len(m.Users) == 2 },
			[]string{`"userName" is mapped twice`, `expression Left([jobTitle] can't be used`}},
	}
	for _, tt := range tests {
		m, lost, err := ImportEntraSchema(tt.data)
		if err != nil {
			t.Errorf("%s: %v", tt.name, err)
			continue
		}
		if !tt.check(m) {
			t.Errorf("%s: unexpected mapping %+v", tt.name, m)
		}
		if len(lost) != len(tt.wantLost) {
			t.Errorf("%s: lost %q, want %d entries", tt.name, lost, len(tt.wantLost))
			continue
		}
		for i, w := range tt.wantLost {
			if !strings.Contains(lost[i], w) {
				t.Errorf("%s: lost[%d] = %q, want it to contain %q", tt.name, i, lost[i], w)
			}
		}
	}
}

func TestImportEntraRefuses(t *testing.T) {
	for in, want := range map[string]string{
		`not json`: "not an Entra synchronization schema",
		`{}`:       "has no synchronizationRules",
		`{"synchronizationRules":[{"objectMappings":[{"sourceObjectName":"Group"}]}]}`: `no object mapping with sourceObjectName "User"`,
	} {
		if _, _, err := ImportEntraSchema([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ImportEntraSchema(%s) error = %v, want %q", in, err, want)
		}
	}
}
