package commands

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/store"
)

// optionsCase is one command line and what the command's options must be
// after parsing it, or the usage error that must stop it first.
type optionsCase[T any] struct {
	name string
	argv []string // after the program name; "" words are not allowed
	want T        // wiring fields (IO, Config, clients, clocks) left zero
	// wantErr is a part of the error the command line must be refused with.
	wantErr string
}

// optionsClock is the time the test factory's clock always reads.
var optionsClock = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// checkOptions runs every case through the whole app (arrangeArgs, the
// global flags, the flag ranges, the usage hints) with build's command,
// given a runF that only captures its options, standing in at path. No
// command runs: what is checked is flags → options.
func checkOptions[T any](t *testing.T, path string, build func(*Factory, func(*T) error) *cli.Command, cases []optionsCase[T]) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			f, configPath := optionsFactory(t)
			var got *T
			cmd := build(f, func(o *T) error { got = o; return nil })
			app := newApp(f, withCommand(t, commandList(f), strings.Fields(path), cmd))
			args := append([]string{"slackprov", "--config", configPath}, tc.argv...)
			args, err := arrangeArgs(app, args)
			if err == nil {
				err = app.RunContext(context.Background(), args)
			}
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("%q: error %v, want one containing %q", tc.argv, err, tc.wantErr)
				}
				if got != nil {
					t.Fatalf("%q: the command ran with %+v although its command line was refused", tc.argv, *got)
				}
				return
			}
			if err != nil {
				t.Fatalf("%q: %v", tc.argv, err)
			}
			if got == nil {
				t.Fatalf("%q: runF was not called", tc.argv)
			}
			unwire(t, f, configPath, reflect.ValueOf(got).Elem())
			if !reflect.DeepEqual(*got, tc.want) {
				t.Errorf("%q:\n got %+v\nwant %+v", tc.argv, *got, tc.want)
			}
		})
	}
}

// optionsFactory is a factory on buffers with a fixed clock, and a config
// file for commands that load one before their options are complete.
func optionsFactory(t *testing.T) (*Factory, string) {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	cfg := "source:\n  type: file\n  file:\n    path: people.json\nstate_dir: " + dir + "\n"
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	ios, _, _, _ := TestStreams()
	return &Factory{
		IO: ios, HTTPClient: &http.Client{}, Now: func() time.Time { return optionsClock },
		Getenv: func(string) string { return "" }, OpenBrowser: func(string) error { return nil },
	}, path
}

// withCommand returns cmds with cmd in place of the command at path.
func withCommand(t *testing.T, cmds []*cli.Command, path []string, cmd *cli.Command) []*cli.Command {
	t.Helper()
	for i, c := range cmds {
		if c.Name != path[0] {
			continue
		}
		if len(path) == 1 {
			cmds[i] = cmd
		} else {
			c.Subcommands = withCommand(t, c.Subcommands, path[1:], cmd)
		}
		return cmds
	}
	t.Fatalf("no command %q in the tree", path[0])
	return nil
}

// factoryFuncs are the options fields a command copies from the factory.
var factoryFuncs = map[string]bool{"Now": true, "Getenv": true, "OpenBrowser": true, "Config": true}

// unwire checks the fields an options struct takes from the factory rather
// than from flags, then zeroes them so the rest can be compared whole: the
// streams must be the factory's, a config (loaded, or its path) must be the
// one --config named, and the clients and clocks must be set.
func unwire(t *testing.T, f *Factory, configPath string, v reflect.Value) {
	t.Helper()
	for i := 0; i < v.NumField(); i++ {
		field, name := v.Field(i), v.Type().Field(i).Name
		if name == "ConfigPath" {
			if field.String() != configPath {
				t.Errorf("options.ConfigPath = %q, want --config's %q", field.String(), configPath)
			}
			field.SetString("")
			continue
		}
		if name == "ConfigExplicit" {
			if !field.Bool() {
				t.Error("options.ConfigExplicit is false although --config was given")
			}
			field.SetBool(false)
			continue
		}
		switch x := field.Interface().(type) {
		case *IOStreams:
			if x != f.IO {
				t.Errorf("options.%s is not the factory's streams", name)
			}
		case *Config:
			if x == nil || x.Path != configPath {
				t.Errorf("options.%s is not the config --config named: %+v", name, x)
			}
		case *http.Client, *cli.App:
			if field.IsNil() {
				t.Errorf("options.%s is not set", name)
			}
		default:
			if field.Kind() != reflect.Func {
				continue
			}
			if factoryFuncs[name] && field.IsNil() {
				t.Errorf("options.%s is not set", name)
			}
		}
		field.Set(reflect.Zero(field.Type()))
	}
}

