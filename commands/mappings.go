package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strconv"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
)

// newMappingsCmd builds `slackprov mappings`. Subcommands that live in
// other files (the interactive `edit`) are passed in as extra, so adding
// one is a change to the call in commands.go only.
func newMappingsCmd(f *Factory, extra ...*cli.Command) *cli.Command {
	subs := []*cli.Command{
		newMappingsShowCmd(f, nil),
		newMappingsValidateCmd(f, nil),
		newMappingsPreviewCmd(f, nil),
		newMappingsEvalCmd(f, nil),
		newMappingsImportEntraCmd(f, nil),
		newMappingsResetCmd(f, nil),
	}
	return &cli.Command{
		Name:  "mappings",
		Usage: "show, edit, check, try out, import and reset the attribute mappings",
		Description: `The mappings say which directory attribute, constant or Entra-style expression
feeds each Slack attribute, and which directory users and groups are in scope.
Without a mappings file in the config, the built-in Slack defaults apply.
See docs/mappings.md.`,
		Subcommands: append(subs, extra...),
	}
}

// loadMappingFile reads the configured mapping file, or the defaults, and
// names where it came from.
func loadMappingFile(cfg *Config) (*mapping.Mapping, string, error) {
	if cfg.Mappings == "" {
		return mapping.Default(), "built-in Slack defaults", nil
	}
	m, err := mapping.Load(cfg.Mappings)
	if err != nil {
		return nil, "", err
	}
	return m, cfg.Mappings, nil
}

// checkAttributeNames refuses a mappings file that reads attributes the
// directory does not have: a misspelt name would otherwise be null for
// everyone and its target would silently stop flowing. The built-in
// defaults are not checked: they read Graph's names, and a file source may
// leave any of those columns out.
func checkAttributeNames(c *mapping.Compiled, v *directory.Vocabulary) error {
	if v == nil || c.File() == "" {
		return nil
	}
	err := c.CheckSources(mapping.Known{Users: v.Users, Groups: v.Groups, UserPrefixes: v.UserPrefixes})
	if err != nil {
		return fmt.Errorf("%w\nfix these names in the mappings file (attribute names are case-sensitive), then run slackprov mappings validate", err)
	}
	return nil
}

// sourceVocabulary is the configured directory's attribute names, or nil
// with a reason when they cannot be had.
func sourceVocabulary(ctx context.Context, cfg *Config) (*directory.Vocabulary, error) {
	so := sourceOptions{}
	if cfg.Source.Type == "entra" {
		st, err := openStore(ctx, cfg)
		if err == nil {
			defer st.Close()
			so.Store = st
		}
	}
	src, err := openSource(cfg, so)
	if err != nil {
		return nil, err
	}
	vs, ok := src.(directory.VocabularySource)
	if !ok {
		return nil, nil
	}
	return vs.Vocabulary(ctx)
}

// MappingsShowOptions is everything `slackprov mappings show` needs.
type MappingsShowOptions struct {
	IO     *IOStreams
	Config *Config
	Output string
}

func newMappingsShowCmd(f *Factory, runF func(*MappingsShowOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "show",
		Usage: "print the mappings in effect",
		Description: `Examples:
  slackprov mappings show
  slackprov mappings show --output yaml > mappings.yaml`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text, yaml or json"},
		},
		Action: func(c *cli.Context) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &MappingsShowOptions{IO: f.IO, Config: cfg, Output: c.String("output")}
			if runF != nil {
				return runF(opts)
			}
			return mappingsShowRun(opts)
		},
	}
}

// shownAttribute is one mapping as `show --output json` prints it.
type shownAttribute struct {
	Kind       string `json:"kind"`
	Target     string `json:"target"`
	Type       string `json:"type"`
	Source     string `json:"source,omitempty"`
	Value      string `json:"value,omitempty"`
	Expression string `json:"expression,omitempty"`
	Default    string `json:"default,omitempty"`
	Apply      string `json:"apply"`
	Match      int    `json:"match,omitempty"`
}

type shownClause struct {
	Attribute string `json:"attribute"`
	Operator  string `json:"operator"`
	Value     string `json:"value,omitempty"`
}

