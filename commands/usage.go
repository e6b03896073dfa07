package commands

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// VersionPrinter makes --version print what `slackprov version` prints.
func init() {
	cli.VersionPrinter = func(c *cli.Context) { fmt.Fprintln(c.App.Writer, Build()) }
}

// addUsageHints makes a mistyped flag one line naming the closest flag,
// instead of the whole help text, on every command of app.
func addUsageHints(app *cli.App) {
	var walk func(path string, cmds []*cli.Command)
	walk = func(path string, cmds []*cli.Command) {
		for _, c := range cmds {
			c := c
			name := path + " " + c.Name
			if c.OnUsageError == nil {
				c.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
					return usageError(name, append(append([]cli.Flag{}, c.Flags...), app.Flags...), err)
				}
			}
			walk(name, c.Subcommands)
		}
	}
	walk(app.Name, app.Commands)
	if app.OnUsageError == nil {
		app.OnUsageError = func(_ *cli.Context, err error, _ bool) error {
			return usageError(app.Name, app.Flags, err)
		}
	}
}

func usageError(command string, flags []cli.Flag, err error) error {
	msg := err.Error()
	if bad, ok := strings.CutPrefix(msg, "flag provided but not defined: "); ok {
		bad = strings.TrimLeft(bad, "-")
		msg = fmt.Sprintf("unknown flag --%s for `%s`", bad, command)
		if cli.SuggestFlag != nil {
			if s := cli.SuggestFlag(flags, bad, false); s != "" {
				msg += "; did you mean " + s + "?"
			}
		}
	}
	return fmt.Errorf("%s (see `%s --help`)", msg, command)
}
