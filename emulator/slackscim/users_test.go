package slackscim

import (
	"encoding/json"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func TestSlackCreateUserValidation(t *testing.T) {
	const schemas = `"schemas":["` + scimUserSchema + `"]`
	const name = `"name":{"givenName":"Pam","familyName":"Beesly"}`
	const email = `"emails":[{"value":"pam@example.com"}]`
	tests := []struct {
		name   string
		body   string
		status int
		detail string
	}{
		{"no schemas", `{"userName":"pam",` + name + `,` + email + `}`, 400, "missing_schema_element"},
		{"empty schemas", `{"schemas":[],"userName":"pam",` + name + `,` + email + `}`, 400, "missing_schema_element"},
		{"not JSON", `{"schemas":`, 400, "invalid_request_payload"},
		{"no userName", `{` + schemas + `,` + name + `,` + email + `}`, 400, "username_required"},
		{"userName only specials at sign", `{` + schemas + `,"userName":"@x.com",` + name + `,` + email + `}`, 400, "username_required"},
		{"userName 22 chars", `{` + schemas + `,"userName":"abcdefghijklmnopqrstuv",` + name + `,` + email + `}`, 400, "long_username (user=abcdefghijklmnopqrstuv)"},
		{"nickName 22 chars", `{` + schemas + `,"nickName":"abcdefghijklmnopqrstuv",` + name + `,` + email + `}`, 400, "long_nickname (user=abcdefghijklmnopqrstuv)"},
		{"reserved userName", `{` + schemas + `,"userName":"Admin",` + name + `,` + email + `}`, 400, "username_not_allowed (user=admin)"},
		{"channel name", `{` + schemas + `,"userName":"general",` + name + `,` + email + `}`, 409, "username_taken"},
		{"no emails", `{` + schemas + `,"userName":"pam",` + name + `}`, 400, "email_empty"},
		{"empty email list", `{` + schemas + `,"userName":"pam",` + name + `,"emails":[]}`, 400, "email_empty"},
		{"bad email", `{` + schemas + `,"userName":"pam",` + name + `,"emails":[{"value":"pam.example.com"}]}`, 400, "bad_email_address"},
		{"emails not a list of objects", `{` + schemas + `,"userName":"pam",` + name + `,"emails":[7]}`, 400, "emails_invalid"},
		{"displayName 81", `{` + schemas + `,"userName":"pam","displayName":"` + strings.Repeat("a", 81) + `",` + name + `,` + email + `}`, 400, "invalid_name_maxlength"},
		{"displayName starts with at", `{` + schemas + `,"userName":"pam","displayName":"@pam",` + name + `,` + email + `}`, 400, "invalid_starts_with_at"},
		{"displayName contains at", `{` + schemas + `,"userName":"pam","displayName":"pam@home",` + name + `,` + email + `}`, 400, "invalid_name_specials (user=pam)"},
		{"emoji in displayName", `{` + schemas + `,"userName":"pam","displayName":"Pam 🎉",` + name + `,` + email + `}`, 400, "invalid_emoji_not_allowed"},
		{"emoji in title", `{` + schemas + `,"userName":"pam","title":"Boss ⭐",` + name + `,` + email + `}`, 400, "invalid_emoji_not_allowed"},
		{"NUL in title", `{` + schemas + `,"userName":"pam","title":"Bo\u0000ss",` + name + `,` + email + `}`, 400, "invalid_attribute_format (user=pam)"},
		{"newline in department", `{"schemas":["` + scimUserSchema + `","` + scimEnterpriseURN + `"],"userName":"pam",` + name + `,` + email + `,"` + scimEnterpriseURN + `":{"department":"Sales\nEMEA"}}`, 400, "invalid_attribute_format (user=pam)"},
		{"title 257 characters", `{` + schemas + `,"userName":"pam","title":"` + strings.Repeat("é", 257) + `",` + name + `,` + email + `}`, 400, "invalid_attribute_format (user=pam)"},
		{"title 256 characters", `{` + schemas + `,"userName":"pam","title":"` + strings.Repeat("é", 256) + `",` + name + `,` + email + `}`, 201, ""},
		{"emoji in address", `{` + schemas + `,"userName":"pam","addresses":[{"locality":"Scranton 🏢","country":"US"}],` + name + `,` + email + `}`, 400, "invalid_emoji_not_allowed"},
		{"emoji in role", `{` + schemas + `,"userName":"pam","roles":["Boss 👑"],` + name + `,` + email + `}`, 400, "invalid_emoji_not_allowed"},
		{"address not an object", `{` + schemas + `,"userName":"pam","addresses":["Scranton"],` + name + `,` + email + `}`, 400, "addresses_invalid"},
		{"names blank", `{` + schemas + `,"userName":"pam","name":{"givenName":"  ","familyName":""},` + email + `}`, 400, "invalid_name_required"},
		{"name missing", `{` + schemas + `,"userName":"pam",` + email + `}`, 400, "invalid_name_required"},
		{"manager without managerId", `{"schemas":["` + scimUserSchema + `","` + scimEnterpriseURN + `"],"userName":"pam",` + name + `,` + email + `,"` + scimEnterpriseURN + `":{"manager":{"value":"U1"}}}`, 400, "improper_enterprise_schema_format"},
		{"unknown attribute", `{` + schemas + `,"userName":"pam","favouriteColour":"red",` + name + `,` + email + `}`, 400, "invalid_request_payload"},
		{"unknown name part", `{` + schemas + `,"userName":"pam","name":{"givenName":"Pam","middleName":"M"},` + email + `}`, 400, "invalid_request_payload"},
		{"profile extension not declared", `{` + schemas + `,"userName":"pam",` + name + `,` + email + `,"` + scimProfileURN + `":{"startDate":"2024-04-10T00:00:00+0000"}}`, 400, "missing_schema_element"},
		{"guest type not multi", `{"schemas":["` + scimUserSchema + `","` + scimGuestURN + `"],"userName":"pam",` + name + `,` + email + `,"` + scimGuestURN + `":{"type":"single"}}`, 400, "invalid_request_payload"},
		{"active not boolean", `{` + schemas + `,"userName":"pam","active":"maybe",` + name + `,` + email + `}`, 400, "invalid_attribute_format"},
		{"only family name is enough", `{` + schemas + `,"userName":"pam","name":{"familyName":"Beesly"},` + email + `}`, 201, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestSlack(t, Options{})
			expectError(t, c.do("POST", "/scim/v2/Users", tt.body), tt.status, tt.detail)
		})
	}
}

