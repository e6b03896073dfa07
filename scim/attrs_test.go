package scim

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/slackprov/slackprov/schema"
)

func boolPtr(b bool) *bool { return &b }

func TestGetReadsSlackResponseShape(t *testing.T) {
	// A user as Slack returns it: primaryPhone comes back as {primary:true},
	// Slack's mobilePhone as {type:"mobile"}.
	const body = `{
		"id": "U1", "userName": "ann", "displayName": "Ann", "title": "CTO", "active": false,
		"externalId": "e-1", "nickName": "annie", "timezone": "Europe/Berlin",
		"name": {"givenName": "Ann", "familyName": "Lee", "honorificPrefix": "Dr"},
		"emails": [{"value": "second@x.io"}, {"value": "ann@x.io", "type": "work", "primary": true}],
		"phoneNumbers": [{"value": "+1 111", "primary": true}, {"value": "+1 222", "type": "mobile"}],
		"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": {
			"employeeNumber": "42", "costCenter": "CC", "organization": "Org", "division": "Div",
			"department": "R&D", "manager": {"managerId": "U9"}}
	}`
	var u User
	if err := json.Unmarshal([]byte(body), &u); err != nil {
		t.Fatal(err)
	}
	tests := map[string]string{
		schema.UserName:        "ann",
		schema.DisplayName:     "Ann",
		schema.Title:           "CTO",
		schema.Active:          "false",
		schema.ExternalID:      "e-1",
		schema.NickName:        "annie",
		schema.Timezone:        "Europe/Berlin",
		schema.GivenName:       "Ann",
		schema.FamilyName:      "Lee",
		schema.HonorificPrefix: "Dr",
		schema.WorkEmail:       "ann@x.io",
		schema.MobilePhone:     "+1 111",
		schema.WorkPhone:       "+1 222",
		schema.EmployeeNumber:  "42",
		schema.CostCenter:      "CC",
		schema.Organization:    "Org",
		schema.Division:        "Div",
		schema.Department:      "R&D",
		schema.Manager:         "U9",
		schema.Locale:          "",
		"no.such.path":         "",
	}
	for path, want := range tests {
		if got := u.Get(path); got != want {
			t.Errorf("Get(%q) = %q, want %q", path, got, want)
		}
	}
}

func TestGetDoesNotChangeTheUser(t *testing.T) {
	u := &User{ID: "U1", UserName: "ann"}
	before, _ := json.Marshal(u)
	for _, p := range UserAttributes() {
		u.Get(p)
	}
	after, _ := json.Marshal(u)
	if string(before) != string(after) {
		t.Errorf("reading attributes changed the user:\nbefore %s\nafter  %s", before, after)
	}
}

func TestPrimaryEmailPrecedence(t *testing.T) {
	tests := []struct {
		emails []MultiValue
		want   string
	}{
		{nil, ""},
		{[]MultiValue{{Value: "a@x"}}, "a@x"},
		{[]MultiValue{{Value: "a@x"}, {Value: "w@x", Type: "work"}}, "w@x"},
		{[]MultiValue{{Value: "w@x", Type: "work"}, {Value: "p@x", Primary: true}}, "p@x"},
	}
	for _, tt := range tests {
		if got := (&User{Emails: tt.emails}).PrimaryEmail(); got != tt.want {
			t.Errorf("PrimaryEmail(%v) = %q, want %q", tt.emails, got, tt.want)
		}
	}
}

func TestSetThenGetRoundTrips(t *testing.T) {
	for _, p := range UserAttributes() {
		u := &User{}
		want := "value-for-" + p
		if p == schema.Active {
			want = "false"
		}
		u.Set(p, want)
		if got := u.Get(p); got != want {
			t.Errorf("Set/Get %q: got %q, want %q", p, got, want)
		}
	}
}

func TestSetPhones(t *testing.T) {
	tests := []struct {
		name   string
		start  []MultiValue
		path   string
		value  string
		want   []MultiValue
		mobile string
		work   string
	}{
		{"mobile on empty", nil, schema.MobilePhone, "1",
			[]MultiValue{{Value: "1", Primary: true}}, "1", ""},
		{"work on empty", nil, schema.WorkPhone, "2",
			[]MultiValue{{Value: "2", Type: "mobile"}}, "", "2"},
		{"replace mobile keeps work", []MultiValue{{Value: "1", Primary: true}, {Value: "2", Type: "mobile"}}, schema.MobilePhone, "3",
			[]MultiValue{{Value: "2", Type: "mobile"}, {Value: "3", Primary: true}}, "3", "2"},
		{"replace work keeps mobile", []MultiValue{{Value: "1", Primary: true}, {Value: "2", Type: "mobile"}}, schema.WorkPhone, "4",
			[]MultiValue{{Value: "1", Primary: true}, {Value: "4", Type: "mobile"}}, "1", "4"},
		{"clear mobile", []MultiValue{{Value: "1", Primary: true}, {Value: "2", Type: "mobile"}}, schema.MobilePhone, "",
			[]MultiValue{{Value: "2", Type: "mobile"}}, "", "2"},
		{"clear work", []MultiValue{{Value: "1", Primary: true}, {Value: "2", Type: "mobile"}}, schema.WorkPhone, "",
			[]MultiValue{{Value: "1", Primary: true}}, "1", ""},
		{"primary typed mobile is the mobile phone", []MultiValue{{Value: "1", Type: "mobile", Primary: true}}, schema.WorkPhone, "5",
			[]MultiValue{{Value: "1", Type: "mobile", Primary: true}, {Value: "5", Type: "mobile"}}, "1", "5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := append([]MultiValue(nil), tt.start...)
			u := &User{PhoneNumbers: start}
			u.Set(tt.path, tt.value)
			if !reflect.DeepEqual(u.PhoneNumbers, tt.want) {
				t.Errorf("phones = %+v, want %+v", u.PhoneNumbers, tt.want)
			}
			if !reflect.DeepEqual(start, tt.start) {
				t.Errorf("Set changed the caller's original slice: %+v", start)
			}
			if u.Get(schema.MobilePhone) != tt.mobile || u.Get(schema.WorkPhone) != tt.work {
				t.Errorf("mobile %q work %q, want %q %q", u.Get(schema.MobilePhone), u.Get(schema.WorkPhone), tt.mobile, tt.work)
			}
		})
	}
}