func argv(s string) []string { return strings.Fields(s) }

func TestNewLogsCmd(t *testing.T) {
	checkOptions(t, "logs", newLogsCmd, []optionsCase[LogsOptions]{
		{name: "defaults", argv: argv("logs"), want: LogsOptions{Output: "text", Filter: store.LogFilter{Limit: 200}}},
		{name: "run status output", argv: argv("logs --run 12 --status failed -o csv"),
			want: LogsOptions{Output: "csv", Filter: store.LogFilter{RunID: 12, Status: "failed", Limit: 200}}},
		{name: "slack user id", argv: argv("logs --user U0123ABC"), want: LogsOptions{Output: "text", Filter: store.LogFilter{TargetID: "U0123ABC", Limit: 200}}},
		{name: "enterprise user id", argv: argv("logs --user W0123ABC"), want: LogsOptions{Output: "text", Filter: store.LogFilter{TargetID: "W0123ABC", Limit: 200}}},
		{name: "directory id", argv: argv("logs --user 4f1c-aa"), want: LogsOptions{Output: "text", Filter: store.LogFilter{SourceID: "4f1c-aa", Limit: 200}}},
		{name: "since is before the clock", argv: argv("logs --since 24h --limit 5"),
			want: LogsOptions{Output: "text", Filter: store.LogFilter{Since: optionsClock.Add(-24 * time.Hour), Limit: 5}}},
		{name: "flags typed after the command's place", argv: argv("--profile default logs -o json"), want: LogsOptions{Output: "json", Filter: store.LogFilter{Limit: 200}}},
		{name: "limit 0", argv: argv("logs --limit 0"), wantErr: "--limit 0: use 1 or more"},
		{name: "run 0", argv: argv("logs --run 0"), wantErr: "--run 0: use 1 or more"},
		{name: "negative since", argv: argv("logs --since -1h"), wantErr: "--since -1h0m0s: use a value above 0"},
		{name: "stray argument", argv: argv("logs failed"), wantErr: `logs takes no arguments; got "failed"`},
		{name: "unknown flag", argv: argv("logs --stauts=failed"), wantErr: "unknown flag --stauts for `slackprov logs`; did you mean --status?"},
		{name: "unknown flag and its value", argv: argv("logs --stauts failed"), wantErr: "unknown flag --stauts for `slackprov logs`; did you mean --status?"},
	})
}

func TestNewRunsCmd(t *testing.T) {
	checkOptions(t, "runs", newRunsCmd, []optionsCase[RunsOptions]{
		{name: "defaults", argv: argv("runs"), want: RunsOptions{Limit: 20, Output: "text"}},
		{name: "limit and output", argv: argv("runs --limit 5 --output json"), want: RunsOptions{Limit: 5, Output: "json"}},
		{name: "short output", argv: argv("runs -o csv"), want: RunsOptions{Limit: 20, Output: "csv"}},
		{name: "limit 0", argv: argv("runs --limit 0"), wantErr: "--limit 0: use 1 or more"},
		{name: "limit not a number", argv: argv("runs --limit ten"), wantErr: `invalid value "ten" for flag -limit`},
		{name: "stray argument", argv: argv("runs 3"), wantErr: `runs takes no arguments; got "3"`},
	})
}

func TestNewStateCmd(t *testing.T) {
	checkOptions(t, "state", newStateCmd, []optionsCase[StateResetOptions]{
		{name: "asks", argv: argv("state reset"), want: StateResetOptions{}},
		{name: "yes", argv: argv("state reset --yes"), want: StateResetOptions{Yes: true}},
		{name: "short yes", argv: argv("state reset -y"), want: StateResetOptions{Yes: true}},
		{name: "reset's flag on state", argv: argv("state -y reset"), wantErr: "unknown flag --y for `slackprov state`"},
		{name: "stray argument", argv: argv("state reset now"), wantErr: `state reset takes no arguments; got "now"`},
		{name: "unknown subcommand", argv: argv("state wipe"), wantErr: `state has no subcommand "wipe"; use one of: reset.`},
	})
}

