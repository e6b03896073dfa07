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
	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/directory/entra"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/store"
	"github.com/slackprov/slackprov/tui"
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
}

func newSyncCmd(f *Factory) *cli.Command {
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
				Verbose: f.Verbose, Workers: c.Int("workers"), Full: c.Bool("full"),
			}
			f.IO.NoPager = c.Bool("no-pager")
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

func syncRun(ctx context.Context, opts *SyncOptions) error {
	if opts.Output != "text" && opts.Output != "json" {
		return fmt.Errorf("--output %q: use text or json", opts.Output)
	}
	if !opts.DryRun && !opts.Yes && !(opts.IO.CanPrompt() && opts.Output == "text") {
		return errors.New("sync would change Slack and cannot ask for confirmation here; pass --yes to apply, or --dry-run to only plan")
	}
	cfg := opts.Config
	if opts.MaxDeactivations < 0 {
		opts.MaxDeactivations = cfg.MaxDeactivations()
	}
	rep := opts.reporter()
	client, err := scimClient(ctx, cfg, opts.HTTPClient, opts.Token, observeRequests(rep))
	if err != nil {
		return err
	}
	st, unlock, err := openLockedStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	defer unlock()
	tokenSource := opts.Token.Location()

	spec, err := mappingSpec(cfg)
	if err != nil {
		return err
	}
	m, err := compileMapping(cfg, spec)
	if err != nil {
		return err
	}
	if err := checkTargetMapping(cfg, client, m); err != nil {
		return err
	}
	fp, err := fingerprint(cfg, spec)
	if err != nil {
		return err
	}
	org, err := whichOrg(ctx, cfg, opts.HTTPClient, opts.Token)
	if err != nil {
		return err
	}
	dirID := directoryIdentity(cfg)
	if err := checkBinding(ctx, st, cfg, org, dirID); err != nil {
		return err
	}
	pending, err := st.Pending(ctx)
	if err != nil {
		return err
	}
	retry, pendingSet := retryOf(pending)
	source, err := openSource(cfg, sourceOptions{Store: st, Full: opts.Full, Select: m.SourceAttributes(),
		HTTPClient: opts.HTTPClient, EntraSecret: opts.EntraSecret, Fingerprint: fp, Retry: retry})
	if err != nil {
		return err
	}
	lastApplied, err := st.LastAppliedRun(ctx)
	if err != nil {
		return err
	}
	runID, err := st.StartRun(ctx, opts.DryRun, source.Describe())
	if err != nil {
		return err
	}
	plan, snap, err := makePlan(ctx, planDeps{Reporter: rep, Store: st, Client: client, Config: cfg, Source: source, Mapping: m,
		Now: opts.Now, MaxDeactivations: opts.MaxDeactivations, Pending: pendingSet})
	if err != nil {
		finishRun(st, runID, runStatus(ctx, err), nil, err)
		rep.Finish(nil, err)
		opts.pause()
		if errors.Is(err, entra.ErrAuth) {
			return withCode(ExitAuth, err)
		}
		return authHint(err, tokenSource)
	}
	plan.ID, plan.SlackOrg, plan.Directory = provision.NewPlanID(), org.ID, dirID
	if lastApplied != nil {
		plan.AfterRun = lastApplied.ID
	}
	if opts.PlanOut != "" {
		if err := plan.Save(opts.PlanOut); err != nil {
			return err
		}
	}
	if opts.DryRun || plan.Refused != "" || !plan.HasChanges() {
		rep.Finish(plan, nil)
		opts.pause()
		if err := renderPlan(opts.IO, plan, opts.Output, opts.Verbose, opts.ShowLimit); err != nil {
			return err
		}
		if opts.PlanOut != "" {
			savedPlanLine(opts.IO, plan, opts.PlanOut)
		}
		if plan.Refused != "" {
			finishRun(st, runID, store.RunRefused, plan, errors.New(plan.Refused))
			return withCode(ExitSafety, nil)
		}
		if !opts.DryRun {
			// Nothing to write to Slack, but the matches still become links
			// and the failures reach the provisioning log and stay pending.
			err := provision.Apply(ctx, plan, provision.ApplyOptions{Client: client, Store: st, RunID: runID, Now: opts.Now})
			if err == nil {
				err = settle(ctx, st, rep, snap, plan, org, dirID)
			}
			if err != nil {
				finishRun(st, runID, store.RunFailed, plan, err)
				return err
			}
		}
		failed := plan.Users.Failed + plan.Groups.Failed
		if failed > 0 {
			ferr := &opsFailedError{failed: failed, dryRun: opts.DryRun, nothingToApply: true}
			finishRun(st, runID, store.RunFailed, plan, ferr)
			return ferr
		}
		finishRun(st, runID, store.RunOK, plan, nil)
		if opts.DryRun && opts.DetailedExitcode && plan.HasChanges() {
			return withCode(ExitChanges, nil)
		}
		return nil
	}
	opts.pause()
	if opts.Output == "text" {
		if err := renderPlan(opts.IO, plan, "text", opts.Verbose, opts.ShowLimit); err != nil {
			return err
		}
	}
	if !opts.Yes {
		ok, err := confirm(opts.IO, "Apply these changes to Slack?")
		if err != nil || !ok {
			finishRun(st, runID, store.RunCancelled, plan, nil)
			fmt.Fprintln(opts.IO.ErrOut, "Nothing was changed.")
			return err
		}
	}
	if err := startApplying(ctx, st, runID, plan, org, dirID); err != nil {
		finishRun(st, runID, store.RunFailed, plan, err)
		return err
	}
	err = applyPlan(ctx, applyDeps{IO: opts.IO, Reporter: rep, Settle: opts.Pause, Store: st, Client: client, RunID: runID, Now: opts.Now,
		Output: opts.Output, Workers: opts.Workers, TokenSource: tokenSource}, plan)
	var partial *opsFailedError
	if err != nil && !errors.As(err, &partial) {
		// Interrupted or stopped: what failed so far stays pending, and
		// the read position stays where it was.
		savePending(st, plan, false)
		return err
	}
	if serr := settle(ctx, st, rep, snap, plan, org, dirID); serr != nil {
		return serr
	}
	return err
}

