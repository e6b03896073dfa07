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
	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/store"
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

func newApplyCmd(f *Factory) *cli.Command {
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
			return applyRun(c.Context, &ApplyOptions{IO: f.IO, Config: cfg, HTTPClient: f.HTTPClient, Now: f.Now,
				Token: f.slackToken(cfg), PlanFile: c.Args().First(), Yes: c.Bool("yes"), Output: c.String("output"), Workers: c.Int("workers"),
				MaxDeactivations: c.Int("max-deactivations")})
		},
	}
}

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
	org, err := whichOrg(ctx, opts.Config, opts.HTTPClient, opts.Token)
	if err != nil {
		return err
	}
	dirID := directoryIdentity(opts.Config)
	if err := checkBinding(ctx, st, opts.Config, org, dirID); err != nil {
		return err
	}
	if err := stillTrue(ctx, st, client, plan, org, dirID, opts.MaxDeactivations); err != nil {
		return withCode(ExitSafety, fmt.Errorf("%s: %w; nothing was changed", opts.PlanFile, err))
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
	runID, err := st.StartRun(ctx, false, plan.Source+" (saved plan "+opts.PlanFile+")")
	if err != nil {
		return err
	}
	if err := startApplying(ctx, st, runID, plan, org, dirID); err != nil {
		finishRun(st, runID, store.RunFailed, plan, err)
		return err
	}
	err = applyPlan(ctx, applyDeps{IO: opts.IO, Reporter: rep, Store: st, Client: client, RunID: runID, Now: opts.Now,
		Output: opts.Output, Workers: opts.Workers, TokenSource: opts.Token.Location()}, plan)
	// A saved plan holds only what it changes, so objects it does not
	// mention keep their pending failures.
	if perr := savePending(st, plan, false); perr != nil && err == nil {
		err = perr
	}
	return err
}

// stillTrue checks a saved plan against the present before it is applied:
// made for this org and directory, not applied before, no run applied since,
// within the safety threshold now (never trusting the file's own verdict),
// and every Slack object it writes unchanged since it was read.
func stillTrue(ctx context.Context, st *store.Store, client *scim.Client, plan *provision.Plan, org slackOrg, dirID string, maxDeactivations int) error {
	switch {
	case plan.SlackOrg != org.ID:
		return fmt.Errorf("the plan was made for Slack org %q, but the token reaches Slack org %s", plan.SlackOrg, org)
	case plan.Directory != dirID:
		return fmt.Errorf("the plan was made from directory %q, but this profile reads %q", plan.Directory, dirID)
	case plan.ID == "":
		return errors.New("the plan has no id, so whether it was applied already cannot be told; plan again")
	}
	if r, err := st.RunForPlan(ctx, plan.ID); err != nil {
		return err
	} else if r != nil {
		return fmt.Errorf("this plan was already applied by run %d (%s); plan again with `slackprov sync --dry-run --plan-out FILE`",
			r.ID, r.Started.Local().Format(time.DateTime))
	}
	last, err := st.LastAppliedRun(ctx)
	if err != nil {
		return err
	}
	if last != nil && last.ID != plan.AfterRun {
		return fmt.Errorf("run %d (%s, %s) changed Slack or the state after this plan was made; plan again with `slackprov sync --dry-run --plan-out FILE`",
			last.ID, last.Started.Local().Format(time.DateTime), last.Status)
	}
	links, err := st.Links(ctx, string(provision.KindUser))
	if err != nil {
		return err
	}
	if plan.Refused != "" {
		return errors.New("this plan was refused by a safety check: " + plan.Refused + "; plan again with the threshold you mean")
	}
	if why := plan.Check(maxDeactivations, len(links)); why != "" {
		return errors.New("refused by a safety check: " + why)
	}
	stale, err := provision.Stale(ctx, client, plan)
	if err != nil {
		return err
	}
	if len(stale) > 0 {
		const shown = 10
		list := stale
		if len(list) > shown {
			list = append(list[:shown:shown], fmt.Sprintf("… and %d more", len(stale)-shown))
		}
		return fmt.Errorf("%d Slack objects the plan writes are no longer as it saw them:\n  %s\nplan again with `slackprov sync --dry-run --plan-out FILE`",
			len(stale), strings.Join(list, "\n  "))
	}
	return nil
}
