package commands

import (
	"context"
	"errors"
	"fmt"

	"github.com/urfave/cli/v2"
)

// StateResetOptions is everything `slackprov state reset` needs.
type StateResetOptions struct {
	IO     *IOStreams
	Config *Config
	Yes    bool
}

func newStateCmd(f *Factory, runF func(*StateResetOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "state",
		Usage: "manage this profile's local state",
		Subcommands: []*cli.Command{{
			Name:  "reset",
			Usage: "forget which Slack org and directory this profile's state belongs to, with its links and read positions",
			Description: `A profile's state belongs to one Slack org and one directory; a run that finds
another stops with exit code 3 before writing. When the profile should now serve
the other org (a sandbox replaced by production, say), reset its state: the org
binding, the links between directory and Slack objects, the directory read
positions and the pending failures are forgotten; the run history and the
provisioning log stay. The next sync reads everything, matches existing Slack
accounts again by externalId, email or userName, and links them.`,
			Flags: []cli.Flag{
				&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "reset without asking"},
			},
			Action: func(c *cli.Context) error {
				if c.NArg() > 0 {
					return fmt.Errorf("state reset takes no arguments, not %q", c.Args().First())
				}
				cfg, err := f.Config()
				if err != nil {
					return err
				}
				opts := &StateResetOptions{IO: f.IO, Config: cfg, Yes: c.Bool("yes")}
				if runF != nil {
					return runF(opts)
				}
				return stateResetRun(c.Context, opts)
			},
		}},
	}
}

func stateResetRun(ctx context.Context, opts *StateResetOptions) error {
	st, unlock, err := openLockedStore(ctx, opts.Config)
	if err != nil {
		return err
	}
	defer st.Close()
	defer unlock()
	b, err := st.Binding(ctx)
	if err != nil {
		return err
	}
	what := "no Slack org yet"
	if b != nil {
		what = fmt.Sprintf("Slack org %s and directory %q", slackOrg{ID: b.SlackOrg, Name: b.SlackOrgName}, b.Directory)
	}
	if !opts.Yes {
		if !opts.IO.CanPrompt() {
			return errors.New("state reset forgets this profile's links and read positions and cannot ask for confirmation here; pass --yes")
		}
		fmt.Fprintf(opts.IO.Out, "Profile %q: state %s, bound to %s.\n", opts.Config.Profile, st.Path(), what)
		ok, err := confirm(opts.IO, "Forget its org binding, links, read positions and pending failures?")
		if err != nil || !ok {
			fmt.Fprintln(opts.IO.ErrOut, "Nothing was changed.")
			return err
		}
	}
	runID, err := st.ResetState(ctx)
	if err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Reset the state of profile %q (was bound to %s), recorded as run %d; saved plans made before it no longer apply.\n",
		opts.Config.Profile, what, runID)
	fmt.Fprintln(opts.IO.Out, "The next sync reads everything and links existing Slack accounts again; run `slackprov sync --dry-run` first.")
	return nil
}
