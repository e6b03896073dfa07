package scim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slackprov/slackprov/wire"
)

// Options configures a Client. Only BaseURL and Token are required.
type Options struct {
	BaseURL string // e.g. "https://api.slack.com/scim/v2/" (trailing slash optional)
	Token   string // bearer token; never printed, logged or put in errors
	// TokenFunc, when set, is asked for the token before every request
	// instead of Token, so a rotating token can be refreshed mid-run.
	TokenFunc  func(ctx context.Context) (string, error)
	HTTPClient *http.Client
	// RateShare caps this client at a share of Slack's published org-wide
	// limits. Default 1: every SCIM app in the org spends the same budget,
	// and the client finds its part from the 429s Slack returns (see
	// ratelimit.go); a lower share keeps headroom free for the others at all
	// times. Values above 1 suit an emulator running a sped-up clock: they
	// raise rates, while bursts stay at Slack's published sizes.
	RateShare float64
	// MaxRetries bounds retries of 5xx answers, dropped connections and
	// Slack's transient errors. Default 4; negative means none.
	MaxRetries int
	// MaxRetryAfterWaits bounds how many 429s one call sits out. Default 20;
	// negative means none.
	MaxRetryAfterWaits int
	// Sleep waits for rate limits, Retry-After and backoff. Default: a real
	// sleep that returns early with the context's error.
	Sleep func(ctx context.Context, d time.Duration) error
	// Rand is the jitter source; default the runtime's. Access is serialized.
	Rand *rand.Rand
	// OnRequest observes every HTTP attempt (progress, request counting). It
	// is called synchronously from whichever goroutine made the call.
	OnRequest func(RequestInfo)
	UserAgent string
	// Version is Slack's SCIM version, "v1" or "v2". Empty means the one the
	// base URL names, and for a /scim/v2/ URL a switch to /scim/v1/ when the
	// org answers unsupported_version (reference §1).
	Version string
	// Profile describes a generic SCIM 2.0 service provider; nil means Slack.
	Profile *Profile
}

// String leaves the token out, so printing Options with %v is safe.
func (o Options) String() string {
	return fmt.Sprintf("scim.Options{BaseURL: %q, Token: %s, RateShare: %g, MaxRetries: %d, MaxRetryAfterWaits: %d, UserAgent: %q}",
		o.BaseURL, redacted(o.Token), o.RateShare, o.MaxRetries, o.MaxRetryAfterWaits, o.UserAgent)
}

// GoString covers %#v, which does not use String.
func (o Options) GoString() string { return o.String() }

func redacted(token string) string {
	if token == "" {
		return "(none)"
	}
	return "(redacted)"
}

// RequestInfo describes one HTTP attempt.
type RequestInfo struct {
	Method   string
	Endpoint string // rate-limit class, e.g. "GET /Users/{id}", "GET /Users" for lists
	Path     string // below the SCIM base, query decoded
	Status   int    // 0 when no response arrived
	Duration time.Duration
	// Waited is the time spent in the client-side rate limiter before sending.
	Waited time.Duration
	// Paused is the Retry-After or backoff pause that preceded this attempt.
	Paused time.Duration
	Retry  int // 0 for the first attempt
	Err    error
}

// Client talks to one Slack org's SCIM API. It is safe for concurrent use.
type Client struct {
	base       *url.URL
	token      string
	tokenFunc  func(ctx context.Context) (string, error)
	http       *http.Client
	userAgent  string
	maxRetries int
	max429     int
	sleep      func(context.Context, time.Duration) error
	onRequest  func(RequestInfo)
	limits     *limiters
	profile    *Profile
	// ep is the base URL and dialect in use; it changes once at most, when a
	// v2 org turns out to answer only v1.
	ep       atomic.Pointer[endpoint]
	epMu     sync.Mutex
	fallback bool // ep may still move from v2 to v1

	randMu sync.Mutex
	rand   *rand.Rand

	// emailFilter remembers which spelling of the email filter attribute
	// Slack accepted ("emails" or "email"); empty until one has worked.
	emailFilter atomic.Value
}

const (
	defaultRateShare  = 1
	defaultMaxRetries = 4
	defaultMax429     = 20
	defaultTimeout    = 60 * time.Second
	defaultUserAgent  = "slackprov"
	// maxBody bounds a response read; a full page of 1000 users or a group
	// of 15,000 members is a few megabytes.
	maxBody = 64 << 20
)

