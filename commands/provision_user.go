package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/store"
	"github.com/slackprov/slackprov/views"
)

// ProvisionOptions is everything `slackprov provision USER` needs.
type ProvisionOptions struct {
	IO         *IOStreams
	Config     *Config
	HTTPClient *http.Client
	Now        func() time.Time
	Token      TokenSource

	// User is a directory id, userPrincipalName or mail.
	User   string
	DryRun bool
	Yes    bool
	// Output is "text" or "json" (the steps and the operations, for scripts).
	Output string
	// EntraSecret is the Entra app's secret when not in AZURE_CLIENT_SECRET.
	EntraSecret string
}

func newProvisionCmd(f *Factory, runF func(*ProvisionOptions) error) *cli.Command {
	return &cli.Command{
		Name:      "provision",
		Usage:     "provision one user now, showing each step: read, scope, mapping, match, action",
		ArgsUsage: "USER",
		Description: `Entra's "provision on demand": USER (a directory id, userPrincipalName or mail)
goes through the same steps, safety checks and provisioning log as a sync, and only
their own operations (and the group memberships that name them) are applied.
A user the directory no longer returns, or one the scoping filters leave out, is
deactivated in Slack only with --yes.
With --output json it prints one JSON object: the steps with their verdicts
and details, the operations (planned, or as applied with their statuses) and
the run's id; it asks nothing, so it needs --dry-run or --yes.

Examples:
  slackprov provision ada.lovelace@contoso.com --dry-run
  slackprov provision ada.lovelace@contoso.com --dry-run --output json | jq '.steps[] | select(.verdict != "ok")'
  slackprov provision 4f1c2e0a-… --yes`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "dry-run", Usage: "show the steps and change nothing"},
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "apply without asking (needed to deactivate)"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text or json"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return errors.New("give one USER: a directory id, userPrincipalName or mail")
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &ProvisionOptions{IO: f.IO, Config: cfg, HTTPClient: f.HTTPClient, Now: f.Now, Token: f.slackToken(cfg),
				User: c.Args().First(), DryRun: c.Bool("dry-run"), Yes: c.Bool("yes"), Output: c.String("output")}
			if runF != nil {
				return runF(opts)
			}
			return provisionRun(c.Context, opts)
		},
	}
}

func provisionRun(ctx context.Context, opts *ProvisionOptions) error {
	switch {
	case opts.Output != "text" && opts.Output != "json":
		return fmt.Errorf("--output %q: use text or json", opts.Output)
	case opts.Output == "json" && !opts.DryRun && !opts.Yes:
		return errors.New("--output json cannot ask for confirmation; pass --yes to apply, or --dry-run to only look")
	}
	if !opts.DryRun && !opts.Yes && !opts.IO.CanPrompt() {
		return fmt.Errorf("provision would change Slack for %s and cannot ask for confirmation here; pass --yes to apply, or --dry-run to only look", opts.User)
	}
	env, err := openRunEnv(ctx, opts.Config, opts.HTTPClient, opts.Token, newLineReporter(opts.IO.ErrOut))
	if err != nil {
		return err
	}
	defer env.close()
	ro, err := env.readOptions(runChoices{DryRun: opts.DryRun, Full: true, MaxDeactivations: opts.Config.MaxDeactivations(),
		Workers: 1, Now: opts.Now, EntraSecret: opts.EntraSecret})
	if err != nil {
		return err
	}
	d, err := readOnDemand(ctx, env, &ro, opts.User)
	if err != nil {
		return err
	}
	if d.SourceID == "" {
		if err := showSteps(opts, []provisionStep{d.readStep()}, nil, 0); err != nil {
			return err
		}
		return fmt.Errorf("no directory user %q in %s, and no Slack account linked to one; nothing to provision", opts.User, d.Source)
	}
	ro.Users, ro.Mode = []string{d.SourceID}, store.RunOnDemand
	run, err := env.open(ctx, ro)
	if err != nil {
		return err
	}
	defer run.Close()
	if d.Plan, err = run.Plan(ctx); err != nil {
		return readError(err, env.tokenSource)
	}
	steps := d.steps()
	if opts.Output == "text" {
		printSteps(opts.IO, opts, steps)
	}
	out, err := finishOnDemand(ctx, opts, env, run, d)
	if opts.Output == "json" {
		if out == nil {
			out = d.Plan
		}
		if jerr := showSteps(opts, steps, out, run.ID()); jerr != nil {
			return jerr
		}
	}
	return err
}

// onDemandJSON is `provision USER --output json`.
type onDemandJSON struct {
	User   string          `json:"user"`
	DryRun bool            `json:"dry_run"`
	RunID  int64           `json:"run_id,omitempty"`
	Steps  []provisionStep `json:"steps"`
	// Plan is the operations as views.RenderJSON writes them: planned, or
	// with their statuses once applied; absent when nothing was planned.
	Plan json.RawMessage `json:"plan,omitempty"`
}

// showSteps writes the steps in the chosen output: text at once, JSON as
// one object with the plan (nil when there is none) and the run's id.
func showSteps(opts *ProvisionOptions, steps []provisionStep, plan *provision.Plan, runID int64) error {
	if opts.Output != "json" {
		printSteps(opts.IO, opts, steps)
		return nil
	}
	v := onDemandJSON{User: opts.User, DryRun: opts.DryRun, RunID: runID, Steps: steps}
	if plan != nil {
		var buf bytes.Buffer
		if err := views.RenderJSON(&buf, plan); err != nil {
			return err
		}
		v.Plan = buf.Bytes()
	}
	return printJSON(opts.IO.Out, v)
}