// retryOf turns the pending failures into what the source must read again
// and what the planner marks as retried.
func retryOf(pending []store.Pending) (entra.Retry, map[string]bool) {
	var r entra.Retry
	set := make(map[string]bool, len(pending))
	for _, p := range pending {
		set[provision.PendingKey(provision.Kind(p.Kind), p.SourceID)] = true
		if p.Kind == string(provision.KindGroup) {
			r.Groups = append(r.Groups, p.SourceID)
		} else {
			r.Users = append(r.Users, p.SourceID)
		}
	}
	return r, set
}

// startApplying binds the state to the org and directory at its first
// writing run and records that this run writes, which makes every plan
// computed before it out of date.
func startApplying(ctx context.Context, st *store.Store, runID int64, plan *provision.Plan, org slackOrg, dirID string) error {
	if err := bind(ctx, st, org, dirID); err != nil {
		return err
	}
	return st.MarkApplying(ctx, runID, plan.ID)
}

// settle finishes a run that went through the whole plan: the failures
// become the pending set (everything pending was evaluated again), the
// state is bound to the org, and the read position moves past the snapshot.
func settle(ctx context.Context, st *store.Store, rep provision.Reporter, snap *directory.Snapshot, plan *provision.Plan, org slackOrg, dirID string) error {
	if err := savePending(st, plan, true); err != nil {
		return err
	}
	if err := bind(ctx, st, org, dirID); err != nil {
		return err
	}
	return commitSource(ctx, rep, snap)
}

