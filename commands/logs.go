package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/store"
	"github.com/slackprov/slackprov/views"
)

// LogsOptions is everything `slackprov logs` needs.
type LogsOptions struct {
	IO     *IOStreams
	Config *Config
	Filter store.LogFilter
	Output string
}

func newLogsCmd(f *Factory) *cli.Command {
	return &cli.Command{
		Name:  "logs",
		Usage: "show the provisioning log: one row per operation applied to Slack",
		Description: `Examples:
  slackprov logs --status failed
  slackprov logs --run 12 --output csv > run12.csv
  slackprov logs --user 4f1c… --since 24h`,
		Flags: []cli.Flag{
			&cli.Int64Flag{Name: "run", Usage: "only run `ID` (see slackprov runs)"},
			&cli.StringFlag{Name: "status", Usage: "only ok, failed or skipped"},
			&cli.StringFlag{Name: "user", Usage: "only the directory or Slack `ID`"},
			&cli.DurationFlag{Name: "since", Usage: "only the last `DURATION` (e.g. 24h)"},
			&cli.IntFlag{Name: "limit", Value: 200, Usage: "at most `N` rows, the newest"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text, json or csv"},
		},
		Action: func(c *cli.Context) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &LogsOptions{IO: f.IO, Config: cfg, Output: c.String("output"), Filter: store.LogFilter{
				RunID: c.Int64("run"), Status: c.String("status"), Limit: c.Int("limit"),
			}}
			if d := c.Duration("since"); d > 0 {
				opts.Filter.Since = f.Now().Add(-d)
			}
			if id := c.String("user"); id != "" {
				if strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W") || strings.HasPrefix(id, "S") {
					opts.Filter.TargetID = id
				} else {
					opts.Filter.SourceID = id
				}
			}
			return logsRun(c.Context, opts)
		},
	}
}

func logsRun(ctx context.Context, opts *LogsOptions) error {
	st, err := openStore(ctx, opts.Config)
	if err != nil {
		return err
	}
	defer st.Close()
	entries, err := st.Log(ctx, opts.Filter)
	if err != nil {
		return err
	}
	t := &table{header: []string{"time", "run", "action", "kind", "name", "source_id", "target_id", "status", "changes", "error"}}
	type jsonEntry struct {
		ID        int64              `json:"id"`
		RunID     int64              `json:"run"`
		Time      time.Time          `json:"time"`
		Action    string             `json:"action"`
		Kind      string             `json:"kind"`
		Name      string             `json:"name"`
		SourceID  string             `json:"source_id"`
		TargetID  string             `json:"target_id"`
		Changes   []views.ChangeJSON `json:"changes"`
		Status    string             `json:"status"`
		ErrorCode string             `json:"error_code,omitempty"`
		Error     string             `json:"error,omitempty"`
	}
	out := make([]jsonEntry, 0, len(entries))
	for _, e := range entries {
		var ch []string
		changes := make([]views.ChangeJSON, 0, len(e.Changes))
		for _, c := range e.Changes {
			ch = append(ch, fmt.Sprintf("%s: %q → %q", views.ShortAttribute(c.Attribute), c.Old, c.New))
			changes = append(changes, views.JSONChange(c.Attribute, c.Old, c.New))
		}
		t.add(e.Time.Local().Format(time.DateTime), fmt.Sprint(e.RunID), e.Action, e.Kind, e.Name, e.SourceID, e.TargetID,
			e.Status, strings.Join(ch, "; "), e.Error)
		out = append(out, jsonEntry{e.ID, e.RunID, e.Time, e.Action, e.Kind, e.Name, e.SourceID, e.TargetID, changes, e.Status, e.ErrorCode, e.Error})
	}
	if len(entries) == 0 && opts.Output == "text" {
		fmt.Fprintln(opts.IO.ErrOut, "No provisioning log entries match.")
		return nil
	}
	return t.write(opts.IO.Out, opts.Output, out)
}