// readOnDemand reads the directory once, finds the user in it (or, for a
// user it no longer returns, through the links), and makes the run plan
// from that read narrowed to the user (oneUser), not read again. The read
// never moves the read position: one user's provisioning must not swallow
// the directory changes of everyone else.
func readOnDemand(ctx context.Context, env *runEnv, ro *provision.RunOptions, key string) (*onDemand, error) {
	source, err := ro.OpenSource(provision.SourceRequest{Full: true})
	if err != nil {
		return nil, err
	}
	snap, err := source.Read(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading %s: %w", source.Describe(), err)
	}
	d := &onDemand{Key: key, Source: source.Describe(), Read: len(snap.Users), Mapping: ro.Mapping, User: findUser(snap.Users, key)}
	links, err := env.st.Links(ctx, string(provision.KindUser))
	if err != nil {
		return nil, err
	}
	if d.User != nil {
		d.SourceID = d.User.ID
	} else {
		d.SourceID = linkedSource(ctx, env.client, links, key)
	}
	d.Linked = links[d.SourceID]
	kept := oneUser(snap, d)
	ro.OpenSource = func(provision.SourceRequest) (directory.Source, error) {
		return readSource{kept, source.Describe()}, nil
	}
	return d, nil
}

// oneUser narrows a read to what one user's provisioning needs, shaped as
// an incremental read: the user, or its removal when the directory no
// longer returns it, and the groups with their whole member lists (groups
// are few, and a membership the user lost shows only in the group). The
// run then asks Slack for that user's account and the groups, not for
// every account. An empty read stays whole, so the empty-directory safety
// check still stops it. Commit is dropped either way.
func oneUser(snap *directory.Snapshot, d *onDemand) *directory.Snapshot {
	kept := *snap
	kept.Commit = nil
	if len(snap.Users) == 0 || d.SourceID == "" {
		return &kept
	}
	kept.Users, kept.Delta = nil, &directory.Delta{}
	if d.User != nil {
		kept.Users = []directory.User{*d.User}
	} else {
		kept.Delta.RemovedUsers = []string{d.SourceID}
	}
	return &kept
}

// linkedSource finds the directory id of a user the read did not return:
// key is a linked directory id, or the Slack account's email or userName
// whose link names it. "" when no link knows the user.
func linkedSource(ctx context.Context, c *scim.Client, links map[string]string, key string) string {
	if _, ok := links[key]; ok {
		return key
	}
	var u *scim.User
	if strings.Contains(key, "@") {
		u, _ = c.FindUserByEmail(ctx, key)
	}
	if u == nil {
		u, _ = c.FindUserByUserName(ctx, key)
	}
	if u == nil {
		return ""
	}
	for src, id := range links {
		if id == u.ID {
			return src
		}
	}
	return ""
}

// readSource serves a snapshot already read.
type readSource struct {
	snap     *directory.Snapshot
	describe string
}

func (s readSource) Read(context.Context) (*directory.Snapshot, error) { return s.snap, nil }
func (s readSource) Describe() string                                  { return s.describe }

// finishOnDemand ends the run: a dry run finishes, a plan the admin
// declines is cancelled, anything else is applied. Deactivating a user the
// directory no longer provisions takes --yes; a question is not enough.
// The outcome is the applied plan, nil when nothing was applied.
func finishOnDemand(ctx context.Context, opts *ProvisionOptions, env *runEnv, run *provision.Run, d *onDemand) (*provision.Plan, error) {
	plan := d.Plan
	switch {
	case plan.Refused != "":
		return nil, run.Refuse(plan)
	case opts.DryRun:
		return nil, run.Finish(plan)
	}
	if op := d.op(provision.KindUser); op != nil && op.Action == provision.ActionDeactivate && op.Status == provision.StatusPlanned && !opts.Yes {
		run.Cancel(plan)
		return nil, fmt.Errorf("%s would be deactivated in Slack (%s); pass --yes to do it", op.Name(), op.Reason)
	}
	if plan.HasChanges() && !opts.Yes {
		ok, err := confirm(opts.IO, "Apply this to Slack?")
		if err != nil || !ok {
			run.Cancel(plan)
			fmt.Fprintln(opts.IO.ErrOut, "Nothing was changed.")
			return nil, err
		}
	}
	out, err := run.Apply(ctx, plan)
	if out != nil && opts.Output == "text" {
		fmt.Fprintf(opts.IO.Out, "%s (run %d)\n", views.Summary(out), run.ID())
	}
	return out, applyError(err, env.tokenSource)
}

// printSteps shows the steps, each with its verdict, then their details.
func printSteps(ios *IOStreams, opts *ProvisionOptions, steps []provisionStep) {
	look := statusStyles(ios)
	mode := "dry run: nothing is written"
	if !opts.DryRun {
		mode = "applies after confirmation"
		if opts.Yes {
			mode = "applies at once (--yes)"
		}
	}
	w := ios.Out
	fmt.Fprintf(w, "%s\n\n", look.title.Render(fmt.Sprintf("Provisioning %s on demand (%s)", opts.User, mode)))
	for i, s := range steps {
		mark := look.ok.Render("✓")
		switch s.Verdict {
		case verdictSkip:
			mark = look.warn.Render("–")
		case verdictFail:
			mark = look.bad.Render("✗")
		}
		fmt.Fprintf(w, "%s %d. %s: %s\n", mark, i+1, look.title.Render(s.Title), s.Summary)
		for _, l := range s.Details {
			fmt.Fprintf(w, "     %s\n", l)
		}
	}
	fmt.Fprintln(w)
}