// New checks the options and builds a Client.
func New(opts Options) (*Client, error) {
	base, err := url.Parse(strings.TrimSpace(opts.BaseURL))
	if err != nil || (base.Scheme != "https" && base.Scheme != "http") || base.Host == "" {
		return nil, fmt.Errorf("scim: base URL %q is not an http(s) URL; expected something like https://api.slack.com/scim/v2/", opts.BaseURL)
	}
	if base.RawQuery != "" || base.Fragment != "" || base.User != nil {
		return nil, fmt.Errorf("scim: base URL %q must not carry a query, fragment or credentials; expected something like https://api.slack.com/scim/v2/", base.Redacted())
	}
	if err := wire.CheckURL(base); err != nil {
		return nil, fmt.Errorf("scim: base URL: %w", err)
	}
	if !strings.HasSuffix(base.Path, "/") {
		base.Path += "/"
		base.RawPath = ""
	}
	if opts.Token == "" && opts.TokenFunc == nil {
		return nil, errors.New("scim: no token; the client needs a Slack user token with the admin scope")
	}
	if err := wire.CheckToken(opts.Token); err != nil {
		return nil, fmt.Errorf("scim: %w", err)
	}
	version, err := versionOf(opts.Version, base.Path, opts.Profile)
	if err != nil {
		return nil, err
	}
	c := &Client{
		base:       base,
		token:      opts.Token,
		tokenFunc:  opts.TokenFunc,
		http:       opts.HTTPClient,
		userAgent:  opts.UserAgent,
		maxRetries: opts.MaxRetries,
		max429:     opts.MaxRetryAfterWaits,
		sleep:      opts.Sleep,
		onRequest:  opts.OnRequest,
		rand:       opts.Rand,
		profile:    opts.Profile,
		fallback:   opts.Version == "" && opts.Profile == nil && version == "v2" && strings.HasSuffix(base.Path, "/scim/v2/"),
	}
	c.ep.Store(newEndpoint(base, version))
	if c.http == nil {
		c.http = &http.Client{Timeout: defaultTimeout}
	}
	c.http = wire.Guard(c.http)
	if c.userAgent == "" {
		c.userAgent = defaultUserAgent
	}
	if c.maxRetries == 0 {
		c.maxRetries = defaultMaxRetries
	}
	if c.max429 == 0 {
		c.max429 = defaultMax429
	}
	if c.sleep == nil {
		c.sleep = sleepContext
	}
	share := opts.RateShare
	if share <= 0 {
		share = defaultRateShare
	}
	c.limits = newLimiters(share)
	c.limits.rand = c.jitter
	return c, nil
}

// String leaves the token out, so printing a Client is safe.
func (c *Client) String() string {
	return fmt.Sprintf("scim.Client{BaseURL: %q, Token: %s}", c.endpoint().base.String(), redacted(c.token))
}

// GoString covers %#v.
func (c *Client) GoString() string { return c.String() }

func (c *Client) jitter() float64 {
	if c.rand == nil {
		return rand.Float64()
	}
	c.randMu.Lock()
	defer c.randMu.Unlock()
	return c.rand.Float64()
}

// request is one logical SCIM call; do may send it several times.
type request struct {
	method   string
	resource string // "Users", "Groups", "ServiceProviderConfig"
	id       string
	query    url.Values
	// encode builds the body in the dialect the request is sent in.
	encode func(dialect) any
}

// relative is the request's path below the SCIM base, without a leading
// slash, with its query encoded for sending.
func (r request) relative() string {
	p := r.resource
	if r.id != "" {
		p += "/" + url.PathEscape(r.id)
	}
	if len(r.query) > 0 {
		p += "?" + r.query.Encode()
	}
	return p
}

// path is the request as errors and observers show it: "/Users?filter=…",
// query decoded so a filter reads as written.
func (r request) path() string {
	p := "/" + r.resource
	if r.id != "" {
		p += "/" + r.id
	}
	if len(r.query) > 0 {
		q, err := url.QueryUnescape(r.query.Encode())
		if err != nil {
			q = r.query.Encode()
		}
		p += "?" + q
	}
	return p
}

// do sends r and, when a v2 org turns out to answer only v1, sends it again
// in v1.
func (c *Client) do(ctx context.Context, r request) ([]byte, error) {
	ep := c.endpoint()
	body, err := c.doAt(ctx, ep, r)
	if err != nil && c.switchToV1(ep, err) {
		return c.doAt(ctx, c.endpoint(), r)
	}
	return body, err
}

