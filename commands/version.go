package commands

import (
	"fmt"
	"runtime/debug"

	"github.com/urfave/cli/v2"
)

// Set at release time with -ldflags "-X github.com/slackprov/slackprov/commands.version=…"
// (see .goreleaser.yaml); a plain `go build` falls back to what Go recorded.
var (
	version = ""
	commit  = ""
	date    = ""
)

// BuildInfo is the version, commit and build date of this binary.
type BuildInfo struct {
	Version string `json:"version"`
	Commit  string `json:"commit"`
	Date    string `json:"date"`
}

// Build returns the injected build information, filled from the Go build
// record when the release tooling did not inject it.
func Build() BuildInfo {
	b := BuildInfo{Version: version, Commit: commit, Date: date}
	if info, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = info.Main.Version
		}
		for _, s := range info.Settings {
			switch {
			case s.Key == "vcs.revision" && b.Commit == "":
				b.Commit = s.Value
			case s.Key == "vcs.time" && b.Date == "":
				b.Date = s.Value
			}
		}
	}
	if b.Version == "" {
		b.Version = "dev"
	}
	if b.Commit == "" {
		b.Commit = "unknown"
	}
	if b.Date == "" {
		b.Date = "unknown"
	}
	return b
}

func (b BuildInfo) String() string {
	return fmt.Sprintf("slackprov %s (commit %s, built %s)", b.Version, b.Commit, b.Date)
}

// VersionOptions is everything `slackprov version` needs.
type VersionOptions struct {
	IO     *IOStreams
	Output string
}

func newVersionCmd(f *Factory, runF func(*VersionOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "version",
		Usage: "print the version, commit and build date",
		Description: `The same as slackprov --version. With --output json, one object with
version, commit and date.

Examples:
  slackprov version
  slackprov version --output json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text or json"},
		},
		Action: func(c *cli.Context) error {
			opts := &VersionOptions{IO: f.IO, Output: c.String("output")}
			if opts.Output != "text" && opts.Output != "json" {
				return fmt.Errorf("--output %q: use text or json", opts.Output)
			}
			if runF != nil {
				return runF(opts)
			}
			if opts.Output == "json" {
				return printJSON(opts.IO.Out, Build())
			}
			_, err := fmt.Fprintln(opts.IO.Out, Build())
			return err
		},
	}
}
