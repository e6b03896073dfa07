package slackoauth

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestOAuthMatchRedirect(t *testing.T) {
	web := []string{"https://example.com/path"}
	desk := []string{"http://localhost:53682/callback"}
	tests := []struct {
		name       string
		configured []string
		sent       string
		pkce       bool
		want       string
		desktop    bool
	}{
		{"equal", web, "https://example.com/path", false, "https://example.com/path", false},
		{"subdirectory", web, "https://example.com/path/subdir/other", false, "https://example.com/path/subdir/other", false},
		{"sibling prefix is not a subdirectory", web, "https://example.com/pathology", false, "", false},
		{"other host", web, "https://evil.example/path", false, "", false},
		{"other port", web, "https://example.com:8443/path", false, "", false},
		{"http is refused", []string{"http://example.com/path"}, "http://example.com/path", false, "", false},
		{"fragment is refused", web, "https://example.com/path#x", false, "", false},
		{"dot-dot escape is refused", web, "https://example.com/path/../admin", false, "", false},
		{"empty means the first configured", web, "", false, "https://example.com/path", false},
		{"localhost needs PKCE", desk, "http://localhost:53682/callback", false, "", false},
		{"localhost with PKCE is a desktop redirect", desk, "http://localhost:53682/callback", true, "http://localhost:53682/callback", true},
		{"localhost other port", desk, "http://localhost:53683/callback", true, "", false},
		{"127.0.0.1 is not localhost", []string{"http://127.0.0.1:53682/callback"}, "http://127.0.0.1:53682/callback", true, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, desktop, errCode := oauthMatchRedirect(tt.configured, tt.sent, tt.pkce)
			if tt.want == "" {
				if errCode != "bad_redirect_uri" {
					t.Fatalf("accepted %q as %q", tt.sent, got)
				}
				return
			}
			if errCode != "" || got != tt.want || desktop != tt.desktop {
				t.Fatalf("= %q desktop=%v err=%q, want %q desktop=%v", got, desktop, errCode, tt.want, tt.desktop)
			}
		})
	}
}

type oauthTestEnv struct {
	o     *Server
	srv   *httptest.Server
	clock *fakeClock
	mu    sync.Mutex
	given []string
}

const oauthTestRedirect = "http://localhost:53682/callback"

func newOAuthTestEnv(t *testing.T, opts Options) *oauthTestEnv {
	t.Helper()
	e := &oauthTestEnv{clock: &fakeClock{now: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}}
	if opts.ClientID == "" {
		opts.ClientID = "111.222"
	}
	if opts.RedirectURLs == nil {
		opts.RedirectURLs = []string{oauthTestRedirect}
		opts.PKCE = true
	}
	opts.Now = e.clock.Now
	opts.AcceptToken = func(tok string) {
		e.mu.Lock()
		defer e.mu.Unlock()
		e.given = append(e.given, tok)
	}
	e.o = New(opts)
	e.srv = httptest.NewServer(e.o)
	t.Cleanup(e.srv.Close)
	return e
}

var oauthTestRequestRE = regexp.MustCompile(`name="request" value="([^"]+)"`)

