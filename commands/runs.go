package commands

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

// RunsOptions is everything `slackprov runs` needs.
type RunsOptions struct {
	IO     *IOStreams
	Config *Config
	Limit  int
	Output string
}

func newRunsCmd(f *Factory, runF func(*RunsOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "runs",
		Usage: "show the history of sync runs",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "limit", Value: 20, Usage: "at most `N` runs, the newest"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text, json or csv"},
		},
		Action: func(c *cli.Context) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &RunsOptions{IO: f.IO, Config: cfg, Limit: c.Int("limit"), Output: c.String("output")}
			if runF != nil {
				return runF(opts)
			}
			return runsRun(c.Context, opts)
		},
	}
}

func runsRun(ctx context.Context, opts *RunsOptions) error {
	st, err := openStore(ctx, opts.Config)
	if err != nil {
		return err
	}
	defer st.Close()
	runs, err := st.Runs(ctx, opts.Limit)
	if err != nil {
		return err
	}
	t := &table{header: []string{"run", "started", "duration", "mode", "status", "changes", "source", "error"}}
	type jsonRun struct {
		ID       int64          `json:"id"`
		Started  time.Time      `json:"started"`
		Finished *time.Time     `json:"finished"`
		DryRun   bool           `json:"dry_run"`
		Status   string         `json:"status"`
		Source   string         `json:"source"`
		Counts   map[string]int `json:"counts"`
		Error    string         `json:"error,omitempty"`
	}
	out := make([]jsonRun, 0, len(runs))
	for _, r := range runs {
		mode := "apply"
		if r.DryRun {
			mode = "dry-run"
		}
		dur := "-"
		var fin *time.Time
		if !r.Finished.IsZero() {
			dur = r.Finished.Sub(r.Started).Round(time.Millisecond).String()
			f := r.Finished
			fin = &f
		}
		t.add(fmt.Sprint(r.ID), r.Started.Local().Format(time.DateTime), dur, mode, r.Status, countsText(r.Counts), r.Source, r.Error)
		out = append(out, jsonRun{r.ID, r.Started, fin, r.DryRun, r.Status, r.Source, r.Counts, r.Error})
	}
	if len(runs) == 0 && opts.Output == "text" {
		fmt.Fprintln(opts.IO.ErrOut, "No runs recorded yet.")
		return nil
	}
	return t.write(opts.IO.Out, opts.Output, out)
}

// countsText shows the non-zero counts, e.g. "user.create=3 user.update=1".
func countsText(c map[string]int) string {
	var parts []string
	for k, v := range c {
		if v != 0 && !strings.HasSuffix(k, ".unchanged") {
			parts = append(parts, fmt.Sprintf("%s=%d", k, v))
		}
	}
	sort.Strings(parts)
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, " ")
}
