// Package commands holds slackprov's command-line interface: one file per
// command, each with an options struct and a run function that takes its
// dependencies, so every command can be tested without a terminal.
package commands

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/pkg/browser"
	"github.com/urfave/cli/v2"
)

// Factory carries what commands need from the outside world. Tests build
// their own with buffers, fake clocks and emulator-backed HTTP clients.
type Factory struct {
	IO          *IOStreams
	HTTPClient  *http.Client
	Now         func() time.Time
	Getenv      func(string) string
	OpenBrowser func(url string) error

	// Filled from the global flags before a command runs.
	ConfigPath     string
	ConfigExplicit bool
	Profile        string
	Verbose        bool
}

// NewFactory returns a Factory wired to the real process environment.
func NewFactory() *Factory {
	return &Factory{
		IO:          System(),
		HTTPClient:  &http.Client{Timeout: 60 * time.Second},
		Now:         time.Now,
		Getenv:      os.Getenv,
		OpenBrowser: browser.OpenURL,
	}
}

// Config loads the selected profile of the selected config file.
func (f *Factory) Config() (*Config, error) {
	if err := requireConfigFile(f.ConfigPath); err != nil {
		return nil, err
	}
	return LoadConfig(f.ConfigPath, f.Profile, f.ConfigExplicit)
}

// NewApp builds the command tree.
func NewApp(f *Factory) *cli.App { return newApp(f, commandList(f)) }

// newApp builds the app around cmds; tests pass a tree in which one command
// hands its options to a capturing runF instead of running.
func newApp(f *Factory, cmds []*cli.Command) *cli.App {
	app := &cli.App{
		Name:                 "slackprov",
		Usage:                "provision Slack from your company directory, with a plan you read first",
		Writer:               f.IO.Out,
		ErrWriter:            f.IO.ErrOut,
		Reader:               f.IO.In,
		EnableBashCompletion: true,
		Version:              Build().Version,
		Suggest:              true,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "config", EnvVars: []string{"SLACKPROV_CONFIG"}, Usage: "config `FILE` (default: " + DefaultConfigPath() + ")"},
			&cli.StringFlag{Name: "profile", EnvVars: []string{"SLACKPROV_PROFILE"}, Value: "default", Usage: "config profile `NAME`; also names the keychain entry"},
			&cli.BoolFlag{Name: "no-color", Usage: "never colour output (NO_COLOR is honoured too)"},
			&cli.BoolFlag{Name: "verbose", Usage: "say more about what happens"},
		},
		Before: func(c *cli.Context) error {
			f.ConfigPath = c.String("config")
			f.ConfigExplicit = f.ConfigPath != ""
			if !f.ConfigExplicit {
				f.ConfigPath = DefaultConfigPath()
			}
			f.Profile = c.String("profile")
			f.Verbose = c.Bool("verbose")
			if c.Bool("no-color") {
				f.IO.NoColor = true
			}
			return nil
		},
		// Errors are printed and mapped to exit codes by Run, never by urfave's os.Exit.
		ExitErrHandler: func(*cli.Context, error) {},
		Commands:       cmds,
	}
	guardFlagRanges(app.Commands, "")
	addUsageHints(app)
	return app
}

// Run executes args (without the program name handling: args[0] is the program)
// and returns the exit code, printing the error if any.
func Run(ctx context.Context, f *Factory, args []string) int {
	return runApp(ctx, f, NewApp(f), args)
}

// runApp runs app on args as they were meant (arrangeArgs) and maps the
// outcome to an exit code.
func runApp(ctx context.Context, f *Factory, app *cli.App, args []string) int {
	args, err := arrangeArgs(app, args)
	if err == nil {
		err = app.RunContext(ctx, args)
	}
	code := exitCodeOf(err)
	if err != nil && ctx.Err() != nil && code == ExitError {
		code = ExitInterrupted
	}
	if printable(err) {
		fmt.Fprintln(f.IO.ErrOut, "error:", err)
	}
	return code
}

// Main is the whole program: it returns the exit code for main to pass to os.Exit.
func Main() int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return Run(ctx, NewFactory(), os.Args)
}
