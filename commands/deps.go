package commands

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/directory/file"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/store"
)

// openSource builds the configured directory source.
func openSource(cfg *Config) (directory.Source, error) {
	switch cfg.Source.Type {
	case "file":
		if cfg.Source.File.Path == "" {
			return nil, fmt.Errorf("source.file.path is not set in %s; point it at a JSON or CSV directory file", configName(cfg))
		}
		return file.New(cfg.Source.File.Path), nil
	default:
		return nil, fmt.Errorf("source.type %q is not available in this build; use source.type: file", cfg.Source.Type)
	}
}

// loadMapping compiles the configured mapping file, or the built-in Slack defaults.
func loadMapping(cfg *Config) (*mapping.Compiled, error) {
	m := mapping.Default()
	if cfg.Mappings != "" {
		var err error
		if m, err = mapping.Load(cfg.Mappings); err != nil {
			return nil, err
		}
	}
	return m.Compile()
}

// openStore opens the profile's state database.
func openStore(ctx context.Context, cfg *Config) (*store.Store, error) {
	return store.Open(ctx, filepath.Join(cfg.StateDir, "state.db"))
}

// scimClient builds a SCIM client for the configured Slack org.
func scimClient(cfg *Config, hc *http.Client, token string, observe func(scim.RequestInfo)) (*scim.Client, error) {
	return scim.New(scim.Options{
		BaseURL:    cfg.Slack.SCIMURL,
		Token:      token,
		HTTPClient: hc,
		RateShare:  cfg.Slack.RateShare,
		OnRequest:  observe,
		UserAgent:  "slackprov",
	})
}

func configName(cfg *Config) string {
	if cfg.Path == "" {
		return "the config file (" + DefaultConfigPath() + ")"
	}
	return cfg.Path
}

// slackToken returns a function resolving the Slack token for cfg's profile:
// the environment, then the keychain, then the --insecure-storage file,
// refreshing a rotating token when it is close to expiry.
func (f *Factory) slackToken(cfg *Config) func(ctx context.Context) (string, string, error) {
	provider := newSlackTokenProvider(f, cfg)
	return func(ctx context.Context) (string, string, error) {
		tok, err := provider.Token(ctx)
		return tok, provider.Location(), err
	}
}
