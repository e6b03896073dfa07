package commands

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/slackprov/slackprov/auth"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/store"
)

// slackOrg is the org a token reaches, as auth.test names it.
type slackOrg struct{ ID, Name string }

func (o slackOrg) String() string {
	if o.Name == "" {
		return o.ID
	}
	return fmt.Sprintf("%s (%s)", o.ID, o.Name)
}

// whichOrg asks auth.test which Slack org the token reaches: the
// enterprise on Enterprise Grid, else the workspace (team).
func whichOrg(ctx context.Context, cfg *Config, hc *http.Client, ts TokenSource) (slackOrg, error) {
	if cfg.GenericTarget() {
		return targetOrg(cfg), nil
	}
	token, err := ts.Token(ctx)
	if err != nil {
		return slackOrg{}, withCode(ExitAuth, err)
	}
	c := &auth.Client{APIURL: slackAPIURL(cfg), HTTPClient: hc}
	id, err := c.Test(ctx, token)
	if err != nil {
		refused := auth.IsAPIError(err, "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive")
		if refused && fromEnv(ts.Location()) {
			// Authorizing again would not help while the variable
			// overrides the stored token.
			return slackOrg{}, withCode(ExitAuth, fmt.Errorf("Slack refuses the token in %s (auth.test at %s: %v): %s",
				auth.EnvToken, c.APIURL, err, tokenFix(ts.Location())))
		}
		err = fmt.Errorf("asking Slack which org the token belongs to (auth.test at %s): %w; slackprov checks it before every run so that one org's state is never applied to another",
			c.APIURL, err)
		if refused {
			return slackOrg{}, withCode(ExitAuth, fmt.Errorf("%w (token from %s; %s)", err, ts.Location(), tokenFix(ts.Location())))
		}
		return slackOrg{}, err
	}
	if id.EnterpriseID != "" {
		return slackOrg{ID: id.EnterpriseID, Name: id.Team}, nil
	}
	if id.TeamID == "" {
		return slackOrg{}, fmt.Errorf("Slack's auth.test at %s named no team or enterprise id; check slack.api_url", c.APIURL)
	}
	return slackOrg{ID: id.TeamID, Name: id.Team}, nil
}

// slackAPIURL is where auth.test lives. Left at its default while scim_url
// points elsewhere (an emulator, a proxy), it follows scim_url's host, so
// both ends are the same Slack; GovSlack has its own Web API host.
func slackAPIURL(cfg *Config) string {
	def := defaultConfig().Slack
	if cfg.Slack.APIURL != def.APIURL {
		return cfg.Slack.APIURL
	}
	u, err := url.Parse(cfg.Slack.SCIMURL)
	if err != nil || u.Host == "" {
		return cfg.Slack.APIURL
	}
	switch host := strings.ToLower(u.Hostname()); {
	case host == "slack.com" || strings.HasSuffix(host, ".slack.com"):
		return cfg.Slack.APIURL
	case host == "slack-gov.com" || strings.HasSuffix(host, ".slack-gov.com"):
		return "https://slack-gov.com/api/"
	}
	return u.Scheme + "://" + u.Host + "/api/"
}

// directoryIdentity names the directory a profile reads: the Entra tenant,
// or, for a file (which has no identity of its own), just "file", so moving
// the file does not strand the state.
func directoryIdentity(cfg *Config) string {
	if cfg.Source.Type == "entra" {
		tenant := cfg.Source.Entra.TenantID
		if tenant == "" {
			tenant = os.Getenv("AZURE_TENANT_ID")
		}
		return "entra tenant " + tenant
	}
	return cfg.Source.Type
}

// checkBinding stops a run whose profile's state belongs to another Slack
// org or directory, before anything is read or written: its links, read
// position and pending failures would be applied to the wrong org.
func checkBinding(ctx context.Context, st *store.Store, cfg *Config, org slackOrg, directory string) error {
	b, err := st.Binding(ctx)
	if err != nil || b == nil {
		return err
	}
	bound := slackOrg{ID: b.SlackOrg, Name: b.SlackOrgName}
	var what string
	switch {
	case b.SlackOrg != org.ID:
		what = fmt.Sprintf("the token reaches Slack org %s, but this profile's state (%s) belongs to Slack org %s", org, st.Path(), bound)
	case b.Directory != directory:
		what = fmt.Sprintf("the profile reads directory %q, but its state (%s) belongs to directory %q", directory, st.Path(), b.Directory)
	default:
		return nil
	}
	return withCode(ExitSafety, fmt.Errorf("%s; nothing was changed. Use another profile for it (--profile NAME; each profile has its own state), "+
		"or, if profile %q should now serve it, forget the old state with `slackprov --profile %s state reset`", what, cfg.Profile, cfg.Profile))
}

// bind records the org and directory at the first run that writes.
func bind(ctx context.Context, st *store.Store, org slackOrg, directory string) error {
	return st.Bind(ctx, store.Binding{SlackOrg: org.ID, SlackOrgName: org.Name, Directory: directory})
}

// fingerprint digests what decides the desired state besides the directory
// data: the mappings and scoping filters, and the source's settings. The
// incremental source keeps it with its read position and reads everything
// again when it changes.
func fingerprint(cfg *Config, m *mapping.Mapping) (string, error) {
	spec := *m
	spec.File = ""
	spec.Users = withoutPositions(m.Users)
	spec.Groups = withoutPositions(m.Groups)
	spec.UserScope = filtersWithoutPositions(m.UserScope)
	spec.GroupScope = filtersWithoutPositions(m.GroupScope)
	data, err := json.Marshal(struct {
		Mapping *mapping.Mapping
		Source  SourceConfig
	}{&spec, cfg.Source})
	if err != nil {
		return "", errors.New("digesting the mappings: " + err.Error())
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:16]), nil
}

// withoutPositions drops file positions: moving a line changes nothing.
func withoutPositions(attrs []mapping.Attribute) []mapping.Attribute {
	out := make([]mapping.Attribute, len(attrs))
	for i, a := range attrs {
		a.Line, a.Column = 0, 0
		out[i] = a
	}
	return out
}

func filtersWithoutPositions(filters []mapping.Filter) []mapping.Filter {
	out := make([]mapping.Filter, len(filters))
	for i, f := range filters {
		f.Line, f.Column = 0, 0
		f.Clauses = append([]mapping.Clause(nil), f.Clauses...)
		for j := range f.Clauses {
			f.Clauses[j].Line, f.Clauses[j].Column = 0, 0
		}
		out[i] = f
	}
	return out
}