type shownFilter struct {
	Kind    string        `json:"kind"`
	Name    string        `json:"name"`
	Clauses []shownClause `json:"clauses"`
}

type shownMapping struct {
	File       string           `json:"file"`
	Attributes []shownAttribute `json:"attributes"`
	Scope      []shownFilter    `json:"scope"`
	Objects    shownObjects     `json:"objects"`
}

// shownObjects are Entra's switches: the actions on per object type, and
// whether groups are provisioned at all.
type shownObjects struct {
	UserActions   []string `json:"user_actions"`
	GroupsEnabled bool     `json:"groups_enabled"`
	GroupActions  []string `json:"group_actions"`
}

func mappingsShowRun(opts *MappingsShowOptions) error {
	switch opts.Output {
	case "text", "yaml", "json":
	default:
		return fmt.Errorf("--output %q: use text, yaml or json", opts.Output)
	}
	m, from, err := loadMappingFile(opts.Config)
	if err != nil {
		return err
	}
	// Compiling normalises types and apply modes, and proves the file works.
	c, err := m.Compile()
	if err != nil {
		return err
	}
	if opts.Output == "yaml" {
		data, err := m.Marshal()
		if err != nil {
			return err
		}
		_, err = opts.IO.Out.Write(data)
		return err
	}
	shown := showMapping(m, c, from)
	if opts.Output == "json" {
		return (&table{}).write(opts.IO.Out, "json", shown)
	}
	return writeShownMapping(opts.IO.Out, c, shown)
}

// showMapping is the mapping as `mappings show` prints it: the attributes
// as compiled (types and apply modes normalised), the filters as written.
func showMapping(m *mapping.Mapping, c *mapping.Compiled, from string) shownMapping {
	shown := shownMapping{File: from, Attributes: []shownAttribute{}, Scope: []shownFilter{}, Objects: shownObjects{
		UserActions: c.UserSwitches().Actions(), GroupsEnabled: !c.GroupSwitches().Disabled, GroupActions: c.GroupSwitches().Actions()}}
	for _, list := range []struct {
		kind  string
		attrs []mapping.Attribute
	}{{"user", c.UserAttributes()}, {"group", c.GroupAttributes()}} {
		for _, a := range list.attrs {
			shown.Attributes = append(shown.Attributes, shownAttribute{
				Kind: list.kind, Target: a.Target, Type: string(a.Type), Source: a.Source, Value: a.Value,
				Expression: a.Expression, Default: a.Default, Apply: string(a.Apply), Match: a.Match,
			})
		}
	}
	for _, list := range []struct {
		kind    string
		filters []mapping.Filter
	}{{"user", m.UserScope}, {"group", m.GroupScope}} {
		for _, f := range list.filters {
			sf := shownFilter{Kind: list.kind, Name: f.Name}
			for _, cl := range f.Clauses {
				sf.Clauses = append(sf.Clauses, shownClause{Attribute: cl.Attribute, Operator: string(cl.Operator), Value: cl.Value})
			}
			shown.Scope = append(shown.Scope, sf)
		}
	}
	return shown
}

// writeShownMapping prints the mapping as text: the attribute table, the
// switches that are off, then the scope.
func writeShownMapping(w io.Writer, c *mapping.Compiled, shown shownMapping) error {
	fmt.Fprintf(w, "Mappings from %s\n\n", shown.File)
	t := &table{header: []string{"KIND", "TARGET", "FROM", "DEFAULT", "APPLY", "MATCH"}}
	for _, a := range shown.Attributes {
		match := ""
		if a.Match > 0 {
			match = strconv.Itoa(a.Match)
		}
		t.add(a.Kind, a.Target, describeFrom(a), a.Default, a.Apply, match)
	}
	if err := t.write(w, "text", nil); err != nil {
		return err
	}
	writeSwitches(w, c)
	if len(shown.Scope) == 0 {
		fmt.Fprintln(w, "\nScope: every assigned user and group (no scoping filters).")
		return nil
	}
	fmt.Fprintln(w, "\nScope: in scope when any filter of its kind holds; every clause of a filter must hold.")
	for _, f := range shown.Scope {
		fmt.Fprintf(w, "  %s filter %q:\n", f.Kind, f.Name)
		for _, cl := range f.Clauses {
			fmt.Fprintf(w, "    %s\n", describeClause(cl))
		}
	}
	return nil
}

