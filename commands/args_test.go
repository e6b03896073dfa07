package commands

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"
)

// invocation is what a command's action saw.
type invocation struct {
	path  string
	args  []string
	set   map[string]bool
	vals  map[string]string
	fact  Factory
	color bool
}

// recordingApp is the real command tree with every action replaced by a
// recorder, so the command line can be checked for every command without
// running any of them.
func recordingApp(t *testing.T) (*Factory, *cli.App, *[]invocation, func() string) {
	t.Helper()
	ios, _, _, errOut := TestStreams()
	ios.NoColor = false
	f := &Factory{IO: ios, Now: time.Now, Getenv: func(string) string { return "" }}
	app := NewApp(f)
	var calls []invocation
	walkCommands(app.Commands, "", func(path string, c *cli.Command) {
		c.Action = func(cc *cli.Context) error {
			inv := invocation{path: path, args: cc.Args().Slice(), set: map[string]bool{}, vals: map[string]string{}, fact: *f, color: !f.IO.NoColor}
			for _, fl := range c.Flags {
				name := fl.Names()[0]
				inv.set[name] = cc.IsSet(name)
				inv.vals[name] = cc.Generic(name).(interface{ String() string }).String()
			}
			calls = append(calls, inv)
			return nil
		}
	})
	return f, app, &calls, errOut.String
}

// walkCommands calls fn for every command that runs something, however
// deep, so commands added later are covered without editing the tests.
func walkCommands(cmds []*cli.Command, parent string, fn func(path string, c *cli.Command)) {
	for _, c := range cmds {
		path := strings.TrimSpace(parent + " " + c.Name)
		if c.Action != nil && len(c.Subcommands) == 0 {
			fn(path, c)
		}
		walkCommands(c.Subcommands, path, fn)
	}
}

// sampleFlag is a valid way to set fl on the command line, and the value
// the command should then see.
func sampleFlag(t *testing.T, fl cli.Flag) (tokens []string, want string) {
	name := "--" + fl.Names()[0]
	switch fl.(type) {
	case *cli.BoolFlag:
		return []string{name}, "true"
	case *cli.StringFlag:
		return []string{name, "x-value"}, "x-value"
	case *cli.IntFlag, *cli.Int64Flag:
		return []string{name, "3"}, "3"
	case *cli.Float64Flag:
		return []string{name, "0.5"}, "0.5"
	case *cli.DurationFlag:
		return []string{name, "2m"}, "2m0s"
	case *cli.GenericFlag:
		return []string{name, "a=b"}, "a=b"
	case *cli.StringSliceFlag:
		return []string{name, "x-value"}, "[x-value]"
	}
	t.Fatalf("flag %s: type %T has no sample value here; add one", name, fl)
	return nil, ""
}

func takesArgs(c *cli.Command) bool { return strings.TrimSpace(c.ArgsUsage) != "" }

func TestEveryCommandRefusesStrayArguments(t *testing.T) {
	_, app, _, _ := recordingApp(t)
	n := 0
	walkCommands(app.Commands, "", func(path string, c *cli.Command) {
		if takesArgs(c) {
			return
		}
		n++
		t.Run(path, func(t *testing.T) {
			f, app, calls, stderr := recordingApp(t)
			args := append([]string{"slackprov"}, strings.Fields(path)...)
			args = append(args, "now", "--verbose")
			code := runApp(context.Background(), f, app, args)
			want := path + ` takes no arguments; got "now"`
			if code != ExitError || !strings.Contains(stderr(), want) {
				t.Fatalf("exit %d, stderr %q; want exit 1 and %q", code, stderr(), want)
			}
			if len(*calls) != 0 {
				t.Fatalf("the command ran: %+v", (*calls)[0])
			}
		})
	})
	if n < 10 {
		t.Fatalf("only %d commands without arguments found; the walk is broken", n)
	}
}

