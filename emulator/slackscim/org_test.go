package slackscim

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"
)

const testToken = "xoxp-emulator-test"

// scimTestClient talks to an emulator over real HTTP.
type scimTestClient struct {
	t     *testing.T
	slack *Org
	srv   *httptest.Server
	token string
}

type scimTestResp struct {
	status int
	header http.Header
	raw    string
	body   map[string]any
}

func (r scimTestResp) detail() string {
	d, _ := r.body["detail"].(string)
	return d
}

// newTestSlack starts an emulator with rate limits off unless the options
// say otherwise.
func newTestSlack(t *testing.T, opts Options) *scimTestClient {
	t.Helper()
	opts.Token = testToken
	if !opts.RateLimits {
		opts.DisableRateLimits = true
	}
	s := New(opts)
	srv := httptest.NewServer(s)
	t.Cleanup(srv.Close)
	return &scimTestClient{t: t, slack: s, srv: srv, token: testToken}
}

func (c *scimTestClient) do(method, path, body string) scimTestResp {
	c.t.Helper()
	resp, err := c.send(method, path, body)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

func (c *scimTestClient) send(method, path, body string) (scimTestResp, error) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, c.srv.URL+path, rd)
	if err != nil {
		return scimTestResp{}, err
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := c.srv.Client().Do(req)
	if err != nil {
		return scimTestResp{}, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return scimTestResp{}, err
	}
	out := scimTestResp{status: resp.StatusCode, header: resp.Header, raw: string(data)}
	if len(data) > 0 {
		if err := json.Unmarshal(data, &out.body); err != nil {
			return out, fmt.Errorf("response is not a JSON object: %v\n%s", err, data)
		}
	}
	return out, nil
}

// createUser posts a user and returns its id, failing the test otherwise.
func (c *scimTestClient) createUser(body string) string {
	c.t.Helper()
	r := c.do("POST", "/scim/v2/Users", body)
	if r.status != http.StatusCreated {
		c.t.Fatalf("create user: status %d, body %s", r.status, r.raw)
	}
	return r.body["id"].(string)
}

func (c *scimTestClient) user(id string) UserSnapshot {
	c.t.Helper()
	for _, u := range c.slack.Users() {
		if u.ID == id {
			return u
		}
	}
	c.t.Fatalf("user %s not in emulator", id)
	return UserSnapshot{}
}

// userBody builds a minimal valid POST /Users body.
func userBody(userName, email string) string {
	return `{"schemas":["` + scimUserSchema + `"],"userName":"` + userName + `",
	  "name":{"givenName":"Given","familyName":"Family"},
	  "emails":[{"value":"` + email + `","primary":true}]}`
}

func expectError(t *testing.T, r scimTestResp, status int, detail string) {
	t.Helper()
	if r.status != status || r.detail() != detail {
		t.Fatalf("got %d %q, want %d %q (body %s)", r.status, r.detail(), status, detail, r.raw)
	}
}

func TestSlackErrorBodyIsExactlySlackV2Shape(t *testing.T) {
	c := newTestSlack(t, Options{})
	r := c.do("POST", "/scim/v2/Users", `{"userName":"x"}`)
	want := `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"missing_schema_element","status":400}`
	if r.raw != want {
		t.Fatalf("error body\n got %s\nwant %s", r.raw, want)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/json; charset=utf-8" {
		t.Errorf("Content-Type = %q", ct)
	}
}

func TestSlackAuthAndPlan(t *testing.T) {
	tests := []struct {
		name   string
		plan   string
		header string
		status int
		detail string
	}{
		{"no header", "", "", 401, "missing_authentication"},
		{"wrong token", "", "Bearer xoxp-wrong", 401, "invalid_authentication"},
		{"not bearer", "", "Basic " + testToken, 401, "invalid_authentication"},
		{"bearer lowercase scheme", "", "bearer " + testToken, 200, ""},
		{"pro plan", "pro", "Bearer " + testToken, 403, "plus_teams_only"},
		{"free plan", "free", "Bearer " + testToken, 403, "plus_teams_only"},
		{"enterprise", "enterprise", "Bearer " + testToken, 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestSlack(t, Options{Plan: tt.plan})
			req, _ := http.NewRequest("GET", c.srv.URL+"/scim/v2/Users", nil)
			if tt.header != "" {
				req.Header.Set("Authorization", tt.header)
			}
			resp, err := c.srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			var body map[string]any
			_ = json.NewDecoder(resp.Body).Decode(&body)
			detail, _ := body["detail"].(string)
			if resp.StatusCode != tt.status || detail != tt.detail {
				t.Fatalf("got %d %q, want %d %q", resp.StatusCode, detail, tt.status, tt.detail)
			}
		})
	}
}

