package commands

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Config is one profile's settings, read from the YAML config file.
// Every URL can be overridden so the emulators can stand in for Slack and Entra.
type Config struct {
	Slack    SlackConfig    `yaml:"slack"`
	Source   SourceConfig   `yaml:"source"`
	Mappings string         `yaml:"mappings"`
	Safety   SafetyConfig   `yaml:"safety"`
	StateDir string         `yaml:"state_dir"`
	Notify   map[string]any `yaml:"notify"`

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
}

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
	file := configFile{Config: cfg}
	if err := decodeStrict(data, &file); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
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
	if err := cfg.validate(); err != nil {
		return nil, fmt.Errorf("%s: %v", path, err)
	}
	cfg.finish(path)
	return &cfg, nil
}

func decodeStrict(data []byte, v any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	return dec.Decode(v)
}

func (c *Config) validate() error {
	switch c.Source.Type {
	case "file", "entra":
	default:
		return fmt.Errorf("source.type %q: use file or entra", c.Source.Type)
	}
	if c.Safety.MaxDeactivations != nil && *c.Safety.MaxDeactivations < 0 {
		return fmt.Errorf("safety.max_deactivations must be 0 or more, not %d", *c.Safety.MaxDeactivations)
	}
	if len(c.Notify) > 0 {
		// Accepting the section and sending nothing would surprise whoever
		// relies on it; say so until notifications exist.
		return fmt.Errorf("notify: this version of slackprov sends no notifications yet; remove the notify section, and watch `slackprov runs` or the exit status instead")
	}
	if c.Slack.RateShare <= 0 {
		return fmt.Errorf("slack.rate_share must be above 0, not %g", c.Slack.RateShare)
	}
	return nil
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
