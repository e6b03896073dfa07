package commands

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/store"
)

// runOne runs one command built by newCmd (a newXCmd with its runF bound)
// on args, against a config file in a temp dir, with the clock at now.
func runOne(t *testing.T, now time.Time, newCmd func(f *Factory) *cli.Command, args ...string) error {
	t.Helper()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg.yaml")
	authWrite(t, cfg, "source:\n  type: file\n  file:\n    path: people.json\nstate_dir: state\n")
	ios, _, _, _ := TestStreams()
	f := &Factory{IO: ios, Now: func() time.Time { return now }, Getenv: func(string) string { return "" },
		ConfigPath: cfg, ConfigExplicit: true, Profile: "default"}
	app := &cli.App{Name: "slackprov", Writer: ios.Out, ErrWriter: ios.ErrOut, ExitErrHandler: func(*cli.Context, error) {}}
	app.Commands = []*cli.Command{newCmd(f)}
	guardFlagRanges(app.Commands, "")
	return app.RunContext(context.Background(), append([]string{"slackprov"}, args...))
}

func TestLogsFlagsToOptions(t *testing.T) {
	now := time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)
	tests := []struct {
		args []string
		want store.LogFilter
		out  string
	}{
		{[]string{"logs"}, store.LogFilter{Limit: 200}, "text"},
		{[]string{"logs", "--action", "deactivate", "--object", "ana@example.com", "--since", "48h", "--until", "24h", "-o", "csv"},
			store.LogFilter{Action: "deactivate", Object: "ana@example.com", Since: now.Add(-48 * time.Hour), Until: now.Add(-24 * time.Hour), Limit: 200}, "csv"},
		{[]string{"logs", "--user", "U123", "--run", "4", "--status", "failed", "--limit", "5"},
			store.LogFilter{TargetID: "U123", RunID: 4, Status: "failed", Limit: 5}, "text"},
	}
	for _, tt := range tests {
		var got *LogsOptions
		err := runOne(t, now, func(f *Factory) *cli.Command {
			return newLogsCmd(f, func(o *LogsOptions) error { got = o; return nil })
		}, tt.args...)
		if err != nil || got == nil {
			t.Fatalf("%q: err %v, options %v", tt.args, err, got)
		}
		if got.Filter != tt.want || got.Output != tt.out {
			t.Errorf("%q:\n got %+v %q\nwant %+v %q", tt.args, got.Filter, got.Output, tt.want, tt.out)
		}
	}
	if err := runOne(t, now, func(f *Factory) *cli.Command { return newLogsCmd(f, nil) }, "logs", "--until", "0s"); err == nil ||
		!strings.Contains(err.Error(), "--until 0s") {
		t.Errorf("--until 0s: %v, want a range error", err)
	}
	for _, args := range [][]string{{"logs", "--action", "destroy"}, {"logs", "--since", "24h", "--until", "48h"}} {
		if err := runOne(t, now, func(f *Factory) *cli.Command { return newLogsCmd(f, nil) }, args...); err == nil {
			t.Errorf("%q: no error", args)
		}
	}
}

// The text table fits 80 columns with long diffs: each change on a line of
// its own, cut rather than wrapped past the edge; CSV keeps them whole.
func TestLogsTextFitsWidth(t *testing.T) {
	long := strings.Repeat("Principal Engineer, Platform Reliability ", 3)
	entries := []store.LogEntry{
		{ID: 1, RunID: 3, Time: time.Now(), Action: "update", Kind: "user", Name: "ana", SourceID: "s1", TargetID: "U1", Status: "ok",
			Changes: []store.Change{{Attribute: "title", Old: "Engineer", New: long}, {Attribute: "department", Old: "R&D", New: "Platform"}}},
		{ID: 2, RunID: 3, Time: time.Now(), Action: "create", Kind: "user", SourceID: "s2", Status: "failed", Error: strings.Repeat("Slack refused it ", 10)},
	}
	out := logsTable(entries, "text").text(80)
	lines := strings.Split(strings.TrimRight(out, "\n"), "\n")
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line %d is %d columns: %q", i+1, w, l)
		}
	}
	if len(lines) != 4 {
		t.Fatalf("want a header, two lines for ana's two changes and one for the failure:\n%s", out)
	}
	if !strings.Contains(lines[1], "title") || !strings.Contains(lines[2], "department") || strings.Contains(lines[2], "ana") {
		t.Errorf("the second change is not folded onto its own line:\n%s", out)
	}
	if !strings.Contains(lines[3], "s2") {
		t.Errorf("a nameless entry shows no id:\n%s", out)
	}
	csv := logsTable(entries, "csv")
	if got := csv.rows[0][8]; !strings.Contains(got, long) || !strings.Contains(got, "; department") {
		t.Errorf("CSV changes cell %q lost detail", got)
	}
}
