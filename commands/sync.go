package commands

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/auth"
	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/tui"
	"github.com/slackprov/slackprov/views"
)

// SyncOptions is everything `slackprov sync` needs.
type SyncOptions struct {
	IO         *IOStreams
	Config     *Config
	HTTPClient *http.Client
	Now        func() time.Time
	Token      TokenSource

	DryRun           bool
	Yes              bool
	DetailedExitcode bool
	Output           string
	PlanOut          string
	MaxDeactivations int
	Verbose          bool
	Workers          int
	// ShowLimit caps the operations printed (0: all); the summary counts all.
	ShowLimit int
	// Reporter shows progress; nil means plain lines on stderr.
	Reporter provision.Reporter
	// Pause, when set, stops a live progress view drawing so the plan and
	// the confirmation question have the terminal to themselves.
	Pause func()
	// Full makes an incremental source (Entra) read everything.
	Full bool
	// EntraSecret is the Entra app's secret when not in AZURE_CLIENT_SECRET.
	EntraSecret string
	// NoPager prints a long plan straight to the terminal.
	NoPager bool
}

func newSyncCmd(f *Factory, runF func(*SyncOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "sync",
		Usage: "plan the changes that bring Slack in line with the directory, then apply them",
		Description: `Reads who is assigned in the directory, maps them, matches them to Slack accounts,
and prints the plan. With --dry-run it stops there; otherwise it asks before applying
(pass --yes where nobody can answer).

Examples:
  slackprov sync --dry-run
  slackprov sync --dry-run --output json --plan-out plan.json
  slackprov sync --yes --max-deactivations 10`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Usage: "print the plan and change nothing"},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "apply without asking"},
			&cli.BoolFlag{Name: "detailed-exitcode", Usage: "exit 2 when the plan has changes (with --dry-run)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text or json"},
			&cli.StringFlag{Name: "plan-out", Usage: "save the plan to `FILE` (apply it later with slackprov apply)"},
			&cli.IntFlag{Name: "max-deactivations", Value: -1, Usage: "refuse plans deactivating more than `N` users (default: safety.max_deactivations, else 50)"},
			&cli.IntFlag{Name: "workers", Value: 4, Usage: "concurrent writes to Slack"},
			&cli.BoolFlag{Name: "full", Usage: "read the whole directory, not just what changed since the last run (Entra)"},
			&cli.BoolFlag{Name: "no-pager", Usage: "print a long plan straight to the terminal instead of through the pager (" + EnvPager + ", default less -FRX)"},
		},
		Action: func(c *cli.Context) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &SyncOptions{
				IO: f.IO, Config: cfg, HTTPClient: f.HTTPClient, Now: f.Now, Token: f.slackToken(cfg),
				DryRun: c.Bool("dry-run"), Yes: c.Bool("yes"), DetailedExitcode: c.Bool("detailed-exitcode"),
				Output: c.String("output"), PlanOut: c.String("plan-out"), MaxDeactivations: c.Int("max-deactivations"),
				Verbose: f.Verbose, Workers: c.Int("workers"), Full: c.Bool("full"), NoPager: c.Bool("no-pager"),
			}
			if runF != nil {
				return runF(opts)
			}
			ctx := c.Context
			if f.IO.StderrTTY && opts.Output == "text" {
				// On a terminal, a live view; Ctrl-C in it stops the run
				// after in-flight requests, recorded as interrupted.
				var cancel context.CancelFunc
				ctx, cancel = context.WithCancel(ctx)
				defer cancel()
				view := tui.NewSyncView(f.IO.ErrOut, f.IO.In, tui.SyncViewOptions{Cancel: cancel, NoColor: f.IO.NoColor})
				defer view.Wait()
				opts.Reporter, opts.Pause = view, view.Pause
			}
			return syncRun(ctx, opts)
		},
	}
}

