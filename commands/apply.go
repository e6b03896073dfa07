package commands

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/provision"
)

// ApplyOptions is everything `slackprov apply` needs.
type ApplyOptions struct {
	IO         *IOStreams
	Config     *Config
	HTTPClient *http.Client
	Now        func() time.Time
	Token      TokenSource
	PlanFile   string
	Yes        bool
	Output     string
	Workers    int
}

func newApplyCmd(f *Factory) *cli.Command {
	return &cli.Command{
		Name:      "apply",
		Usage:     "apply a plan saved by `slackprov sync --dry-run --plan-out FILE`",
		ArgsUsage: "PLAN_FILE",
		Description: `Executes exactly the operations in the saved plan. Accounts that changed in Slack
since the plan was made are handled as sync would: an account that now exists is
linked rather than duplicated.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "apply without asking"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text or json"},
			&cli.IntFlag{Name: "workers", Value: 4, Usage: "concurrent writes to Slack"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return errors.New("apply takes one argument: the plan file written by `slackprov sync --dry-run --plan-out FILE`")
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			return applyRun(c.Context, &ApplyOptions{IO: f.IO, Config: cfg, HTTPClient: f.HTTPClient, Now: f.Now,
				Token: f.slackToken(cfg), PlanFile: c.Args().First(), Yes: c.Bool("yes"), Output: c.String("output"), Workers: c.Int("workers")})
		},
	}
}

func applyRun(ctx context.Context, opts *ApplyOptions) error {
	plan, err := provision.LoadPlan(opts.PlanFile)
	if err != nil {
		return err
	}
	if plan.Refused != "" {
		return withCode(ExitSafety, errors.New("this plan was refused by a safety check: "+plan.Refused+"; plan again with the threshold you mean"))
	}
	if !plan.HasChanges() {
		renderPlan(opts.IO, plan, opts.Output, false, 0)
		return nil
	}
	if !opts.Yes {
		if !opts.IO.CanPrompt() {
			return errors.New("apply would change Slack and cannot ask for confirmation here; pass --yes")
		}
		if err := renderPlan(opts.IO, plan, "text", false, 0); err != nil {
			return err
		}
		if ok, err := confirm(opts.IO, "Apply this saved plan to Slack?"); err != nil || !ok {
			return err
		}
	}
	rep := newLineReporter(opts.IO.ErrOut)
	client, err := scimClient(ctx, opts.Config, opts.HTTPClient, opts.Token, observeRequests(rep))
	if err != nil {
		return err
	}
	st, unlock, err := openLockedStore(ctx, opts.Config)
	if err != nil {
		return err
	}
	defer st.Close()
	defer unlock()
	tokenSource := opts.Token.Location()
	runID, err := st.StartRun(ctx, false, plan.Source+" (saved plan "+opts.PlanFile+")")
	if err != nil {
		return err
	}
	return applyPlan(ctx, applyDeps{IO: opts.IO, Reporter: rep, Store: st, Client: client, RunID: runID, Now: opts.Now,
		Output: opts.Output, Workers: opts.Workers, TokenSource: tokenSource}, plan)
}
