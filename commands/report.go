package commands

import (
	"bytes"
	"cmp"
	"context"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/store"
	"github.com/slackprov/slackprov/views"
)

// ReportOptions is everything `slackprov report` needs.
type ReportOptions struct {
	IO     *IOStreams
	Config *Config
	Now    func() time.Time
	HTML   string        // the file to write
	Since  time.Duration // only the last Since (0: everything)
	RunID  int64         // only this run (0: every run)
}

func newReportCmd(f *Factory, runF func(*ReportOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "report",
		Usage: "write a provisioning report: run history, pending failures and the log, as one HTML file",
		Description: `The file stands alone: styles, script and charts are inside it, and it loads
nothing from the network when opened, so it can be mailed or archived as it is.
Values the mappings redact stay redacted.

Examples:
  slackprov report --html report.html
  slackprov report --html last-week.html --since 168h
  slackprov report --html run12.html --run 12`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "html", Usage: "write the report to `FILE` (required)"},
			&cli.DurationFlag{Name: "since", Usage: "only the last `DURATION` (e.g. 168h)"},
			&cli.Int64Flag{Name: "run", Usage: "only run `ID` (see slackprov runs)"},
		},
		Action: func(c *cli.Context) error {
			if c.String("html") == "" {
				return errors.New("report needs --html FILE: the report is an HTML file (for the log as text, see `slackprov logs`)")
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &ReportOptions{IO: f.IO, Config: cfg, Now: f.Now, HTML: c.String("html"), Since: c.Duration("since"), RunID: c.Int64("run")}
			if runF != nil {
				return runF(opts)
			}
			return reportRun(c.Context, opts)
		},
	}
}

//go:embed report.html.tmpl
var reportTemplateText string

var reportTemplate = template.Must(template.New("report").Funcs(template.FuncMap{
	"when": func(t time.Time) string {
		if t.IsZero() {
			return "-"
		}
		return t.Local().Format(time.DateTime)
	},
	"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"attr":  views.ShortAttribute,
	"empty": func(s string) string { return cmp.Or(s, "(empty)") },
}).Parse(reportTemplateText))

// reportMaxRuns bounds the chart; the log table has every entry.
const reportMaxRuns = 200

func reportRun(ctx context.Context, opts *ReportOptions) error {
	st, err := openStore(ctx, opts.Config)
	if err != nil {
		return err
	}
	defer st.Close()
	data, err := gatherReport(ctx, st, opts)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reportTemplate.Execute(&buf, data); err != nil {
		return fmt.Errorf("report: render: %w", err)
	}
	if err := os.WriteFile(opts.HTML, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("report: %w; choose a --html path in a folder you can write to", err)
	}
	fmt.Fprintf(opts.IO.ErrOut, "Wrote %s: %d runs, %d log entries, %d pending failures.\n",
		opts.HTML, len(data.Runs), len(data.Log), len(data.Pending))
	return nil
}

// reportData is what the template shows.
type reportData struct {
	Profile, Org, Directory, Period string
	Generated                       time.Time
	Runs                            []reportRunRow // oldest first
	Chart                           reportChart
	Pending                         []statusPending
	Log                             []store.LogEntry
}

type reportRunRow struct {
	store.Run
	Duration string
	Summary  string
	Failed   int
}

func gatherReport(ctx context.Context, st *store.Store, opts *ReportOptions) (*reportData, error) {
	now := opts.Now()
	d := &reportData{Profile: opts.Config.Profile, Generated: now, Org: "not bound yet", Directory: opts.Config.Source.Type, Period: "everything recorded"}
	if b, err := st.Binding(ctx); err != nil {
		return nil, err
	} else if b != nil {
		d.Org, d.Directory = slackOrg{ID: b.SlackOrg, Name: b.SlackOrgName}.String(), b.Directory
	}
	filter := store.LogFilter{RunID: opts.RunID}
	if opts.Since > 0 {
		filter.Since = now.Add(-opts.Since)
		d.Period = "since " + filter.Since.Local().Format(time.DateTime)
	}
	if opts.RunID != 0 {
		d.Period = fmt.Sprintf("run %d", opts.RunID)
	}
	runs, err := st.Runs(ctx, 0)
	if err != nil {
		return nil, err
	}
	for i := len(runs) - 1; i >= 0; i-- {
		r := runs[i]
		if (opts.RunID != 0 && r.ID != opts.RunID) || r.Started.Before(filter.Since) {
			continue
		}
		d.Runs = append(d.Runs, reportRunRow{Run: r, Duration: runDuration(r), Summary: countsShort(r.Counts),
			Failed: r.Counts["user.failed"] + r.Counts["group.failed"]})
	}
	if opts.RunID != 0 && len(d.Runs) == 0 {
		return nil, fmt.Errorf("--run %d: no such run; `slackprov runs` lists them", opts.RunID)
	}
	d.Chart = buildChart(d.Runs[max(0, len(d.Runs)-reportMaxRuns):])
	if d.Log, err = st.Log(ctx, filter); err != nil {
		return nil, err
	}
	rep := &statusReport{Pending: []statusPending{}}
	if err := gatherPending(ctx, st, rep, now); err != nil {
		return nil, err
	}
	d.Pending = rep.Pending
	return d, nil
}

func runDuration(r store.Run) string {
	if r.Finished.IsZero() {
		return "-"
	}
	return r.Finished.Sub(r.Started).Round(time.Millisecond).String()
}
