// Package slackscim is a faithful local fake of Slack's SCIM API, v2 and the
// v1 dialect, as described in reference/slack-api.md §1–§6: its validation
// rules, error bodies, paging, filters, PATCH dialect, rate limits and
// per-resource write locks, plus the org's Web API auth.test. It
// deliberately shares no code with slackprov's own SCIM client.
package slackscim

import (
	"crypto/subtle"
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Options configures a Slack SCIM emulator.
type Options struct {
	// Token is a bearer token the emulator accepts. Required unless
	// AcceptToken is set.
	Token string
	// AcceptToken, when set, also accepts any bearer token it approves, for
	// example slackoauth.Server.SCIMAuth() so tokens issued and rotated by the OAuth
	// emulator work here.
	AcceptToken func(token string) bool
	// Plan is "business_plus" (default) or "enterprise". Any other plan, such as
	// "pro" or "free", fails every call with 403 plus_teams_only, as Slack does.
	// On "enterprise" new user ids start with W (org-level users).
	Plan string
	// TimeScale speeds up the rate-limit clock: 0 or 1 is Slack's real limits,
	// 20 refills buckets twenty times faster.
	TimeScale float64
	// RateLimits reports whether token buckets are on. New turns them on
	// unless DisableRateLimits is set.
	RateLimits        bool
	DisableRateLimits bool
	Faults            Faults
	// BaseURL is the SCIM base used in meta.location, ending in "/scim/v2/".
	// Empty means the request's own scheme, host and mount prefix.
	BaseURL string
	// Now is the clock for rate limits and meta.created; default time.Now.
	Now  func() time.Time
	Seed *Seed
	// EmailTakenDetail appends " existing_user=<id>" to email_taken, the format
	// one production client parses. The real format is unconfirmed.
	EmailTakenDetail bool
	// ConflictStatus is the HTTP status for email_taken and username_taken.
	// Default 409; Slack may send 400 (unconfirmed).
	ConflictStatus int
	// Channels are the channel names that share the userName namespace; a
	// userName equal to one is username_taken. Default: general, random.
	Channels []string
	// GroupMemberMax caps a group's size (group_member_max_exceeded). Default
	// 5,000 on business_plus (user groups) and 15,000 on enterprise (IdP groups).
	GroupMemberMax int
	// TeamID and TeamName name the org auth.test reports (default T0EMULATOR,
	// "Emulated Org"); with EnterpriseID set it is an Enterprise Grid org.
	TeamID, TeamName             string
	EnterpriseID, EnterpriseName string
	// V2Unsupported makes the org answer every /scim/v2 call with
	// unsupported_version while /scim/v1 works, as reported for some org
	// tokens (reference §1, unconfirmed).
	V2Unsupported bool
}

// Slack is an in-memory Slack org served over SCIM v2. It implements
// http.Handler for any mount prefix: it routes on the path after "/scim/v2/".
type Org struct {
	opts    Options
	scale   float64
	limiter *scimLimiter
	locks   *scimLocks
	faults  *scimFaults

	mu         sync.Mutex
	users      []*scimUser
	usersByID  map[string]*scimUser
	byUserName map[string]*scimUser
	byEmail    map[string]*scimUser // lowercased primary email
	groups     []*scimGroup
	groupsByID map[string]*scimGroup
	ids        *rand.Rand

	statsMu sync.Mutex
	stats   Stats
}

// New builds an emulator. It panics when Token is empty or the seed is
// invalid: both are programming errors (LoadSeed reports seed problems as
// errors for seeds read from files).
func New(opts Options) *Org {
	if opts.Token == "" && opts.AcceptToken == nil {
		panic("emulator: Options needs Token or AcceptToken: set the bearer token clients must send")
	}
	s := newOrg(opts)
	if opts.Seed != nil {
		if err := s.applySeed(opts.Seed); err != nil {
			panic("emulator: " + err.Error())
		}
	}
	return s
}

func newOrg(opts Options) *Org {
	if opts.Plan == "" {
		opts.Plan = "business_plus"
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ConflictStatus == 0 {
		opts.ConflictStatus = http.StatusConflict
	}
	if opts.Channels == nil {
		opts.Channels = []string{"general", "random"}
	}
	if opts.GroupMemberMax == 0 {
		opts.GroupMemberMax = 5000
		if opts.Plan == "enterprise" {
			opts.GroupMemberMax = 15000
		}
	}
	if opts.TeamID == "" {
		opts.TeamID, opts.TeamName = "T0EMULATOR", "Emulated Org"
	}
	if opts.BaseURL != "" && !strings.HasSuffix(opts.BaseURL, "/") {
		opts.BaseURL += "/"
	}
	opts.RateLimits = !opts.DisableRateLimits
	scale := opts.TimeScale
	if scale <= 0 {
		scale = 1
	}
	s := &Org{
		opts:       opts,
		scale:      scale,
		limiter:    newScimLimiter(opts.Now, scale),
		locks:      newScimLocks(),
		faults:     newScimFaults(opts.Faults),
		usersByID:  map[string]*scimUser{},
		byUserName: map[string]*scimUser{},
		byEmail:    map[string]*scimUser{},
		groupsByID: map[string]*scimGroup{},
		// Fixed seed: ids repeat across runs, which keeps test failures readable.
		ids:   rand.New(rand.NewPCG(0x5c1a, 0xc0de)),
		stats: Stats{Requests: map[string]int{}},
	}
	return s
}

// SetFaults replaces the injected faults; it is safe while serving.
func (s *Org) SetFaults(f Faults) { s.faults.set(f) }

// ServeHTTP runs one request through Slack's pipeline: faults, auth, plan,
// routing, rate limits, the resource lock, latency, then the handler.
func (s *Org) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if strings.HasSuffix(r.URL.Path, "/api/auth.test") {
		s.serveAuthTest(w, r)
		return
	}
	rt := scimParseRoute(r)
	s.countRequest(rt)
	latency := s.faults.latency()
	fail := func(e *scimError) {
		scimSleep(r.Context(), latency)
		if e.status == http.StatusTooManyRequests {
			s.count(func(st *Stats) { st.TooManyRequests++ })
		}
		scimWriteError(w, rt, e)
	}

	switch s.faults.before() {
	case scimFaultDrop:
		scimSleep(r.Context(), latency)
		s.count(func(st *Stats) { st.Dropped++ })
		scimDropConnection(w)
		return
	case scimFaultError:
		s.count(func(st *Stats) { st.InjectedErrors++ })
		fail(scimErr(http.StatusInternalServerError, "internal_error"))
		return
	}
	if e := s.admit(rt, r); e != nil {
		fail(e)
		return
	}
	if rt.isWrite() && rt.hasID {
		release, e := s.lock(rt)
		if e != nil {
			fail(e)
			return
		}
		defer release()
	}
	scimSleep(r.Context(), latency)
	s.respond(w, rt, r)
}

func (s *Org) countRequest(rt scimRoute) {
	s.count(func(st *Stats) {
		st.Total++
		st.Requests[rt.class()]++
		if rt.isRead() {
			st.Reads++
		} else if rt.isWrite() {
			st.Writes++
		}
	})
}

// admit is Slack's gate before any work: authentication, routing, the
// API version, a v1 body's dialect, then the rate limit.
func (s *Org) admit(rt scimRoute, r *http.Request) *scimError {
	if e := s.authenticate(r); e != nil {
		return e
	}
	if rt.err != nil {
		return rt.err
	}
	if !rt.v1 && s.opts.V2Unsupported {
		return scimBadRequest("unsupported_version")
	}
	if rt.v1 && r.Body != nil && (r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch) {
		if e := scimV1Request(rt, r); e != nil {
			return e
		}
	}
	if s.opts.RateLimits {
		if ok, wait := s.limiter.take(rt); !ok {
			e := scimErr(http.StatusTooManyRequests, "too_many_requests")
			e.retryAfter = scimFormatRetryAfter(wait, s.scale)
			return e
		}
	}
	return nil
}

// lock takes the per-resource write lock, or answers 429 as Slack does
// while another write to the same resource is in flight.
func (s *Org) lock(rt scimRoute) (release func(), _ *scimError) {
	release, ok := s.locks.acquire(rt.resource + "/" + rt.id)
	if ok {
		return release, nil
	}
	detail := "too_many_requests"
	if rt.resource == "Groups" {
		detail = "resource_locked"
	}
	e := scimErr(http.StatusTooManyRequests, detail)
	e.retryAfter = scimFormatRetryAfter(time.Duration(float64(time.Second)/s.scale), s.scale)
	s.count(func(st *Stats) { st.Locked++ })
	return nil, e
}

// respond runs the handler and writes its answer, in v1's dialect for v1
// calls; a write's answer may be lost after it is applied (faults).
func (s *Org) respond(w http.ResponseWriter, rt scimRoute, r *http.Request) {
	status, body, e := s.dispatch(rt, r)
	if e != nil {
		scimWriteError(w, rt, e)
		return
	}
	if rt.v1 && body != nil {
		body = scimV1Response(body)
	}
	if rt.isWrite() {
		s.count(func(st *Stats) { st.AppliedWrites++ })
		if s.faults.dropAfterWrite() {
			s.count(func(st *Stats) { st.DroppedAfterWrite++ })
			scimDropConnection(w)
			return
		}
	}
	scimWriteJSON(w, status, body)
}

func (s *Org) authenticate(r *http.Request) *scimError {
	h := r.Header.Get("Authorization")
	if h == "" {
		return scimErr(http.StatusUnauthorized, "missing_authentication")
	}
	scheme, token, ok := strings.Cut(h, " ")
	token = strings.TrimSpace(token)
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" || !s.tokenAccepted(token) {
		return scimErr(http.StatusUnauthorized, "invalid_authentication")
	}
	if s.opts.Plan != "business_plus" && s.opts.Plan != "enterprise" {
		return scimErr(http.StatusForbidden, "plus_teams_only")
	}
	return nil
}

