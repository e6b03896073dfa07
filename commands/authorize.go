package commands

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/auth"
)

// EnvClientSecret holds a confidential Slack app's client secret, for orgs
// that cannot turn PKCE on. It is read from the environment only, never a flag.
const EnvClientSecret = "SLACKPROV_SLACK_CLIENT_SECRET"

// AuthorizeOptions are authorize's dependencies and flags.
type AuthorizeOptions struct {
	IO          *IOStreams
	HTTPClient  *http.Client
	Now         func() time.Time
	Getenv      func(string) string
	OpenBrowser func(string) error
	Config      func() (*Config, error)
	ConfigPath  string
	Profile     string

	NoBrowser       bool
	TokenStdin      bool
	InsecureStorage bool
	Port            int
	Timeout         time.Duration
	Team            string
	// EntraSecretStdin stores the Entra app's client secret instead.
	EntraSecretStdin bool
	// Target stores the bearer token of a generic SCIM target (with TokenStdin).
	Target bool
}

const authorizeDescription = `Opens Slack's consent page in your browser. Sign in as a Workspace (or, on
Enterprise Grid, Org) Owner or Admin and click Allow; slackprov receives the
code on http://localhost:<slack.redirect_port>/callback, exchanges it (PKCE),
and stores the token in the OS keychain under service "slackprov", account
<profile>.

Without a browser on this machine (SSH, containers, WSL) use --no-browser:
open the printed URL anywhere, then paste the address the browser ends on.
For a token created elsewhere: slackprov authorize --token-stdin < token.txt
For a confidential app (no PKCE): set ` + EnvClientSecret + ` and
slack.redirect_url to the HTTPS Redirect URL registered in the app.
See docs/slack-app.md for creating the Slack app.

The directory side: with source.type entra and a client secret, keep the
secret in the keychain once instead of in AZURE_CLIENT_SECRET:
  slackprov authorize --entra-secret-stdin < secret.txt

Another SCIM 2.0 app as the target (target.type scim, docs/targets.md):
keep its bearer token in the keychain instead of SLACKPROV_TARGET_TOKEN:
  slackprov authorize --target --token-stdin < token.txt`

// authorizeFlags are fresh on every call: urfave keeps parse state in them.
func authorizeFlags() []cli.Flag {
	return []cli.Flag{
		&cli.BoolFlag{Name: "no-browser", Usage: "print the URL instead of opening a browser, and accept the redirected URL pasted back"},
		&cli.BoolFlag{Name: "token-stdin", Usage: "read a Slack user token from standard input instead of running the browser flow"},
		&cli.BoolFlag{Name: "insecure-storage", Usage: "keep the token in a plain-text 0600 file instead of the OS keychain"},
		&cli.IntFlag{Name: "port", Usage: "loopback redirect `PORT` (default: slack.redirect_port, 53682); must be registered in the Slack app"},
		&cli.DurationFlag{Name: "timeout", Value: auth.DefaultFlowTimeout, Usage: "how long to wait for the browser"},
		&cli.StringFlag{Name: "team", Usage: "Slack workspace or org `ID` to pre-select on the consent page"},
		&cli.BoolFlag{Name: "entra-secret-stdin", Usage: "read the Entra app registration's client secret from standard input and keep it in the OS keychain"},
		&cli.BoolFlag{Name: "target", Usage: "with --token-stdin: keep the bearer token of the SCIM target (target.type scim) in the OS keychain"},
	}
}

func newAuthorizeCmd(f *Factory, runF func(*AuthorizeOptions) error) *cli.Command {
	return &cli.Command{
		Name:        "authorize",
		Usage:       "get a Slack user token with the admin scope and keep it in the OS keychain",
		Description: authorizeDescription,
		Flags:       authorizeFlags(),
		Action: func(c *cli.Context) error {
			opts := &AuthorizeOptions{
				IO: f.IO, HTTPClient: f.HTTPClient, Now: f.Now, Getenv: f.Getenv, OpenBrowser: f.OpenBrowser,
				Config: f.Config, ConfigPath: f.ConfigPath, Profile: f.Profile,
				NoBrowser:       c.Bool("no-browser"),
				TokenStdin:      c.Bool("token-stdin"),
				InsecureStorage: c.Bool("insecure-storage"),
				Port:            c.Int("port"),
				Timeout:         c.Duration("timeout"),
				Team:            c.String("team"),

				EntraSecretStdin: c.Bool("entra-secret-stdin"),
				Target:           c.Bool("target"),
			}
			if err := checkAuthorizeFlags(c, opts); err != nil {
				return err
			}
			if runF != nil {
				return runF(opts)
			}
			return authorizeRun(c.Context, opts)
		},
	}
}

