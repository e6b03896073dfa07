package commands

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func newManCmd(f *Factory) *cli.Command {
	return &cli.Command{
		Name:  "man",
		Usage: "print the man page, generated from the command tree",
		Description: `Prints slackprov(1) in roff, ready for man.

Examples:
  slackprov man > /usr/local/share/man/man1/slackprov.1
  slackprov man | man -l -`,
		Action: func(c *cli.Context) error {
			page, err := c.App.ToManWithSection(1)
			if err != nil {
				return fmt.Errorf("generating the man page: %w", err)
			}
			_, err = fmt.Fprint(f.IO.Out, page)
			return err
		},
	}
}
