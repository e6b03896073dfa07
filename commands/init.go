package commands

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/charmbracelet/huh"
	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/mapping"
)

// InitOptions are the answers `slackprov init` writes into a config file;
// each has a flag, so scripts can run it with --non-interactive.
type InitOptions struct {
	IO             *IOStreams
	ConfigPath     string
	ConfigExplicit bool
	NonInteractive bool
	Force          bool

	Source           string // "entra" or "file"
	TenantID         string
	EntraClientID    string
	EntraAppID       string
	EntraScope       string
	FilePath         string
	SlackClientID    string
	MaxDeactivations string
	// Mappings is a mapping file path; "" keeps the built-in Slack mapping.
	// A path that does not exist yet gets the built-in mapping to edit.
	Mappings string

	// Endpoints, for the emulators and sovereign clouds; "" keeps the default.
	SCIMURL       string
	APIURL        string
	GraphURL      string
	AuthorityHost string
}

func newInitCmd(f *Factory, runF func(*InitOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "init",
		Usage: "create the config file: the directory source, the Slack app, the safety threshold, the mapping",
		Description: `Asks for the directory source (Entra ID: tenant, the app registration that
reads Graph, the Slack enterprise app; or a JSON/CSV file), the Slack app's
client id, how many deactivations a run may make, and the mapping, then writes
a commented config file (--config, default ` + DefaultConfigPath() + `).
Every question has a flag; with --non-interactive nothing is asked.

Examples:
  slackprov init
  slackprov init --non-interactive --source file --file people.json --slack-client-id 1234567890.1234567890
  slackprov init --non-interactive --source entra --tenant-id 00000000-0000-0000-0000-000000000000 --entra-client-id 11111111-1111-1111-1111-111111111111 --entra-app-id 22222222-2222-2222-2222-222222222222 --slack-client-id 1234567890.1234567890`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "non-interactive", Usage: "ask nothing: take every answer from the flags"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite an existing config file"},
			&cli.StringFlag{Name: "source", Usage: "directory source `TYPE`: entra or file"},
			&cli.StringFlag{Name: "tenant-id", Usage: "Entra tenant `ID`"},
			&cli.StringFlag{Name: "entra-client-id", Usage: "client `ID` of the Entra app registration that reads Graph"},
			&cli.StringFlag{Name: "entra-app-id", Usage: "application `ID` of the Slack enterprise app whose assignments say who is provisioned"},
			&cli.StringFlag{Name: "entra-scope", Value: "assigned", Usage: "`SCOPE`: assigned (users and groups assigned to the Slack app) or all"},
			&cli.StringFlag{Name: "file", Usage: "directory `FILE` (JSON or CSV) for --source file"},
			&cli.StringFlag{Name: "slack-client-id", Usage: "Client `ID` of your Slack app (docs/slack-app.md)"},
			&cli.StringFlag{Name: "max-deactivations", Value: strconv.Itoa(DefaultMaxDeactivations), Usage: "refuse runs that deactivate more than `N` users"},
			&cli.StringFlag{Name: "mappings", Usage: "mapping `FILE`; written with the built-in mapping if missing (default: the built-in mapping, no file)"},
			&cli.StringFlag{Name: "scim-url", Usage: "Slack SCIM base `URL` (default: Slack's)"},
			&cli.StringFlag{Name: "api-url", Usage: "Slack Web API base `URL` (default: Slack's)"},
			&cli.StringFlag{Name: "graph-url", Usage: "Microsoft Graph `URL` (default: the global cloud's)"},
			&cli.StringFlag{Name: "authority-host", Usage: "Entra sign-in `URL` (default: the global cloud's)"},
		},
		Action: func(c *cli.Context) error {
			if f.Profile != "default" {
				return fmt.Errorf("init writes the default profile; add profile %q by hand under `profiles:` in %s", f.Profile, f.ConfigPath)
			}
			opts := &InitOptions{
				IO: f.IO, ConfigPath: f.ConfigPath, ConfigExplicit: f.ConfigExplicit,
				NonInteractive: c.Bool("non-interactive"), Force: c.Bool("force"),
				Source: c.String("source"), TenantID: c.String("tenant-id"), EntraClientID: c.String("entra-client-id"),
				EntraAppID: c.String("entra-app-id"), EntraScope: c.String("entra-scope"), FilePath: c.String("file"),
				SlackClientID: c.String("slack-client-id"), MaxDeactivations: c.String("max-deactivations"),
				Mappings: c.String("mappings"), SCIMURL: c.String("scim-url"), APIURL: c.String("api-url"),
				GraphURL: c.String("graph-url"), AuthorityHost: c.String("authority-host"),
			}
			if runF != nil {
				return runF(opts)
			}
			return initRun(opts)
		},
	}
}