// check refuses what the options cannot do before anything is read.
func (opts *SyncOptions) check() error {
	if opts.Output != "text" && opts.Output != "json" {
		return fmt.Errorf("--output %q: use text or json", opts.Output)
	}
	if !opts.DryRun && !opts.Yes && !(opts.IO.CanPrompt() && opts.Output == "text") {
		return errors.New("sync would change Slack and cannot ask for confirmation here; pass --yes to apply, or --dry-run to only plan")
	}
	return nil
}

// syncRun plans, shows the plan, and applies it unless this is a dry run,
// the plan was refused or has nothing to write.
func syncRun(ctx context.Context, opts *SyncOptions) error {
	if err := opts.check(); err != nil {
		return err
	}
	if opts.NoPager {
		opts.IO.NoPager = true
	}
	cfg := opts.Config
	if opts.MaxDeactivations < 0 {
		opts.MaxDeactivations = cfg.MaxDeactivations()
	}
	rep := opts.reporter()
	// The mapping is checked before Slack is asked anything.
	env, err := newRunEnv(ctx, cfg, opts.HTTPClient, opts.Token, rep)
	if err != nil {
		return err
	}
	defer env.close()
	sm, err := env.loadMapping()
	if err != nil {
		return err
	}
	if err := env.connect(ctx, opts.Token); err != nil {
		return err
	}
	ro := env.withMapping(runChoices{Full: opts.Full, DryRun: opts.DryRun, MaxDeactivations: opts.MaxDeactivations,
		Workers: opts.Workers, Now: opts.Now, EntraSecret: opts.EntraSecret}, sm)
	run, err := env.open(ctx, ro)
	if err != nil {
		return err
	}
	defer run.Close()
	plan, err := run.Plan(ctx)
	if err != nil {
		opts.pause()
		return readError(err, env.tokenSource)
	}
	if opts.PlanOut != "" {
		if err := plan.Save(opts.PlanOut); err != nil {
			return err
		}
	}
	if opts.DryRun || plan.Refused != "" || !plan.HasChanges() {
		return syncWithoutChanges(ctx, opts, run, rep, plan)
	}
	return syncApply(ctx, opts, run, plan, env.tokenSource)
}

// readError words a failed read: refused credentials exit 4 and say where
// the Slack token came from.
func readError(err error, tokenSource string) error {
	return authHint(err, tokenSource)
}

// syncWithoutChanges shows a plan that is not applied: a dry run, a
// refused plan, or one with nothing to write to Slack, whose matches still
// become links and whose failures reach the log and stay pending.
func syncWithoutChanges(ctx context.Context, opts *SyncOptions, run *provision.Run, rep provision.Reporter, plan *provision.Plan) error {
	rep.Finish(plan, nil)
	opts.pause()
	if err := renderPlan(opts.IO, plan, opts.Output, opts.Verbose, opts.ShowLimit); err != nil {
		return err
	}
	if opts.PlanOut != "" {
		savedPlanLine(opts.IO, plan, opts.PlanOut)
	}
	switch {
	case plan.Refused != "":
		return shown(run.Refuse(plan))
	case !opts.DryRun:
		_, err := run.Apply(ctx, plan)
		return views.Error(err)
	}
	if err := run.Finish(plan); err != nil {
		return views.Error(err)
	}
	if opts.DetailedExitcode && plan.HasChanges() {
		return shown(&changesError{})
	}
	return nil
}

// syncApply shows the plan, asks unless --yes, applies it and reports.
func syncApply(ctx context.Context, opts *SyncOptions, run *provision.Run, plan *provision.Plan, tokenSource string) error {
	opts.pause()
	if opts.Output == "text" {
		if err := renderPlan(opts.IO, plan, "text", opts.Verbose, opts.ShowLimit); err != nil {
			return err
		}
	}
	if !opts.Yes {
		ok, err := confirm(opts.IO, "Apply these changes to Slack?")
		if err != nil || !ok {
			run.Cancel(plan)
			fmt.Fprintln(opts.IO.ErrOut, "Nothing was changed.")
			return err
		}
	}
	out, err := run.Apply(ctx, plan)
	if out == nil {
		return err
	}
	// Let a live view draw its last frame before anything else prints.
	opts.pause()
	if rerr := showOutcome(opts.IO, out, opts.Output, opts.Pause != nil); rerr != nil {
		return rerr
	}
	return applyError(err, tokenSource)
}