// Flags typed after the arguments, and global flags typed after the
// command name, mean what they say.
func TestEveryCommandHonoursFlagsAfterArguments(t *testing.T) {
	_, app, _, _ := recordingApp(t)
	walkCommands(app.Commands, "", func(path string, c *cli.Command) {
		t.Run(path, func(t *testing.T) {
			f, app, calls, stderr := recordingApp(t)
			args := append([]string{"slackprov"}, strings.Fields(path)...)
			var wantArgs []string
			if takesArgs(c) {
				wantArgs = []string{"ARG"}
				args = append(args, "ARG")
			}
			want := map[string]string{}
			for _, fl := range c.Flags {
				tokens, v := sampleFlag(t, fl)
				args = append(args, tokens...)
				want[fl.Names()[0]] = v
			}
			args = append(args, "--config", "/x/cfg.yaml", "--profile", "p2", "--verbose", "--no-color")
			if code := runApp(context.Background(), f, app, args); code != ExitOK {
				t.Fatalf("%q: exit %d: %s", args, code, stderr())
			}
			if len(*calls) != 1 {
				t.Fatalf("%q: the command ran %d times", args, len(*calls))
			}
			got := (*calls)[0]
			if got.path != path || !slices.Equal(got.args, wantArgs) {
				t.Errorf("%q: ran %q with arguments %q, want %q", args, got.path, got.args, wantArgs)
			}
			for name, v := range want {
				if !got.set[name] || got.vals[name] != v {
					t.Errorf("%q: --%s set=%v value %q, want %q", args, name, got.set[name], got.vals[name], v)
				}
			}
			if got.fact.ConfigPath != "/x/cfg.yaml" || !got.fact.ConfigExplicit || got.fact.Profile != "p2" || !got.fact.Verbose || got.color {
				t.Errorf("%q: global flags after the command not honoured: config %q profile %q verbose %v colour %v",
					args, got.fact.ConfigPath, got.fact.Profile, got.fact.Verbose, got.color)
			}
		})
	})
}

// `--` ends the flags: what follows is an argument even if it looks like
// a flag, and a flag-like word after it is not moved.
func TestDoubleDashEndsFlags(t *testing.T) {
	_, app, _, _ := recordingApp(t)
	walkCommands(app.Commands, "", func(path string, c *cli.Command) {
		if !takesArgs(c) {
			return
		}
		t.Run(path, func(t *testing.T) {
			f, app, calls, stderr := recordingApp(t)
			args := append([]string{"slackprov", "--profile", "p3"}, strings.Fields(path)...)
			args = append(args, "--", "--verbose")
			if code := runApp(context.Background(), f, app, args); code != ExitOK || len(*calls) != 1 {
				t.Fatalf("%q: exit %d, %d runs: %s", args, code, len(*calls), stderr())
			}
			got := (*calls)[0]
			if !slices.Equal(got.args, []string{"--verbose"}) || got.fact.Verbose || got.fact.Profile != "p3" {
				t.Errorf("%q: arguments %q verbose %v profile %q", args, got.args, got.fact.Verbose, got.fact.Profile)
			}
		})
	})
}