// authorize loads the consent page with params and clicks decision; it
// returns the redirect's query, or the error page's code.
func (e *oauthTestEnv) authorize(t *testing.T, params url.Values, decision string) (url.Values, string) {
	t.Helper()
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(e.srv.URL + "/oauth/v2/authorize?" + params.Encode())
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if m := regexp.MustCompile(`id="error">([^<]+)<`).FindSubmatch(body); m != nil {
		return nil, string(m[1])
	}
	id := oauthTestRequestRE.FindSubmatch(body)
	if id == nil {
		t.Fatalf("no consent form: %s", body)
	}
	if !strings.Contains(string(body), `id="allow"`) || !strings.Contains(string(body), `id="cancel"`) {
		t.Fatalf("consent page lacks #allow/#cancel: %s", body)
	}
	resp, err = noFollow.PostForm(e.srv.URL+"/oauth/v2/authorize", url.Values{"request": {string(id[1])}, "decision": {decision}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("decision: HTTP %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	return loc.Query(), ""
}

func oauthTestChallenge(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

const oauthTestVerifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"

func oauthPKCEParams() url.Values {
	return url.Values{"client_id": {"111.222"}, "scope": {""}, "user_scope": {"admin"}, "redirect_uri": {oauthTestRedirect},
		"state": {"st4te"}, "code_challenge": {oauthTestChallenge(oauthTestVerifier)}, "code_challenge_method": {"S256"}}
}

// call posts form to an API method and decodes the answer.
func (e *oauthTestEnv) call(t *testing.T, method string, form url.Values, bearer string) (map[string]any, http.Header) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/"+method, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("%s: HTTP %d, want 200 with the ok envelope", method, resp.StatusCode)
	}
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return body, resp.Header
}

func oauthWantError(t *testing.T, body map[string]any, code string) {
	t.Helper()
	if body["ok"] != false || body["error"] != code {
		t.Fatalf("answer %v, want ok:false error:%s", body, code)
	}
}

func (e *oauthTestEnv) exchange(t *testing.T, code string, extra url.Values) map[string]any {
	t.Helper()
	form := url.Values{"client_id": {"111.222"}, "code": {code}, "grant_type": {"authorization_code"}}
	for k, v := range extra {
		form[k] = v
	}
	body, _ := e.call(t, "oauth.v2.access", form, "")
	return body
}

func TestOAuthPKCECodeExchange(t *testing.T) {
	e := newOAuthTestEnv(t, Options{TeamID: "T9", TeamName: "Acme"})
	q, errCode := e.authorize(t, oauthPKCEParams(), "allow")
	if errCode != "" || q.Get("state") != "st4te" || q.Get("code") == "" {
		t.Fatalf("redirect %v, error %q", q, errCode)
	}
	code := q.Get("code")
	good := url.Values{"code_verifier": {oauthTestVerifier}, "redirect_uri": {oauthTestRedirect}}

	oauthWantError(t, e.exchange(t, code, url.Values{"code_verifier": {"wrong"}, "redirect_uri": {oauthTestRedirect}}), "invalid_code")
	oauthWantError(t, e.exchange(t, code, url.Values{"code_verifier": {oauthTestVerifier}}), "bad_redirect_uri")
	oauthWantError(t, e.exchange(t, code, url.Values{"code_verifier": {oauthTestVerifier}, "redirect_uri": {oauthTestRedirect + "/x"}}), "bad_redirect_uri")

	body := e.exchange(t, code, good)
	if body["ok"] != true || body["access_token"] != nil {
		t.Fatalf("answer %v: a user-only install has no top-level token", body)
	}
	user := body["authed_user"].(map[string]any)
	tok, _ := user["access_token"].(string)
	if !strings.HasPrefix(tok, "xoxe.xoxp-1-") || user["token_type"] != "user" || user["scope"] != "admin" ||
		user["expires_in"] != float64(43200) || !strings.HasPrefix(user["refresh_token"].(string), "xoxe-1-") {
		t.Fatalf("authed_user %v: want a rotating desktop user token", user)
	}
	if team := body["team"].(map[string]any); team["id"] != "T9" || team["name"] != "Acme" || body["is_enterprise_install"] != false {
		t.Fatalf("install body %v", body)
	}
	oauthWantError(t, e.exchange(t, code, good), "code_already_used")
	if len(e.given) != 1 || e.given[0] != tok || !e.o.SCIMAuth()(tok) {
		t.Fatal("AcceptToken/SCIMAuth do not see the issued token")
	}
}

func TestOAuthCodeExpiresAfterTenMinutes(t *testing.T) {
	e := newOAuthTestEnv(t, Options{})
	q, _ := e.authorize(t, oauthPKCEParams(), "allow")
	e.clock.Advance(10 * time.Minute)
	oauthWantError(t, e.exchange(t, q.Get("code"), url.Values{"code_verifier": {oauthTestVerifier}, "redirect_uri": {oauthTestRedirect}}), "invalid_code")
}

func TestOAuthAuthorizeErrors(t *testing.T) {
	e := newOAuthTestEnv(t, Options{})
	tests := []struct {
		name string
		edit func(url.Values)
		want string
	}{
		{"unknown client", func(v url.Values) { v.Set("client_id", "nope") }, "invalid_client_id"},
		{"unregistered redirect", func(v url.Values) { v.Set("redirect_uri", "http://localhost:1/callback") }, "bad_redirect_uri"},
		{"bot scope on a desktop redirect", func(v url.Values) { v.Set("scope", "chat:write") }, "invalid_scope"},
		{"no scopes", func(v url.Values) { v.Del("user_scope") }, "invalid_scope"},
		{"plain challenge method", func(v url.Values) { v.Set("code_challenge_method", "plain") }, "invalid_code_challenge"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := oauthPKCEParams()
			tt.edit(p)
			if _, errCode := e.authorize(t, p, "allow"); errCode != tt.want {
				t.Fatalf("error page %q, want %q", errCode, tt.want)
			}
		})
	}
}

func TestOAuthCancelRedirectsWithAccessDenied(t *testing.T) {
	e := newOAuthTestEnv(t, Options{})
	q, _ := e.authorize(t, oauthPKCEParams(), "cancel")
	if q.Get("error") != "access_denied" || q.Get("state") != "st4te" || q.Get("code") != "" {
		t.Fatalf("cancel redirect %v", q)
	}
}

func TestOAuthConfidentialApp(t *testing.T) {
	e := newOAuthTestEnv(t, Options{ClientSecret: "shh", RedirectURLs: []string{"https://admin.example.com/slack"}})
	p := url.Values{"client_id": {"111.222"}, "user_scope": {"admin"}, "redirect_uri": {"https://admin.example.com/slack/cb"}, "state": {"s"}}
	q, errCode := e.authorize(t, p, "allow")
	if errCode != "" {
		t.Fatal(errCode)
	}
	redirect := url.Values{"redirect_uri": {"https://admin.example.com/slack/cb"}}
	oauthWantError(t, e.exchange(t, q.Get("code"), redirect), "bad_client_secret")
	oauthWantError(t, e.exchange(t, q.Get("code"), url.Values{"redirect_uri": redirect["redirect_uri"], "client_secret": {"wrong"}}), "bad_client_secret")

	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/api/oauth.v2.access",
		strings.NewReader(url.Values{"code": {q.Get("code")}, "redirect_uri": redirect["redirect_uri"]}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth("111.222", "shh")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&body)
	user, _ := body["authed_user"].(map[string]any)
	if body["ok"] != true || !strings.HasPrefix(user["access_token"].(string), "xoxp-1-") || user["refresh_token"] != nil {
		t.Fatalf("answer %v: want a long-lived xoxp token without rotation", body)
	}
}

func TestOAuthRefreshRotation(t *testing.T) {
	e := newOAuthTestEnv(t, Options{TokenTTL: time.Hour, RefreshGrace: time.Minute})
	q, _ := e.authorize(t, oauthPKCEParams(), "allow")
	body := e.exchange(t, q.Get("code"), url.Values{"code_verifier": {oauthTestVerifier}, "redirect_uri": {oauthTestRedirect}})
	user := body["authed_user"].(map[string]any)
	a0, r0 := user["access_token"].(string), user["refresh_token"].(string)

	refresh := func(rt string) map[string]any {
		b, _ := e.call(t, "oauth.v2.access", url.Values{"client_id": {"111.222"}, "grant_type": {"refresh_token"}, "refresh_token": {rt}}, "")
		return b
	}
	b1 := refresh(r0)
	a1, r1 := b1["access_token"].(string), b1["refresh_token"].(string)
	if b1["ok"] != true || a1 == "" || r1 == "" || b1["token_type"] != "user" || b1["expires_in"] != float64(3600) {
		t.Fatalf("refresh answer %v: want the new pair at the top level", b1)
	}
	if !e.o.ValidToken(a0) || !e.o.ValidToken(a1) {
		t.Fatal("refreshing must not revoke the previous access token at once")
	}
	// Within the grace period the used refresh token still works; after it, not.
	e.clock.Advance(30 * time.Second)
	b2 := refresh(r0)
	if b2["ok"] != true {
		t.Fatalf("refresh within the grace period: %v", b2)
	}
	if e.o.ValidToken(a0) {
		t.Fatal("a third access token must push out the oldest (at most two live)")
	}
	e.clock.Advance(time.Minute)
	oauthWantError(t, refresh(r0), "invalid_refresh_token")
	oauthWantError(t, refresh("xoxe-1-unknown"), "invalid_refresh_token")

	e.clock.Advance(2 * time.Hour)
	if e.o.ValidToken(a1) {
		t.Fatal("an access token outlived its TTL")
	}
	res, _ := e.call(t, "auth.test", nil, a1)
	oauthWantError(t, res, "token_expired")
}

func TestOAuthAuthTestAndRevoke(t *testing.T) {
	e := newOAuthTestEnv(t, Options{EnterpriseID: "E1", Scopes: []string{"admin", "users:read"}})
	q, _ := e.authorize(t, oauthPKCEParams(), "allow")
	body := e.exchange(t, q.Get("code"), url.Values{"code_verifier": {oauthTestVerifier}, "redirect_uri": {oauthTestRedirect}})
	if body["team"] != nil || body["is_enterprise_install"] != true {
		t.Fatalf("org install body %v", body)
	}
	user := body["authed_user"].(map[string]any)
	access, refreshTok := user["access_token"].(string), user["refresh_token"].(string)

	res, h := e.call(t, "auth.test", nil, access)
	if res["ok"] != true || res["enterprise_id"] != "E1" || res["user_id"] != "W0EMUADMIN" || h.Get("X-OAuth-Scopes") != "admin,users:read" {
		t.Fatalf("auth.test %v, scopes header %q", res, h.Get("X-OAuth-Scopes"))
	}
	res, _ = e.call(t, "auth.test", url.Values{"token": {access}}, "")
	if res["ok"] != true {
		t.Fatalf("auth.test with a form token: %v", res)
	}
	res, _ = e.call(t, "auth.test", nil, "")
	oauthWantError(t, res, "not_authed")
	res, _ = e.call(t, "auth.test", nil, "xoxp-made-up")
	oauthWantError(t, res, "invalid_auth")

	res, _ = e.call(t, "auth.revoke", url.Values{"test": {"1"}}, access)
	if res["ok"] != true || res["revoked"] != false || !e.o.ValidToken(access) {
		t.Fatalf("dry-run revoke %v", res)
	}
	res, _ = e.call(t, "auth.revoke", url.Values{"token": {access}}, "")
	if res["ok"] != true || res["revoked"] != true || e.o.ValidToken(access) {
		t.Fatalf("revoke %v", res)
	}
	res, _ = e.call(t, "auth.test", nil, access)
	oauthWantError(t, res, "token_revoked")
	// With rotation only that token died: the refresh token still works.
	b, _ := e.call(t, "oauth.v2.access", url.Values{"client_id": {"111.222"}, "grant_type": {"refresh_token"}, "refresh_token": {refreshTok}}, "")
	if b["ok"] != true {
		t.Fatalf("refresh after revoking the access token: %v", b)
	}
	res, _ = e.call(t, "auth.revoke", url.Values{"token": {b["refresh_token"].(string)}}, "")
	if res["ok"] != true || e.o.Revocations() != 2 {
		t.Fatalf("revoking the refresh token: %v", res)
	}
	b, _ = e.call(t, "oauth.v2.access", url.Values{"client_id": {"111.222"}, "grant_type": {"refresh_token"}, "refresh_token": {b["refresh_token"].(string)}}, "")
	oauthWantError(t, b, "invalid_refresh_token")
}

func TestOAuthRevokeNonRotatingKillsAuthorization(t *testing.T) {
	e := newOAuthTestEnv(t, Options{ClientSecret: "shh", RedirectURLs: []string{"https://a.example/cb"}})
	q, _ := e.authorize(t, url.Values{"client_id": {"111.222"}, "user_scope": {"admin"}}, "allow")
	body := e.exchange(t, q.Get("code"), url.Values{"client_secret": {"shh"}})
	tok := body["authed_user"].(map[string]any)["access_token"].(string)
	if res, _ := e.call(t, "auth.revoke", nil, tok); res["ok"] != true {
		t.Fatalf("revoke %v", res)
	}
	if e.o.ValidToken(tok) {
		t.Fatal("revoked non-rotating token still valid")
	}
}

func TestOAuthAccessEnvelopeErrors(t *testing.T) {
	e := newOAuthTestEnv(t, Options{})
	body, _ := e.call(t, "oauth.v2.access", url.Values{"client_id": {"999"}, "code": {"x"}}, "")
	oauthWantError(t, body, "invalid_client_id")
	body, _ = e.call(t, "oauth.v2.access", url.Values{"client_id": {"111.222"}, "grant_type": {"password"}}, "")
	oauthWantError(t, body, "invalid_grant_type")
	body, _ = e.call(t, "oauth.v2.access", url.Values{"client_id": {"111.222"}, "code": {"made-up"}}, "")
	oauthWantError(t, body, "invalid_code")
	if toks := e.o.IssuedTokens(); len(toks) != 0 {
		t.Fatalf("failed calls issued tokens: %d", len(toks))
	}
}

// fakeClock is a settable clock for tests.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}
