package slackscim

import (
	"fmt"
	"net/http"
	"reflect"
	"strings"
	"testing"
)

func groupBody(name string, members ...string) string {
	var refs []string
	for _, m := range members {
		refs = append(refs, `{"value":"`+m+`"}`)
	}
	return `{"schemas":["` + scimGroupSchema + `"],"displayName":"` + name + `","members":[` + strings.Join(refs, ",") + `]}`
}

func patchBody(ops ...string) string {
	return `{"schemas":["` + scimPatchSchema + `"],"Operations":[` + strings.Join(ops, ",") + `]}`
}

func (c *scimTestClient) members(gid string) []string {
	c.t.Helper()
	for _, g := range c.slack.Groups() {
		if g.ID == gid {
			return g.Members
		}
	}
	c.t.Fatalf("group %s not in emulator", gid)
	return nil
}

func TestSlackGroupLifecycle(t *testing.T) {
	c := newTestSlack(t, Options{})
	a := c.createUser(userBody("amy", "amy@example.com"))
	b := c.createUser(userBody("bob", "bob@example.com"))
	d := c.createUser(userBody("dan", "dan@example.com"))

	r := c.do("POST", "/scim/v2/Groups", strings.Replace(groupBody("Eng", a, b), `"displayName"`, `"externalId":"g-1","displayName"`, 1))
	if r.status != http.StatusCreated {
		t.Fatalf("create group: %d %s", r.status, r.raw)
	}
	gid := r.body["id"].(string)
	if len(gid) != 11 || gid[0] != 'S' {
		t.Errorf("group id %q should be S + 10 characters", gid)
	}
	if got := mustJSON(t, r.body["members"]); !jsonEqual(t, got, `[{"value":"`+a+`","display":"amy"},{"value":"`+b+`","display":"bob"}]`) {
		t.Errorf("members = %s", got)
	}
	if r.body["externalId"] != "g-1" {
		t.Errorf("externalId = %v", r.body["externalId"])
	}

	u := c.do("GET", "/scim/v2/Users/"+a, "")
	if got := mustJSON(t, u.body["groups"]); !jsonEqual(t, got, `[{"value":"`+gid+`","display":"Eng"}]`) {
		t.Errorf("user groups = %s", got)
	}

	steps := []struct {
		name string
		op   string
		want []string
	}{
		{"add", `{"op":"add","path":"members","value":[{"value":"` + d + `"},{"value":"` + a + `"}]}`, []string{a, b, d}},
		{"remove one unquoted", `{"op":"remove","path":"members[value eq ` + a + `]"}`, []string{b, d}},
		{"remove one quoted", `{"op":"remove","path":"members[value eq \"` + b + `\"]"}`, []string{d}},
		{"replace", `{"op":"replace","path":"members","value":[{"value":"` + a + `"},{"value":"` + b + `"}]}`, []string{a, b}},
		{"remove all", `{"op":"remove","path":"members"}`, nil},
		{"no-path object", `{"op":"add","value":{"members":[{"value":"` + d + `"}],"displayName":"Engineering"}}`, []string{d}},
	}
	for _, st := range steps {
		r := c.do("PATCH", "/scim/v2/Groups/"+gid, patchBody(st.op))
		if r.status != 200 {
			t.Fatalf("%s: %d %s", st.name, r.status, r.raw)
		}
		if got := c.members(gid); !reflect.DeepEqual(got, st.want) {
			t.Fatalf("%s: members %v, want %v", st.name, got, st.want)
		}
		if n := len(r.body["members"].([]any)); n != len(st.want) {
			t.Fatalf("%s: response has %d members, want %d", st.name, n, len(st.want))
		}
	}
	if g := c.slack.Groups()[0]; g.DisplayName != "Engineering" || g.ExternalID != "g-1" {
		t.Fatalf("group after patches: %+v", g)
	}

	r = c.do("PUT", "/scim/v2/Groups/"+gid, `{"schemas":["`+scimGroupSchema+`"],"displayName":"Only Name"}`)
	if r.status != 200 || mustJSON(t, r.body["members"]) != `[]` {
		t.Fatalf("PUT with only displayName should empty members: %d %s", r.status, r.raw)
	}

	r = c.do("DELETE", "/scim/v2/Groups/"+gid, "")
	if r.status != http.StatusNoContent || r.raw != "" {
		t.Fatalf("DELETE: %d %q", r.status, r.raw)
	}
	expectError(t, c.do("GET", "/scim/v2/Groups/"+gid, ""), 404, "no_such_group")
	if len(c.slack.Users()) != 3 {
		t.Fatal("deleting a group must not touch its members")
	}
}