func TestSetOtherAttributes(t *testing.T) {
	u := &User{}
	u.Set(schema.WorkEmail, "a@x.io")
	u.Set(schema.Active, "TRUE")
	u.Set(schema.Manager, "U9")
	u.Set("bogus", "x")
	want := &User{
		Emails:     []MultiValue{{Value: "a@x.io", Type: "work", Primary: true}},
		Active:     boolPtr(true),
		Enterprise: &Enterprise{Manager: &Manager{ManagerID: "U9"}},
	}
	if !reflect.DeepEqual(u, want) {
		t.Errorf("got %+v, want %+v", u, want)
	}
	u.Set(schema.Manager, "")
	if u.Enterprise.Manager != nil {
		t.Errorf("clearing the manager left %+v", u.Enterprise.Manager)
	}
	u.Set(schema.Active, "no")
	if u.IsActive() {
		t.Error(`Set(active, "no") left the user active`)
	}
}

func TestNewUser(t *testing.T) {
	u := NewUser(map[string]string{schema.UserName: "ann", schema.WorkEmail: "ann@x.io"})
	if !reflect.DeepEqual(u.Schemas, []string{SchemaUser}) || u.UserName != "ann" || u.PrimaryEmail() != "ann@x.io" {
		t.Errorf("NewUser = %+v", u)
	}
	u = NewUser(map[string]string{schema.UserName: "ann", schema.Department: "R&D"})
	if !reflect.DeepEqual(u.Schemas, []string{SchemaUser, SchemaEnterprise}) || u.Enterprise.Department != "R&D" {
		t.Errorf("NewUser with enterprise attribute = %+v", u)
	}
}

func TestAttributeCatalogue(t *testing.T) {
	if !KnownUserAttribute(schema.Department) || KnownUserAttribute("department") {
		t.Error("KnownUserAttribute does not match the catalogue")
	}
	if IsUpdatable(schema.ExternalID) || !IsUpdatable(schema.Title) || IsUpdatable("bogus") {
		t.Error("IsUpdatable: externalId must not be updatable, title must")
	}
	if !IsReference(schema.Manager) || IsReference(schema.Title) {
		t.Error("IsReference: only the manager names another user")
	}
	attrs := UserAttributes()
	for i := 1; i < len(attrs); i++ {
		if attrs[i-1] >= attrs[i] {
			t.Fatalf("UserAttributes not sorted: %v", attrs)
		}
	}
}

