// Package entraid is a faithful local fake of Microsoft Entra ID as a
// directory source: the identity platform's token endpoint and OpenID
// configuration (what azidentity needs), and the Microsoft Graph v1.0
// endpoints slackprov reads — users, groups, members, delta queries, service
// principals and their app role assignments — as described in
// reference/microsoft-graph.md. It shares no code with slackprov's Graph
// client.
package entraid

import (
	"maps"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configures an Entra emulator. Zero values give a tenant
// "contoso" whose app registration accepts any client id and secret, with the
// three permissions slackprov needs granted.
type Options struct {
	// TenantID is the tenant in token URLs. Default "contoso".
	TenantID string
	// ClientID and ClientSecret are the app registration's credentials. An
	// empty ClientID accepts any client id; an empty ClientSecret accepts any
	// secret, unless ClientCertificate is set: a certificate-only app takes
	// no secret at all.
	ClientID     string
	ClientSecret string
	// ClientCertificate, when set, lets the client authenticate with a JWT
	// assertion signed by its key (azidentity's ClientCertificateCredential).
	ClientCertificate CertificateVerifier
	// AppID and AppDisplayName describe the Slack enterprise application
	// (its service principal). Defaults: a fixed GUID and "Slack".
	AppID          string
	AppDisplayName string
	// Permissions are the application permissions an admin granted. Nil means
	// User.Read.All, GroupMember.Read.All and Application.Read.All.
	Permissions []string
	// ThrottleEvery answers every Nth Graph request with 429 and RetryAfter
	// (0: never). RetryAfter defaults to one second; below a second it is sent
	// as decimal seconds (an emulator extension so tests need not sleep).
	ThrottleEvery int
	RetryAfter    time.Duration
	// DeltaPageSize is how many objects a delta page holds (default 100; the
	// real service's page size "varies"). MembersPerDeltaEntry splits a big
	// group's members@delta over several entries of the same group, as Graph
	// does (default 100).
	DeltaPageSize        int
	MembersPerDeltaEntry int
	// DeltaLinkTTL is how long a delta link stays valid. Default 7 days.
	DeltaLinkTTL time.Duration
	// ExpiredStatus is the HTTP status for an expired delta link: 410 Gone
	// (default, with a Location header) or 400, both with code
	// syncStateNotFound, as the reference reports both.
	ExpiredStatus int
	// BaseURL is the scheme and host used in @odata links and OpenID
	// metadata, e.g. "https://127.0.0.1:8443". Empty means the request's own.
	BaseURL string
	// Now is the clock for tokens and delta links. Default time.Now.
	Now func() time.Time
}

// CertificateVerifier checks a client assertion's signature; see
// NewCertificateVerifier.
type CertificateVerifier interface {
	VerifyAssertion(signingInput, signature []byte, alg string) error
}

// Entra is an in-memory Entra tenant served as its token endpoint plus
// Microsoft Graph v1.0. It is an http.Handler; azidentity insists on https for
// the authority, so serve it with TLS (httptest.NewTLSServer in tests).
type Tenant struct {
	opts Options

	mu          sync.Mutex
	seq         uint64 // bumped by every change; delta watermarks are seq values
	generation  int    // bumped by ExpireDeltaLinks
	users       map[string]*entraUserRec
	userOrder   []string
	groups      map[string]*entraGroupRec
	groupOrder  []string
	assignments []*entraAssignment
	extensions  []Extension
	spID        string
	perms       map[string]bool
	tokens      map[string]time.Time
	nextID      int
	throttle    int // ThrottleEvery, changeable while serving
	retryAfter  time.Duration

	statsMu sync.Mutex
	stats   Stats
}

// Stats counts the requests the emulator received.
type Stats struct {
	// Requests counts Graph requests by method and endpoint class, for
	// example "GET /users/delta" or "GET /groups/{id}/members", including
	// throttled and denied ones.
	Requests map[string]int
	Graph    int // all Graph requests
	Token    int // POSTs to the token endpoint
	Metadata int // OpenID configuration reads
	// Throttled counts 429s, Denied 403s, Expired delta links refused.
	Throttled int
	Denied    int
	Expired   int
}

// New returns an empty tenant with the Slack enterprise app registered.
func New(opts Options) *Tenant {
	if opts.TenantID == "" {
		opts.TenantID = "contoso"
	}
	if opts.AppID == "" {
		opts.AppID = "5f0e2d4c-8a1b-4c3d-9e7f-51ac4b0f5e11"
	}
	if opts.AppDisplayName == "" {
		opts.AppDisplayName = "Slack"
	}
	if opts.Permissions == nil {
		opts.Permissions = []string{"User.Read.All", "GroupMember.Read.All", "Application.Read.All"}
	}
	if opts.RetryAfter <= 0 {
		opts.RetryAfter = time.Second
	}
	if opts.DeltaPageSize <= 0 {
		opts.DeltaPageSize = 100
	}
	if opts.MembersPerDeltaEntry <= 0 {
		opts.MembersPerDeltaEntry = 100
	}
	if opts.DeltaLinkTTL <= 0 {
		opts.DeltaLinkTTL = 7 * 24 * time.Hour
	}
	if opts.ExpiredStatus == 0 {
		opts.ExpiredStatus = http.StatusGone
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	e := &Tenant{
		opts:       opts,
		users:      map[string]*entraUserRec{},
		groups:     map[string]*entraGroupRec{},
		tokens:     map[string]time.Time{},
		throttle:   opts.ThrottleEvery,
		retryAfter: opts.RetryAfter,
		stats:      Stats{Requests: map[string]int{}},
	}
	e.spID = e.newIDLocked()
	e.perms = entraPermSet(opts.Permissions)
	return e
}

// TenantID is the tenant the token endpoint answers for.
func (e *Tenant) TenantID() string { return e.opts.TenantID }

// AppID is the Slack enterprise application's appId.
func (e *Tenant) AppID() string { return e.opts.AppID }

// ServicePrincipalID is the object id of the Slack enterprise application.
func (e *Tenant) ServicePrincipalID() string { return e.spID }

// SetPermissions replaces the granted application permissions.
func (e *Tenant) SetPermissions(perms ...string) {
	e.mu.Lock()
	e.perms = entraPermSet(perms)
	e.mu.Unlock()
}

// SetThrottle answers every Nth Graph request with 429 and the given
// Retry-After (0 turns throttling off).
func (e *Tenant) SetThrottle(every int, retryAfter time.Duration) {
	e.mu.Lock()
	e.throttle, e.retryAfter = every, retryAfter
	e.mu.Unlock()
}

// ExpireDeltaLinks makes every delta and paging link issued so far invalid,
// as a tenant migration or a week without syncing does.
func (e *Tenant) ExpireDeltaLinks() {
	e.mu.Lock()
	e.generation++
	e.mu.Unlock()
}

// Stats returns a copy of the counters.
func (e *Tenant) Stats() Stats {
	e.statsMu.Lock()
	defer e.statsMu.Unlock()
	st := e.stats
	st.Requests = maps.Clone(e.stats.Requests)
	return st
}

// ResetStats zeroes the counters.
func (e *Tenant) ResetStats() {
	e.statsMu.Lock()
	e.stats = Stats{Requests: map[string]int{}}
	e.statsMu.Unlock()
}

func (e *Tenant) count(update func(*Stats)) {
	e.statsMu.Lock()
	update(&e.stats)
	e.statsMu.Unlock()
}

func entraPermSet(perms []string) map[string]bool {
	set := map[string]bool{}
	for _, p := range perms {
		set[strings.ToLower(p)] = true
	}
	return set
}

// ServeHTTP routes identity-platform paths (/{tenant}/...) and Graph paths
// (/v1.0/...).
func (e *Tenant) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, ok := strings.CutPrefix(r.URL.Path, "/v1.0/"); ok {
		e.serveGraph(w, r, rest)
		return
	}
	e.serveIdentity(w, r)
}

// baseURL is the scheme and host for links the emulator hands out.
func (e *Tenant) baseURL(r *http.Request) string {
	if e.opts.BaseURL != "" {
		return strings.TrimSuffix(e.opts.BaseURL, "/")
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}