// writeSwitches says which of Entra's object switches are off.
func writeSwitches(w io.Writer, c *mapping.Compiled) {
	switch {
	case c.GroupSwitches().Disabled:
		fmt.Fprintln(w, "\nGroup provisioning is disabled (objects.groups.enabled: false): Slack's groups are left alone.")
	case !c.GroupsEnabled():
		fmt.Fprintln(w, "\nNo group mappings: Slack's groups are left alone.")
	}
	for _, o := range []struct {
		kind string
		s    mapping.Switches
	}{{"users", c.UserSwitches()}, {"groups", c.GroupSwitches()}} {
		acts := o.s.Actions()
		if len(acts) == 3 {
			continue
		}
		on := strings.Join(acts, ", ")
		if on == "" {
			on = "none"
		}
		fmt.Fprintf(w, "Target object actions for %s: %s only (the rest are switched off).\n", o.kind, on)
	}
}

func describeFrom(a shownAttribute) string {
	switch mapping.Type(a.Type) {
	case mapping.TypeDirect:
		return a.Source
	case mapping.TypeConstant:
		return strconv.Quote(a.Value) + " (constant)"
	case mapping.TypeExpression:
		return a.Expression
	}
	return "(none: default only)"
}

func describeClause(c shownClause) string {
	if c.Value == "" {
		return c.Attribute + " " + c.Operator
	}
	return fmt.Sprintf(`%s %s "%s"`, c.Attribute, c.Operator, c.Value)
}

// MappingsResetOptions is everything `slackprov mappings reset` needs.
type MappingsResetOptions struct {
	IO     *IOStreams
	Config *Config
	Yes    bool
}

func newMappingsResetCmd(f *Factory, runF func(*MappingsResetOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "reset",
		Usage: "overwrite the configured mappings file with the built-in Slack defaults",
		Description: `Like Entra's "Restore default mappings": the next sync re-evaluates every user
against the defaults. Scoping filters are removed too.

Examples:
  slackprov mappings reset
  slackprov mappings reset --yes`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "yes", Aliases: []string{"y"}, Usage: "reset without asking"},
		},
		Action: func(c *cli.Context) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &MappingsResetOptions{IO: f.IO, Config: cfg, Yes: c.Bool("yes")}
			if runF != nil {
				return runF(opts)
			}
			return mappingsResetRun(opts)
		},
	}
}

func mappingsResetRun(opts *MappingsResetOptions) error {
	path := opts.Config.Mappings
	if path == "" {
		fmt.Fprintf(opts.IO.Out, "No mappings file is set in %s: slackprov already uses the built-in Slack defaults.\n", configName(opts.Config))
		return nil
	}
	if !opts.Yes {
		if !opts.IO.CanPrompt() {
			return fmt.Errorf("mappings reset would overwrite %s and cannot ask for confirmation here; pass --yes", path)
		}
		ok, err := confirm(opts.IO, fmt.Sprintf("Overwrite %s with the built-in Slack defaults?", path))
		if err != nil || !ok {
			fmt.Fprintln(opts.IO.ErrOut, "Nothing was changed.")
			return err
		}
	}
	data, err := mapping.Default().Marshal()
	if err != nil {
		return err
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		return fmt.Errorf("writing the default mappings: %w", err)
	}
	fmt.Fprintf(opts.IO.Out, "Wrote the built-in Slack defaults to %s. The next sync re-evaluates every user; run `slackprov sync --dry-run` to see what changes.\n", path)
	return nil
}

// writeNewFile writes data to path, refusing to replace a file unless force.
func writeNewFile(path string, data []byte, force bool) error {
	flags := os.O_WRONLY | os.O_CREATE | os.O_TRUNC
	if !force {
		flags |= os.O_EXCL
	}
	fh, err := os.OpenFile(path, flags, 0o644)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists; pass --force to overwrite it, or --out to write elsewhere", path)
	}
	if err != nil {
		return err
	}
	if _, err := fh.Write(data); err != nil {
		fh.Close()
		return err
	}
	return fh.Close()
}

// printJSON writes v as indented JSON.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