// doAt sends r to ep, sitting out 429s and retrying transient failures, and
// returns the body of the first 2xx answer.
//
// Retrying a write whose answer was lost can repeat it; see CreateUser.
func (c *Client) doAt(ctx context.Context, ep *endpoint, r request) ([]byte, error) {
	var payload []byte
	if r.encode != nil {
		var err error
		if payload, err = json.Marshal(r.encode(ep.dialect)); err != nil {
			return nil, fmt.Errorf("slack SCIM %s %s: encoding request body: %w", r.method, r.path(), err)
		}
	}
	target := ep.base.String() + r.relative()
	at := attempts{class: endpointClass(r.method, r.resource, r.id != ""), set: setOf(r.method)}
	var pause time.Duration
	for attempt := 0; ; attempt++ {
		waited, err := c.limits.wait(ctx, at.class, at.set, c.sleep)
		if err != nil {
			return nil, fmt.Errorf("slack SCIM %s %s: %w", r.method, r.path(), err)
		}
		tok, err := c.bearer(ctx)
		if err != nil {
			return nil, fmt.Errorf("slack SCIM %s %s: %w: %w", r.method, r.path(), ErrNoToken, err)
		}
		at.lastToken = tok
		status, ans, body, err := c.send(ctx, r.method, target, tok, payload)
		if err == nil && status != http.StatusTooManyRequests {
			// Slack charged it to the budget whatever it answered.
			c.limits.succeeded(at.class, at.set)
		}
		if c.onRequest != nil {
			c.onRequest(RequestInfo{Method: r.method, Endpoint: at.class, Path: r.path(), Status: status,
				Duration: ans.elapsed, Waited: waited, Paused: pause, Retry: attempt, Err: err})
		}
		switch {
		case err != nil:
			pause, err = c.afterNoAnswer(ctx, r, &at, attempt, err)
		case status >= 200 && status < 300:
			return body, nil
		default:
			pause, err = c.afterRefusal(ctx, &at, parseError(status, r.method, r.path(), body), ans)
		}
		if err != nil {
			return nil, err
		}
		if err := c.sleep(ctx, pause); err != nil {
			return nil, fmt.Errorf("slack SCIM %s %s: %w", r.method, r.path(), err)
		}
	}
}

// attempts is what one request has used up of its retries so far.
type attempts struct {
	class string
	set   limitSet
	// retries counts transient failures, waits429 rate-limit refusals.
	retries, waits429 int
	// lastToken is the token of the previous attempt: a 401 after the token
	// source has since handed out a new one (a rotation that landed while
	// the request was on its way) is retried once with the new token.
	lastToken   string
	retriedAuth bool
}

// afterNoAnswer decides what follows a request that got no answer: a pause
// before trying again, or the error that ends it.
func (c *Client) afterNoAnswer(ctx context.Context, r request, at *attempts, attempt int, err error) (time.Duration, error) {
	if ctx.Err() != nil {
		return 0, fmt.Errorf("slack SCIM %s %s: %w", r.method, r.path(), ctx.Err())
	}
	if !retryableTransportError(err) || at.retries >= c.maxRetries {
		return 0, fmt.Errorf("slack SCIM %s %s: no answer after %d attempts: %w", r.method, r.path(), attempt+1, err)
	}
	at.retries++
	return backoff(at.retries, c.jitter), nil
}

// afterRefusal decides what follows an error answer e: a pause before
// trying again (a rotated token, a 429, a transient failure), or e itself.
func (c *Client) afterRefusal(ctx context.Context, at *attempts, e *Error, ans answer) (time.Duration, error) {
	if at.lastToken != "" {
		e.Detail = strings.ReplaceAll(e.Detail, at.lastToken, "(redacted)")
	}
	switch {
	case e.Status == http.StatusUnauthorized && c.tokenFunc != nil && !at.retriedAuth:
		fresh, terr := c.bearer(ctx)
		if terr != nil || fresh == at.lastToken {
			return 0, e
		}
		at.retriedAuth = true
		return 0, nil
	case e.Status == http.StatusTooManyRequests:
		ra, ok := parseRetryAfter(ans.retryAfter, time.Now())
		if !ok {
			ra = defaultRetryAfter
		}
		pause := c.limits.refused(at.class, at.set, ra)
		if at.waits429 >= c.max429 {
			e.RetryAfter = ra
			return 0, e
		}
		at.waits429++
		return pause, nil
	case retryableStatus(e):
		if at.retries >= c.maxRetries {
			return 0, e
		}
		at.retries++
		return backoff(at.retries, c.jitter), nil
	}
	return 0, e
}

// answer is what send keeps from a response besides status and body.
type answer struct {
	retryAfter string
	elapsed    time.Duration
}

// bearer returns the token for the next request.
func (c *Client) bearer(ctx context.Context) (string, error) {
	tok := c.token
	if c.tokenFunc != nil {
		var err error
		if tok, err = c.tokenFunc(ctx); err != nil {
			return "", err
		}
	}
	return tok, wire.CheckToken(tok)
}

func (c *Client) send(ctx context.Context, method, target, token string, payload []byte) (int, answer, []byte, error) {
	var body io.Reader
	if payload != nil {
		body = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return 0, answer{}, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", c.userAgent)
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, answer{elapsed: time.Since(start)}, nil, err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	a := answer{retryAfter: resp.Header.Get("Retry-After"), elapsed: time.Since(start)}
	if err != nil {
		// A body cut off mid-way is a dropped connection, whatever the status said.
		return 0, a, nil, fmt.Errorf("reading %d answer: %w", resp.StatusCode, err)
	}
	return resp.StatusCode, a, data, nil
}

// validID refuses ids that would address a different resource: an empty id
// turns GET /Users/{id} into a list and DELETE into a bad request.
func validID(kind, id string) error {
	if id == "" || strings.ContainsAny(id, "/?#") {
		return fmt.Errorf("scim: invalid %s id %q", kind, id)
	}
	return nil
}
