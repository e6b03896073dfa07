package entraid

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/sampledir"
)

type entraTestEnv struct {
	t   *testing.T
	em  *Tenant
	srv *httptest.Server
	tok string
}

func newEntraTestEnv(t *testing.T, opts Options) *entraTestEnv {
	em := New(opts)
	srv := httptest.NewTLSServer(em)
	t.Cleanup(srv.Close)
	return &entraTestEnv{t: t, em: em, srv: srv, tok: em.IssueToken()}
}

// get fetches a Graph path or absolute link and decodes the JSON body.
func (e *entraTestEnv) get(pathOrURL string) (int, http.Header, map[string]any) {
	e.t.Helper()
	u := pathOrURL
	if strings.HasPrefix(u, "/") {
		u = e.srv.URL + u
	}
	req, _ := http.NewRequest(http.MethodGet, u, nil)
	req.Header.Set("Authorization", "Bearer "+e.tok)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		e.t.Fatalf("GET %s: body is not JSON: %v", u, err)
	}
	return resp.StatusCode, resp.Header, body
}

func entraErrCode(body map[string]any) string {
	e, _ := body["error"].(map[string]any)
	code, _ := e["code"].(string)
	return code
}

func TestEntraTokenEndpoint(t *testing.T) {
	e := newEntraTestEnv(t, Options{TenantID: "t1", ClientID: "c1", ClientSecret: "right"})
	_, _, meta := e.get("/t1/v2.0/.well-known/openid-configuration")
	if meta["token_endpoint"] != e.srv.URL+"/t1/oauth2/v2.0/token" || meta["issuer"] != e.srv.URL+"/t1/v2.0" {
		t.Errorf("openid configuration = %v", meta)
	}
	post := func(form url.Values) (int, map[string]any) {
		resp, err := e.srv.Client().PostForm(e.srv.URL+"/t1/oauth2/v2.0/token", form)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var body map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&body)
		return resp.StatusCode, body
	}
	base := func() url.Values {
		return url.Values{"grant_type": {"client_credentials"}, "client_id": {"c1"}, "client_secret": {"right"},
			"scope": {"https://graph.microsoft.com/.default openid offline_access profile"}}
	}
	status, body := post(base())
	if status != 200 || body["access_token"] == nil || body["token_type"] != "Bearer" {
		t.Fatalf("good request: %d %v", status, body)
	}
	e.tok = body["access_token"].(string)
	if st, _, _ := e.get("/v1.0/users"); st != 200 {
		t.Errorf("issued token refused by Graph: %d", st)
	}
	cases := []struct {
		edit func(url.Values)
		code string
	}{
		{func(f url.Values) { f.Set("client_secret", "wrong") }, "invalid_client"},
		{func(f url.Values) { f.Set("client_id", "other") }, "unauthorized_client"},
		{func(f url.Values) { f.Set("scope", "User.Read.All") }, "invalid_scope"},
		{func(f url.Values) { f.Set("grant_type", "password") }, "unsupported_grant_type"},
	}
	for _, c := range cases {
		f := base()
		c.edit(f)
		if status, body := post(f); status < 400 || body["error"] != c.code {
			t.Errorf("%v: %d %v, want error %s", f, status, body, c.code)
		}
	}
}

func TestEntraUsersPagingSelectExpand(t *testing.T) {
	e := newEntraTestEnv(t, Options{})
	boss := e.em.AddUser(User{DisplayName: "Boss", AccountEnabled: true})
	for range 1200 {
		e.em.AddUser(User{DisplayName: "Worker", Department: "Ops", Manager: boss, AccountEnabled: true})
	}
	_, _, first := e.get("/v1.0/users")
	if n := len(first["value"].([]any)); n != 100 {
		t.Errorf("default page = %d users, want 100", n)
	}
	seen, pages := 0, 0
	next := "/v1.0/users?$top=5000&$select=id,department&$expand=manager($select=id)"
	for next != "" {
		status, _, body := e.get(next)
		if status != 200 {
			t.Fatalf("GET %s: %d %v", next, status, body)
		}
		vals := body["value"].([]any)
		if len(vals) > 999 {
			t.Fatalf("page of %d, want at most 999", len(vals))
		}
		for _, v := range vals {
			u := v.(map[string]any)
			if _, has := u["displayName"]; has {
				t.Fatalf("unselected displayName returned: %v", u)
			}
			if u["id"] != boss && (u["department"] != "Ops" || u["manager"].(map[string]any)["id"] != boss) {
				t.Fatalf("user %v lacks department or expanded manager", u)
			}
		}
		seen += len(vals)
		pages++
		next, _ = body["@odata.nextLink"].(string)
	}
	if seen != 1201 || pages != 2 {
		t.Errorf("saw %d users in %d pages, want 1201 in 2", seen, pages)
	}
	if status, _, body := e.get("/v1.0/users?$select=nosuch"); status != 400 || !strings.Contains(body["error"].(map[string]any)["message"].(string), "nosuch") {
		t.Errorf("unknown $select: %d %v", status, body)
	}
	if status, _, _ := e.get("/v1.0/users?$select=skills"); status != 501 {
		t.Errorf("$select=skills on a collection: %d, want 501", status)
	}
}

