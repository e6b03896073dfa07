package scim

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/slackprov/slackprov/schema"
)

// TestV1Wire checks the bodies the v1 dialect sends: partial resources with
// v1 URNs, meta.attributes removals and operation:"delete" members.
func TestV1Wire(t *testing.T) {
	var got map[string]any
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		data, _ := io.ReadAll(r.Body)
		got = nil
		_ = json.Unmarshal(data, &got)
		w.Header().Set("Content-Type", "application/json")
		_, _ = io.WriteString(w, `{"schemas":["urn:scim:schemas:core:1.0"],"id":"U1","userName":"ann","displayName":"Eng",`+
			`"urn:scim:schemas:extension:enterprise:1.0":{"department":"Sales","manager":{"managerId":"U2"}}}`)
	}))
	defer srv.Close()
	c, err := New(Options{BaseURL: srv.URL + "/scim/v1/", Token: "xoxp-t"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	tests := []struct {
		name string
		call func() error
		want string
	}{
		{"create", func() error {
			_, err := c.CreateUser(ctx, NewUser(map[string]string{schema.UserName: "ann", schema.Department: "Sales"}))
			return err
		}, `{"schemas":["urn:scim:schemas:core:1.0","urn:scim:schemas:extension:enterprise:1.0"],"userName":"ann",` +
			`"urn:scim:schemas:extension:enterprise:1.0":{"department":"Sales"}}`},
		{"patch", func() error {
			ops := PatchFor(map[string]string{schema.GivenName: "Ann", schema.Department: "", schema.WorkEmail: "a@x.com", schema.Title: ""},
				[]string{schema.GivenName, schema.Department, schema.WorkEmail, schema.Title})
			_, err := c.PatchUser(ctx, "U1", ops)
			return err
		}, `{"schemas":["urn:scim:schemas:core:1.0"],"name":{"givenName":"Ann"},` +
			`"emails":[{"value":"a@x.com","type":"work","primary":true}],` +
			`"meta":{"attributes":["emails","title","urn:scim:schemas:extension:enterprise:1.0.department"]}}`},
		{"deactivate by PATCH active", func() error {
			_, err := c.PatchUser(ctx, "U1", []PatchOp{{Op: "replace", Path: schema.Active, Value: false}})
			return err
		}, `{"schemas":["urn:scim:schemas:core:1.0"],"active":false}`},
		{"members", func() error {
			if err := c.AddGroupMembers(ctx, "S1", []string{"U3"}); err != nil {
				return err
			}
			return c.RemoveGroupMembers(ctx, "S1", []string{"U4"})
		}, `{"schemas":["urn:scim:schemas:core:1.0"],"members":[{"value":"U4","operation":"delete"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.call(); err != nil {
				t.Fatal(err)
			}
			var want map[string]any
			if err := json.Unmarshal([]byte(tt.want), &want); err != nil {
				t.Fatal(err)
			}
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			if string(g) != string(w) {
				t.Errorf("sent %s\nwant %s", g, w)
			}
		})
	}
	u, err := c.GetUser(ctx, "U1")
	if err != nil {
		t.Fatal(err)
	}
	if u.Get(schema.Department) != "Sales" || u.Get(schema.Manager) != "U2" {
		t.Errorf("v1 enterprise extension not read: %+v", u.Enterprise)
	}
}

func TestVersionOf(t *testing.T) {
	tests := []struct {
		configured, path, want string
		wantErr                bool
	}{
		{"", "/scim/v2/", "v2", false},
		{"", "/scim/v1/", "v1", false},
		{"v1", "/scim/v1/", "v1", false},
		{"v1", "/scim/v2/", "", true},
		{"v3", "/scim/v2/", "", true},
		{"v1", "/slack/", "v1", false},
	}
	for _, tt := range tests {
		got, err := versionOf(tt.configured, tt.path, nil)
		if got != tt.want || (err != nil) != tt.wantErr {
			t.Errorf("versionOf(%q, %q) = %q, %v", tt.configured, tt.path, got, err)
		}
	}
}
