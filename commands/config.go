package commands

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/slackprov/slackprov/auth"
	"github.com/slackprov/slackprov/wire"
)

// Config is one profile's settings, read from the YAML config file.
// Every URL can be overridden so the emulators can stand in for Slack and Entra.
type Config struct {
	Slack    SlackConfig  `yaml:"slack"`
	Target   TargetConfig `yaml:"target"`
	Source   SourceConfig `yaml:"source"`
	Mappings string       `yaml:"mappings"`
	Safety   SafetyConfig `yaml:"safety"`
	StateDir string       `yaml:"state_dir"`
	Notify   NotifyConfig `yaml:"notify"`

	// Path is the file the config came from ("" when none exists); Profile is its profile.
	Path    string `yaml:"-"`
	Profile string `yaml:"-"`
}

// SlackConfig holds the Slack endpoints and app settings.
type SlackConfig struct {
	SCIMURL      string  `yaml:"scim_url"`
	APIURL       string  `yaml:"api_url"`
	AuthorizeURL string  `yaml:"authorize_url"`
	ClientID     string  `yaml:"client_id"`
	RedirectPort int     `yaml:"redirect_port"`
	RedirectURL  string  `yaml:"redirect_url"`
	RateShare    float64 `yaml:"rate_share"`
	// SCIMVersion is v1 or v2; empty follows scim_url, and a v2 URL moves
	// to v1 by itself when the org answers unsupported_version.
	SCIMVersion string `yaml:"scim_version"`
}

// TargetConfig names the app slackprov provisions: Slack when the section
// is absent, or any SCIM 2.0 service provider (docs/targets.md).
type TargetConfig struct {
	Type    string `yaml:"type"`
	BaseURL string `yaml:"base_url"`
	// Profile overrides what discovery reads from the server.
	Profile TargetProfileConfig `yaml:"profile"`
}

// TargetProfileConfig states what a SCIM server supports where its
// /ServiceProviderConfig is missing or wrong. Unset keys follow discovery.
type TargetProfileConfig struct {
	Filter   *bool `yaml:"filter"`
	Patch    *bool `yaml:"patch"`
	PageSize int   `yaml:"page_size"`
	// DeleteDeactivates: the app documents DELETE /Users as deactivation
	// only; without it slackprov never sends DELETE for a user.
	DeleteDeactivates bool `yaml:"delete_deactivates"`
}

// GenericTarget reports whether the profile provisions a SCIM 2.0 app other than Slack.
func (c *Config) GenericTarget() bool { return c.Target.Type == "scim" }

// SourceConfig says where the directory comes from.
type SourceConfig struct {
	Type  string            `yaml:"type"`
	File  FileSourceConfig  `yaml:"file"`
	Entra EntraSourceConfig `yaml:"entra"`
}

// FileSourceConfig is the file source's settings.
type FileSourceConfig struct {
	Path string `yaml:"path"`
}

// EntraSourceConfig is the Entra (Microsoft Graph) source's settings.
type EntraSourceConfig struct {
	TenantID      string `yaml:"tenant_id"`
	ClientID      string `yaml:"client_id"`
	AppID         string `yaml:"app_id"`
	Scope         string `yaml:"scope"`
	GraphURL      string `yaml:"graph_url"`
	AuthorityHost string `yaml:"authority_host"`
}

// SafetyConfig holds the guards against runaway deactivation.
type SafetyConfig struct {
	MaxDeactivations *int `yaml:"max_deactivations"`
}

// configFile is the file's shape: the default profile's keys at the top
// level, other profiles as overrides under "profiles".
type configFile struct {
	Config   `yaml:",inline"`
	Profiles map[string]yaml.Node `yaml:"profiles"`
}

// DefaultMaxDeactivations is the safety threshold when the config sets none.
const DefaultMaxDeactivations = 50