// requireConfigFile says, in one line, that there is no config and how to
// make one: every command but init, demo and emulator needs it.
func requireConfigFile(path string) error {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("no config file at %s: run `slackprov init` to create one (or pass --config FILE)", path)
	}
	return nil
}

func initRun(opts *InitOptions) error {
	if _, err := os.Stat(opts.ConfigPath); err == nil && !opts.Force {
		return fmt.Errorf("%s already exists; pass --force to replace it, or --config FILE to write another", opts.ConfigPath)
	}
	if !opts.NonInteractive {
		if !opts.IO.CanPrompt() {
			return errors.New("init asks its questions on a terminal; here, pass --non-interactive and the answers as flags (slackprov init --help lists them)")
		}
		if err := askInit(opts); err != nil {
			if errors.Is(err, huh.ErrUserAborted) {
				fmt.Fprintln(opts.IO.ErrOut, "Nothing was written.")
				return shown(aborted(err))
			}
			return err
		}
	}
	if err := opts.validate(); err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(opts.ConfigPath), 0o755); err != nil {
		return fmt.Errorf("creating the config folder: %w", err)
	}
	wroteMapping := false
	if opts.Mappings != "" {
		path := opts.Mappings
		if !filepath.IsAbs(path) {
			path = filepath.Join(filepath.Dir(opts.ConfigPath), path)
		}
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			data, err := mapping.Default().Marshal()
			if err != nil {
				return err
			}
			if err := os.WriteFile(path, data, 0o644); err != nil {
				return fmt.Errorf("writing the built-in mapping to %s: %w", path, err)
			}
			wroteMapping = true
		}
	}
	if err := os.WriteFile(opts.ConfigPath, []byte(opts.configText()), 0o644); err != nil {
		return fmt.Errorf("writing the config: %w", err)
	}
	out := opts.IO.Out
	fmt.Fprintf(out, "✓ Wrote %s\n", opts.ConfigPath)
	if wroteMapping {
		fmt.Fprintf(out, "✓ Wrote the built-in mapping to %s; edit it with `slackprov mappings edit`\n", opts.Mappings)
	}
	prefix := "slackprov"
	if opts.ConfigExplicit {
		prefix += " --config " + shellQuote(opts.ConfigPath)
	}
	fmt.Fprintln(out, "\nNext:")
	if opts.SlackClientID == "" {
		fmt.Fprintf(out, "  (set slack.client_id in %s first, or pass a token: %s authorize --token-stdin < token.txt)\n", opts.ConfigPath, prefix)
	}
	fmt.Fprintf(out, "  %s authorize          # sign in to Slack; the token goes to the OS keychain\n", prefix)
	fmt.Fprintf(out, "  %s test-connection    # check Slack and the directory\n", prefix)
	fmt.Fprintf(out, "  %s sync --dry-run     # the first plan; nothing changes\n", prefix)
	return nil
}

func (o *InitOptions) validate() error {
	switch o.Source {
	case "entra":
		var missing []string
		for flag, v := range map[string]string{"--tenant-id": o.TenantID, "--entra-client-id": o.EntraClientID, "--entra-app-id": o.EntraAppID} {
			if strings.TrimSpace(v) == "" {
				missing = append(missing, flag)
			}
		}
		if len(missing) > 0 {
			sort.Strings(missing)
			return fmt.Errorf("--source entra needs %s (docs/entra.md says where to find them)", strings.Join(missing, ", "))
		}
		if o.EntraScope != "assigned" && o.EntraScope != "all" {
			return fmt.Errorf("--entra-scope %q: use assigned or all", o.EntraScope)
		}
	case "file":
		if strings.TrimSpace(o.FilePath) == "" {
			return errors.New("--source file needs --file: a JSON or CSV file of users (docs/file-format.md)")
		}
	case "":
		return errors.New("--non-interactive needs --source: entra or file")
	default:
		return fmt.Errorf("--source %q: use entra or file", o.Source)
	}
	if err := validThreshold(o.MaxDeactivations); err != nil {
		return fmt.Errorf("--max-deactivations: %v", err)
	}
	return nil
}

func validThreshold(s string) error {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 0 {
		return fmt.Errorf("%q is not a whole number of users (0 or more)", s)
	}
	return nil
}