func TestPatchFor(t *testing.T) {
	tests := []struct {
		name    string
		desired map[string]string
		changed []string
		want    []PatchOp
	}{
		{"one string",
			map[string]string{schema.Title: "CTO", schema.UserName: "ann"}, []string{schema.Title},
			[]PatchOp{{Op: "replace", Path: "title", Value: "CTO"}}},
		{"cleared string is removed",
			map[string]string{schema.Title: ""}, []string{schema.Title},
			[]PatchOp{{Op: "remove", Path: "title"}}},
		{"name part uses dotted path",
			map[string]string{schema.GivenName: "Ann"}, []string{schema.GivenName},
			[]PatchOp{{Op: "replace", Path: "name.givenName", Value: "Ann"}}},
		{"enterprise attribute uses colon path",
			map[string]string{schema.Department: "R&D"}, []string{schema.Department},
			[]PatchOp{{Op: "replace", Path: SchemaEnterprise + ":department", Value: "R&D"}}},
		{"externalId is never patched",
			map[string]string{schema.ExternalID: "e-2"}, []string{schema.ExternalID}, nil},
		{"unknown path skipped",
			map[string]string{"bogus": "x"}, []string{"bogus"}, nil},
		{"deactivate",
			map[string]string{schema.Active: "false"}, []string{schema.Active},
			[]PatchOp{{Op: "replace", Path: "active", Value: false}}},
		{"reactivate",
			map[string]string{schema.Active: "true"}, []string{schema.Active},
			[]PatchOp{{Op: "replace", Path: "active", Value: true}}},
		{"email",
			map[string]string{schema.WorkEmail: "new@x.io"}, []string{schema.WorkEmail},
			[]PatchOp{{Op: "replace", Path: "emails", Value: []MultiValue{{Value: "new@x.io", Type: "work", Primary: true}}}}},
		{"manager",
			map[string]string{schema.Manager: "U9"}, []string{schema.Manager},
			[]PatchOp{{Op: "replace", Path: schema.Manager, Value: Manager{ManagerID: "U9"}}}},
		{"manager cleared",
			map[string]string{schema.Manager: ""}, []string{schema.Manager},
			[]PatchOp{{Op: "remove", Path: schema.Manager}}},
		// Slack's phone request semantics: type "mobile"+primary sets its
		// primaryPhone, type "work" its mobilePhone. Both share one PATCH
		// path, so a change to either sends both.
		{"mobile phone change sends both",
			map[string]string{schema.MobilePhone: "1", schema.WorkPhone: "2"}, []string{schema.MobilePhone},
			[]PatchOp{{Op: "replace", Path: "phoneNumbers", Value: []MultiValue{{Value: "1", Type: "mobile", Primary: true}, {Value: "2", Type: "work"}}}}},
		{"both phones changed make one op",
			map[string]string{schema.MobilePhone: "1", schema.WorkPhone: "2"}, []string{schema.WorkPhone, schema.MobilePhone},
			[]PatchOp{{Op: "replace", Path: "phoneNumbers", Value: []MultiValue{{Value: "1", Type: "mobile", Primary: true}, {Value: "2", Type: "work"}}}}},
		{"work phone only",
			map[string]string{schema.WorkPhone: "2"}, []string{schema.WorkPhone},
			[]PatchOp{{Op: "replace", Path: "phoneNumbers", Value: []MultiValue{{Value: "2", Type: "work"}}}}},
		// Removing phoneNumbers drops both numbers, so clearing one while
		// the other stays must replace the list instead.
		{"clearing work phone keeps mobile",
			map[string]string{schema.MobilePhone: "1", schema.WorkPhone: ""}, []string{schema.WorkPhone},
			[]PatchOp{{Op: "replace", Path: "phoneNumbers", Value: []MultiValue{{Value: "1", Type: "mobile", Primary: true}}}}},
		{"clearing mobile phone keeps work",
			map[string]string{schema.MobilePhone: "", schema.WorkPhone: "2"}, []string{schema.MobilePhone},
			[]PatchOp{{Op: "replace", Path: "phoneNumbers", Value: []MultiValue{{Value: "2", Type: "work"}}}}},
		{"clearing both phones removes",
			map[string]string{schema.MobilePhone: "", schema.WorkPhone: ""}, []string{schema.MobilePhone, schema.WorkPhone},
			[]PatchOp{{Op: "remove", Path: "phoneNumbers"}}},
		// Slack keeps one address; PATCH replaces it whole, so a change to
		// one field sends all of them, and clearing one keeps the rest.
		{"address field sends the whole address",
			map[string]string{schema.Locality: "Oslo", schema.Country: "NO"}, []string{schema.Locality},
			[]PatchOp{{Op: "replace", Path: "addresses", Value: []Address{{Type: "work", Primary: true, Locality: "Oslo", Country: "NO"}}}}},
		{"clearing one address field keeps the others",
			map[string]string{schema.Locality: "", schema.Country: "NO"}, []string{schema.Locality},
			[]PatchOp{{Op: "replace", Path: "addresses", Value: []Address{{Type: "work", Primary: true, Country: "NO"}}}}},
		{"clearing the last address field removes the address",
			map[string]string{schema.Locality: ""}, []string{schema.Locality},
			[]PatchOp{{Op: "remove", Path: "addresses"}}},
		{"role",
			map[string]string{schema.Role: "Tech Lead"}, []string{schema.Role},
			[]PatchOp{{Op: "replace", Path: "roles", Value: []MultiValue{{Value: "Tech Lead", Primary: true}}}}},
		{"role cleared",
			map[string]string{schema.Role: ""}, []string{schema.Role},
			[]PatchOp{{Op: "remove", Path: "roles"}}},
		{"several, sorted by path",
			map[string]string{schema.Title: "CTO", schema.DisplayName: "Ann"}, []string{schema.Title, schema.DisplayName},
			[]PatchOp{{Op: "replace", Path: "displayName", Value: "Ann"}, {Op: "replace", Path: "title", Value: "CTO"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := PatchFor(tt.desired, tt.changed)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("PatchFor = %#v\nwant        %#v", got, tt.want)
			}
		})
	}
}

// The client writes exactly the vocabulary: every attribute a mapping may
// target can be read, written and patched, and nothing else can.
func TestAccessorsCoverTheVocabulary(t *testing.T) {
	if got, want := UserAttributes(), schema.Paths(schema.Users()); !reflect.DeepEqual(got, want) {
		t.Errorf("accessors %v\nvocabulary %v", got, want)
	}
}
