package commands

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

// ManOptions is everything `slackprov man` needs.
type ManOptions struct {
	IO *IOStreams
	// App is the command tree the page describes.
	App *cli.App
}

func newManCmd(f *Factory, runF func(*ManOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "man",
		Usage: "print the man page, generated from the command tree",
		Description: `Prints slackprov(1) in roff, ready for man.

Examples:
  slackprov man > /usr/local/share/man/man1/slackprov.1
  slackprov man | man -l -`,
		Action: func(c *cli.Context) error {
			opts := &ManOptions{IO: f.IO, App: c.App}
			if runF != nil {
				return runF(opts)
			}
			page, err := opts.App.ToManWithSection(1)
			if err != nil {
				return fmt.Errorf("generating the man page: %w", err)
			}
			_, err = fmt.Fprint(opts.IO.Out, page)
			return err
		},
	}
}