func TestNewLogoutCmd(t *testing.T) {
	checkOptions(t, "logout", newLogoutCmd, []optionsCase[LogoutOptions]{
		{name: "revokes", argv: argv("logout"), want: LogoutOptions{Profile: "default"}},
		{name: "skip revoke for a profile", argv: argv("logout --skip-revoke --profile work"), want: LogoutOptions{Profile: "work", SkipRevoke: true}},
		{name: "stray argument", argv: argv("logout work"), wantErr: `logout takes no arguments; got "work"`},
	})
}

func TestNewTestConnectionCmd(t *testing.T) {
	checkOptions(t, "test-connection", newTestConnectionCmd, []optionsCase[TestConnectionOptions]{
		{name: "text", argv: argv("test-connection"), want: TestConnectionOptions{Profile: "default", Output: "text"}},
		{name: "json", argv: argv("test-connection -o json --profile work"), want: TestConnectionOptions{Profile: "work", Output: "json"}},
		{name: "other format", argv: argv("test-connection --output yaml"), wantErr: `--output "yaml": use text or json`},
	})
}

func TestNewInitCmd(t *testing.T) {
	checkOptions(t, "init", newInitCmd, []optionsCase[InitOptions]{
		{name: "interactive defaults", argv: argv("init"), want: InitOptions{EntraScope: "assigned", MaxDeactivations: "50"}},
		{name: "file source", argv: argv("init --non-interactive --force --source file --file people.csv --slack-client-id 1.2 --max-deactivations 10% --mappings m.yaml"),
			want: InitOptions{NonInteractive: true, Force: true, Source: "file", FilePath: "people.csv", SlackClientID: "1.2",
				EntraScope: "assigned", MaxDeactivations: "10%", Mappings: "m.yaml"}},
		{name: "entra source and endpoints", argv: argv("init --source entra --tenant-id t --entra-client-id c --entra-app-id a --entra-scope all --scim-url https://s/ --api-url https://a/ --graph-url https://g/ --authority-host https://l/"),
			want: InitOptions{Source: "entra", TenantID: "t", EntraClientID: "c", EntraAppID: "a", EntraScope: "all", MaxDeactivations: "50",
				SCIMURL: "https://s/", APIURL: "https://a/", GraphURL: "https://g/", AuthorityHost: "https://l/"}},
		{name: "another profile", argv: argv("init --profile work"), wantErr: `init writes the default profile; add profile "work" by hand`},
		{name: "stray argument", argv: argv("init file"), wantErr: `init takes no arguments; got "file"`},
	})
}

func TestNewAuthorizeCmd(t *testing.T) {
	five := 5 * time.Minute
	checkOptions(t, "authorize", newAuthorizeCmd, []optionsCase[AuthorizeOptions]{
		{name: "browser flow", argv: argv("authorize"), want: AuthorizeOptions{Profile: "default", Timeout: five}},
		{name: "no browser, port, team, timeout", argv: argv("authorize --no-browser --port 8080 --team T123 --timeout 2m"),
			want: AuthorizeOptions{Profile: "default", NoBrowser: true, Port: 8080, Team: "T123", Timeout: 2 * time.Minute}},
		{name: "token from stdin into a file", argv: argv("authorize --token-stdin --insecure-storage --profile work"),
			want: AuthorizeOptions{Profile: "work", TokenStdin: true, InsecureStorage: true, Timeout: five}},
		{name: "target token", argv: argv("authorize --target --token-stdin"), want: AuthorizeOptions{Profile: "default", Target: true, TokenStdin: true, Timeout: five}},
		{name: "entra secret", argv: argv("authorize --entra-secret-stdin"), want: AuthorizeOptions{Profile: "default", EntraSecretStdin: true, Timeout: five}},
		{name: "target without stdin", argv: argv("authorize --target"), wantErr: "--target stores a SCIM target's bearer token"},
		{name: "target with more", argv: argv("authorize --target --token-stdin --team T1"), wantErr: "--target stores a SCIM target's bearer token"},
		{name: "entra secret with more", argv: argv("authorize --entra-secret-stdin --no-browser"), wantErr: "--entra-secret-stdin only stores the Entra secret"},
		{name: "token stdin with port", argv: argv("authorize --token-stdin --port 8080"), wantErr: "--token-stdin reads a finished token"},
		{name: "token stdin with no browser", argv: argv("authorize --token-stdin --no-browser"), wantErr: "--token-stdin reads a finished token"},
		{name: "port 0", argv: argv("authorize --port 0"), wantErr: "--port 0: use a value from 1 to 65535"},
		{name: "port too high", argv: argv("authorize --port 70000"), wantErr: "--port 70000: use a value from 1 to 65535"},
		{name: "no timeout", argv: argv("authorize --timeout 0s"), wantErr: "--timeout 0s: use a value above 0"},
	})
}

