// Package entra reads the directory from Microsoft Entra ID through
// Microsoft Graph v1.0, with a thin REST client (not the Graph SDK) and
// azidentity for tokens.
//
// Scope "assigned" (the default) is what Entra's own provisioning calls "sync
// only assigned users and groups": users assigned to the Slack enterprise app
// directly, and the direct user members of groups assigned to it (nested
// groups do not flow). Scope "all" is every user and every group.
//
// The first read, a Full read and any read that cannot continue from its
// watermarks is a full snapshot (Delta nil): the users and group delta links
// are taken first ("sync from now"), then users are listed with $select and
// $expand=manager, and groups come from a complete /groups/delta round with
// their members. Later reads follow the delta links and return only what
// changed (Snapshot.Delta set). Delta links and the assignment state live in
// the Watermarks store under keys starting with "entra.", and are saved only
// by the snapshot's Commit.
package entra

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/wire"
)

// Watermarks keeps delta links and assignment state between runs.
// slackprov's store.Store satisfies it.
type Watermarks interface {
	Get(ctx context.Context, key string) (value string, ok bool, err error)
	Put(ctx context.Context, key, value string) error
}

// Options configures the source. TenantID and ClientID fall back to
// AZURE_TENANT_ID and AZURE_CLIENT_ID.
type Options struct {
	TenantID string
	ClientID string
	// ClientSecret, when set (for example from the OS keychain), takes
	// precedence over the AZURE_* credential variables.
	ClientSecret string
	// AppID is the Slack enterprise application's Application (client) ID,
	// required for scope "assigned".
	AppID string
	// Scope is "assigned" (default) or "all".
	Scope string
	// GraphURL is Graph's root, default https://graph.microsoft.com; the
	// client adds /v1.0. AuthorityHost is the identity platform, default
	// azidentity's (AZURE_AUTHORITY_HOST, else the public cloud).
	GraphURL      string
	AuthorityHost string
	// Credential overrides the credential built from the environment.
	Credential azcore.TokenCredential
	// HTTPClient serves Graph and the credential's token requests.
	HTTPClient *http.Client
	// Watermarks stores delta links; nil means every read is a full read.
	Watermarks Watermarks
	// Full forces a full read (slackprov sync --full).
	Full bool
	// Select lists the directory attributes the mappings read (the
	// mapping's SourceAttributes); empty means every attribute directory.User
	// knows.
	Select []string
	// Fingerprint digests everything else that decides the desired state
	// (compiled mappings, scoping filters, source settings). It is saved
	// with the read position; when it differs the next read is a full one,
	// since unchanged users may now map, or scope, differently.
	Fingerprint string
	// Retry names objects an incremental read returns even when unchanged:
	// those whose provisioning failed last time, so every run retries them.
	Retry Retry
	Now   func() time.Time
	// Sleep waits out throttling; default a timer that honours ctx.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Retry lists directory user and group ids to read again.
type Retry struct {
	Users, Groups []string
}

// Source is the Entra ID directory source.
type Source struct {
	opts     Options
	graph    *graphClient
	sel      selectPlan
	credName string
}

var _ directory.Source = (*Source)(nil)

// ErrAuth marks failures to authenticate or authorize: no token, a token
// Graph refuses (401), or a missing permission (403).
var ErrAuth error = authError("entra: authentication or authorization failed")

// authError is ErrAuth's type: it says so to callers that cannot import
// this package (provision.IsCredentials).
type authError string

func (e authError) Error() string     { return string(e) }
func (e authError) Credentials() bool { return true }

const (
	defaultGraphURL = "https://graph.microsoft.com"
	scopeAssigned   = "assigned"
	scopeAll        = "all"
)

// New checks the options and builds the credential; it makes no requests.
func New(opts Options) (*Source, error) {
	opts.Scope = strings.ToLower(strings.TrimSpace(opts.Scope))
	if opts.Scope == "" {
		opts.Scope = scopeAssigned
	}
	if opts.Scope != scopeAssigned && opts.Scope != scopeAll {
		return nil, fmt.Errorf("entra: scope %q is not known: use %q (users and groups assigned to the Slack app) or %q (every user)",
			opts.Scope, scopeAssigned, scopeAll)
	}
	if opts.Scope == scopeAssigned && opts.AppID == "" {
		return nil, errors.New("entra: scope \"assigned\" needs source.entra.app_id: the Application (client) ID of the Slack enterprise app (Entra admin center → Enterprise applications → Slack → Overview)")
	}
	if !validAppID(opts.AppID) {
		return nil, fmt.Errorf("entra: app_id %q is not an Application (client) ID such as 5f0e2d4c-8a1b-4c3d-9e7f-51ac4b0f5e11", opts.AppID)
	}
	if opts.GraphURL == "" {
		opts.GraphURL = defaultGraphURL
	}
	base, err := url.Parse(strings.TrimSuffix(strings.TrimSuffix(opts.GraphURL, "/"), "/v1.0"))
	if err != nil || base.Scheme == "" || base.Host == "" {
		return nil, fmt.Errorf("entra: graph_url %q is not an absolute URL such as %s", opts.GraphURL, defaultGraphURL)
	}
	if err := wire.CheckURL(base); err != nil {
		return nil, fmt.Errorf("entra: graph_url: %w", err)
	}
	if opts.HTTPClient == nil {
		opts.HTTPClient = &http.Client{Timeout: 2 * time.Minute}
	}
	// Graph requests carry a bearer token and token requests a secret.
	opts.HTTPClient = wire.Guard(opts.HTTPClient)
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleepCtx
	}
	s := &Source{opts: opts, sel: planSelect(opts.Select)}
	cred, name := opts.Credential, "the given credential"
	if cred == nil {
		cred, name, err = newCredential(opts, envLookup)
		if err != nil {
			return nil, err
		}
	}
	s.credName = name
	s.graph = &graphClient{base: base, cred: cred, scope: graphScope(base), http: opts.HTTPClient, sleep: opts.Sleep}
	return s, nil
}

// Describe names the source for messages.
func (s *Source) Describe() string {
	what := "users and groups assigned to app " + s.opts.AppID
	if s.opts.Scope == scopeAll {
		what = "all users and groups"
	}
	tenant := s.opts.TenantID
	if tenant == "" {
		tenant = envLookup("AZURE_TENANT_ID")
	}
	return fmt.Sprintf("Entra ID tenant %s (%s, via %s)", tenant, what, s.credName)
}

// Requests is the number of Graph requests sent so far, retries included.
func (s *Source) Requests() int { return int(s.graph.requests.Load()) }

func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// graphScope is the token scope for a Graph host: its own ".default" for the
// national clouds, the public one otherwise (also for emulators).
func graphScope(base *url.URL) string {
	switch strings.ToLower(base.Hostname()) {
	case "graph.microsoft.us", "dod-graph.microsoft.us", "microsoftgraph.chinacloudapi.cn":
		return "https://" + strings.ToLower(base.Hostname()) + "/.default"
	}
	return "https://graph.microsoft.com/.default"
}

// validAppID accepts GUID characters only, since the id goes into a URL path.
func validAppID(id string) bool {
	for _, r := range id {
		if !(r >= '0' && r <= '9' || r >= 'a' && r <= 'f' || r >= 'A' && r <= 'F' || r == '-') {
			return false
		}
	}
	return true
}