func (s *Org) tokenAccepted(token string) bool {
	if s.opts.Token != "" && subtle.ConstantTimeCompare([]byte(token), []byte(s.opts.Token)) == 1 {
		return true
	}
	return s.opts.AcceptToken != nil && s.opts.AcceptToken(token)
}

// dispatch runs the handler for a routed, admitted request.
func (s *Org) dispatch(rt scimRoute, r *http.Request) (int, any, *scimError) {
	base := s.baseURL(r, rt)
	switch rt.resource {
	case "Users":
		return s.serveUsers(rt, r, base)
	case "Groups":
		return s.serveGroups(rt, r, base)
	case "ServiceProviderConfig":
		return http.StatusOK, scimServiceProviderConfig(base), nil
	case "ResourceTypes":
		return scimServeResourceTypes(rt, base)
	case "Schemas":
		return scimServeSchemas(rt)
	}
	return 0, nil, scimErr(http.StatusNotFound, "bad_endpoint")
}

func (s *Org) baseURL(r *http.Request, rt scimRoute) string {
	if s.opts.BaseURL != "" {
		return s.opts.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return fmt.Sprintf("%s://%s%s", scheme, r.Host, rt.prefix)
}

// newID returns an unused id: prefix plus 10 uppercase letters and digits,
// Slack's shape. Callers hold s.mu.
func (s *Org) newID(prefix string) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	for {
		b := []byte(prefix)
		for range 10 {
			b = append(b, alphabet[s.ids.IntN(len(alphabet))])
		}
		id := string(b)
		if s.usersByID[id] == nil && s.groupsByID[id] == nil {
			return id
		}
	}
}
