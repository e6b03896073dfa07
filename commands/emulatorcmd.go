package commands

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/emulator/slackoauth"
	"github.com/slackprov/slackprov/emulator/slackscim"
)

// EmulatorOptions is everything `slackprov emulator` needs.
type EmulatorOptions struct {
	IO           *IOStreams
	Addr         string
	SeedPath     string
	Token        string
	TimeScale    float64
	NoRateLimits bool
	V1Only       bool
	Plan         string
	FaultRate    float64
	Ready        func(baseURL string)
}

// EmulatorToken is the token `slackprov emulator` accepts unless told otherwise.
// It is not a secret: the emulator guards nothing.
const EmulatorToken = "xoxp-emulator-token"

// EmulatorClientID is the Slack app id the emulator's OAuth side knows.
const EmulatorClientID = "1000000000.2000000000"

func newEmulatorCmd(f *Factory, runF func(*EmulatorOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "emulator",
		Usage: "serve the built-in Slack emulator (SCIM and OAuth) for manual trials",
		Description: `Serves an in-memory Slack org over SCIM v2 that follows Slack's documented rules,
rate limits included. Point slack.scim_url at the printed URL and set
SLACKPROV_SLACK_TOKEN to the emulator's token.

Example:
  slackprov emulator --port 8080 --seed slack-seed.json --time-scale 20`,
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "port", Value: 8080, Usage: "listen on 127.0.0.1:`PORT` (0 picks a free one)"},
			&cli.StringFlag{Name: "seed", Usage: "JSON `FILE` of initial Slack users and groups"},
			&cli.StringFlag{Name: "token", Value: EmulatorToken, EnvVars: []string{"SLACKPROV_EMULATOR_TOKEN"}, Usage: "the bearer `TOKEN` to accept"},
			&cli.Float64Flag{Name: "time-scale", Value: 1, Usage: "run Slack's rate limits `X` times faster"},
			&cli.BoolFlag{Name: "no-rate-limits", Usage: "turn Slack's rate limits off"},
			&cli.BoolFlag{Name: "v1-only", Usage: "answer /scim/v2 with unsupported_version, as some orgs do; /scim/v1 works"},
			&cli.StringFlag{Name: "plan", Value: "business_plus", Usage: "Slack plan: business_plus, enterprise, or pro (every call fails, as on Pro)"},
			&cli.Float64Flag{Name: "fault-rate", Usage: "share of requests answered with a 500 (0 to 1)"},
		},
		Action: func(c *cli.Context) error {
			opts := &EmulatorOptions{
				IO: f.IO, Addr: fmt.Sprintf("127.0.0.1:%d", c.Int("port")), SeedPath: c.String("seed"),
				Token: c.String("token"), TimeScale: c.Float64("time-scale"), NoRateLimits: c.Bool("no-rate-limits"), V1Only: c.Bool("v1-only"),
				Plan: c.String("plan"), FaultRate: c.Float64("fault-rate"),
			}
			if runF != nil {
				return runF(opts)
			}
			return emulatorRun(c.Context, opts)
		},
	}
}

func emulatorRun(ctx context.Context, opts *EmulatorOptions) error {
	var seed *slackscim.Seed
	if opts.SeedPath != "" {
		var err error
		if seed, err = slackscim.LoadSeed(opts.SeedPath); err != nil {
			return err
		}
	}
	if opts.FaultRate < 0 || opts.FaultRate > 1 {
		return fmt.Errorf("--fault-rate %g: use a share between 0 and 1", opts.FaultRate)
	}
	// The OAuth side lets `slackprov authorize` run against the emulator too;
	// SCIM accepts the tokens it issues as well as --token.
	oauth := slackoauth.New(slackoauth.Options{
		ClientID: EmulatorClientID, PKCE: true, TeamID: "T0EMULATOR", TeamName: "Emulated Org",
		RedirectURLs:       []string{fmt.Sprintf("http://localhost:%d/callback", defaultConfig().Slack.RedirectPort)},
		PreinstalledTokens: []string{opts.Token},
	})
	slack := slackscim.New(slackscim.Options{
		AcceptToken: oauth.SCIMAuth(),
		Plan:        opts.Plan, TimeScale: opts.TimeScale, DisableRateLimits: opts.NoRateLimits,
		Seed: seed, Faults: slackscim.Faults{ErrorRate: opts.FaultRate}, V2Unsupported: opts.V1Only,
	})
	ln, err := net.Listen("tcp", opts.Addr)
	if err != nil {
		return fmt.Errorf("cannot listen on %s: %v; pick another --port", opts.Addr, err)
	}
	root := "http://" + ln.Addr().String()
	base := root + "/scim/v2/"
	mux := http.NewServeMux()
	mux.Handle("/scim/v2/", slack)
	mux.Handle("/oauth/", oauth)
	mux.Handle("/api/", oauth)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintf(opts.IO.Out, "Slack emulator listening at %s\n\nConfig to use it:\n", root)
	fmt.Fprintf(opts.IO.Out, "  slack:\n    scim_url: %s\n    api_url: %s/api/\n    authorize_url: %s/oauth/v2/authorize\n    client_id: %q\n",
		base, root, root, EmulatorClientID)
	fmt.Fprintf(opts.IO.Out, "\nThen `slackprov authorize`, or set SLACKPROV_SLACK_TOKEN to the --token value (default %s).\nPress Ctrl-C to stop.\n", EmulatorToken)
	if opts.Ready != nil {
		opts.Ready(base)
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
		sctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		if err := srv.Shutdown(sctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		return nil
	}
}
