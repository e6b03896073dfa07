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
		return slackOrg{}, credentials(err)
	}
	c := &auth.Client{APIURL: slackAPIURL(cfg), HTTPClient: hc}
	id, err := c.Test(ctx, token)
	if err != nil {
		refused := auth.IsAPIError(err, "invalid_auth", "not_authed", "token_revoked", "token_expired", "account_inactive")
		if refused && fromEnv(ts.Location()) {
			// Authorizing again would not help while the variable
			// overrides the stored token.
			return slackOrg{}, credentials(fmt.Errorf("Slack refuses the token in %s (auth.test at %s: %v): %s",
				auth.EnvToken, c.APIURL, err, tokenFix(ts.Location())))
		}
		err = fmt.Errorf("asking Slack which org the token belongs to (auth.test at %s): %w; slackprov checks it before every run so that one org's state is never applied to another",
			c.APIURL, err)
		if refused {
			return slackOrg{}, credentials(fmt.Errorf("%w (token from %s; %s)", err, ts.Location(), tokenFix(ts.Location())))
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
