package commands

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"github.com/slackprov/slackprov/auth"
	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/directory/entra"
	"github.com/slackprov/slackprov/directory/file"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/store"
)

// sourceOptions are what a source may need beyond the config.
type sourceOptions struct {
	// Store keeps the Entra source's delta links; nil means full reads.
	Store *store.Store
	// Full forces a full read (sync --full).
	Full bool
	// Select lists the attributes the mappings read, so Graph sends only those.
	Select []string
	// HTTPClient talks to Graph; nil means the default.
	HTTPClient *http.Client
	// EntraSecret is the app registration's secret when it does not come from
	// AZURE_CLIENT_SECRET (the demo's emulated tenant).
	EntraSecret string
	// Fingerprint and Retry: see entra.Options.
	Fingerprint string
	Retry       entra.Retry
}

// openSource builds the configured directory source.
func openSource(cfg *Config, so sourceOptions) (directory.Source, error) {
	switch cfg.Source.Type {
	case "file":
		if cfg.Source.File.Path == "" {
			return nil, fmt.Errorf("source.file.path is not set in %s; point it at a JSON or CSV directory file", configName(cfg))
		}
		return file.New(cfg.Source.File.Path), nil
	case "entra":
		e := cfg.Source.Entra
		if so.EntraSecret == "" && os.Getenv("AZURE_CLIENT_SECRET") == "" {
			so.EntraSecret = storedEntraSecret(cfg.Profile)
		}
		opts := entra.Options{
			TenantID: e.TenantID, ClientID: e.ClientID, ClientSecret: so.EntraSecret, AppID: e.AppID, Scope: e.Scope,
			GraphURL: e.GraphURL, AuthorityHost: e.AuthorityHost, HTTPClient: so.HTTPClient, Full: so.Full, Select: so.Select,
			Fingerprint: so.Fingerprint, Retry: so.Retry,
		}
		// A nil *store.Store must not become a non-nil interface.
		if so.Store != nil {
			opts.Watermarks = so.Store
		}
		src, err := entra.New(opts)
		if err != nil {
			return nil, fmt.Errorf("source.entra in %s: %w", configName(cfg), err)
		}
		return src, nil
	default:
		return nil, fmt.Errorf("source.type %q: use file or entra", cfg.Source.Type)
	}
}

// storedEntraSecret is the client secret `authorize --entra-secret-stdin`
// kept in the keychain, or "". A keychain that cannot be reached is not an
// error here: azidentity's other credentials may still work, and when none
// does its error lists them all.
func storedEntraSecret(profile string) string {
	ctx, cancel := context.WithTimeout(context.Background(), auth.DefaultKeyringTimeout)
	defer cancel()
	secret, _, _ := auth.NewStore(profile, auth.StoreOptions{}).LoadEntraSecret(ctx)
	return secret
}

// loadMapping compiles the configured mapping file, or the built-in Slack defaults.
func loadMapping(cfg *Config) (*mapping.Compiled, error) {
	m, err := mappingSpec(cfg)
	if err != nil {
		return nil, err
	}
	return m.Compile()
}

// mappingSpec is the configured mapping, not yet compiled.
func mappingSpec(cfg *Config) (*mapping.Mapping, error) {
	if cfg.Mappings == "" {
		return mapping.Default(), nil
	}
	return mapping.Load(cfg.Mappings)
}

// openStore opens the profile's state database.
func openStore(ctx context.Context, cfg *Config) (*store.Store, error) {
	return store.Open(ctx, filepath.Join(cfg.StateDir, "state.db"))
}

// TokenSource yields the Slack token, refreshed when it rotates, and says
// where it came from for error messages.
type TokenSource interface {
	Token(ctx context.Context) (string, error)
	Location() string
}

// staticToken is a token that needs no refreshing (the demo's emulator token).
type staticToken struct{ token, where string }

func (s staticToken) Token(context.Context) (string, error) { return s.token, nil }
func (s staticToken) Location() string                      { return s.where }

// openLockedStore opens the state and takes its run lock, so two runs of one
// profile never work at once; runs a killed process left open are closed.
func openLockedStore(ctx context.Context, cfg *Config) (*store.Store, func(), error) {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	unlock, err := st.Lock()
	if err != nil {
		st.Close()
		return nil, nil, err
	}
	if _, err := st.CloseAbandonedRuns(ctx); err != nil {
		unlock()
		st.Close()
		return nil, nil, err
	}
	return st, unlock, nil
}

// scimClient builds a SCIM client for the configured Slack org or SCIM
// target. It asks ts for the token before each request, so a sync that
// outlives a rotating token's 12 hours keeps working; it fails early when
// there is no token. A generic target's profile is discovered here.
func scimClient(ctx context.Context, cfg *Config, hc *http.Client, ts TokenSource, observe func(scim.RequestInfo)) (*scim.Client, error) {
	if _, err := ts.Token(ctx); err != nil {
		return nil, credentials(err)
	}
	opts := scim.Options{
		BaseURL:    cfg.Slack.SCIMURL,
		Version:    cfg.Slack.SCIMVersion,
		TokenFunc:  ts.Token,
		HTTPClient: hc,
		RateShare:  cfg.Slack.RateShare,
		OnRequest:  observe,
		UserAgent:  "slackprov",
	}
	if !cfg.GenericTarget() {
		return scim.New(opts)
	}
	return targetClient(ctx, cfg, opts)
}

func configName(cfg *Config) string {
	if cfg.Path == "" {
		return "the config file (" + DefaultConfigPath() + ")"
	}
	return cfg.Path
}

// slackToken returns the profile's token source: the environment, then the
// keychain, then the --insecure-storage file.
func (f *Factory) slackToken(cfg *Config) TokenSource {
	if cfg.GenericTarget() {
		return targetToken{getenv: f.Getenv, profile: f.Profile}
	}
	return newSlackTokenProvider(f, cfg)
}