func TestSlackUserNameNormalization(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Pam", "pam"},
		{"Pam.Halpert@Example.com", "pam.halpert"},
		{"josé smith", "jos__smith"},
		{"a+b=c", "a_b_c"},
		{"ok_name-1.x", "ok_name-1.x"},
		{"exactly21characters__", "exactly21characters__"},
		{"averyveryverylongname1@example.com", ""}, // local part still too long
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := scimNormalizeUserName(tt.in, "long_username")
			if tt.want == "" {
				if err == nil || !strings.HasPrefix(err.detail, "long_username") {
					t.Fatalf("got %q, %v; want long_username", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

func TestSlackCreatedUserShape(t *testing.T) {
	c := newTestSlack(t, Options{})
	r := c.do("POST", "/scim/v2/Users", `{"schemas":["`+scimUserSchema+`"],"userName":"Pam.Beesly@example.com",
	  "name":{"givenName":"Pam","familyName":"Beesly"},"externalId":"ext-1",
	  "emails":[{"value":"pam@example.com","type":"work"},{"value":"pam@home.example","type":"home"}]}`)
	if r.status != http.StatusCreated {
		t.Fatalf("status %d: %s", r.status, r.raw)
	}
	id := r.body["id"].(string)
	if len(id) != 11 || id[0] != 'U' || !scimValidUserID(id) {
		t.Errorf("id %q is not U + 10 uppercase letters/digits", id)
	}
	checks := map[string]any{
		"userName": "pam.beesly", "nickName": "pam.beesly", "displayName": "pam.beesly",
		"externalId": "ext-1", "title": nil, "timezone": nil, "userType": nil, "locale": nil, "active": true,
		"profileUrl": "https://emulator.slack.com/team/pam.beesly",
	}
	for k, want := range checks {
		if got, ok := r.body[k]; !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v (present %v), want %#v", k, got, ok, want)
		}
	}
	wantJSON := map[string]string{
		"emails":       `[{"value":"pam@example.com","primary":true},{"value":"pam@home.example","primary":false}]`,
		"phoneNumbers": `[{"value":null,"type":"mobile"},{"value":null,"primary":true}]`,
		"groups":       `[]`,
		"photos":       `[]`,
		"roles":        `[]`,
		"name":         `{"givenName":"Pam","familyName":"Beesly","honorificPrefix":null}`,
		scimEnterpriseURN: `{"employeeNumber":null,"costCenter":null,"organization":null,"division":null,` +
			`"department":null,"manager":{"managerId":null}}`,
		scimProfileURN: `{"startDate":null}`,
	}
	for k, want := range wantJSON {
		got, _ := json.Marshal(r.body[k])
		if !jsonEqual(t, string(got), want) {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
	if _, ok := r.body["password"]; ok {
		t.Error("password must never be returned")
	}
}

func jsonEqual(t *testing.T, a, b string) bool {
	t.Helper()
	var x, y any
	if err := json.Unmarshal([]byte(a), &x); err != nil {
		t.Fatalf("bad JSON %s: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &y); err != nil {
		t.Fatalf("bad JSON %s: %v", b, err)
	}
	return reflect.DeepEqual(x, y)
}

func TestSlackEnterprisePlanUsesOrgUserIDs(t *testing.T) {
	c := newTestSlack(t, Options{Plan: "enterprise"})
	id := c.createUser(userBody("amy", "amy@example.com"))
	if id[0] != 'W' {
		t.Fatalf("enterprise user id %q should start with W", id)
	}
}

func TestSlackPrimaryEmailSelection(t *testing.T) {
	tests := []struct {
		name   string
		emails string
		want   []string
	}{
		{"primary flag wins", `[{"value":"a@x.com","type":"work"},{"value":"b@x.com","primary":true}]`, []string{"b@x.com", "a@x.com"}},
		{"work type next", `[{"value":"a@x.com","type":"home"},{"value":"b@x.com","type":"work"}]`, []string{"b@x.com", "a@x.com"}},
		{"else first", `[{"value":"a@x.com"},{"value":"b@x.com"}]`, []string{"a@x.com", "b@x.com"}},
		{"only two kept", `[{"value":"a@x.com"},{"value":"b@x.com"},{"value":"c@x.com"}]`, []string{"a@x.com", "b@x.com"}},
		{"duplicates collapse", `[{"value":"a@x.com"},{"value":"A@X.com"}]`, []string{"a@x.com"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestSlack(t, Options{})
			id := c.createUser(`{"schemas":["` + scimUserSchema + `"],"userName":"amy","name":{"givenName":"A"},"emails":` + tt.emails + `}`)
			if got := c.user(id).Emails; !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("emails = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestSlackUniqueness(t *testing.T) {
	tests := []struct {
		name   string
		opts   Options
		second string
		status int
		detail string
	}{
		{"username taken", Options{}, userBody("AMY", "other@example.com"), 409, "username_taken"},
		{"email taken case-insensitive", Options{}, userBody("amy2", "Amy@Example.COM"), 409, "email_taken"},
		{"email taken with existing id", Options{EmailTakenDetail: true}, userBody("amy2", "amy@example.com"), 409, "email_taken existing_user=<id>"},
		{"conflict status configurable", Options{ConflictStatus: 400}, userBody("amy", "x@example.com"), 400, "username_taken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestSlack(t, tt.opts)
			id := c.createUser(userBody("amy", "amy@example.com"))
			expectError(t, c.do("POST", "/scim/v2/Users", tt.second), tt.status, strings.ReplaceAll(tt.detail, "<id>", id))
		})
	}
}

func TestSlackDeactivatedUserKeepsEmailAndUserName(t *testing.T) {
	c := newTestSlack(t, Options{})
	id := c.createUser(userBody("amy", "amy@example.com"))
	r := c.do("DELETE", "/scim/v2/Users/"+id, "")
	if r.status != http.StatusNoContent || r.raw != "" {
		t.Fatalf("DELETE: %d %q, want 204 with empty body", r.status, r.raw)
	}
	expectError(t, c.do("POST", "/scim/v2/Users", userBody("amy2", "AMY@example.com")), 409, "email_taken")
	expectError(t, c.do("POST", "/scim/v2/Users", userBody("amy", "new@example.com")), 409, "username_taken")

	list := c.do("GET", "/scim/v2/Users?filter="+urlQuery(`userName eq "amy"`), "")
	res := list.body["Resources"].([]any)
	if len(res) != 1 || res[0].(map[string]any)["active"] != false {
		t.Fatalf("deactivated user should still be listed with active:false: %s", list.raw)
	}
}

func TestSlackDeactivateReactivate(t *testing.T) {
	c := newTestSlack(t, Options{})
	id := c.createUser(userBody("amy", "amy@example.com"))
	patchActive := func(v string) scimTestResp {
		return c.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["`+scimPatchSchema+`"],"Operations":[{"op":"replace","path":"active","value":`+v+`}]}`)
	}
	steps := []struct {
		name   string
		do     func() scimTestResp
		status int
		active bool
	}{
		{"patch false", func() scimTestResp { return patchActive("false") }, 200, false},
		{"patch true", func() scimTestResp { return patchActive("true") }, 200, true},
		{"delete", func() scimTestResp { return c.do("DELETE", "/scim/v2/Users/"+id, "") }, 204, false},
		{"delete again", func() scimTestResp { return c.do("DELETE", "/scim/v2/Users/"+id, "") }, 204, false},
		{"entra string False", func() scimTestResp { return patchActive(`"True"`) }, 200, true},
		{"put active false", func() scimTestResp {
			return c.do("PUT", "/scim/v2/Users/"+id, strings.Replace(userBody("amy", "amy@example.com"), `"userName"`, `"active":false,"userName"`, 1))
		}, 200, false},
		{"put without active keeps it", func() scimTestResp { return c.do("PUT", "/scim/v2/Users/"+id, userBody("amy", "amy@example.com")) }, 200, false},
		{"put active true", func() scimTestResp {
			return c.do("PUT", "/scim/v2/Users/"+id, strings.Replace(userBody("amy", "amy@example.com"), `"userName"`, `"active":true,"userName"`, 1))
		}, 200, true},
	}
	for _, st := range steps {
		r := st.do()
		if r.status != st.status {
			t.Fatalf("%s: status %d: %s", st.name, r.status, r.raw)
		}
		if got := c.user(id).Active; got != st.active {
			t.Fatalf("%s: active = %v, want %v", st.name, got, st.active)
		}
	}
}

func TestSlackPhoneSemantics(t *testing.T) {
	c := newTestSlack(t, Options{})
	r := c.do("POST", "/scim/v2/Users", `{"schemas":["`+scimUserSchema+`"],"userName":"amy","name":{"givenName":"A"},
	  "emails":[{"value":"amy@example.com"}],
	  "phoneNumbers":[{"value":"111","type":"work"},{"value":"222","type":"mobile"}]}`)
	id := r.body["id"].(string)
	u := c.user(id)
	if u.MobilePhone != "111" || u.PrimaryPhone != "222" {
		t.Fatalf("request semantics: work→mobilePhone, mobile→primaryPhone; got mobile=%q primary=%q", u.MobilePhone, u.PrimaryPhone)
	}
	got, _ := json.Marshal(r.body["phoneNumbers"])
	if want := `[{"value":"111","type":"mobile"},{"value":"222","primary":true}]`; !jsonEqual(t, string(got), want) {
		t.Fatalf("response phoneNumbers = %s, want %s", got, want)
	}

	// Echoing the response back is lossy: both entries now target primaryPhone.
	r = c.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["`+scimPatchSchema+`"],"Operations":[{"op":"replace","path":"phoneNumbers","value":`+string(got)+`}]}`)
	if r.status != 200 {
		t.Fatalf("patch: %s", r.raw)
	}
	if u := c.user(id); u.PrimaryPhone != "222" || u.MobilePhone != "" {
		t.Fatalf("echoed response: primary=%q mobile=%q, want 222 and empty", u.PrimaryPhone, u.MobilePhone)
	}

	tests := []struct {
		name           string
		op             string
		primary, mobil string
	}{
		{"primary flag", `{"op":"replace","path":"phoneNumbers","value":[{"value":"5","primary":true}]}`, "5", ""},
		{"untyped fill primary then mobile", `{"op":"replace","path":"phoneNumbers","value":[{"value":"6"},{"value":"7"}]}`, "6", "7"},
		{"add work keeps primary", `{"op":"add","path":"phoneNumbers","value":[{"value":"8","type":"work"}]}`, "6", "8"},
		{"filter by value", `{"op":"replace","path":"phoneNumbers[value eq \"8\"].value","value":"9"}`, "6", "9"},
		{"entra type path", `{"op":"replace","path":"phoneNumbers[type eq \"mobile\"].value","value":"10"}`, "10", "9"},
		{"remove one", `{"op":"remove","path":"phoneNumbers[value eq \"9\"]"}`, "10", ""},
		{"remove all", `{"op":"remove","path":"phoneNumbers"}`, "", ""},
	}
	for _, tt := range tests {
		r := c.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["`+scimPatchSchema+`"],"Operations":[`+tt.op+`]}`)
		u := c.user(id)
		if r.status != 200 || u.PrimaryPhone != tt.primary || u.MobilePhone != tt.mobil {
			t.Fatalf("%s: status %d primary=%q mobile=%q, want %q %q (%s)", tt.name, r.status, u.PrimaryPhone, u.MobilePhone, tt.primary, tt.mobil, r.raw)
		}
	}
}

func TestSlackPutReplacesEverything(t *testing.T) {
	c := newTestSlack(t, Options{})
	id := c.createUser(`{"schemas":["` + scimUserSchema + `"],"userName":"amy","externalId":"ext-1","title":"Boss",
	  "name":{"givenName":"Amy","familyName":"Pond"},"emails":[{"value":"amy@example.com"}],
	  "phoneNumbers":[{"value":"1","primary":true}]}`)
	r := c.do("PUT", "/scim/v2/Users/"+id, `{"schemas":["`+scimUserSchema+`"],"userName":"amy.pond","externalId":"ext-2",
	  "name":{"familyName":"Pond"},"emails":[{"value":"pond@example.com"}]}`)
	if r.status != 200 {
		t.Fatalf("PUT: %d %s", r.status, r.raw)
	}
	u := c.user(id)
	if u.UserName != "amy.pond" || u.Title != "" || u.GivenName != "" || u.PrimaryPhone != "" ||
		!reflect.DeepEqual(u.Emails, []string{"pond@example.com"}) || u.ExternalID != "ext-1" {
		t.Fatalf("after PUT: %+v (externalId must stay ext-1, omitted attributes cleared)", u)
	}
	expectError(t, c.do("PUT", "/scim/v2/Users/"+id, `{"schemas":["`+scimUserSchema+`"],"userName":"amy","name":{"givenName":"A"}}`), 400, "email_empty")
	expectError(t, c.do("PUT", "/scim/v2/Users/"+id, `{"schemas":["`+scimUserSchema+`"],"userName":"amy","password":"x","name":{"givenName":"A"},"emails":[{"value":"a@b.co"}]}`), 400, "password_change_not_allowed")
}

func TestSlackGuestConversionReactivates(t *testing.T) {
	c := newTestSlack(t, Options{Plan: "enterprise"})
	id := c.createUser(userBody("amy", "amy@example.com"))
	c.do("DELETE", "/scim/v2/Users/"+id, "")
	r := c.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["`+scimPatchSchema+`"],"Operations":[
	  {"op":"add","path":"`+scimGuestURN+`","value":{"type":"multi","expiration":"2030-01-01T00:00:00Z"}}]}`)
	if u := c.user(id); r.status != 200 || !u.Guest || !u.Active {
		t.Fatalf("to guest: %d guest=%v active=%v %s", r.status, u.Guest, u.Active, r.raw)
	}
	schemas, _ := json.Marshal(r.body["schemas"])
	if !strings.Contains(string(schemas), scimGuestURN) {
		t.Errorf("guest response schemas %s lack the guest URN", schemas)
	}
	c.do("DELETE", "/scim/v2/Users/"+id, "")
	r = c.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["`+scimPatchSchema+`"],"Operations":[{"op":"remove","path":"`+scimGuestURN+`"}]}`)
	if u := c.user(id); r.status != 200 || u.Guest || !u.Active {
		t.Fatalf("to member: %d guest=%v active=%v", r.status, u.Guest, u.Active)
	}
}
