package directory

import (
	"reflect"
	"slices"
	"strings"
	"testing"
)

// The table covers every field of User (but Extra), by its JSON name, and
// the named indexes point where their names say.
func TestFieldTableCoversUser(t *testing.T) {
	var tags []string
	rt := reflect.TypeOf(User{})
	for i := 0; i < rt.NumField(); i++ {
		if tag, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ","); tag != "-" {
			tags = append(tags, tag)
		}
	}
	var names []string
	for _, f := range Fields() {
		names = append(names, f.Name)
	}
	if !slices.Equal(names, tags) {
		t.Errorf("field table %v\nUser's fields %v", names, tags)
	}
	for i, want := range map[int]string{FieldID: "id", FieldAccountEnabled: "accountEnabled", FieldManager: "manager"} {
		if got := FieldAt(i).Name; got != want {
			t.Errorf("FieldAt(%d) = %s, want %s", i, got, want)
		}
	}
	if NumFields != len(tags) {
		t.Errorf("NumFields = %d, want %d", NumFields, len(tags))
	}
}

func TestFieldNamed(t *testing.T) {
	tests := []struct {
		name    string
		aliases bool
		want    string // "" when not found
	}{
		{"mail", false, "mail"},
		{"MAIL", false, "mail"},
		{"userprincipalname", false, "userPrincipalName"},
		{"mobile", false, ""},
		{"mobile", true, "mobilePhone"},
		{"ObjectId", true, "id"},
		{"objectId", false, ""},
		{"manager", false, "manager"},
		{"accountenabled", false, "accountEnabled"},
		{"IsSoftDeleted", true, ""},
		{"costCenter", true, ""},
	}
	for _, tt := range tests {
		i, ok := FieldNamed(tt.name, tt.aliases)
		got := ""
		if ok {
			got = FieldAt(i).Name
		}
		if got != tt.want {
			t.Errorf("FieldNamed(%q, %v) = %q, want %q", tt.name, tt.aliases, got, tt.want)
		}
	}
}

func TestUserAttributes(t *testing.T) {
	u := &User{ID: "u1", Mail: "ann@x.io", MobilePhone: "+1", Manager: "u9", AccountEnabled: false,
		Extra: map[string]string{"costCenter": "CC"}}
	tests := []struct {
		name           string
		value          string
		single, ok     bool
		isBool, boolOK bool
	}{
		{"id", "u1", true, true, false, false},
		{"objectId", "u1", true, true, false, false},
		{"mail", "ann@x.io", true, true, false, false},
		{"mobile", "+1", true, true, false, false},
		{"manager", "u9", true, true, false, false},
		{"surname", "", true, false, false, false},
		{"costCenter", "CC", true, true, false, false},
		{"nothing", "", true, false, false, false},
		// Booleans are served as booleans, not as text.
		{"accountEnabled", "", false, false, true, false},
		{"IsSoftDeleted", "", false, false, true, true},
	}
	for _, tt := range tests {
		v, single, ok := u.AttrString(tt.name)
		if v != tt.value || single != tt.single || ok != tt.ok {
			t.Errorf("AttrString(%q) = %q, %v, %v", tt.name, v, single, ok)
		}
		b, isBool := u.AttrBool(tt.name)
		if isBool != tt.isBool || b != tt.boolOK {
			t.Errorf("AttrBool(%q) = %v, %v", tt.name, b, isBool)
		}
	}
	if vals, ok := u.Attr("IsSoftDeleted"); !ok || !slices.Equal(vals, []string{"True"}) {
		t.Errorf(`Attr("IsSoftDeleted") = %v, %v; want ["True"]`, vals, ok)
	}
	i, _ := FieldNamed("mobile", true)
	f := FieldAt(i)
	f.SetText(u, "+2")
	if u.MobilePhone != "+2" || f.Text(u) != "+2" {
		t.Errorf("SetText through the alias did not write mobilePhone: %q", u.MobilePhone)
	}
}