// showOutcome prints what an apply did: the outcome as JSON, or the
// summary line (unless a live view has just shown it on this terminal).
func showOutcome(ios *IOStreams, out *provision.Plan, output string, live bool) error {
	if output == "json" {
		return views.RenderJSON(ios.Out, out)
	}
	if !live || !ios.StdoutTTY {
		fmt.Fprintln(ios.Out, views.Summary(out))
	}
	return nil
}

// applyError words an apply's error: where a refused token came from,
// what to do about failed operations or an interrupt.
func applyError(err error, tokenSource string) error {
	return views.Error(authHint(err, tokenSource))
}

func (opts *SyncOptions) pause() {
	if opts.Pause != nil {
		opts.Pause()
	}
}

// reporter picks how progress is shown: the live view when one was given
// (a terminal), plain lines on stderr otherwise.
func (opts *SyncOptions) reporter() provision.Reporter {
	if opts.Reporter != nil {
		return opts.Reporter
	}
	return newLineReporter(opts.IO.ErrOut)
}

func renderPlan(ios *IOStreams, plan *provision.Plan, output string, verbose bool, limit int) error {
	if output == "json" {
		return views.RenderJSON(ios.Out, plan)
	}
	w, done := ios.startPager(os.Getenv)
	defer done()
	return views.RenderText(w, plan, views.RenderOptions{Color: ios.ColorEnabled(), Verbose: verbose, Limit: limit, Width: ios.TerminalWidth()})
}

// savedPlanLine tells where --plan-out put the plan and how to apply it.
func savedPlanLine(ios *IOStreams, plan *provision.Plan, path string) {
	if plan.Refused != "" || !plan.HasChanges() {
		fmt.Fprintf(ios.ErrOut, "Saved the plan to %s.\n", path)
		return
	}
	fmt.Fprintf(ios.ErrOut, "Saved the plan to %s; apply it with `slackprov apply %s`\n", path, shellQuote(path))
}

// confirm asks a yes/no question on the terminal; the default is no.
func confirm(ios *IOStreams, question string) (bool, error) {
	fmt.Fprintf(ios.Out, "%s [y/N] ", question)
	line, err := bufio.NewReader(ios.In).ReadString('\n')
	if err != nil && line == "" {
		return false, nil
	}
	answer := strings.ToLower(strings.TrimSpace(line))
	return answer == "y" || answer == "yes", nil
}

// authHint adds where the token came from to a credentials error.
func authHint(err error, source string) error {
	if !scim.IsAuth(err) {
		return err
	}
	if fromEnv(source) {
		// Slack's own hint says to authorize again, which would not help
		// while the variable overrides the stored token.
		status := "refused"
		var se *scim.Error
		if errors.As(err, &se) {
			status = strings.TrimSpace(fmt.Sprintf("HTTP %d %s", se.Status, se.Code))
		}
		return credentials(fmt.Errorf("Slack refuses the token in %s (%s): %s", auth.EnvToken, status, tokenFix(source)))
	}
	return fmt.Errorf("%w (token from %s; run `slackprov test-connection` to see what is wrong)", err, source)
}

func fromEnv(source string) bool { return strings.Contains(source, auth.EnvToken) }

// tokenFix says what to do about a token Slack refuses: a token from the
// environment is the variable's to fix, not authorize's.
func tokenFix(source string) string {
	if fromEnv(source) {
		return "change " + auth.EnvToken + " to a valid Slack user token with the admin scope, or unset it to use the token `slackprov authorize` stored"
	}
	return "run `slackprov authorize` again as a Slack Owner or Admin"
}