func TestNewEmulatorCmd(t *testing.T) {
	def := EmulatorOptions{Addr: "127.0.0.1:8080", Token: EmulatorToken, TimeScale: 1, Plan: "business_plus"}
	all := EmulatorOptions{Addr: "127.0.0.1:0", SeedPath: "seed.json", Token: "xoxp-1", TimeScale: 20, NoRateLimits: true,
		V1Only: true, Plan: "enterprise", FaultRate: 0.1}
	checkOptions(t, "emulator", newEmulatorCmd, []optionsCase[EmulatorOptions]{
		{name: "defaults", argv: argv("emulator"), want: def},
		{name: "every flag", argv: argv("emulator --port 0 --seed seed.json --token xoxp-1 --time-scale 20 --no-rate-limits --v1-only --plan enterprise --fault-rate 0.1"), want: all},
		{name: "fault rate above 1", argv: argv("emulator --fault-rate 2"), wantErr: "--fault-rate 2: use a value from 0 to 1"},
		{name: "negative port", argv: argv("emulator --port -1"), wantErr: "--port -1: use a value from 0 to 65535"},
		{name: "time scale 0", argv: argv("emulator --time-scale 0"), wantErr: "--time-scale 0: use a value above 0"},
	})
}

func TestNewCompletionCmd(t *testing.T) {
	checkOptions(t, "completion", newCompletionCmd, []optionsCase[CompletionOptions]{
		{name: "bash", argv: argv("completion bash"), want: CompletionOptions{Shell: "bash"}},
		{name: "fish", argv: argv("completion fish"), want: CompletionOptions{Shell: "fish"}},
		{name: "no shell", argv: argv("completion"), wantErr: "completion takes one argument, the shell: bash, zsh or fish"},
		{name: "unknown shell", argv: argv("completion tcsh"), wantErr: "completion takes one argument, the shell"},
		{name: "two shells", argv: argv("completion bash zsh"), wantErr: "completion takes one argument, the shell"},
	})
}

func TestNewCompleteCmd(t *testing.T) {
	checkOptions(t, "__complete", newCompleteCmd, []optionsCase[CompleteOptions]{
		{name: "words after --", argv: argv("__complete -- sync --d"), want: CompleteOptions{Words: []string{"sync", "--d"}}},
		{name: "nothing typed", argv: argv("__complete"), want: CompleteOptions{Words: []string{}}},
	})
}

func TestNewManCmd(t *testing.T) {
	checkOptions(t, "man", newManCmd, []optionsCase[ManOptions]{
		{name: "page", argv: argv("man"), want: ManOptions{}},
		{name: "stray argument", argv: argv("man 1"), wantErr: `man takes no arguments; got "1"`},
	})
}

func TestNewVersionCmd(t *testing.T) {
	checkOptions(t, "version", newVersionCmd, []optionsCase[VersionOptions]{
		{name: "text", argv: argv("version"), want: VersionOptions{Output: "text"}},
		{name: "json", argv: argv("version -o json"), want: VersionOptions{Output: "json"}},
		{name: "other format", argv: argv("version --output yaml"), wantErr: `--output "yaml": use text or json`},
	})
}

func TestNewMappingsShowCmd(t *testing.T) {
	checkOptions(t, "mappings show", newMappingsShowCmd, []optionsCase[MappingsShowOptions]{
		{name: "text", argv: argv("mappings show"), want: MappingsShowOptions{Output: "text"}},
		{name: "yaml", argv: argv("mappings show --output yaml"), want: MappingsShowOptions{Output: "yaml"}},
		{name: "stray argument", argv: argv("mappings show users"), wantErr: `mappings show takes no arguments; got "users"`},
	})
}

