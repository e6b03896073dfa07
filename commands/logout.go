package commands

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/auth"
)

// LogoutOptions are logout's dependencies and flags.
type LogoutOptions struct {
	IO         *IOStreams
	HTTPClient *http.Client
	Now        func() time.Time
	Getenv     func(string) string
	Config     func() (*Config, error)
	ConfigPath string
	Profile    string

	SkipRevoke bool
}

func newLogoutCmd(f *Factory, runF func(*LogoutOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "logout",
		Usage: "revoke the stored Slack token and delete it from this machine",
		Description: `Revokes the profile's token at Slack (auth.revoke; with token rotation both
the access and the refresh token) and deletes it from the OS keychain and
from the --insecure-storage file. A token in SLACKPROV_SLACK_TOKEN is not
slackprov's to revoke: unset the variable yourself.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "skip-revoke", Usage: "only delete the local copy (when Slack cannot be reached); the token stays valid at Slack"},
		},
		Action: func(c *cli.Context) error {
			opts := &LogoutOptions{
				IO: f.IO, HTTPClient: f.HTTPClient, Now: f.Now, Getenv: f.Getenv,
				Config: f.Config, ConfigPath: f.ConfigPath, Profile: f.Profile,
				SkipRevoke: c.Bool("skip-revoke"),
			}
			if runF != nil {
				return runF(opts)
			}
			return logoutRun(c.Context, opts)
		},
	}
}

func logoutRun(ctx context.Context, opts *LogoutOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	out := opts.IO.Out
	store := newCredentialStore(opts.ConfigPath, opts.Profile, opts.Getenv)
	envSet := strings.TrimSpace(opts.Getenv(auth.EnvToken)) != ""
	cred, src, err := store.LoadStored(ctx)
	switch {
	case errors.Is(err, auth.ErrNoCredential):
		fmt.Fprintf(out, "No Slack token is stored for profile %q; nothing to do.\n", opts.Profile)
		if envSet {
			fmt.Fprintf(out, "! %s is still set in your environment: unset it too.\n", auth.EnvToken)
		}
		forgetEntraSecret(ctx, store, out)
		return nil
	case err != nil:
		return credentials(err)
	}

	if opts.SkipRevoke {
		fmt.Fprintln(out, "! Not revoking (--skip-revoke): the token stays valid at Slack until it expires or is revoked there.")
	} else {
		client := slackAPIClient(cfg, opts.HTTPClient, opts.Now)
		if err := revokeCredential(ctx, client, cred); err != nil {
			return fmt.Errorf("revoking the token from %s at Slack: %w; nothing was deleted. Pass --skip-revoke to delete the local copy anyway", store.Location(src), err)
		}
		fmt.Fprintln(out, "✓ Revoked the token at Slack")
	}
	removed, err := store.Delete(ctx)
	if err != nil {
		return credentials(err)
	}
	for _, where := range removed {
		fmt.Fprintf(out, "✓ Removed the token from %s\n", where)
	}
	if envSet {
		fmt.Fprintf(out, "! %s is still set in your environment: unset it too.\n", auth.EnvToken)
	}
	forgetEntraSecret(ctx, store, out)
	return nil
}

// forgetEntraSecret deletes the profile's Entra client secret and SCIM
// target token from the keychain, if `authorize --entra-secret-stdin` or
// `authorize --target --token-stdin` stored them.
func forgetEntraSecret(ctx context.Context, store *auth.Store, out io.Writer) {
	if deleted, err := store.DeleteEntraSecret(ctx); deleted && err == nil {
		fmt.Fprintln(out, "✓ Removed the Entra client secret from the OS keychain")
	}
	if deleted, err := store.DeleteTargetToken(ctx); deleted && err == nil {
		fmt.Fprintln(out, "✓ Removed the SCIM target token from the OS keychain")
	}
}

// revokeCredential revokes the access token and, with rotation, the refresh
// token: on rotating installs auth.revoke kills only the token it is given.
// A token Slack already rejects counts as revoked.
func revokeCredential(ctx context.Context, client *auth.Client, cred *auth.Credential) error {
	for _, tok := range []string{cred.AccessToken, cred.RefreshToken} {
		if tok == "" {
			continue
		}
		if err := client.Revoke(ctx, tok); err != nil && !auth.IsDeadToken(err) {
			return err
		}
	}
	return nil
}
