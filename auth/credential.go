// Package auth gets, keeps and refreshes slackprov's Slack user token: the
// OAuth v2 + PKCE loopback flow, token rotation, and the credential store
// (environment, OS keychain, or a 0600 file the user explicitly chose).
package auth

import (
	"fmt"
	"strings"
	"time"
)

// EnvToken is the environment variable that, when set, overrides any stored token.
const EnvToken = "SLACKPROV_SLACK_TOKEN"

// KeyringService is the keychain service name; the account is the profile.
const KeyringService = "slackprov"

// Credential is what one authorization yields. It is stored as one JSON
// value so the access and refresh tokens are always written and read as a
// pair: a rotated pair replaces the old one in a single write.
type Credential struct {
	AccessToken    string    `json:"access_token"`
	RefreshToken   string    `json:"refresh_token,omitempty"`
	ExpiresAt      time.Time `json:"expires_at,omitzero"`
	TeamID         string    `json:"team_id,omitempty"`
	TeamName       string    `json:"team_name,omitempty"`
	EnterpriseID   string    `json:"enterprise_id,omitempty"`
	EnterpriseName string    `json:"enterprise_name,omitempty"`
	UserID         string    `json:"user_id,omitempty"`
	Scopes         []string  `json:"scopes,omitempty"`
	ClientID       string    `json:"client_id,omitempty"`
	// ClientSecret is kept only for confidential apps, whose refresh grant
	// needs it; PKCE apps refresh without one.
	ClientSecret string `json:"client_secret,omitempty"`
}

// Rotating reports whether the token expires and can be refreshed.
func (c *Credential) Rotating() bool {
	return c.RefreshToken != "" && !c.ExpiresAt.IsZero()
}

// HasScope reports whether scope was granted.
func (c *Credential) HasScope(scope string) bool {
	for _, s := range c.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

// Workspace names what the token is for: the org on an org-wide install,
// else the workspace.
func (c *Credential) Workspace() string {
	switch {
	case c.EnterpriseID != "":
		return describeNamed("org", c.EnterpriseName, c.EnterpriseID)
	case c.TeamID != "":
		return describeNamed("workspace", c.TeamName, c.TeamID)
	}
	return "unknown workspace"
}

func describeNamed(kind, name, id string) string {
	if name == "" {
		return fmt.Sprintf("%s %s", kind, id)
	}
	return fmt.Sprintf("%s %s (%s)", kind, name, id)
}

// Source says where a token came from.
type Source string

// The places a token can come from, in the order Load looks.
const (
	SourceEnv      Source = "env"
	SourceKeychain Source = "keychain"
	SourceFile     Source = "file"
)

// splitScopes parses Slack's comma-separated scope list.
func splitScopes(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
