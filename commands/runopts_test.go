package commands

import (
	"context"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

// runWithRunF parses argv with the whole app, the command named name
// replaced by cmd (built with a capturing runF), and returns the error.
func runWithRunF(t *testing.T, name string, cmd *cli.Command, f *Factory, argv ...string) error {
	t.Helper()
	app := NewApp(f)
	for i, c := range app.Commands {
		if c.Name == name {
			app.Commands[i] = cmd
		}
	}
	config := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(config, []byte("profiles:\n  default: {}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	args, err := arrangeArgs(app, append([]string{"slackprov", "--config", config}, argv...))
	if err != nil {
		return err
	}
	return app.RunContext(context.Background(), args)
}

func runOptionsFactory() *Factory {
	ios, _, _, _ := TestStreams()
	return &Factory{IO: ios, Now: time.Now, Getenv: func(string) string { return "" }}
}

// TestSyncFlagsToOptions: sync's flags land in SyncOptions, nothing runs.
func TestSyncFlagsToOptions(t *testing.T) {
	f := runOptionsFactory()
	var got *SyncOptions
	cmd := newSyncCmd(f, func(o *SyncOptions) error { got = o; return nil })
	if err := runWithRunF(t, "sync", cmd, f, "sync", "--dry-run", "-o", "json", "--plan-out", "p.json",
		"--max-deactivations", "3", "--workers", "2", "--full", "--detailed-exitcode", "--no-pager"); err != nil {
		t.Fatal(err)
	}
	if got == nil || !got.DryRun || got.Yes || got.Output != "json" || got.PlanOut != "p.json" || got.MaxDeactivations != 3 ||
		got.Workers != 2 || !got.Full || !got.DetailedExitcode || !got.NoPager || got.Config == nil {
		t.Fatalf("options %+v", got)
	}
	got = nil
	if err := runWithRunF(t, "sync", cmd, f, "sync", "--yes"); err != nil {
		t.Fatal(err)
	}
	if !got.Yes || got.DryRun || got.Output != "text" || got.MaxDeactivations != -1 || got.Workers != 4 {
		t.Fatalf("defaults %+v", got)
	}
}

// TestApplyFlagsToOptions: apply takes exactly the plan file.
func TestApplyFlagsToOptions(t *testing.T) {
	f := runOptionsFactory()
	var got *ApplyOptions
	cmd := newApplyCmd(f, func(o *ApplyOptions) error { got = o; return nil })
	if err := runWithRunF(t, "apply", cmd, f, "apply", "--yes", "--workers", "8", "--max-deactivations", "0", "plan.json"); err != nil {
		t.Fatal(err)
	}
	if got == nil || got.PlanFile != "plan.json" || !got.Yes || got.Workers != 8 || got.MaxDeactivations != 0 || got.Output != "text" {
		t.Fatalf("options %+v", got)
	}
	got = nil
	err := runWithRunF(t, "apply", cmd, f, "apply")
	if err == nil || !strings.Contains(err.Error(), "one argument") || got != nil {
		t.Fatalf("apply without a plan file: %v (ran: %v)", err, got != nil)
	}
}

// TestDemoFlagsToOptions: demo's flags, and its defaults.
func TestDemoFlagsToOptions(t *testing.T) {
	f := runOptionsFactory()
	var got *DemoOptions
	cmd := newDemoCmd(f, func(o *DemoOptions) error { got = o; return nil })
	if err := runWithRunF(t, "demo", cmd, f, "demo", "--source", "file", "--users", "40", "--groups", "2",
		"--time-scale", "10", "--show", "5", "--keep", "--scim-version", "v1"); err != nil {
		t.Fatal(err)
	}
	want := DemoOptions{Source: "file", SCIMVersion: "v1", Users: 40, Groups: 2, TimeScale: 10, Show: 5, KeepDir: true}
	got.IO, got.Now = nil, nil
	if !reflect.DeepEqual(*got, want) {
		t.Fatalf("options %+v, want %+v", *got, want)
	}
	if err := runWithRunF(t, "demo", cmd, f, "demo"); err != nil {
		t.Fatal(err)
	}
	if got.Source != "entra" || got.Users != 300 || got.Groups != 8 || got.TimeScale != 60 || got.Show != 12 || got.SCIMVersion != "v2" {
		t.Fatalf("defaults %+v", got)
	}
}