func TestEntraDelta(t *testing.T) {
	e := newEntraTestEnv(t, Options{MembersPerDeltaEntry: 2, DeltaPageSize: 3})
	a := e.em.AddUser(User{DisplayName: "A", JobTitle: "x", AccountEnabled: true})
	b := e.em.AddUser(User{DisplayName: "B", AccountEnabled: true})
	c := e.em.AddUser(User{DisplayName: "C", AccountEnabled: true})
	sub := e.em.AddGroup("", "Sub")
	g := e.em.AddGroup("", "Big", a, b, c, sub)

	round := func(link string) (entries []map[string]any, deltaLink string) {
		for link != "" {
			status, _, body := e.get(link)
			if status != 200 {
				t.Fatalf("GET %s: %d %v", link, status, body)
			}
			for _, v := range body["value"].([]any) {
				entries = append(entries, v.(map[string]any))
			}
			link, _ = body["@odata.nextLink"].(string)
			if link == "" {
				deltaLink, _ = body["@odata.deltaLink"].(string)
			}
		}
		return entries, deltaLink
	}
	groupEntries, gLink := round("/v1.0/groups/delta?$select=displayName,members")
	var bigSlices, members int
	for _, en := range groupEntries {
		if en["id"] == g {
			bigSlices++
			members += len(en["members@delta"].([]any))
		}
	}
	if bigSlices != 2 || members != 4 || gLink == "" {
		t.Errorf("group with 4 members in slices of 2: %d entries, %d members, link %q", bigSlices, members, gLink)
	}
	_, uLink := round("/v1.0/users/delta?$select=displayName,jobTitle,manager")

	must := func(err error) {
		if err != nil {
			t.Fatal(err)
		}
	}
	must(e.em.UpdateUser(a, func(u *User) { u.Department = "untracked" }))
	must(e.em.UpdateUser(b, func(u *User) { u.JobTitle = "tracked"; u.Manager = a }))
	must(e.em.DeleteUser(c))
	must(e.em.RemoveMember(g, a))
	users, _ := round(uLink)
	got := map[string]map[string]any{}
	for _, u := range users {
		got[u["id"].(string)] = u
	}
	if _, ok := got[a]; ok {
		t.Errorf("a change to an unselected property appeared: %v", got[a])
	}
	if got[b]["jobTitle"] != "tracked" || got[b]["manager@delta"] == nil {
		t.Errorf("b = %v, want jobTitle and manager@delta", got[b])
	}
	if rm, _ := got[c]["@removed"].(map[string]any); rm["reason"] != "changed" {
		t.Errorf("soft-deleted c = %v, want @removed changed", got[c])
	}
	groups, _ := round(gLink)
	removedMembers := 0
	for _, en := range groups {
		for _, m := range en["members@delta"].([]any) {
			if m.(map[string]any)["@removed"] != nil {
				removedMembers++
			}
		}
	}
	if removedMembers != 2 {
		t.Errorf("members@delta removals = %d, want 2 (a removed, c deleted): %v", removedMembers, groups)
	}

	e.em.ExpireDeltaLinks()
	status, hdr, body := e.get(uLink)
	if status != 410 || entraErrCode(body) != "syncStateNotFound" || !strings.Contains(hdr.Get("Location"), "$deltatoken=") {
		t.Errorf("expired link: %d %v Location %q", status, body, hdr.Get("Location"))
	}
	if _, latest := round("/v1.0/users/delta?$deltatoken=latest"); latest == "" {
		t.Error("$deltatoken=latest gave no deltaLink")
	}
}