func TestNewMappingsValidateCmd(t *testing.T) {
	checkOptions(t, "mappings validate", newMappingsValidateCmd, []optionsCase[MappingsValidateOptions]{
		{name: "file only", argv: argv("mappings validate"), want: MappingsValidateOptions{Show: 5, Output: "text"}},
		{name: "directory", argv: argv("mappings validate -d --show 10 -o json"), want: MappingsValidateOptions{Directory: true, Show: 10, Output: "json"}},
		{name: "show none", argv: argv("mappings validate --show 0"), want: MappingsValidateOptions{Show: 0, Output: "text"}},
		{name: "negative show", argv: argv("mappings validate --show -1"), wantErr: "--show -1: use 0 or more"},
	})
}

func TestNewMappingsPreviewCmd(t *testing.T) {
	checkOptions(t, "mappings preview", newMappingsPreviewCmd, []optionsCase[MappingsPreviewOptions]{
		{name: "user", argv: argv("mappings preview ada@contoso.com"), want: MappingsPreviewOptions{User: "ada@contoso.com"}},
		{name: "no user", argv: argv("mappings preview"), wantErr: "give one USER"},
		{name: "two users", argv: argv("mappings preview ada grace"), wantErr: "give one USER"},
	})
}

func TestNewMappingsEvalCmd(t *testing.T) {
	checkOptions(t, "mappings eval", newMappingsEvalCmd, []optionsCase[MappingsEvalOptions]{
		{name: "expression alone", argv: []string{"mappings", "eval", "--expr", "[givenName]"}, want: MappingsEvalOptions{Expr: "[givenName]", Output: "text"}},
		{name: "repeated attrs keep commas", argv: []string{"mappings", "eval", "-e", `Join(" ", [a])`, "--attr", "a=Smith, Jr.", "--attr", "a=", "--taken", "x,y", "-o", "json"},
			want: MappingsEvalOptions{Expr: `Join(" ", [a])`, Attrs: []string{"a=Smith, Jr.", "a="}, Taken: []string{"x,y"}, Output: "json"}},
		{name: "no expression", argv: argv("mappings eval --attr a=1"), wantErr: `Required flag "expr" not set`},
		{name: "attr without =", argv: argv("mappings eval --expr [a] --attr a"), wantErr: `--attr "a": write name=value`},
	})
}

func TestNewMappingsImportEntraCmd(t *testing.T) {
	checkOptions(t, "mappings import-entra", newMappingsImportEntraCmd, []optionsCase[MappingsImportOptions]{
		{name: "file", argv: argv("mappings import-entra schema.json"), want: MappingsImportOptions{File: "schema.json"}},
		{name: "flags after the file", argv: argv("mappings import-entra schema.json --out m.yaml --force"), want: MappingsImportOptions{File: "schema.json", Out: "m.yaml", Force: true}},
		{name: "no file", argv: argv("mappings import-entra --force"), wantErr: "give one schema export FILE"},
	})
}

func TestNewMappingsResetCmd(t *testing.T) {
	checkOptions(t, "mappings reset", newMappingsResetCmd, []optionsCase[MappingsResetOptions]{
		{name: "asks", argv: argv("mappings reset"), want: MappingsResetOptions{}},
		{name: "yes", argv: argv("mappings reset -y"), want: MappingsResetOptions{Yes: true}},
		{name: "stray argument", argv: argv("mappings reset all"), wantErr: `mappings reset takes no arguments; got "all"`},
	})
}

func TestNewMappingsEditCmd(t *testing.T) {
	checkOptions(t, "mappings edit", newMappingsEditCmd, []optionsCase[MappingsEditOptions]{
		{name: "config's file", argv: argv("mappings edit"), want: MappingsEditOptions{}},
		{name: "other file", argv: argv("mappings edit --file m.yaml"), want: MappingsEditOptions{File: "m.yaml"}},
		{name: "file as argument", argv: argv("mappings edit m.yaml"), wantErr: `mappings edit takes no arguments; got "m.yaml"`},
	})
}