// savePending records the plan's failed objects, so that every later run,
// incremental ones included, reads and retries them. It must work after an
// interrupt, so it does not use the command's context.
func savePending(st *store.Store, plan *provision.Plan, replace bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var failed []store.Pending
	for _, op := range plan.Operations {
		if op.Status == provision.StatusFailed {
			failed = append(failed, store.Pending{Kind: string(op.Kind), SourceID: op.SourceID, Name: op.Name(),
				Action: string(op.Action), ErrorCode: op.ErrorCode, Error: op.Error})
		}
	}
	return st.SavePending(ctx, failed, replace)
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

type planDeps struct {
	Reporter         provision.Reporter
	Store            *store.Store
	Client           *scim.Client
	Config           *Config
	Source           directory.Source
	Mapping          *mapping.Compiled
	Now              func() time.Time
	MaxDeactivations int
	Pending          map[string]bool
}

// makePlan reads the directory and Slack and builds the plan. It returns
// the snapshot too: its Commit must run once the plan is applied.
func makePlan(ctx context.Context, d planDeps) (*provision.Plan, *directory.Snapshot, error) {
	source, m := d.Source, d.Mapping
	d.Reporter.Phase(provision.PhaseReadDirectory, source.Describe())
	snap, err := source.Read(ctx)
	if err != nil {
		return nil, nil, err
	}
	for _, n := range snap.Notices {
		d.Reporter.Phase(provision.PhaseReadDirectory, n)
	}
	if err := checkAttributeNames(m, snap.Vocabulary); err != nil {
		return nil, nil, err
	}
	userLinks, err := d.Store.Links(ctx, string(provision.KindUser))
	if err != nil {
		return nil, nil, err
	}
	groupLinks, err := d.Store.Links(ctx, string(provision.KindGroup))
	if err != nil {
		return nil, nil, err
	}
	var users []*scim.User
	var groups []*scim.Group
	if snap.Delta != nil {
		d.Reporter.Phase(provision.PhaseReadSlack, fmt.Sprintf("verifying the %d users and %d groups that changed", len(snap.Users)+len(snap.Delta.RemovedUsers), len(snap.Groups)+len(snap.Delta.RemovedGroups)))
		users, groups, err = provision.ReadSlackFor(ctx, d.Client, snap, userLinks, groupLinks, m)
	} else {
		d.Reporter.Phase(provision.PhaseReadSlack, d.Config.Slack.SCIMURL)
		users, groups, err = provision.ReadSlack(ctx, d.Client)
	}
	if err != nil {
		return nil, nil, err
	}
	d.Reporter.Phase(provision.PhasePlan, fmt.Sprintf("%d directory users and %d groups against %d Slack users and %d groups",
		len(snap.Users), len(snap.Groups), len(users), len(groups)))
	return provision.Build(provision.Input{
		Snapshot: snap, Source: source.Describe(), SlackUsers: users, SlackGroups: groups,
		UserLinks: userLinks, GroupLinks: groupLinks, Mapping: m,
		MaxDeactivations: d.MaxDeactivations, Now: d.Now(), Pending: d.Pending,
	}), snap, nil
}

// commitSource moves the source's read position past an applied snapshot.
// Failed objects no longer hold it back: they are pending, and every run
// reads them again until they succeed.
func commitSource(ctx context.Context, rep provision.Reporter, snap *directory.Snapshot) error {
	if snap == nil || snap.Commit == nil {
		return nil
	}
	if err := snap.Commit(ctx); err != nil {
		return fmt.Errorf("the plan was applied, but saving the directory read position failed (%v); the next run reads the same changes again, which is safe", err)
	}
	return nil
}

type applyDeps struct {
	IO          *IOStreams
	Reporter    provision.Reporter
	Settle      func()
	Store       *store.Store
	Client      *scim.Client
	RunID       int64
	Now         func() time.Time
	Output      string
	Workers     int
	TokenSource string
}

// applyPlan executes a plan, records the run and reports the outcome.
func applyPlan(ctx context.Context, d applyDeps, plan *provision.Plan) error {
	d.Reporter.Phase(provision.PhaseApply, fmt.Sprintf("%d operations", countPlanned(plan)))
	err := provision.Apply(ctx, plan, provision.ApplyOptions{
		Client: d.Client, Store: d.Store, RunID: d.RunID, Workers: d.Workers, Now: d.Now, Progress: d.Reporter.Applied,
	})
	failed := plan.Users.Failed + plan.Groups.Failed
	switch {
	case err != nil:
		finishRun(d.Store, d.RunID, runStatus(ctx, err), plan, err)
	case failed > 0:
		finishRun(d.Store, d.RunID, store.RunFailed, plan, &opsFailedError{failed: failed})
	default:
		finishRun(d.Store, d.RunID, store.RunOK, plan, nil)
	}
	d.Reporter.Finish(plan, err)
	if d.Settle != nil {
		// Let a live view draw its last frame before anything else prints.
		d.Settle()
	}
	if d.Output == "json" {
		if rerr := provision.RenderJSON(d.IO.Out, plan); rerr != nil {
			return rerr
		}
	} else if d.Settle == nil || !d.IO.StdoutTTY {
		// (The live view has just shown the summary on this terminal.)
		fmt.Fprintln(d.IO.Out, provision.Summary(plan))
	}
	if err != nil {
		if errors.Is(err, provision.ErrAuth) {
			return withCode(ExitAuth, authHint(err, d.TokenSource))
		}
		if ctx.Err() != nil {
			return withCode(ExitInterrupted, fmt.Errorf("interrupted after the requests in flight: %d operations were not started; run sync again to finish (%w)",
				plan.Users.NotRun+plan.Groups.NotRun, err))
		}
		return err
	}
	if failed > 0 {
		return &opsFailedError{failed: failed}
	}
	return nil
}

// opsFailedError reports a plan or run in which some objects failed; the
// exit status is 1, dry run or not.
type opsFailedError struct {
	failed int
	// dryRun: nothing was meant to be written; nothingToApply: nothing else
	// was planned.
	dryRun, nothingToApply bool
}

func (e *opsFailedError) Error() string {
	switch {
	case e.dryRun:
		return fmt.Sprintf("%d objects cannot be provisioned as planned (marked ! in the plan above); fix them in the directory or the mappings", e.failed)
	case e.nothingToApply:
		return fmt.Sprintf("%d objects cannot be provisioned and nothing else needed changing. See `slackprov logs --status failed`; every later sync retries them", e.failed)
	}
	return fmt.Sprintf("%d operations failed; the rest were applied. See `slackprov logs --status failed`; every later sync retries them", e.failed)
}

func runStatus(ctx context.Context, err error) string {
	switch {
	case err == nil:
		return store.RunOK
	case ctx.Err() != nil:
		return store.RunInterrupted
	default:
		return store.RunFailed
	}
}

// finishRun records the run's end. It must work after an interrupt, so it
// does not use the command's context.
func finishRun(st *store.Store, runID int64, status string, plan *provision.Plan, err error) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	counts := map[string]int{}
	if plan != nil {
		for kind, c := range map[string]provision.Counts{"user": plan.Users, "group": plan.Groups} {
			counts[kind+".create"] = c.Create
			counts[kind+".update"] = c.Update
			counts[kind+".reactivate"] = c.Reactivate
			counts[kind+".deactivate"] = c.Deactivate
			counts[kind+".delete"] = c.Delete
			counts[kind+".unchanged"] = c.Unchanged
			counts[kind+".failed"] = c.Failed
			counts[kind+".not_run"] = c.NotRun
		}
	}
	msg := ""
	if err != nil {
		msg = err.Error()
	}
	_ = st.FinishRun(ctx, runID, status, counts, msg)
}

