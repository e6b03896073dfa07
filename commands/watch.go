package commands

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/notify"
)

// WatchOptions is everything `slackprov watch` needs.
type WatchOptions struct {
	IO         *IOStreams
	Config     *Config
	HTTPClient *http.Client
	Now        func() time.Time
	Getenv     func(string) string
	Token      TokenSource

	Interval         time.Duration
	FullEvery        time.Duration
	Listen           string
	LogFormat        string
	Workers          int
	MaxDeactivations int
	// EntraSecret is the Entra app's secret when not in AZURE_CLIENT_SECRET.
	EntraSecret string
	// MailTLS overrides the SMTP TLS settings (tests: the relay's CA).
	MailTLS *notify.EmailConfig
	// Listening, when set, learns the address --listen bound (tests ask for port 0).
	Listening func(addr string)
}

func newWatchCmd(f *Factory, runF func(*WatchOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "watch",
		Usage: "keep Slack in step with the directory: sync every --interval until stopped",
		Description: `Runs an incremental sync every --interval and a full reconcile every
--full-every, with the same plan, safety checks and provisioning log as
sync --yes, until SIGINT or SIGTERM (which finish the requests in flight,
record the cycle and exit 0). One line per cycle on stderr. Failed objects
are retried with growing intervals; credential errors, safety stops and
mostly-failing cycles put the profile in quarantine (reads continue, writes
stop) until slackprov resume or a sync that succeeds. docs/service.md shows
systemd, container and Kubernetes set-ups.

Examples:
  slackprov watch
  slackprov watch --interval 30s --listen 127.0.0.1:9464 --log-format json`,
		Flags: []cli.Flag{
			&cli.DurationFlag{Name: "interval", Value: 2 * time.Minute, Usage: "time between cycles (at least 30s)"},
			&cli.DurationFlag{Name: "full-every", Value: 24 * time.Hour, Usage: "read the whole directory this often"},
			&cli.StringFlag{Name: "listen", Usage: "serve /healthz and /metrics on `HOST:PORT`"},
			&cli.StringFlag{Name: "log-format", Value: "text", Usage: "cycle lines as text or json"},
			&cli.IntFlag{Name: "max-deactivations", Value: -1, Usage: "refuse plans deactivating more than `N` users (default: safety.max_deactivations, else 50)"},
			&cli.IntFlag{Name: "workers", Value: 4, Usage: "concurrent writes to Slack"},
		},
		Action: func(c *cli.Context) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &WatchOptions{IO: f.IO, Config: cfg, HTTPClient: f.HTTPClient, Now: f.Now, Getenv: f.Getenv, Token: f.slackToken(cfg),
				Interval: c.Duration("interval"), FullEvery: c.Duration("full-every"), Listen: c.String("listen"),
				LogFormat: c.String("log-format"), MaxDeactivations: c.Int("max-deactivations"), Workers: c.Int("workers")}
			if runF != nil {
				return runF(opts)
			}
			return watchRun(c.Context, opts)
		},
	}
}

// watchRun runs cycles until ctx ends. An interrupt is the normal way out:
// the cycle in flight is recorded and the result is nil (exit 0).
func watchRun(ctx context.Context, opts *WatchOptions) error {
	if opts.LogFormat != "text" && opts.LogFormat != "json" {
		return fmt.Errorf("--log-format %q: use text or json", opts.LogFormat)
	}
	if opts.FullEvery < opts.Interval {
		return fmt.Errorf("--full-every %s is shorter than --interval %s; every cycle would be full — raise --full-every or use sync --full", opts.FullEvery, opts.Interval)
	}
	if opts.MaxDeactivations < 0 {
		opts.MaxDeactivations = opts.Config.MaxDeactivations()
	}
	w, err := newWatcher(ctx, opts)
	if err != nil {
		return err
	}
	defer w.close()
	if opts.Listen != "" {
		addr, err := serveWatch(ctx, opts.Listen, w.health, w.metrics)
		if err != nil {
			return err
		}
		w.log.info("listening", "addr", addr)
		if opts.Listening != nil {
			opts.Listening(addr)
		}
	}
	w.loop(ctx)
	return nil
}
