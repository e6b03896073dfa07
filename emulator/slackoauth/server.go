// Package slackoauth is a faithful local fake of Slack's OAuth v2 side and
// its token Web API as described in reference/slack-api.md §7: the authorize
// page, redirect-URL matching, PKCE, single-use codes, oauth.v2.access with
// token rotation, auth.test and auth.revoke, all answering in the
// {ok:false,error} Web API envelope.
package slackoauth

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configures the OAuth emulator.
type Options struct {
	ClientID     string // required
	ClientSecret string
	// RedirectURLs are the app's configured Redirect URLs, first one the default.
	RedirectURLs []string
	// PKCE is the app's PKCE toggle: it allows http://localhost desktop
	// redirects, verifies code_challenge, and makes desktop installs rotate.
	PKCE bool
	// Rotation is the app's token-rotation toggle (web redirects).
	Rotation bool
	// TokenTTL is a rotating access token's life; default 12h (Slack's 43,200 s).
	TokenTTL time.Duration
	// RefreshGrace is how long a used refresh token keeps working; default 2m.
	// Slack documents "a short grace period" without a number.
	RefreshGrace time.Duration
	// Scopes are the user scopes granted on Allow; default ["admin"].
	Scopes []string
	// TeamID/TeamName name the workspace; with EnterpriseID set the install
	// is org-wide (team is null, is_enterprise_install true).
	TeamID, TeamName             string
	EnterpriseID, EnterpriseName string
	UserID, UserName             string
	Now                          func() time.Time
	// AcceptToken, when set, is told about every access token issued, so a
	// SCIM emulator can accept it.
	AcceptToken func(token string)
	// PreinstalledTokens are long-lived user tokens (the granted Scopes)
	// that exist from the start, as if an admin had installed the app and
	// copied the token: `slackprov emulator --token` is one.
	PreinstalledTokens []string
}

// OAuth is an in-memory Slack app installation service. It implements
// http.Handler for /oauth/v2/authorize, /api/oauth.v2.access, /api/auth.test
// and /api/auth.revoke (any prefix before /oauth or /api is ignored).
type Server struct {
	opts Options

	mu       sync.Mutex
	pending  map[string]*oauthRequest // authorize page id → request
	codes    map[string]*oauthCode
	access   map[string]*oauthAccess
	refresh  map[string]*oauthRefresh
	grants   map[string]*oauthGrant
	issued   []string
	counters oauthCounters
}

// oauthCounters let tests see what happened without reading tokens.
type oauthCounters struct {
	exchanges, refreshes, revokes int
}

// oauthRequest is a consent page waiting for Allow or Cancel.
type oauthRequest struct {
	redirect     string // where to send the browser
	redirectSent bool   // redirect_uri was given explicitly
	state        string
	challenge    string
	desktop      bool
	scopes       []string
}

type oauthCode struct {
	oauthRequest
	issuedAt time.Time
	used     bool
}

// oauthGrant is one authorization (install): the chain of tokens it issued.
type oauthGrant struct {
	id       string
	rotating bool
	desktop  bool
	scopes   []string
	issuedAt time.Time
	live     []string // access tokens, oldest first
	revoked  bool
}

type oauthAccess struct {
	grant   *oauthGrant
	expires time.Time // zero: never
	revoked bool
}

type oauthRefresh struct {
	grant   *oauthGrant
	usedAt  time.Time
	revoked bool
}

// New builds the emulator. It panics without a ClientID, a programming error.
func New(opts Options) *Server {
	if opts.ClientID == "" {
		panic("emulator: Options.ClientID is required")
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = 12 * time.Hour
	}
	if opts.RefreshGrace <= 0 {
		opts.RefreshGrace = 2 * time.Minute
	}
	if len(opts.Scopes) == 0 {
		opts.Scopes = []string{"admin"}
	}
	if opts.TeamID == "" && opts.EnterpriseID == "" {
		opts.TeamID = "T0EMULATOR"
	}
	if opts.TeamName == "" && opts.TeamID != "" {
		opts.TeamName = "Emulated Workspace"
	}
	if opts.EnterpriseID != "" && opts.EnterpriseName == "" {
		opts.EnterpriseName = "Emulated Org"
	}
	if opts.UserID == "" {
		opts.UserID = "U0EMUADMIN"
		if opts.EnterpriseID != "" {
			opts.UserID = "W0EMUADMIN"
		}
	}
	if opts.UserName == "" {
		opts.UserName = "admin"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	o := &Server{
		opts:    opts,
		pending: map[string]*oauthRequest{},
		codes:   map[string]*oauthCode{},
		access:  map[string]*oauthAccess{},
		refresh: map[string]*oauthRefresh{},
		grants:  map[string]*oauthGrant{},
	}
	for i, tok := range opts.PreinstalledTokens {
		g := &oauthGrant{id: fmt.Sprintf("preinstalled-%d", i), scopes: opts.Scopes, issuedAt: opts.Now()}
		o.grants[g.id] = g
		o.access[tok] = &oauthAccess{grant: g}
	}
	return o
}

// ServeHTTP routes on the path's tail so the emulator can be mounted anywhere.
func (o *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case strings.HasSuffix(p, "/oauth/v2/authorize"):
		o.serveAuthorize(w, r)
	case strings.HasSuffix(p, "/api/oauth.v2.access"):
		o.serveAccess(w, r)
	case strings.HasSuffix(p, "/api/auth.test"):
		o.serveAuthTest(w, r)
	case strings.HasSuffix(p, "/api/auth.revoke"):
		o.serveRevoke(w, r)
	case strings.Contains(p, "/api/"):
		oauthWriteJSON(w, http.StatusNotFound, map[string]any{"ok": false, "error": "unknown_method"})
	default:
		http.NotFound(w, r)
	}
}

// ValidToken reports whether tok is a live access token: issued, not
// revoked, not expired, not pushed out by newer refreshes.
func (o *Server) ValidToken(tok string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	_, errCode := o.oauthCheckAccess(tok)
	return errCode == ""
}

// SCIMAuth returns the check a SCIM emulator can use to accept exactly the
// access tokens this emulator issued and still honours.
func (o *Server) SCIMAuth() func(token string) bool { return o.ValidToken }

// IssuedTokens returns every access and refresh token ever issued, so tests
// can make sure none of them leaks into output.
func (o *Server) IssuedTokens() []string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.issued...)
}

// Refreshes counts successful refresh grants.
func (o *Server) Refreshes() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.counters.refreshes
}

// Revocations counts tokens revoked through auth.revoke.
func (o *Server) Revocations() int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.counters.revokes
}

// oauthCheckAccess returns the grant behind a live token, or Slack's error.
func (o *Server) oauthCheckAccess(tok string) (*oauthAccess, string) {
	if tok == "" {
		return nil, "not_authed"
	}
	a, ok := o.access[tok]
	switch {
	case !ok:
		return nil, "invalid_auth"
	case a.revoked || a.grant.revoked:
		return nil, "token_revoked"
	case !a.expires.IsZero() && !o.opts.Now().Before(a.expires):
		return nil, "token_expired"
	}
	return a, ""
}

func oauthRandom(prefix string, n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic("emulator: no randomness: " + err.Error())
	}
	return prefix + hex.EncodeToString(b)
}