func defaultConfig() Config {
	return Config{
		Slack: SlackConfig{
			SCIMURL:      "https://api.slack.com/scim/v2/",
			APIURL:       "https://slack.com/api/",
			AuthorizeURL: "https://slack.com/oauth/v2/authorize",
			RedirectPort: 53682,
			RateShare:    1,
		},
		Source: SourceConfig{Type: "file", Entra: EntraSourceConfig{
			Scope:         "assigned",
			GraphURL:      "https://graph.microsoft.com",
			AuthorityHost: "https://login.microsoftonline.com/",
		}},
	}
}

// DefaultConfigPath is <user config dir>/slackprov/config.yaml.
func DefaultConfigPath() string {
	dir, err := os.UserConfigDir()
	if err != nil {
		return filepath.Join(".", "slackprov.yaml")
	}
	return filepath.Join(dir, "slackprov", "config.yaml")
}

// LoadConfig reads path for the given profile. A missing file at the default
// location is not an error (defaults apply); a missing file the user named is.
func LoadConfig(path, profile string, explicit bool) (*Config, error) {
	cfg := defaultConfig()
	cfg.Profile = profile
	data, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && !explicit:
		if profile != "default" {
			return nil, fmt.Errorf("profile %q: no config file at %s; create it with a profiles.%s section", profile, path, profile)
		}
		cfg.finish("")
		return &cfg, nil
	case err != nil:
		return nil, fmt.Errorf("reading config: %w", err)
	}
	return parseConfig(path, data, profile)
}

// parseConfig is LoadConfig for a file already read.
func parseConfig(path string, data []byte, profile string) (*Config, error) {
	cfg := defaultConfig()
	file := configFile{Config: cfg}
	if err := decodeChecked(path, data, &file); err != nil {
		return nil, err
	}
	cfg = file.Config
	if profile != "default" {
		node, ok := file.Profiles[profile]
		if !ok {
			return nil, fmt.Errorf("%s: no profile %q (profiles here: %s)", path, profile, strings.Join(keys(file.Profiles), ", "))
		}
		if err := node.Decode(&cfg); err != nil {
			return nil, fmt.Errorf("%s: profile %s: %v", path, profile, err)
		}
	}
	cfg.Profile = profile
	if key, err := cfg.Notify.validate(); err != nil {
		return nil, fmt.Errorf("%s: notify.%s: %w", configWhere(path, data, profile, "notify."+key), key, err)
	}
	if err := cfg.validate(); err != nil {
		where := path
		if profile != "default" {
			where += " (profile " + profile + ")"
		}
		return nil, fmt.Errorf("%s: %w", where, err)
	}
	cfg.finish(path)
	return &cfg, nil
}

// decodeChecked decodes a config file after checking every key and value
// kind, the profiles' included, so a typo is an error with its line rather
// than a setting silently left at its default.
func decodeChecked(path string, data []byte, file *configFile) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	if len(doc.Content) == 0 {
		return nil
	}
	root := doc.Content[0]
	if errs := checkKeys(path, root, reflect.TypeOf(configFile{}), ""); len(errs) > 0 {
		return errors.New(strings.Join(errs, "\n"))
	}
	if err := root.Decode(file); err != nil {
		return fmt.Errorf("%s: %v", path, err)
	}
	return nil
}