func TestSlackRouting(t *testing.T) {
	c := newTestSlack(t, Options{})
	tests := []struct {
		method, path string
		status       int
		detail       string
	}{
		{"GET", "/scim/v2/Nope", 404, "bad_endpoint"},
		{"GET", "/elsewhere", 404, "bad_endpoint"},
		{"GET", "/scim/v3/Users", 400, "unsupported_version"},
		{"POST", "/scim/v2/Users/U0000000001", 405, "method_not_allowed"},
		{"OPTIONS", "/scim/v2/Users", 405, "method_not_allowed"},
		{"DELETE", "/scim/v2/Users", 400, "missing_user_id"},
		{"PATCH", "/scim/v2/Groups", 400, "missing_group_id"},
		{"POST", "/scim/v2/Schemas", 405, "method_not_allowed"},
		{"GET", "/scim/v2/Users/U0000000001", 404, "no_such_user"},
		{"GET", "/scim/v2/Users/not-an-id", 400, "cannot_decode_user_id"},
		{"GET", "/scim/v2/Groups/S0000000001", 404, "no_such_group"},
		{"GET", "/scim/v2/ServiceProviderConfig", 200, ""},
		{"GET", "/scim/v2/ServiceProviderConfigs", 200, ""},
		{"GET", "/scim/v2/ResourceTypes", 200, ""},
		{"GET", "/scim/v2/ResourceTypes/User", 200, ""},
		{"GET", "/scim/v2/Schemas", 200, ""},
		{"GET", "/scim/v2/Schemas/" + scimEnterpriseURN, 200, ""},
		{"GET", "/mounted/under/scim/v2/Users", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			r := c.do(tt.method, tt.path, "")
			if r.status != tt.status || r.detail() != tt.detail {
				t.Fatalf("got %d %q, want %d %q (%s)", r.status, r.detail(), tt.status, tt.detail, r.raw)
			}
		})
	}
	r := c.do("GET", "/scim/v2/ResourceTypes", "")
	if r.body["totalResults"] != float64(2) {
		t.Errorf("ResourceTypes totalResults = %v, want 2", r.body["totalResults"])
	}
}

func TestSlackNewSlackRequiresToken(t *testing.T) {
	defer func() {
		if recover() == nil {
			t.Fatal("New without a token did not panic")
		}
	}()
	New(Options{})
}

func TestSlackAcceptTokenHook(t *testing.T) {
	live := map[string]bool{"xoxe.xoxp-rotated": true}
	c := newTestSlack(t, Options{AcceptToken: func(tok string) bool { return live[tok] }})
	for tok, want := range map[string]int{"xoxe.xoxp-rotated": 200, testToken: 200, "xoxe.xoxp-revoked": 401} {
		c.token = tok
		if r := c.do("GET", "/scim/v2/Users", ""); r.status != want {
			t.Errorf("token %q: status %d, want %d", tok, r.status, want)
		}
	}
}

func TestSlackStatsCountCalls(t *testing.T) {
	c := newTestSlack(t, Options{})
	id := c.createUser(userBody("amy", "amy@example.com"))
	c.do("GET", "/scim/v2/Users/"+id, "")
	c.do("GET", "/scim/v2/Users", "")
	c.do("PATCH", "/scim/v2/Users/"+id, `{"schemas":["`+scimPatchSchema+`"],"Operations":[{"op":"replace","path":"title","value":"x"}]}`)
	c.do("POST", "/scim/v2/Users", `{}`) // refused: still a call
	st := c.slack.Stats()
	if st.Total != 5 || st.Reads != 2 || st.Writes != 3 || st.AppliedWrites != 2 {
		t.Fatalf("stats = %+v", st)
	}
	want := map[string]int{"POST /Users": 2, "GET /Users/{id}": 1, "GET /Users": 1, "PATCH /Users/{id}": 1}
	for k, v := range want {
		if st.Requests[k] != v {
			t.Errorf("Requests[%q] = %d, want %d (all: %v)", k, st.Requests[k], v, st.Requests)
		}
	}
	c.slack.ResetStats()
	if st := c.slack.Stats(); st.Total != 0 || len(st.Requests) != 0 {
		t.Fatalf("after reset: %+v", st)
	}
}

func TestSlackMetaLocationAndCreated(t *testing.T) {
	at := time.Date(2022, 5, 27, 15, 19, 18, 0, time.FixedZone("PDT", -7*3600))
	c := newTestSlack(t, Options{Now: func() time.Time { return at }})
	r := c.do("POST", "/prefix/scim/v2/Users", userBody("amy", "amy@example.com"))
	meta := r.body["meta"].(map[string]any)
	if meta["created"] != "2022-05-27T15:19:18-07:00" {
		t.Errorf("meta.created = %v", meta["created"])
	}
	if want := c.srv.URL + "/prefix/scim/v2/Users/" + r.body["id"].(string); meta["location"] != want {
		t.Errorf("meta.location = %v, want %s", meta["location"], want)
	}

	c2 := newTestSlack(t, Options{BaseURL: "https://api.slack.com/scim/v2"})
	r = c2.do("POST", "/scim/v2/Users", userBody("amy", "amy@example.com"))
	if loc := r.body["meta"].(map[string]any)["location"]; loc != "https://api.slack.com/scim/v2/Users/"+r.body["id"].(string) {
		t.Errorf("meta.location with BaseURL = %v", loc)
	}
}

func urlQuery(s string) string { return url.QueryEscape(s) }

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