// checkAuthorizeFlags refuses combinations of flags that ask for two things
// at once: storing a secret is a run of its own.
func checkAuthorizeFlags(c *cli.Context, opts *AuthorizeOptions) error {
	switch {
	case opts.Target && (!opts.TokenStdin || c.NumFlags() > 2):
		return errors.New("--target stores a SCIM target's bearer token: use it as `slackprov authorize --target --token-stdin < token.txt`")
	case opts.Target:
		return nil
	case opts.EntraSecretStdin && c.NumFlags() > 1:
		return errors.New("--entra-secret-stdin only stores the Entra secret: run it on its own, and `slackprov authorize` for Slack")
	case opts.EntraSecretStdin:
		return nil
	case opts.TokenStdin && (opts.NoBrowser || c.IsSet("port") || c.IsSet("team")):
		return errors.New("--token-stdin reads a finished token: it cannot be combined with --no-browser, --port or --team")
	}
	return nil
}

// credentialFile is where --insecure-storage keeps a profile's token: beside
// the config file, so it is found again with the same --config.
func credentialFile(configPath, profile string) string {
	return filepath.Join(filepath.Dir(configPath), "credentials", profile+".json")
}

func newCredentialStore(configPath, profile string, getenv func(string) string) *auth.Store {
	return auth.NewStore(profile, auth.StoreOptions{Getenv: getenv, InsecureFile: credentialFile(configPath, profile)})
}

// newSlackTokenProvider is the token source for every command that calls
// Slack: it refreshes rotating tokens and says where the token came from.
func newSlackTokenProvider(f *Factory, cfg *Config) *auth.TokenProvider {
	p := auth.NewTokenProvider(newCredentialStore(f.ConfigPath, f.Profile, f.Getenv), slackAPIClient(cfg, f.HTTPClient, f.Now))
	p.Warn = func(msg string) { fmt.Fprintln(f.IO.ErrOut, "! "+msg) }
	return p
}

func slackAPIClient(cfg *Config, httpClient *http.Client, now func() time.Time) *auth.Client {
	return &auth.Client{APIURL: cfg.Slack.APIURL, ClientID: cfg.Slack.ClientID, HTTPClient: httpClient, Now: now}
}

// authFailure sorts an authorization failure, told as shown: the user's or
// Slack's "no" (cancel, wrong state, refused code, keychain) is about the
// credentials (exit 4); local trouble such as a busy port or a timeout is
// not (exit 1).
func authFailure(err, shown error) error {
	var de *auth.DeniedError
	var ke *auth.KeychainError
	switch {
	case errors.As(err, &de), errors.As(err, &ke), errors.Is(err, auth.ErrStateMismatch), auth.IsAPIError(err):
		return credentials(shown)
	}
	return shown
}

func authorizeRun(ctx context.Context, opts *AuthorizeOptions) error {
	switch {
	case opts.Target:
		return storeSecretRun(ctx, opts, "the SCIM target token", auth.TargetKeyringService, (*auth.Store).SaveTargetToken)
	case opts.EntraSecretStdin:
		return storeSecretRun(ctx, opts, "the Entra client secret", auth.EntraKeyringService, (*auth.Store).SaveEntraSecret)
	}
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	store := newCredentialStore(opts.ConfigPath, opts.Profile, opts.Getenv)
	errOut := opts.IO.ErrOut
	if !opts.InsecureStorage {
		if err := store.CheckKeychain(ctx); err != nil {
			return credentials(fmt.Errorf("not authorizing, because the token could not be kept: %w", err))
		}
	}
	if strings.TrimSpace(opts.Getenv(auth.EnvToken)) != "" {
		fmt.Fprintf(errOut, "! %s is set: it overrides the stored token until you unset it.\n", auth.EnvToken)
	}
	client := slackAPIClient(cfg, opts.HTTPClient, opts.Now)

	var cred *auth.Credential
	if opts.TokenStdin {
		cred, err = tokenFromStdin(ctx, opts.IO.In, client)
		if err != nil {
			return authFailure(err, err)
		}
		if strings.HasPrefix(cred.AccessToken, "xoxe.") {
			fmt.Fprintln(errOut, "! This is a rotating token (xoxe.): it expires within 12 hours, and without its refresh token slackprov cannot renew it. Prefer `slackprov authorize` without --token-stdin.")
		}
	} else {
		cred, err = runBrowserFlow(ctx, opts, cfg, client)
		if err != nil {
			return authFailure(err, err)
		}
	}

	if opts.InsecureStorage {
		fmt.Fprintf(errOut, "! Storing the Slack token in plain text at %s (mode 0600), as --insecure-storage asked. Anyone who can read that file can act as you in Slack.\n", store.FilePath())
	}
	_, where, err := store.Save(ctx, cred, opts.InsecureStorage)
	if err != nil {
		// A token we cannot keep must not stay alive at Slack.
		revokeQuietly(ctx, client, cred)
		return authFailure(err, fmt.Errorf("the authorization worked but the token could not be stored, so it was revoked: %w", err))
	}
	return printAuthorized(ctx, opts.IO.Out, client, cred, where)
}