func renderPlan(ios *IOStreams, plan *provision.Plan, output string, verbose bool, limit int) error {
	if output == "json" {
		return provision.RenderJSON(ios.Out, plan)
	}
	w, done := ios.startPager(os.Getenv)
	defer done()
	return provision.RenderText(w, plan, provision.RenderOptions{Color: ios.ColorEnabled(), Verbose: verbose, Limit: limit, Width: ios.TerminalWidth()})
}

// savedPlanLine tells where --plan-out put the plan and how to apply it.
func savedPlanLine(ios *IOStreams, plan *provision.Plan, path string) {
	if plan.Refused != "" || !plan.HasChanges() {
		fmt.Fprintf(ios.ErrOut, "Saved the plan to %s.\n", path)
		return
	}
	fmt.Fprintf(ios.ErrOut, "Saved the plan to %s; apply it with `slackprov apply %s`\n", path, shellQuote(path))
}

func countPlanned(p *provision.Plan) int {
	n := 0
	for _, op := range p.Operations {
		if op.Status == provision.StatusPlanned {
			n++
		}
	}
	return n
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
		return withCode(ExitAuth, fmt.Errorf("Slack refuses the token in %s (%s): %s", auth.EnvToken, status, tokenFix(source)))
	}
	return withCode(ExitAuth, fmt.Errorf("%w (token from %s; run `slackprov test-connection` to see what is wrong)", err, source))
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
