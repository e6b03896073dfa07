package slackscim

import (
	"net/http"
	"strings"
	"testing"
)

// TestSlackV1 drives the v1 dialect over HTTP: v1 URNs in and out, the
// partial-resource PATCH with meta.attributes and operation:"delete", v1
// error bodies, the plural discovery path, the guest filter, and one org
// behind both versions.
func TestSlackV1(t *testing.T) {
	c := newTestSlack(t, Options{})
	r := c.do("POST", "/scim/v1/Users", `{"schemas":["urn:scim:schemas:core:1.0","urn:scim:schemas:extension:enterprise:1.0"],
		"userName":"ann","name":{"givenName":"Ann","familyName":"Lee"},"title":"Eng","emails":[{"value":"ann@x.com","primary":true}],
		"urn:scim:schemas:extension:enterprise:1.0":{"department":"Sales","costCenter":"42"}}`)
	if r.status != http.StatusCreated {
		t.Fatalf("create: %d %s", r.status, r.raw)
	}
	id, _ := r.body["id"].(string)
	if ent, ok := r.body["urn:scim:schemas:extension:enterprise:1.0"].(map[string]any); !ok || ent["department"] != "Sales" {
		t.Errorf("create answer lacks the v1 enterprise extension: %s", r.raw)
	}
	if strings.Contains(r.raw, "urn:ietf:params") || !strings.Contains(r.raw, "/scim/v1/Users/"+id) {
		t.Errorf("v1 answer speaks v2: %s", r.raw)
	}

	r = c.do("PATCH", "/scim/v1/Users/"+id, `{"schemas":["urn:scim:schemas:core:1.0"],"title":" ",
		"emails":[{"value":"ann2@x.com","primary":true}],
		"meta":{"attributes":["name.familyName","urn:scim:schemas:extension:enterprise:1.0.department"]}}`)
	if r.status != http.StatusOK {
		t.Fatalf("patch: %d %s", r.status, r.raw)
	}
	v2 := c.do("GET", "/scim/v2/Users/"+id, "")
	ent, _ := v2.body["urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"].(map[string]any)
	name, _ := v2.body["name"].(map[string]any)
	if v2.body["title"] != nil || name["familyName"] != nil || ent["department"] != nil || ent["costCenter"] != "42" {
		t.Errorf("after v1 PATCH, v2 sees %s", v2.raw)
	}
	if !strings.Contains(v2.raw, `"ann2@x.com","primary":true`) {
		t.Errorf("new primary email missing: %s", v2.raw)
	}

	g := c.do("POST", "/scim/v1/Groups", `{"schemas":["urn:scim:schemas:core:1.0"],"displayName":"Eng","members":[{"value":"`+id+`"}]}`)
	gid, _ := g.body["id"].(string)
	r = c.do("PATCH", "/scim/v1/Groups/"+gid, `{"schemas":["urn:scim:schemas:core:1.0"],"members":[{"value":"`+id+`","operation":"delete"}]}`)
	if r.status != http.StatusOK || strings.Contains(r.raw, id) {
		t.Errorf("member delete: %d %s", r.status, r.raw)
	}

	tests := []struct {
		method, path, body string
		status             int
		description        string
	}{
		{"POST", "/scim/v1/Users", `{"userName":"bob","emails":[{"value":"b@x.com"}]}`, 400, "missing_schema_element"},
		{"GET", "/scim/v1/Users/U0NOSUCH", "", 404, "no_such_user"},
		{"GET", "/scim/v1/Schemas", "", 404, "bad_endpoint"},
		{"GET", "/scim/v1/ServiceProviderConfig", "", 404, "bad_endpoint"},
		{"POST", "/scim/v1/Users", `{"schemas":["urn:scim:schemas:core:1.0"],"userName":"ann9","name":{"givenName":"A"},"emails":[{"value":"ann2@x.com"}]}`, 409, "email_taken"},
	}
	for _, tt := range tests {
		r := c.do(tt.method, tt.path, tt.body)
		errs, _ := r.body["Errors"].(map[string]any)
		if r.status != tt.status || errs["description"] != tt.description || errs["code"] != float64(tt.status) {
			t.Errorf("%s %s = %d %s, want %d with Errors.description %s", tt.method, tt.path, r.status, r.raw, tt.status, tt.description)
		}
	}
	if r := c.do("GET", "/scim/v1/ServiceProviderConfigs", ""); r.status != http.StatusOK || !strings.Contains(r.raw, "urn:scim:schemas:core:1.0") {
		t.Errorf("v1 discovery: %d %s", r.status, r.raw)
	}
	if r := c.do("GET", "/scim/v1/Users?filter="+urlQuery("restricted eq '1'"), ""); r.status != http.StatusOK || r.body["totalResults"] != float64(0) {
		t.Errorf("v1 guest filter: %d %s", r.status, r.raw)
	}
	if r := c.do("GET", "/scim/v2/Users?filter="+urlQuery("restricted eq '1'"), ""); r.status != http.StatusBadRequest {
		t.Errorf("guest filter on v2 should be refused: %d %s", r.status, r.raw)
	}
}

func TestSlackV2Unsupported(t *testing.T) {
	c := newTestSlack(t, Options{V2Unsupported: true})
	r := c.do("GET", "/scim/v2/Users", "")
	if r.status != http.StatusBadRequest || r.detail() != "unsupported_version" {
		t.Errorf("v2 on a v1-only org: %d %s", r.status, r.raw)
	}
	if r := c.do("GET", "/scim/v1/Users", ""); r.status != http.StatusOK || !strings.Contains(r.raw, `"schemas":["urn:scim:schemas:core:1.0"]`) {
		t.Errorf("v1 on a v1-only org: %d %s", r.status, r.raw)
	}
}
