package mapping

import (
	"testing"

	"github.com/slackprov/slackprov/schema"
)

// typedUser is a directory user whose booleans are booleans, and whose Attr
// would spell them in a way no expression accepts: a test fails if any
// boolean goes through text.
type typedUser struct {
	obj
	enabled bool
}

func (u typedUser) Attr(name string) ([]string, bool) {
	if name == "accountEnabled" || name == SourceIsSoftDeleted {
		return []string{"not a boolean"}, true
	}
	return u.obj.Attr(name)
}

func (u typedUser) AttrBool(name string) (bool, bool) {
	switch name {
	case "accountEnabled":
		return u.enabled, true
	case SourceIsSoftDeleted:
		return !u.enabled, true
	}
	return false, false
}

func TestBooleansStayBooleans(t *testing.T) {
	base := func(active Attribute) *Compiled {
		t.Helper()
		m := &Mapping{Version: Version, Users: []Attribute{
			{Target: schema.UserName, Type: TypeDirect, Source: "userPrincipalName"},
			{Target: schema.WorkEmail, Type: TypeDirect, Source: "mail", Match: 1},
			{Target: schema.GivenName, Type: TypeConstant, Value: "A"},
			active,
		}}
		c, err := m.Compile()
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	tests := []struct {
		name     string
		active   Attribute
		enabled  bool
		want     string // the active value; "" when it does not flow
		wantCode string
	}{
		{"Entra's default expression", Attribute{Target: schema.Active, Type: TypeExpression, Expression: `Switch([IsSoftDeleted], , "False", "True", "True", "False")`}, false, "False", ""},
		{"Not of the computed flag", Attribute{Target: schema.Active, Type: TypeExpression, Expression: `Not([IsSoftDeleted])`}, true, "True", ""},
		{"direct from accountEnabled", Attribute{Target: schema.Active, Type: TypeDirect, Source: "accountEnabled"}, false, "False", ""},
		{"a comparison", Attribute{Target: schema.Active, Type: TypeExpression, Expression: `IIF([accountEnabled], CBool("1"), "False")`}, true, "True", ""},
		{"bare true and false", Attribute{Target: schema.Active, Type: TypeExpression, Expression: `IIF([accountEnabled], true, false)`}, false, "False", ""},
		{"a constant in any case", Attribute{Target: schema.Active, Type: TypeConstant, Value: "true"}, false, "True", ""},
		// Before, "1" planned as active but was sent as false.
		{"a constant that is no boolean", Attribute{Target: schema.Active, Type: TypeConstant, Value: "1"}, true, "", "not_boolean"},
		{"text from a string function", Attribute{Target: schema.Active, Type: TypeExpression, Expression: `Join("", "ye", "s")`}, true, "", "not_boolean"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u := typedUser{obj: user("userPrincipalName", "a@x.io", "mail", "a@x.io"), enabled: tt.enabled}
			r := base(tt.active).EvalUser(u, true)
			if got := r.Values[schema.Active]; got != tt.want {
				t.Errorf("active = %q, want %q (problems %v)", got, tt.want, r.Problems)
			}
			code := ""
			for _, p := range r.Problems {
				if p.Target == schema.Active {
					code = p.Code
				}
			}
			if code != tt.wantCode {
				t.Errorf("problem code %q, want %q", code, tt.wantCode)
			}
		})
	}
}

// A user out of scope reads IsSoftDeleted as true, typed, whatever the
// object says.
func TestSoftDeletedIsTyped(t *testing.T) {
	o := SoftDeleted(typedUser{obj: user(), enabled: true})
	b, ok := o.(BoolValued).AttrBool(SourceIsSoftDeleted)
	if !ok || !b {
		t.Fatalf("AttrBool(IsSoftDeleted) = %v, %v", b, ok)
	}
	if b, ok := o.(BoolValued).AttrBool("accountEnabled"); !ok || !b {
		t.Errorf("accountEnabled is the wrapped object's: %v, %v", b, ok)
	}
}