func runBrowserFlow(ctx context.Context, opts *AuthorizeOptions, cfg *Config, client *auth.Client) (*auth.Credential, error) {
	if cfg.Slack.ClientID == "" {
		where := "the config file"
		if cfg.Path != "" {
			where = cfg.Path
		}
		return nil, fmt.Errorf("slack.client_id is not set: create the Slack app (docs/slack-app.md) and put its Client ID in %s, or pass a token with --token-stdin", where)
	}
	client.ClientSecret = strings.TrimSpace(opts.Getenv(EnvClientSecret))
	port := cfg.Slack.RedirectPort
	if opts.Port != 0 {
		port = opts.Port
	}
	redirect := cfg.Slack.RedirectURL
	if redirect == "" {
		redirect = auth.LoopbackRedirect(port)
	}
	if client.ClientSecret != "" && strings.HasPrefix(redirect, "http://") {
		return nil, fmt.Errorf("%s is set, so this is a confidential app, and Slack accepts only HTTPS redirects for those: set slack.redirect_url to the HTTPS Redirect URL registered in the app (you will paste back the address the browser lands on), or enable PKCE and unset %s", EnvClientSecret, EnvClientSecret)
	}
	flow := &auth.Flow{
		AuthorizeURL: cfg.Slack.AuthorizeURL,
		Client:       client,
		RedirectURL:  redirect,
		Team:         opts.Team,
		Timeout:      opts.Timeout,
		Messages:     opts.IO.ErrOut,
	}
	if !opts.NoBrowser {
		flow.OpenBrowser = opts.OpenBrowser
		flow.PasteFallback = opts.IO.In
	}
	if opts.NoBrowser || !strings.HasPrefix(redirect, "http://") {
		flow.Paste = opts.IO.In
	}
	return flow.Run(ctx)
}

// tokenFromStdin reads one token and asks Slack who it belongs to.
func tokenFromStdin(ctx context.Context, in io.Reader, client *auth.Client) (*auth.Credential, error) {
	line, err := bufio.NewReader(in).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("reading the token from standard input: %w", err)
	}
	tok := strings.TrimSpace(line)
	if tok == "" {
		return nil, errors.New("--token-stdin: standard input was empty; pipe in a Slack user token (xoxp-…)")
	}
	id, err := client.Test(ctx, tok)
	if err != nil {
		return nil, fmt.Errorf("checking the token from standard input: %w", err)
	}
	cred := &auth.Credential{AccessToken: tok, TeamID: id.TeamID, TeamName: id.Team, UserID: id.UserID, Scopes: id.Scopes}
	if id.EnterpriseID != "" && (id.IsEnterpriseInstall || id.TeamID == id.EnterpriseID || id.TeamID == "") {
		cred.EnterpriseID, cred.EnterpriseName = id.EnterpriseID, id.Team
	}
	return cred, nil
}

func revokeQuietly(ctx context.Context, client *auth.Client, cred *auth.Credential) {
	c := *client
	c.ClientID, c.ClientSecret = cred.ClientID, cred.ClientSecret
	_ = c.Revoke(ctx, cred.AccessToken)
	if cred.RefreshToken != "" {
		_ = c.Revoke(ctx, cred.RefreshToken)
	}
}

func printAuthorized(ctx context.Context, out io.Writer, client *auth.Client, cred *auth.Credential, where string) error {
	who := cred.UserID
	if id, err := client.Test(ctx, cred.AccessToken); err == nil && id.User != "" {
		who = fmt.Sprintf("%s (%s)", id.User, id.UserID)
	}
	fmt.Fprintf(out, "✓ Authorized slackprov for %s as %s\n", cred.Workspace(), who)
	scopes := strings.Join(cred.Scopes, ", ")
	if scopes == "" {
		scopes = "not reported by Slack"
	}
	fmt.Fprintf(out, "  Scopes: %s\n", scopes)
	if cred.Rotating() {
		fmt.Fprintf(out, "  Token: rotating, expires %s, renewed automatically\n", cred.ExpiresAt.Local().Format(time.RFC1123))
	} else {
		fmt.Fprintln(out, "  Token: long-lived (revoke it with `slackprov logout`)")
	}
	fmt.Fprintf(out, "  Stored in: %s\n", where)
	if len(cred.Scopes) > 0 && !cred.HasScope("admin") {
		return credentials(errors.New("the token lacks the admin scope that Slack's SCIM API needs: add the user scope admin to the Slack app (docs/slack-app.md) and run `slackprov authorize` again as an Owner or Admin"))
	}
	fmt.Fprintln(out, "Next: slackprov test-connection")
	return nil
}

// storeSecretRun keeps a secret read from standard input in the OS keychain
// (service, account <profile>): the Entra app registration's client secret,
// found by the Entra source when AZURE_CLIENT_SECRET is not set, or a SCIM
// target's token, found when SLACKPROV_TARGET_TOKEN is not set.
func storeSecretRun(ctx context.Context, opts *AuthorizeOptions, what, service string, save func(*auth.Store, context.Context, string) error) error {
	data, err := io.ReadAll(io.LimitReader(opts.IO.In, 64<<10))
	if err != nil {
		return err
	}
	secret := strings.TrimSpace(string(data))
	if secret == "" {
		return fmt.Errorf("standard input was empty; pipe in %s", what)
	}
	store := newCredentialStore(opts.ConfigPath, opts.Profile, opts.Getenv)
	if err := save(store, ctx, secret); err != nil {
		return credentials(err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Stored %s in the OS keychain (service %q, account %q).\n", what, service, opts.Profile)
	return nil
}