func TestEntraDeltaLinkTTL(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := newEntraTestEnv(t, Options{ExpiredStatus: 400, Now: func() time.Time { return now }})
	_, _, body := e.get("/v1.0/users/delta")
	link := body["@odata.deltaLink"].(string)
	now = now.Add(8 * 24 * time.Hour)
	e.tok = e.em.IssueToken()
	if status, _, body := e.get(link); status != 400 || entraErrCode(body) != "syncStateNotFound" {
		t.Errorf("8-day-old link: %d %v, want 400 syncStateNotFound", status, body)
	}
}

func TestEntraErrorsThrottlingAndPermissions(t *testing.T) {
	e := newEntraTestEnv(t, Options{ThrottleEvery: 2, RetryAfter: 1500 * time.Millisecond})
	e.get("/v1.0/users")
	status, hdr, body := e.get("/v1.0/users")
	if status != 429 || hdr.Get("Retry-After") != "2" || entraErrCode(body) != "TooManyRequests" {
		t.Errorf("2nd request: %d Retry-After %q %v, want 429 with whole seconds", status, hdr.Get("Retry-After"), body)
	}
	inner, _ := body["error"].(map[string]any)["innerError"].(map[string]any)
	if inner["request-id"] == "" || inner["date"] == nil {
		t.Errorf("innerError = %v, want request-id and date", inner)
	}
	e.em.SetThrottle(0, 0)
	e.em.SetPermissions("User.Read.All")
	if status, _, body := e.get("/v1.0/groups/delta"); status != 403 || entraErrCode(body) != "Authorization_RequestDenied" {
		t.Errorf("groups without GroupMember.Read.All: %d %v", status, body)
	}
	if status, _, body := e.get("/v1.0/servicePrincipals(appId='" + e.em.AppID() + "')/appRoleAssignedTo"); status != 403 {
		t.Errorf("assignments without Application.Read.All: %d %v", status, body)
	}
	e.tok = "forged"
	if status, _, body := e.get("/v1.0/users"); status != 401 || entraErrCode(body) != "InvalidAuthenticationToken" {
		t.Errorf("forged token: %d %v", status, body)
	}
}

func TestEntraAssignmentsAndSample(t *testing.T) {
	em := NewSample(Options{}, sampledir.JSON(sampledir.Options{Users: 300, Groups: 6, Seed: 2}))
	users, groups := em.Assigned()
	if len(groups) != 6 || len(users) == 0 {
		t.Fatalf("sample: %d direct users, %d groups; want all 6 groups and some direct users", len(users), len(groups))
	}
	inScope := map[string]bool{}
	for _, u := range users {
		inScope[u] = true
	}
	for _, g := range groups {
		for _, m := range em.GroupMembers(g) {
			inScope[m] = true
		}
	}
	if len(inScope) != 300 {
		t.Errorf("sample scope covers %d users, want all 300", len(inScope))
	}
	e := &entraTestEnv{t: t, em: em, srv: httptest.NewTLSServer(em), tok: em.IssueToken()}
	defer e.srv.Close()
	_, _, sp := e.get("/v1.0/servicePrincipals(appId='" + em.AppID() + "')?$select=id,displayName")
	if sp["id"] != em.ServicePrincipalID() || sp["displayName"] != "Slack" {
		t.Errorf("service principal = %v", sp)
	}
	status, _, body := e.get("/v1.0/servicePrincipals/" + em.ServicePrincipalID() + "/appRoleAssignedTo?$top=999")
	if status != 200 || len(body["value"].([]any)) != len(users)+len(groups) {
		t.Errorf("appRoleAssignedTo: %d, %d rows; want %d", status, len(body["value"].([]any)), len(users)+len(groups))
	}
	if status, _, body := e.get("/v1.0/servicePrincipals(appId='nope')"); status != 404 || entraErrCode(body) != "Request_ResourceNotFound" {
		t.Errorf("unknown app: %d %v", status, body)
	}
}

func TestEntraEmptySkipTokenIsRefused(t *testing.T) {
	env := newEntraTestEnv(t, Options{})
	env.em.AddUser(User{UserPrincipalName: "a@x.test", AccountEnabled: true})
	for _, path := range []string{"/v1.0/users?$skiptoken=", "/v1.0/users?$skiptoken=garbage"} {
		status, _, body := env.get(path)
		if status != http.StatusBadRequest || entraErrCode(body) != "Request_BadRequest" {
			t.Errorf("%s: %d %v, want 400 Request_BadRequest", path, status, body)
		}
	}
}