func TestArrangeArgs(t *testing.T) {
	_, app, _, _ := recordingApp(t)
	tests := []struct {
		in, want []string
		wantErr  string
	}{
		{in: []string{"apply", "plan.json", "--yes"}, want: []string{"apply", "--yes", "plan.json"}},
		{in: []string{"sync", "--dry-run", "--config", "x"}, want: []string{"--config", "x", "sync", "--dry-run"}},
		{in: []string{"sync", "--config=x", "--dry-run"}, want: []string{"--config=x", "sync", "--dry-run"}},
		{in: []string{"mappings", "preview", "ada", "--profile", "p"}, want: []string{"--profile", "p", "mappings", "preview", "ada"}},
		{in: []string{"sync", "--max-deactivations", "-1"}, want: []string{"sync", "--max-deactivations", "-1"}},
		{in: []string{"apply", "--", "-plan.json"}, want: []string{"apply", "--", "-plan.json"}},
		{in: []string{"sync", "--bogus", "now"}, wantErr: "unknown flag --bogus for `slackprov sync`"},
		{in: []string{"logs", "--stauts", "failed"}, wantErr: "unknown flag --stauts for `slackprov logs`; did you mean --status?"},
		{in: []string{"sync", "now", "later"}, wantErr: `sync takes no arguments; got "now" "later"`},
		{in: []string{"mappings", "shwo"}, wantErr: `mappings has no subcommand "shwo"; use one of: show, validate`},
		{in: []string{"help", "sync", "--verbose"}, want: []string{"help", "sync", "--verbose"}},
		{in: []string{"sync", "--generate-bash-completion"}, want: []string{"sync", "--generate-bash-completion"}},
	}
	for _, tt := range tests {
		got, err := arrangeArgs(app, append([]string{"slackprov"}, tt.in...))
		if tt.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("%q: err = %v, want %q", tt.in, err, tt.wantErr)
			}
			continue
		}
		if err != nil || !slices.Equal(got[1:], tt.want) {
			t.Errorf("%q: got %q, %v; want %q", tt.in, got[1:], err, tt.want)
		}
	}
}

// The command the issue names, for real: nothing runs, nothing is asked.
func TestStrayArgumentStopsARealSync(t *testing.T) {
	ios, in, out, errOut := TestStreams()
	in.WriteString("y\n")
	f := &Factory{IO: ios, Now: time.Now, Getenv: func(string) string { return "" }}
	code := Run(context.Background(), f, []string{"slackprov", "sync", "now", "--dry-run", "--config", t.TempDir() + "/absent.yaml"})
	if code != ExitError || !strings.Contains(errOut.String(), `sync takes no arguments; got "now"`) || out.Len() != 0 {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
}

func TestEveryNumericFlagHasARange(t *testing.T) {
	_, app, _, _ := recordingApp(t)
	seen := map[string]bool{}
	walkCommands(app.Commands, "", func(path string, c *cli.Command) {
		for _, fl := range c.Flags {
			key := path + " --" + fl.Names()[0]
			switch fl.(type) {
			case *cli.IntFlag, *cli.Int64Flag, *cli.Float64Flag, *cli.DurationFlag, *cli.UintFlag, *cli.Uint64Flag:
				seen[key] = true
				if _, ok := flagRanges[key]; !ok {
					t.Errorf("%s has no entry in flagRanges", key)
				}
			}
		}
	})
	for key := range flagRanges {
		if !seen[key] {
			t.Errorf("flagRanges names %s, which is not a numeric flag", key)
		}
	}
}

func TestOutOfRangeFlagsAreRefused(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"sync", "--max-deactivations", "-1"}, "--max-deactivations -1: use 0 or more"},
		{[]string{"sync", "--workers", "0"}, "--workers 0: use 1 or more"},
		{[]string{"apply", "plan.json", "--workers=-2"}, "--workers -2: use 1 or more"},
		{[]string{"authorize", "--port", "70000"}, "--port 70000: use a value from 1 to 65535"},
		{[]string{"authorize", "--timeout", "0s"}, "--timeout 0s: use a value above 0"},
		{[]string{"emulator", "--fault-rate", "1.5"}, "--fault-rate 1.5: use a value from 0 to 1"},
		{[]string{"runs", "--limit", "0"}, "--limit 0: use 1 or more"},
	}
	for _, tt := range tests {
		f, app, calls, stderr := recordingApp(t)
		code := runApp(context.Background(), f, app, append([]string{"slackprov"}, tt.args...))
		if code != ExitError || !strings.Contains(stderr(), tt.want) || len(*calls) != 0 {
			t.Errorf("%q: exit %d, %d runs, stderr %q; want %q", tt.args, code, len(*calls), stderr(), tt.want)
		}
	}
}
