package commands

import (
	"context"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"
)

// ResumeOptions is everything `slackprov resume` needs.
type ResumeOptions struct {
	IO     *IOStreams
	Config func() (*Config, error)
}

func newResumeCmd(f *Factory, runF func(*ResumeOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "resume",
		Usage: "lift this profile's quarantine, so sync and watch write to Slack again",
		Description: `A profile goes into quarantine when credentials fail, when a safety check
stops a cycle, or when most operations of consecutive watch cycles fail;
reads continue, writes stop. Fix the cause first (slackprov status and
slackprov logs --status failed say what it was), then resume. A sync that
succeeds lifts the quarantine too. A running watch picks the change up at
its next cycle.`,
		Action: func(c *cli.Context) error {
			opts := &ResumeOptions{IO: f.IO, Config: f.Config}
			if runF != nil {
				return runF(opts)
			}
			return resumeRun(c.Context, opts)
		},
	}
}

func resumeRun(ctx context.Context, opts *ResumeOptions) error {
	cfg, err := opts.Config()
	if err != nil {
		return err
	}
	// No run lock: a running watch holds it, and lifting is one row.
	st, err := openStore(ctx, cfg)
	if err != nil {
		return err
	}
	defer st.Close()
	q, err := st.Quarantine(ctx)
	if err != nil {
		return err
	}
	if q == nil {
		fmt.Fprintf(opts.IO.Out, "Profile %q is not quarantined; nothing to do.\n", cfg.Profile)
		return nil
	}
	if _, err := st.LiftQuarantine(ctx); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Lifted the quarantine of profile %q (%s since %s: %s).\n",
		cfg.Profile, q.Reason, q.Since.Local().Format(time.DateTime), q.Message)
	fmt.Fprintln(opts.IO.Out, "The next sync or watch cycle writes to Slack again.")
	return nil
}
