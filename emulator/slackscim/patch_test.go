package slackscim

import (
	"reflect"
	"testing"
)

func TestSlackPatchPaths(t *testing.T) {
	type want struct {
		status int
		detail string
		check  func(u UserSnapshot) bool
	}
	ok := func(check func(u UserSnapshot) bool) want { return want{status: 200, check: check} }
	fail := func(status int, detail string) want { return want{status: status, detail: detail} }
	ent := scimEnterpriseURN
	tests := []struct {
		name string
		ops  string
		want want
	}{
		{"replace title", `{"op":"replace","path":"title","value":"CEO"}`, ok(func(u UserSnapshot) bool { return u.Title == "CEO" })},
		{"capitalised op", `{"op":"Replace","path":"title","value":"CTO"}`, ok(func(u UserSnapshot) bool { return u.Title == "CTO" })},
		{"remove title", `{"op":"remove","path":"title"}`, ok(func(u UserSnapshot) bool { return u.Title == "" })},
		{"name sub-attribute", `{"op":"replace","path":"name.givenName","value":"Amelia"}`, ok(func(u UserSnapshot) bool { return u.GivenName == "Amelia" && u.FamilyName == "Pond" })},
		{"name object merges", `{"op":"replace","path":"name","value":{"familyName":"Williams"}}`, ok(func(u UserSnapshot) bool { return u.GivenName == "Amy" && u.FamilyName == "Williams" })},
		{"blank both names", `{"op":"replace","path":"name","value":{"givenName":" ","familyName":""}}`, fail(400, "invalid_name_required")},
		{"userName syncs nickName", `{"op":"replace","path":"userName","value":"Amy.P"}`, ok(func(u UserSnapshot) bool { return u.UserName == "amy.p" })},
		{"nickName syncs userName", `{"op":"replace","path":"nickName","value":"pond"}`, ok(func(u UserSnapshot) bool { return u.UserName == "pond" })},
		{"remove userName", `{"op":"remove","path":"userName"}`, fail(400, "username_required")},
		{"displayName with at", `{"op":"replace","path":"displayName","value":"a@b"}`, fail(400, "invalid_name_specials (user=amy)")},
		{"no path object", `{"op":"replace","value":{"title":"Lead","active":false}}`, ok(func(u UserSnapshot) bool { return u.Title == "Lead" && !u.Active })},
		{"externalId ignored", `{"op":"replace","path":"externalId","value":"other"}`, ok(func(u UserSnapshot) bool { return u.ExternalID == "ext-1" })},
		{"password refused", `{"op":"replace","path":"password","value":"hunter2"}`, fail(400, "password_change_not_allowed")},
		{"unsupported op", `{"op":"move","path":"title","value":"x"}`, fail(400, "invalid_request_payload")},
		{"unknown path", `{"op":"replace","path":"shoeSize","value":"44"}`, fail(400, "invalid_request_payload")},
		{"remove without path", `{"op":"remove"}`, fail(400, "invalid_request_payload")},

		{"remove emails drops only secondary", `{"op":"remove","path":"emails"}`, ok(func(u UserSnapshot) bool { return reflect.DeepEqual(u.Emails, []string{"amy@example.com"}) })},
		{"remove secondary by filter", `{"op":"remove","path":"emails[primary eq false]"}`, ok(func(u UserSnapshot) bool { return reflect.DeepEqual(u.Emails, []string{"amy@example.com"}) })},
		{"remove primary by filter", `{"op":"remove","path":"emails[primary eq true]"}`, fail(400, "missing_primary_email")},
		{"remove primary by value", `{"op":"remove","path":"emails[value eq \"AMY@example.com\"]"}`, fail(400, "missing_primary_email")},
		{"replace emails with nothing", `{"op":"replace","path":"emails","value":[]}`, fail(400, "missing_primary_email")},
		{"entra work email path", `{"op":"replace","path":"emails[type eq \"work\"].value","value":"amy@new.example"}`, ok(func(u UserSnapshot) bool {
			return reflect.DeepEqual(u.Emails, []string{"amy@new.example", "pond@home.example"})
		})},
		{"replace secondary by value filter", `{"op":"replace","path":"emails[value eq \"pond@home.example\"]","value":{"value":"p2@home.example"}}`, ok(func(u UserSnapshot) bool {
			return reflect.DeepEqual(u.Emails, []string{"amy@example.com", "p2@home.example"})
		})},
		{"add primary email demotes old", `{"op":"add","path":"emails","value":[{"value":"new@example.com","primary":true}]}`, ok(func(u UserSnapshot) bool {
			return reflect.DeepEqual(u.Emails, []string{"new@example.com", "amy@example.com"})
		})},
		{"add secondary replaces old secondary", `{"op":"add","path":"emails","value":{"value":"sec@example.com"}}`, ok(func(u UserSnapshot) bool {
			return reflect.DeepEqual(u.Emails, []string{"amy@example.com", "sec@example.com"})
		})},
		{"bad email", `{"op":"replace","path":"emails","value":[{"value":"nope"}]}`, fail(400, "bad_email_address")},
		{"email taken by other user", `{"op":"replace","path":"emails","value":[{"value":"rory@example.com"}]}`, fail(409, "email_taken")},

		{"enterprise colon path", `{"op":"replace","path":"` + ent + `:employeeNumber","value":"42"}`, ok(func(u UserSnapshot) bool { return u.EmployeeNumber == "42" })},
		{"enterprise dot path", `{"op":"replace","path":"` + ent + `.department","value":"Sales"}`, ok(func(u UserSnapshot) bool { return u.Department == "Sales" })},
		{"manager by email", `{"op":"replace","path":"` + ent + `.manager.managerId","value":"RORY@example.com"}`, ok(func(u UserSnapshot) bool { return u.ManagerID == "<rory>" })},
		{"manager by userName", `{"op":"replace","path":"` + ent + `:manager","value":{"managerId":"rory"}}`, ok(func(u UserSnapshot) bool { return u.ManagerID == "<rory>" })},
		{"manager unknown kept", `{"op":"replace","path":"` + ent + `:manager","value":{"managerId":"someone"}}`, ok(func(u UserSnapshot) bool { return u.ManagerID == "someone" })},
		{"manager without managerId", `{"op":"replace","path":"` + ent + `:manager","value":{"value":"U1"}}`, fail(400, "improper_enterprise_schema_format")},
		{"whole extension", `{"op":"replace","path":"` + ent + `","value":{"department":"Ops","manager":{"managerId":"rory"}}}`, ok(func(u UserSnapshot) bool {
			return u.Department == "Ops" && u.ManagerID == "<rory>"
		})},
		{"no-path extension key", `{"op":"add","value":{"` + ent + `":{"employeeNumber":"7"}}}`, ok(func(u UserSnapshot) bool { return u.EmployeeNumber == "7" })},

		{"address singular leniency", `{"op":"replace","path":"address","value":[{"locality":"Leadworth","country":"GB"}]}`, ok(func(u UserSnapshot) bool { return true })},
		{"address sub-attribute by filter", `{"op":"replace","path":"addresses[type eq \"untyped\"].locality","value":"Leadworth"}`, ok(func(u UserSnapshot) bool { return true })},
		{"roles as bare strings", `{"op":"replace","path":"roles","value":["Tech Lead"]}`, ok(func(u UserSnapshot) bool { return true })},
		{"unclosed filter", `{"op":"remove","path":"emails[primary eq true"}`, fail(400, "invalid_request_payload")},
		{"filter operator other than eq", `{"op":"remove","path":"emails[value co \"x\"]"}`, fail(400, "invalid_request_payload")},
		{"unknown URN", `{"op":"replace","path":"urn:example:ext:1.0:User:x","value":"1"}`, fail(400, "invalid_request_payload")},
		{"unknown enterprise attribute", `{"op":"replace","path":"` + ent + `:shoeSize","value":"1"}`, fail(400, "invalid_request_payload")},
		{"sub-attribute of simple attribute", `{"op":"replace","path":"title.x","value":"1"}`, fail(400, "invalid_request_payload")},
		{"missing schemas", ``, fail(400, "missing_schema_element")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestSlack(t, Options{})
			id := c.createUser(`{"schemas":["` + scimUserSchema + `"],"userName":"amy","externalId":"ext-1",
			  "name":{"givenName":"Amy","familyName":"Pond"},
			  "emails":[{"value":"amy@example.com","primary":true},{"value":"pond@home.example"}]}`)
			rory := c.createUser(userBody("rory", "rory@example.com"))
			body := `{"schemas":["` + scimPatchSchema + `"],"Operations":[` + tt.ops + `]}`
			if tt.ops == "" {
				body = `{"Operations":[{"op":"replace","path":"title","value":"x"}]}`
			}
			r := c.do("PATCH", "/scim/v2/Users/"+id, body)
			if tt.want.check == nil {
				expectError(t, r, tt.want.status, tt.want.detail)
				return
			}
			if r.status != 200 {
				t.Fatalf("status %d: %s", r.status, r.raw)
			}
			u := c.user(id)
			if u.ManagerID == rory {
				u.ManagerID = "<rory>"
			}
			if !tt.want.check(u) {
				t.Fatalf("unexpected user after PATCH: %+v\nresponse %s", u, r.raw)
			}
		})
	}
}

