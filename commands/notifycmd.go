package commands

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/notify"
)

// NotifyTestOptions is everything `slackprov notify test` needs.
type NotifyTestOptions struct {
	IO         *IOStreams
	Config     func() (*Config, error)
	Getenv     func(string) string
	HTTPClient *http.Client
	// MailTLS overrides the SMTP TLS settings (tests: the relay's CA).
	MailTLS *notify.EmailConfig
}

func newNotifyCmd(f *Factory) *cli.Command {
	return &cli.Command{
		Name:        "notify",
		Usage:       "check the notifications configured in the notify section",
		Subcommands: []*cli.Command{newNotifyTestCmd(f, nil)},
	}
}

func newNotifyTestCmd(f *Factory, runF func(*NotifyTestOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "test",
		Usage: "send one test notification by email and one by webhook, as configured",
		Description: `Sends a test message on every channel of the profile's notify section and
says, channel by channel, whether it was delivered. Use it after setting up
notify and whenever the SMTP relay or the webhook changes.`,
		Action: func(c *cli.Context) error {
			opts := &NotifyTestOptions{IO: f.IO, Config: f.Config, Getenv: f.Getenv, HTTPClient: f.HTTPClient}
			if runF != nil {
				return runF(opts)
			}
			return notifyTestRun(c.Context, opts)
		},
	}
}

func notifyTestRun(ctx context.Context, opts *NotifyTestOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	n, err := cfg.Notify.notifier(NotifierDeps{Getenv: opts.Getenv, HTTPClient: opts.HTTPClient, MailTLS: opts.MailTLS})
	if err != nil {
		return err
	}
	if !n.Configured() {
		return fmt.Errorf("profile %q has no notify section with email or webhook; add one (docs/service.md) and run this again", cfg.Profile)
	}
	m := notify.Message{
		Event:   "test",
		Profile: cfg.Profile,
		Subject: "test notification",
		Summary: "This is a test sent by `slackprov notify test`. Failures, quarantine, safety stops and credential errors will arrive the same way.",
		Action:  "Nothing; this message only proves the channel works.",
	}
	failed := 0
	for _, d := range n.Deliver(ctx, m) {
		if d.Err != nil {
			failed++
			fmt.Fprintf(opts.IO.Out, "✗ %s: %v\n", d.Channel, d.Err)
			continue
		}
		fmt.Fprintf(opts.IO.Out, "✓ %s\n", d.Channel)
	}
	if failed > 0 {
		return errors.New("some notifications were not delivered; fix the settings named above (notify section) and run this again")
	}
	return nil
}