func TestSlackGroupErrors(t *testing.T) {
	c := newTestSlack(t, Options{GroupMemberMax: 2})
	a := c.createUser(userBody("amy", "amy@example.com"))
	b := c.createUser(userBody("bob", "bob@example.com"))
	gone := c.createUser(userBody("gone", "gone@example.com"))
	third := c.createUser(userBody("cat", "cat@example.com"))
	c.do("DELETE", "/scim/v2/Users/"+gone, "")
	gid := c.do("POST", "/scim/v2/Groups", groupBody("Eng", a)).body["id"].(string)

	many := make([]string, scimMaxMembersPerRequest+1)
	for i := range many {
		many[i] = fmt.Sprintf("U%010d", i)
	}
	tests := []struct {
		name, method, path, body string
		status                   int
		detail                   string
	}{
		{"no schemas", "POST", "/scim/v2/Groups", `{"displayName":"x"}`, 400, "missing_schema_element"},
		{"no displayName", "POST", "/scim/v2/Groups", `{"schemas":["` + scimGroupSchema + `"]}`, 400, "invalid_request_payload"},
		{"unknown member", "POST", "/scim/v2/Groups", groupBody("x", "U0NOTAUSER0"), 400, "no_such_group_members"},
		{"deactivated member", "POST", "/scim/v2/Groups", groupBody("x", gone), 400, "unable_to_add_deleted_or_guest_to_group"},
		{"too many in one request", "POST", "/scim/v2/Groups", groupBody("x", many...), 400, "too_many_users"},
		{"group size max", "PATCH", "/scim/v2/Groups/" + gid, patchBody(`{"op":"add","path":"members","value":[{"value":"` + b + `"},{"value":"` + third + `"}]}`), 400, "group_member_max_exceeded"},
		{"remove with value array refused", "PATCH", "/scim/v2/Groups/" + gid, patchBody(`{"op":"remove","path":"members","value":[{"value":"` + a + `"}]}`), 400, "invalid_request_payload"},
		{"add by filter refused", "PATCH", "/scim/v2/Groups/" + gid, patchBody(`{"op":"add","path":"members[value eq ` + b + `]"}`), 400, "invalid_request_payload"},
		{"bad op", "PATCH", "/scim/v2/Groups/" + gid, patchBody(`{"op":"copy","path":"members"}`), 400, "invalid_request_payload"},
		{"remove displayName", "PATCH", "/scim/v2/Groups/" + gid, patchBody(`{"op":"remove","path":"displayName"}`), 400, "invalid_request_payload"},
		{"unknown group", "PATCH", "/scim/v2/Groups/S0000000000", patchBody(`{"op":"remove","path":"members"}`), 404, "no_such_group"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			expectError(t, c.do(tt.method, tt.path, tt.body), tt.status, tt.detail)
		})
	}
	if got := c.members(gid); !reflect.DeepEqual(got, []string{a}) {
		t.Fatalf("failed PATCHes must not change the group: %v", got)
	}
}

func TestSlackGroupSizeDefaultsByPlan(t *testing.T) {
	if got := New(Options{Token: "t"}).opts.GroupMemberMax; got != 5000 {
		t.Errorf("business_plus max = %d, want 5000 (user groups)", got)
	}
	if got := New(Options{Token: "t", Plan: "enterprise"}).opts.GroupMemberMax; got != 15000 {
		t.Errorf("enterprise max = %d, want 15000 (IdP groups)", got)
	}
}

// Deactivated users stay in their groups (unconfirmed either way in Slack's
// docs; the emulator keeps them so clients cannot rely on Slack cleaning up).
func TestSlackDeactivatedUserStaysInGroups(t *testing.T) {
	c := newTestSlack(t, Options{})
	a := c.createUser(userBody("amy", "amy@example.com"))
	gid := c.do("POST", "/scim/v2/Groups", groupBody("Eng", a)).body["id"].(string)
	c.do("DELETE", "/scim/v2/Users/"+a, "")
	if got := c.members(gid); !reflect.DeepEqual(got, []string{a}) {
		t.Fatalf("members after deactivation: %v", got)
	}
	if u := c.user(a); !reflect.DeepEqual(u.Groups, []string{gid}) {
		t.Fatalf("user groups after deactivation: %v", u.Groups)
	}
}

func TestSlackGroupListFilter(t *testing.T) {
	c := newTestSlack(t, Options{})
	c.do("POST", "/scim/v2/Groups", groupBody("Engineering"))
	c.do("POST", "/scim/v2/Groups", groupBody("Sales"))
	r := c.do("GET", "/scim/v2/Groups?filter="+urlQuery(`displayName eq "sales"`), "")
	res := r.body["Resources"].([]any)
	if len(res) != 1 || res[0].(map[string]any)["displayName"] != "Sales" {
		t.Fatalf("filter result: %s", r.raw)
	}
	expectError(t, c.do("GET", "/scim/v2/Groups?filter="+urlQuery(`userName eq "x"`), ""), 400, "invalid_query")
	r = c.do("GET", "/scim/v2/Groups?count=1&startIndex=2", "")
	if r.body["totalResults"] != float64(2) || len(r.body["Resources"].([]any)) != 1 {
		t.Fatalf("paging: %s", r.raw)
	}
}
