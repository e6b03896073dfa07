package commands

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/slackprov/slackprov/auth"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/scim"
)

// EnvTargetToken holds the bearer token of a generic SCIM target.
const EnvTargetToken = "SLACKPROV_TARGET_TOKEN"

// targetClient builds the client for a generic SCIM 2.0 target: the
// cautious RFC 7644 profile, refined by the server's discovery documents,
// then by what the config states.
func targetClient(ctx context.Context, cfg *Config, opts scim.Options) (*scim.Client, error) {
	p := scim.DefaultProfile()
	applyProfileConfig(&p, cfg.Target.Profile)
	opts.BaseURL, opts.Version, opts.Profile = cfg.Target.BaseURL, "", &p
	c, err := scim.New(opts)
	if err != nil {
		return nil, fmt.Errorf("target.base_url in %s: %w", configName(cfg), err)
	}
	found, err := c.Discover(ctx)
	if err != nil {
		err = fmt.Errorf("reading what the SCIM target at %s supports: %w", cfg.Target.BaseURL, err)
		if scim.IsAuth(err) {
			return nil, credentials(fmt.Errorf("%w; check the token in %s or run `slackprov authorize --target --token-stdin`", err, EnvTargetToken))
		}
		return nil, err
	}
	applyProfileConfig(found, cfg.Target.Profile)
	return c, nil
}

// applyProfileConfig lets the config overrule discovery, for servers whose
// ServiceProviderConfig is missing or wrong.
func applyProfileConfig(p *scim.Profile, pc TargetProfileConfig) {
	if pc.Filter != nil {
		p.Filter = *pc.Filter
	}
	if pc.Patch != nil {
		p.Patch = *pc.Patch
	}
	if pc.PageSize > 0 {
		p.PageSize = pc.PageSize
	}
	p.DeleteDeactivates = pc.DeleteDeactivates
}

// compileMapping compiles the mapping under the target's rules: Slack's, or
// RFC 7643's for a generic SCIM app.
func compileMapping(cfg *Config, spec *mapping.Mapping) (*mapping.Compiled, error) {
	if cfg.GenericTarget() {
		return spec.CompileFor(mapping.RulesSCIM)
	}
	return spec.Compile()
}

// checkTargetMapping refuses mappings that write attributes a generic
// target's schemas do not declare.
func checkTargetMapping(cfg *Config, c *scim.Client, m *mapping.Compiled) error {
	if !cfg.GenericTarget() {
		return nil
	}
	p := c.Profile()
	var missing []string
	for _, t := range m.UserTargets() {
		if !p.Supports(t) {
			missing = append(missing, t)
		}
	}
	if len(missing) > 0 {
		return fmt.Errorf("the SCIM target at %s declares no %s in its /Schemas; remove those mappings (slackprov mappings edit) or map them to attributes the app has",
			cfg.Target.BaseURL, strings.Join(missing, ", "))
	}
	return nil
}

// targetOrg names a generic target for the state binding: its base URL,
// so one profile's state is never applied to another app.
func targetOrg(cfg *Config) slackOrg {
	u, err := url.Parse(cfg.Target.BaseURL)
	if err != nil {
		return slackOrg{ID: "scim " + cfg.Target.BaseURL}
	}
	return slackOrg{ID: "scim " + u.Host + strings.TrimSuffix(u.Path, "/"), Name: u.Host}
}

// targetToken is a generic target's bearer token: SLACKPROV_TARGET_TOKEN,
// else the keychain entry `authorize --target --token-stdin` made.
type targetToken struct {
	getenv  func(string) string
	profile string
}

func (t targetToken) Token(ctx context.Context) (string, error) {
	if tok := strings.TrimSpace(t.getenv(EnvTargetToken)); tok != "" {
		return tok, nil
	}
	tok, ok, err := auth.NewStore(t.profile, auth.StoreOptions{}).LoadTargetToken(ctx)
	switch {
	case err != nil:
		return "", err
	case !ok:
		return "", errors.New("no token for the SCIM target: set " + EnvTargetToken + " or run `slackprov authorize --target --token-stdin`")
	}
	return tok, nil
}

func (t targetToken) Location() string {
	if strings.TrimSpace(t.getenv(EnvTargetToken)) != "" {
		return EnvTargetToken
	}
	return fmt.Sprintf("the OS keychain (service %q, account %q)", auth.TargetKeyringService, t.profile)
}

const (
	nameTargetToken   = "SCIM target token found"
	nameTargetProfile = "SCIM target reachable; what it supports"
)

// checkTarget is test-connection for a generic SCIM target: the token, the
// profile discovery reads, and one user read.
func checkTarget(ctx context.Context, opts *TestConnectionOptions, cfg *Config, rep *connectionReport) {
	const later = "skipped: an earlier check failed"
	ts := targetToken{getenv: opts.Getenv, profile: opts.Profile}
	if _, err := ts.Token(ctx); err != nil {
		rep.fail(nameTargetToken, err.Error(), "set "+EnvTargetToken+" or run `slackprov authorize --target --token-stdin`", true)
		rep.skip(nameTargetProfile, later)
		rep.skip(nameReadUser, later)
		return
	}
	rep.pass(nameTargetToken, "from "+ts.Location())
	client, err := scimClient(ctx, cfg, opts.HTTPClient, ts, nil)
	if err != nil {
		rep.fail(nameTargetProfile, err.Error(), "check target.base_url and the token", exitCodeOf(err) == ExitAuth)
		rep.skip(nameReadUser, later)
		return
	}
	rep.pass(nameTargetProfile, describeProfile(cfg.Target.BaseURL, client.Profile()))
	first, err := firstUser(ctx, client)
	switch {
	case err != nil:
		rep.fail(nameReadUser, err.Error(), "check the token's permissions in the app", scim.IsAuth(err))
	case first == nil:
		rep.pass(nameReadUser, "the app has no users yet")
	default:
		rep.pass(nameReadUser, "read user "+first.ID)
	}
}

func describeProfile(base string, p *scim.Profile) string {
	yes := func(b bool, y, n string) string {
		if b {
			return y
		}
		return n
	}
	from := "nothing discovered; RFC 7644 defaults and the config"
	if len(p.Discovered) > 0 {
		from = "read from /" + strings.Join(p.Discovered, " and /")
	}
	attrs := "attributes unknown (no /Schemas)"
	if p.UserAttributes != nil {
		attrs = fmt.Sprintf("%d user attributes declared", len(p.UserAttributes))
	}
	return fmt.Sprintf("SCIM 2.0 at %s (%s): %s, %s, pages of %d, %s, %s", base, from,
		yes(p.Filter, "filters", "no filters (lookups list every user)"),
		yes(p.Patch, "path-based PATCH", "full PUT for updates"),
		p.PageSize,
		yes(p.DeleteDeactivates, "DELETE deactivates", "deactivation is active:false, never DELETE"),
		attrs)
}
