package commands

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/tui"
)

// MappingsEditOptions is everything `slackprov mappings edit` needs.
type MappingsEditOptions struct {
	IO     *IOStreams
	Config *Config
	// File overrides the config's mappings file.
	File string
}

func newMappingsEditCmd(f *Factory, runF func(*MappingsEditOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "edit",
		Usage: "edit the attribute mappings in the terminal, with a live preview on real directory users",
		Description: `Opens the mappings file in an interactive editor: a table of the user and group
mappings and the scoping filters, an edit form with completion and live expression
errors, and a preview of what a directory user would be sent. ctrl+s saves (only a
mapping that loads and compiles is ever written; comments and order are kept), ? lists
every key. A file that does not exist yet starts from the built-in Slack defaults.

Examples:
  slackprov mappings edit
  slackprov mappings edit --file slack-mappings.yaml`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "file", Usage: "edit mapping `FILE` instead of the config's mappings file"},
		},
		Action: func(c *cli.Context) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &MappingsEditOptions{IO: f.IO, Config: cfg, File: c.String("file")}
			if runF != nil {
				return runF(opts)
			}
			return mappingsEditRun(c.Context, opts)
		},
	}
}

func mappingsEditRun(ctx context.Context, opts *MappingsEditOptions) error {
	path := opts.File
	if path == "" {
		path = opts.Config.Mappings
	}
	if !opts.IO.StdinTTY || !opts.IO.StdoutTTY {
		where := "the mappings YAML file"
		if path != "" {
			where = path
		}
		return fmt.Errorf("mappings edit needs a terminal (stdin and stdout); use `slackprov mappings show` to print the mappings, or edit %s and check it with `slackprov mappings validate`", where)
	}
	if path == "" {
		return fmt.Errorf("no mappings file is configured; set mappings: FILE in %s, or pass --file FILE (a new file starts from the built-in Slack defaults)", configName(opts.Config))
	}
	edit := tui.EditorOptions{
		Path:    path,
		Payload: func(values map[string]string) any { return scim.NewUser(values) },
	}
	var vocab *directory.Vocabulary
	edit.Samples, edit.SourceAttributes, edit.SamplesNote, vocab = previewSamples(ctx, opts.Config)
	if vocab != nil {
		edit.Known = &mapping.Known{Users: vocab.Users, Groups: vocab.Groups, UserPrefixes: vocab.UserPrefixes}
		edit.SourceAttributes = mergeSorted(edit.SourceAttributes, vocab.Users)
	}
	changed, err := tui.RunEditor(opts.IO.In, opts.IO.Out, opts.IO.NoColor, edit)
	if err != nil {
		return err
	}
	if changed {
		fmt.Fprintf(opts.IO.ErrOut, "Saved %s. `slackprov sync --dry-run` shows what it changes in Slack.\n", path)
	}
	return nil
}

// previewSamples reads the configured directory, once, for the editor's
// preview, impact summary, source-attribute completion and names check. A
// directory that cannot be read does not stop the editor; the note says why
// the preview has no users.
func previewSamples(ctx context.Context, cfg *Config) ([]tui.Sample, []string, string, *directory.Vocabulary) {
	attrs := directory.UserAttributeNames()
	source, err := openSource(cfg, sourceOptions{})
	if err != nil {
		return nil, attrs, "no directory to preview with: " + err.Error(), nil
	}
	snap, err := source.Read(ctx)
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return nil, attrs, "reading the directory was interrupted", nil
		}
		return nil, attrs, fmt.Sprintf("%s could not be read: %v", source.Describe(), err), nil
	}
	extra := map[string]bool{}
	samples := make([]tui.Sample, len(snap.Users))
	for i := range snap.Users {
		u := &snap.Users[i]
		email := u.Mail
		if email == "" {
			email = u.UserPrincipalName
		}
		samples[i] = tui.Sample{Name: u.DisplayName, Email: email, Object: u}
		for k := range u.Extra {
			extra[k] = true
		}
	}
	names := make([]string, 0, len(extra))
	for k := range extra {
		names = append(names, k)
	}
	sort.Strings(names)
	note := ""
	if len(samples) == 0 {
		note = source.Describe() + " has no users"
	}
	return samples, append(attrs, names...), note, snap.Vocabulary
}

// mergeSorted adds the names of more that are not in names yet, sorted
// after them.
func mergeSorted(names, more []string) []string {
	seen := make(map[string]bool, len(names))
	for _, n := range names {
		seen[n] = true
	}
	var extra []string
	for _, n := range more {
		if !seen[n] {
			seen[n] = true
			extra = append(extra, n)
		}
	}
	sort.Strings(extra)
	return append(names, extra...)
}
