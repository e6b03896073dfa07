package commands

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/views"
)

// ApplyOptions is everything `slackprov apply` needs.
type ApplyOptions struct {
	IO               *IOStreams
	Config           *Config
	HTTPClient       *http.Client
	Now              func() time.Time
	Token            TokenSource
	PlanFile         string
	Yes              bool
	Output           string
	Workers          int
	MaxDeactivations int
}

func newApplyCmd(f *Factory, runF func(*ApplyOptions) error) *cli.Command {
	return &cli.Command{
		Name:      "apply",
		Usage:     "apply a plan saved by `slackprov sync --dry-run --plan-out FILE`",
		ArgsUsage: "PLAN_FILE",
		Description: `Executes exactly the operations in the saved plan, after checking that it is still
true: it must be for the Slack org the token reaches and the directory this profile
reads, no run may have applied changes since it was made (so a plan applies once),
it must pass the safety checks again (deactivations and group deletions against
the threshold; a "refused" field is not needed for that), and every Slack object it
writes must be as the plan saw it. Otherwise nothing is written and the exit code is 3.`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "apply without asking"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text or json"},
			&cli.IntFlag{Name: "workers", Value: 4, Usage: "concurrent writes to Slack"},
			&cli.IntFlag{Name: "max-deactivations", Value: -1, Usage: "refuse plans deactivating users and deleting groups more than `N` in all (default: safety.max_deactivations, else 50)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return errors.New("apply takes one argument: the plan file written by `slackprov sync --dry-run --plan-out FILE`")
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &ApplyOptions{IO: f.IO, Config: cfg, HTTPClient: f.HTTPClient, Now: f.Now,
				Token: f.slackToken(cfg), PlanFile: c.Args().First(), Yes: c.Bool("yes"), Output: c.String("output"), Workers: c.Int("workers"),
				MaxDeactivations: c.Int("max-deactivations")}
			if runF != nil {
				return runF(opts)
			}
			return applyRun(c.Context, opts)
		},
	}
}

// applyRun checks a saved plan is still true, shows it and asks unless
// --yes, then applies it.
func applyRun(ctx context.Context, opts *ApplyOptions) error {
	plan, err := provision.LoadPlan(opts.PlanFile)
	if err != nil {
		return err
	}
	if !opts.Yes && !opts.IO.CanPrompt() && plan.HasChanges() {
		return errors.New("apply would change Slack and cannot ask for confirmation here; pass --yes")
	}
	if opts.MaxDeactivations < 0 {
		opts.MaxDeactivations = opts.Config.MaxDeactivations()
	}
	env, err := openRunEnv(ctx, opts.Config, opts.HTTPClient, opts.Token, newLineReporter(opts.IO.ErrOut))
	if err != nil {
		return err
	}
	defer env.close()
	run, err := env.open(ctx, env.options(opts.MaxDeactivations, opts.Workers, opts.Now))
	if err != nil {
		return err
	}
	defer run.Close()
	if err := run.Verify(ctx, plan); err != nil {
		return staleError(opts.PlanFile, err)
	}
	if !plan.HasChanges() {
		return renderPlan(opts.IO, plan, opts.Output, false, 0)
	}
	if !opts.Yes {
		if err := renderPlan(opts.IO, plan, "text", false, 0); err != nil {
			return err
		}
		if ok, err := confirm(opts.IO, "Apply this saved plan to Slack?"); err != nil || !ok {
			return err
		}
	}
	if err := run.StartSaved(ctx, plan.Source+" (saved plan "+opts.PlanFile+")"); err != nil {
		return err
	}
	out, err := run.Apply(ctx, plan)
	if out == nil {
		return err
	}
	if rerr := showOutcome(opts.IO, out, opts.Output, false); rerr != nil {
		return rerr
	}
	return applyError(err, env.tokenSource)
}

// staleError words a saved plan that is no longer true: what to do next
// is to plan again.
func staleError(file string, err error) error {
	var se *provision.StaleError
	var safety *provision.SafetyError
	switch {
	case errors.As(err, &se):
		msg := se.Reason
		if len(se.Objects) > 0 {
			const shown = 10
			list := se.Objects
			if len(list) > shown {
				list = append(list[:shown:shown], fmt.Sprintf("… and %d more", len(se.Objects)-shown))
			}
			msg += ":\n  " + strings.Join(list, "\n  ") + "\nplan again with `slackprov sync --dry-run --plan-out FILE`"
		} else if se.Replan {
			msg += "; plan again with `slackprov sync --dry-run --plan-out FILE`"
		}
		err = errors.New(msg)
	case errors.As(err, &safety):
		err = errors.New("refused by a safety check: " + views.Refused(safety.Refusal, safety.Why))
	}
	// Every failure of the check, a failed re-read included, means the
	// plan cannot be trusted now.
	return refused(fmt.Errorf("%s: %w; nothing was changed", file, err))
}