// configText is the config file, with a comment on every key so the file
// explains itself when someone opens it months later.
func (o *InitOptions) configText() string {
	q := strconv.Quote
	var b strings.Builder
	b.WriteString("# slackprov configuration, written by `slackprov init`.\n")
	b.WriteString("# Every key is described in the README; other profiles go under `profiles:`.\n\n")
	b.WriteString("slack:\n")
	if o.SlackClientID != "" {
		fmt.Fprintf(&b, "  client_id: %s   # your Slack app's Client ID (docs/slack-app.md)\n", q(o.SlackClientID))
	} else {
		b.WriteString("  # client_id: \"1234567890.1234567890\"   # your Slack app's Client ID, needed by `slackprov authorize` (docs/slack-app.md)\n")
	}
	if o.SCIMURL != "" {
		fmt.Fprintf(&b, "  scim_url: %s   # Slack's SCIM API\n", q(o.SCIMURL))
	}
	if o.APIURL != "" {
		fmt.Fprintf(&b, "  api_url: %s   # Slack's Web API (auth.test, OAuth)\n", q(o.APIURL))
	}
	b.WriteString("\nsource:\n")
	fmt.Fprintf(&b, "  type: %s   # where people come from: entra or file\n", o.Source)
	if o.Source == "entra" {
		b.WriteString("  entra:   # the client secret comes from AZURE_CLIENT_SECRET or `slackprov authorize --entra-secret-stdin`\n")
		fmt.Fprintf(&b, "    tenant_id: %s\n", q(o.TenantID))
		fmt.Fprintf(&b, "    client_id: %s   # the app registration that reads Graph (docs/entra.md)\n", q(o.EntraClientID))
		fmt.Fprintf(&b, "    app_id: %s   # the Slack enterprise app: its assignments say who gets an account\n", q(o.EntraAppID))
		fmt.Fprintf(&b, "    scope: %s   # assigned: users and groups assigned to that app; all: everyone\n", o.EntraScope)
		if o.GraphURL != "" {
			fmt.Fprintf(&b, "    graph_url: %s\n", q(o.GraphURL))
		}
		if o.AuthorityHost != "" {
			fmt.Fprintf(&b, "    authority_host: %s\n", q(o.AuthorityHost))
		}
	} else {
		b.WriteString("  file:\n")
		fmt.Fprintf(&b, "    path: %s   # JSON or CSV of users, relative to this file (docs/file-format.md)\n", q(o.FilePath))
	}
	b.WriteString("\n")
	if o.Mappings != "" {
		fmt.Fprintf(&b, "mappings: %s   # directory attribute → Slack attribute (docs/mappings.md)\n", q(o.Mappings))
	} else {
		b.WriteString("# mappings: mappings.yaml   # unset: the built-in Slack mapping (docs/mappings.md)\n")
	}
	b.WriteString("\nsafety:\n")
	fmt.Fprintf(&b, "  max_deactivations: %s   # a plan deactivating more users than this stops with exit code 3\n", strings.TrimSpace(o.MaxDeactivations))
	return b.String()
}

// askInit runs the interactive form; the flags given are its defaults.
func askInit(o *InitOptions) error {
	if o.Source == "" {
		o.Source = "entra"
	}
	required := func(what string) func(string) error {
		return func(s string) error {
			if strings.TrimSpace(s) == "" {
				return errors.New(what + " is required")
			}
			return nil
		}
	}
	form := huh.NewForm(
		huh.NewGroup(
			huh.NewSelect[string]().Title("Where do people come from?").
				Options(huh.NewOption("Microsoft Entra ID", "entra"), huh.NewOption("A JSON or CSV file", "file")).
				Value(&o.Source),
		),
		huh.NewGroup(
			huh.NewInput().Title("Entra tenant ID").Value(&o.TenantID).Validate(required("the tenant ID")),
			huh.NewInput().Title("Client ID of the app registration that reads Graph").
				Description("docs/entra.md lists the permissions it needs").Value(&o.EntraClientID).Validate(required("the client ID")),
			huh.NewInput().Title("Application ID of the Slack enterprise app").
				Description("its user and group assignments say who gets a Slack account").Value(&o.EntraAppID).Validate(required("the application ID")),
			huh.NewSelect[string]().Title("Who is provisioned?").
				Options(huh.NewOption("Users and groups assigned to the Slack app", "assigned"), huh.NewOption("Everyone in the tenant", "all")).
				Value(&o.EntraScope),
		).WithHideFunc(func() bool { return o.Source != "entra" }),
		huh.NewGroup(
			huh.NewInput().Title("Directory file (JSON or CSV)").Description("docs/file-format.md shows both shapes").
				Value(&o.FilePath).Validate(required("the file path")),
		).WithHideFunc(func() bool { return o.Source != "file" }),
		huh.NewGroup(
			huh.NewInput().Title("Client ID of your Slack app").
				Description("docs/slack-app.md has a manifest to create it; leave empty to pass a token instead").Value(&o.SlackClientID),
			huh.NewInput().Title("Most deactivations one run may make").
				Description("a plan over this stops with exit code 3").Value(&o.MaxDeactivations).Validate(validThreshold),
			huh.NewInput().Title("Mapping file").
				Description("empty: the built-in Slack mapping; a new file name: a copy of it to edit").Value(&o.Mappings),
		),
	).WithInput(o.IO.In).WithOutput(o.IO.Out).WithShowHelp(true)
	return form.Run()
}

// shellQuote quotes s for a POSIX shell when it needs it.
func shellQuote(s string) string {
	if s != "" && strings.Trim(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./:=@") == "" {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
