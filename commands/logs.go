package commands

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
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

func newLogsCmd(f *Factory, runF func(*LogsOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "logs",
		Usage: "show the provisioning log: one row per operation applied to Slack",
		Description: `On a terminal the table fits its width and each attribute change takes a line;
--output json or csv keeps every detail.

Examples:
  slackprov logs --status failed
  slackprov logs --run 12 --output csv > run12.csv
  slackprov logs --object ana@example.com --since 168h --until 24h
  slackprov logs --action deactivate --since 720h`,
		Flags: []cli.Flag{
			&cli.Int64Flag{Name: "run", Usage: "only run `ID` (see slackprov runs)"},
			&cli.StringFlag{Name: "status", Usage: "only ok, failed or skipped"},
			&cli.StringFlag{Name: "action", Usage: "only " + strings.Join(logActionNames, ", ")},
			&cli.StringFlag{Name: "user", Usage: "only the directory or Slack `ID`"},
			&cli.StringFlag{Name: "object", Usage: "only the user or group with this directory id, Slack id or `NAME` (userName or group name)"},
			&cli.DurationFlag{Name: "since", Usage: "only the last `DURATION` (e.g. 24h)"},
			&cli.DurationFlag{Name: "until", Usage: "only entries older than `DURATION` (e.g. 1h: not the last hour)"},
			&cli.IntFlag{Name: "limit", Value: 200, Usage: "at most `N` rows, the newest"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text, json or csv"},
		},
		Action: func(c *cli.Context) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &LogsOptions{IO: f.IO, Config: cfg, Output: c.String("output"), Filter: store.LogFilter{
				RunID: c.Int64("run"), Status: c.String("status"), Action: c.String("action"),
				Object: c.String("object"), Limit: c.Int("limit"),
			}}
			if d := c.Duration("since"); d > 0 {
				opts.Filter.Since = f.Now().Add(-d)
			}
			if d := c.Duration("until"); d > 0 {
				opts.Filter.Until = f.Now().Add(-d)
			}
			if id := c.String("user"); id != "" {
				if strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W") || strings.HasPrefix(id, "S") {
					opts.Filter.TargetID = id
				} else {
					opts.Filter.SourceID = id
				}
			}
			if runF != nil {
				return runF(opts)
			}
			return logsRun(c.Context, opts)
		},
	}
}

// logActionNames are the actions the provisioning log records.
var logActionNames = []string{"create", "update", "deactivate", "reactivate", "delete", "link", "skip"}

func logsRun(ctx context.Context, opts *LogsOptions) error {
	if a := opts.Filter.Action; a != "" && !slices.Contains(logActionNames, a) {
		return fmt.Errorf("--action %q: use one of %s", a, strings.Join(logActionNames, ", "))
	}
	if f := opts.Filter; !f.Since.IsZero() && !f.Until.IsZero() && !f.Until.After(f.Since) {
		return errors.New("--until must be more recent than --since: --since 48h --until 24h is the day before the last 24 hours")
	}
	st, err := openStore(ctx, opts.Config)
	if err != nil {
		return err
	}
	defer st.Close()
	entries, err := st.Log(ctx, opts.Filter)
	if err != nil {
		return err
	}
	if len(entries) == 0 && opts.Output == "text" {
		fmt.Fprintln(opts.IO.ErrOut, "No provisioning log entries match.")
		return nil
	}
	return logsTable(entries, opts.Output).write(opts.IO.Out, opts.Output, logsJSON(entries))
}

// logsTable is the log as a table. On a terminal it is narrow enough to fit
// (kind joins the action, the ids stand in only for a missing name) and
// each change takes a line of its own; CSV keeps every column, one row per
// entry.
func logsTable(entries []store.LogEntry, output string) *table {
	if output != "text" {
		t := &table{header: []string{"time", "run", "action", "kind", "name", "source_id", "target_id", "status", "changes", "error"}}
		for _, e := range entries {
			t.add(e.Time.Local().Format(time.DateTime), fmt.Sprint(e.RunID), e.Action, e.Kind, e.Name, e.SourceID, e.TargetID,
				e.Status, strings.Join(changeTexts(e.Changes), "; "), e.Error)
		}
		return t
	}
	t := &table{header: []string{"time", "run", "action", "name", "status", "changes", "error"}}
	for _, e := range entries {
		name := e.Name
		if name == "" {
			name = cmp.Or(e.TargetID, e.SourceID)
		}
		t.add(e.Time.Local().Format(time.DateTime), fmt.Sprint(e.RunID), e.Kind+" "+e.Action, name,
			e.Status, strings.Join(changeTexts(e.Changes), "\n"), e.Error)
	}
	return t
}

func changeTexts(changes []store.Change) []string {
	out := make([]string, len(changes))
	for i, c := range changes {
		out[i] = fmt.Sprintf("%s: %q → %q", views.ShortAttribute(c.Attribute), c.Old, c.New)
	}
	return out
}

// logJSON is one provisioning log entry as `logs --output json` prints it.
type logJSON struct {
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

func logsJSON(entries []store.LogEntry) []logJSON {
	out := make([]logJSON, 0, len(entries))
	for _, e := range entries {
		changes := make([]views.ChangeJSON, 0, len(e.Changes))
		for _, c := range e.Changes {
			changes = append(changes, views.JSONChange(c.Attribute, c.Old, c.New))
		}
		out = append(out, logJSON{e.ID, e.RunID, e.Time, e.Action, e.Kind, e.Name, e.SourceID, e.TargetID, changes, e.Status, e.ErrorCode, e.Error})
	}
	return out
}