// The response of lenient paths must show the stored value, not just accept it.
func TestSlackPatchAddressAndRolesRoundTrip(t *testing.T) {
	c := newTestSlack(t, Options{})
	id := c.createUser(userBody("amy", "amy@example.com"))
	r := c.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["`+scimPatchSchema+`"],"Operations":[
	  {"op":"replace","path":"address","value":[{"locality":"Leadworth","country":"GB","type":"home"}]},
	  {"op":"replace","path":"addresses.postalCode","value":"LW1"},
	  {"op":"add","path":"roles","value":["Tech Lead"]},
	  {"op":"replace","path":"photos","value":[{"value":"https://example.com/a.png","type":"photo"}]},
	  {"op":"replace","path":"`+scimProfileURN+`:startDate","value":"2024-04-10T00:00:00+0000"}]}`)
	if r.status != 200 {
		t.Fatalf("PATCH: %s", r.raw)
	}
	checks := map[string]string{
		"addresses":    `[{"streetAddress":null,"locality":"Leadworth","region":null,"postalCode":"LW1","country":"GB"}]`,
		"roles":        `[{"value":"Tech Lead","primary":true}]`,
		"photos":       `[{"value":"https://example.com/a.png","type":"photo"}]`,
		scimProfileURN: `{"startDate":"2024-04-10T00:00:00+0000"}`,
	}
	for k, want := range checks {
		got := mustJSON(t, r.body[k])
		if !jsonEqual(t, got, want) {
			t.Errorf("%s = %s, want %s", k, got, want)
		}
	}
	r = c.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["`+scimPatchSchema+`"],"Operations":[{"op":"replace","path":"photos","value":[]}]}`)
	if got := mustJSON(t, r.body["photos"]); got != `[]` {
		t.Errorf("photos after clearing = %s", got)
	}
}