func (c *Config) validate() error {
	switch c.Source.Type {
	case "file", "entra":
	default:
		return fmt.Errorf("source.type %q: use file or entra", c.Source.Type)
	}
	switch strings.ToLower(strings.TrimSpace(c.Source.Entra.Scope)) {
	case "assigned", "all":
	default:
		return fmt.Errorf("source.entra.scope %q: use assigned (users and groups assigned to the Slack app) or all", c.Source.Entra.Scope)
	}
	if c.Safety.MaxDeactivations != nil && *c.Safety.MaxDeactivations < 0 {
		return fmt.Errorf("safety.max_deactivations must be 0 or more, not %d", *c.Safety.MaxDeactivations)
	}
	if err := c.validateTarget(); err != nil {
		return err
	}
	if p := c.Slack.RedirectPort; p < 1 || p > 65535 {
		return fmt.Errorf("slack.redirect_port %d is not a port (1 to 65535); the default is %d", p, auth.DefaultRedirectPort)
	}
	for _, u := range []struct{ key, url string }{
		{"slack.scim_url", c.Slack.SCIMURL},
		{"slack.api_url", c.Slack.APIURL},
		{"slack.authorize_url", c.Slack.AuthorizeURL},
		{"slack.redirect_url", c.Slack.RedirectURL},
		{"source.entra.graph_url", c.Source.Entra.GraphURL},
		{"source.entra.authority_host", c.Source.Entra.AuthorityHost},
	} {
		if u.url == "" && u.key == "slack.redirect_url" {
			continue
		}
		if err := wire.CheckRawURL(u.url); err != nil {
			return fmt.Errorf("%s: %w", u.key, err)
		}
	}
	// Above 1 the client would spend more than Slack's whole published
	// budget; only an emulator on a sped-up clock, on this machine, wants that.
	share := c.Slack.RateShare
	if share <= 0 || share > 1 && !loopbackURL(c.Slack.SCIMURL) {
		return fmt.Errorf("slack.rate_share %g: use a share of Slack's published limits above 0 and at most 1 (default 0.8; values above 1 only for an emulator on this machine)", share)
	}
	return nil
}

func (c *Config) validateTarget() error {
	switch c.Slack.SCIMVersion {
	case "", "v1", "v2":
	default:
		return fmt.Errorf("slack.scim_version %q: use v1 or v2, or leave it out to follow slack.scim_url", c.Slack.SCIMVersion)
	}
	switch c.Target.Type {
	case "", "slack":
		if c.Target.BaseURL != "" {
			return errors.New("target.base_url is set but target.type is not scim; add `type: scim` for another SCIM app, or remove target for Slack (slack.scim_url)")
		}
	case "scim":
		if c.Target.BaseURL == "" {
			return errors.New("target.type scim needs target.base_url, the app's SCIM 2.0 base such as https://app.example.com/scim/v2/")
		}
		if err := wire.CheckRawURL(c.Target.BaseURL); err != nil {
			return fmt.Errorf("target.base_url: %w", err)
		}
		if c.Slack.SCIMVersion != "" {
			return errors.New("slack.scim_version applies to Slack; a target of type scim speaks SCIM 2.0 — remove one of them")
		}
	default:
		return fmt.Errorf("target.type %q: use scim for a SCIM 2.0 app, or leave target out for Slack", c.Target.Type)
	}
	if c.Target.Profile.PageSize < 0 {
		return fmt.Errorf("target.profile.page_size must be 1 or more, not %d", c.Target.Profile.PageSize)
	}
	return nil
}

// loopbackURL reports whether raw points at this machine (an emulator).
func loopbackURL(raw string) bool {
	u, err := url.Parse(raw)
	return err == nil && wire.Loopback(u.Hostname())
}

// finish resolves relative paths against the config file's folder and fills
// the state dir default.
func (c *Config) finish(path string) {
	c.Path = path
	base := "."
	if path != "" {
		base = filepath.Dir(path)
	}
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(base, p)
	}
	c.Source.File.Path = abs(c.Source.File.Path)
	c.Mappings = abs(c.Mappings)
	c.StateDir = abs(c.StateDir)
	if c.StateDir == "" {
		c.StateDir = defaultStateDir(c.Profile)
	}
}

// MaxDeactivations is the configured threshold or the default.
func (c *Config) MaxDeactivations() int {
	if c.Safety.MaxDeactivations != nil {
		return *c.Safety.MaxDeactivations
	}
	return DefaultMaxDeactivations
}

func defaultStateDir(profile string) string {
	base := os.Getenv("XDG_STATE_HOME")
	if base == "" {
		if home, err := os.UserHomeDir(); err == nil {
			base = filepath.Join(home, ".local", "state")
		} else {
			base = "."
		}
	}
	return filepath.Join(base, "slackprov", profile)
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	if len(out) == 0 {
		return []string{"none"}
	}
	return out
}
