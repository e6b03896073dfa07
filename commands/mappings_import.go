package commands

import (
	"fmt"
	"os"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/mapping"
)

// MappingsImportOptions is everything `slackprov mappings import-entra` needs.
type MappingsImportOptions struct {
	IO     *IOStreams
	Config *Config
	File   string
	Out    string
	Force  bool
}

func newMappingsImportEntraCmd(f *Factory, runF func(*MappingsImportOptions) error) *cli.Command {
	return &cli.Command{
		Name:      "import-entra",
		Usage:     "convert an Entra synchronization schema export into a mappings file",
		ArgsUsage: "FILE",
		Description: `FILE is the JSON Entra gives under Provisioning → Mappings → Show advanced
options → Review your schema → Download (or GET …/synchronization/jobs/{jobId}/schema).
Writes slackprov's YAML to --out (default: the configured mappings path, else
./mappings.yaml) and lists every part that could not be carried over.

Examples:
  slackprov mappings import-entra slack-schema.json
  slackprov mappings import-entra --out mappings.yaml --force slack-schema.json`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "out", Usage: "write the mappings to `PATH`"},
			&cli.BoolFlag{Name: "force", Usage: "overwrite an existing file"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return fmt.Errorf("give one schema export FILE, e.g. slackprov mappings import-entra slack-schema.json")
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &MappingsImportOptions{IO: f.IO, Config: cfg, File: c.Args().First(), Out: c.String("out"), Force: c.Bool("force")}
			if runF != nil {
				return runF(opts)
			}
			return mappingsImportRun(opts)
		},
	}
}

func mappingsImportRun(opts *MappingsImportOptions) error {
	data, err := os.ReadFile(opts.File)
	if err != nil {
		return fmt.Errorf("reading the schema export: %w", err)
	}
	m, lost, err := mapping.ImportEntraSchema(data)
	if err != nil {
		return fmt.Errorf("%s: %w", opts.File, err)
	}
	out := opts.Out
	if out == "" {
		out = opts.Config.Mappings
	}
	if out == "" {
		out = "mappings.yaml"
	}
	yaml, err := m.Marshal()
	if err != nil {
		return err
	}
	header := fmt.Sprintf("# Imported from the Entra schema export %s by slackprov mappings import-entra.\n", opts.File)
	if err := writeNewFile(out, append([]byte(header), yaml...), opts.Force); err != nil {
		return err
	}
	fmt.Fprintf(opts.IO.Out, "Wrote %s: %d user and %d group attributes, %d user and %d group scoping filters.\n",
		out, len(m.Users), len(m.Groups), len(m.UserScope), len(m.GroupScope))
	if len(lost) == 0 {
		fmt.Fprintln(opts.IO.Out, "Everything was carried over.")
	} else {
		fmt.Fprintf(opts.IO.Out, "\nCould not carry over (%d):\n", len(lost))
		for _, l := range lost {
			fmt.Fprintf(opts.IO.Out, "  - %s\n", l)
		}
	}
	if opts.Config.Mappings != out {
		fmt.Fprintf(opts.IO.Out, "\nTo use it, set mappings: %s in %s.\n", out, configName(opts.Config))
	}
	fmt.Fprintln(opts.IO.Out, "Next: slackprov mappings show, then slackprov sync --dry-run.")
	return nil
}
