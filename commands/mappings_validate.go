package commands

import (
	"context"
	"fmt"
	"slices"
	"sort"
	"strconv"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/schema"
)

// MappingsValidateOptions is everything `slackprov mappings validate` needs.
type MappingsValidateOptions struct {
	IO        *IOStreams
	Config    *Config
	Directory bool
	// Show is how many users to name per problem.
	Show   int
	Output string
}

func newMappingsValidateCmd(f *Factory, runF func(*MappingsValidateOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "validate",
		Usage: "check the mappings file, and optionally every directory user against it",
		Description: `Without --directory, checks the file: syntax, targets, expressions, filters.
With --directory, also maps every user and group of the configured directory
as for a new Slack account and summarises what Slack would refuse, per problem
code, naming the first users with each. Exits 1 when there are errors.

Examples:
  slackprov mappings validate
  slackprov mappings validate --directory --show 10`,
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "directory", Aliases: []string{"d"}, Usage: "also evaluate every user and group of the configured directory"},
			&cli.IntFlag{Name: "show", Value: 5, Usage: "name the first `N` users with each problem"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text or json"},
		},
		Action: func(c *cli.Context) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &MappingsValidateOptions{IO: f.IO, Config: cfg,
				Directory: c.Bool("directory"), Show: c.Int("show"), Output: c.String("output")}
			if runF != nil {
				return runF(opts)
			}
			return mappingsValidateRun(c.Context, opts)
		},
	}
}

// problemSummary is every occurrence of one problem code.
type problemSummary struct {
	Code     string           `json:"code"`
	Severity string           `json:"severity"`
	Count    int              `json:"count"`
	Examples []problemExample `json:"examples"`
}

type problemExample struct {
	Kind    string `json:"kind"`
	ID      string `json:"id"`
	Name    string `json:"name,omitempty"`
	Target  string `json:"target,omitempty"`
	Message string `json:"message"`
}

type validateReport struct {
	File            string            `json:"file"`
	Valid           bool              `json:"valid"`
	Source          string            `json:"source,omitempty"`
	Users           int               `json:"users"`
	UsersOutOfScope int               `json:"users_out_of_scope"`
	Groups          int               `json:"groups"`
	GroupsOutScope  int               `json:"groups_out_of_scope"`
	Errors          int               `json:"errors"`
	Warnings        int               `json:"warnings"`
	Problems        []*problemSummary `json:"problems"`
}

// collector groups problems by code, keeping the first few examples.
type collector struct {
	show   int
	byCode map[string]*problemSummary
}

func (c *collector) add(severity string, ex problemExample, code string) {
	s := c.byCode[code]
	if s == nil {
		s = &problemSummary{Code: code, Severity: severity, Examples: []problemExample{}}
		c.byCode[code] = s
	}
	s.Count++
	if len(s.Examples) < c.show {
		s.Examples = append(s.Examples, ex)
	}
}

func mappingsValidateRun(ctx context.Context, opts *MappingsValidateOptions) error {
	if opts.Output != "text" && opts.Output != "json" {
		return fmt.Errorf("--output %q: use text or json", opts.Output)
	}
	m, from, err := loadMappingFile(opts.Config)
	if err != nil {
		return fmt.Errorf("%w\nfix these in the mappings file and run slackprov mappings validate again", err)
	}
	c, err := m.Compile()
	if err != nil {
		return err
	}
	if c.File() != "" {
		v, err := sourceVocabulary(ctx, opts.Config)
		if err != nil {
			fmt.Fprintf(opts.IO.ErrOut, "warning: attribute names not checked against the directory: %v\n", err)
		}
		if err := checkAttributeNames(c, v); err != nil {
			return err
		}
	}
	rep := &validateReport{File: from, Valid: true, Problems: []*problemSummary{}}
	if opts.Directory {
		if err := validateDirectory(ctx, opts, c, rep); err != nil {
			return err
		}
	}
	for _, p := range rep.Problems {
		if p.Severity == mapping.SeverityError {
			rep.Errors += p.Count
		} else {
			rep.Warnings += p.Count
		}
	}
	rep.Valid = rep.Errors == 0
	if opts.Output == "json" {
		if err := printJSON(opts.IO.Out, rep); err != nil {
			return err
		}
	} else {
		printValidateReport(opts, m, c, rep)
	}
	if !rep.Valid {
		return fmt.Errorf("Slack would refuse %d mapped values (errors above); fix the mapping (slackprov mappings preview USER shows one user's values) or the directory", rep.Errors)
	}
	return nil
}

func validateDirectory(ctx context.Context, opts *MappingsValidateOptions, c *mapping.Compiled, rep *validateReport) error {
	source, err := openSource(opts.Config, sourceOptions{})
	if err != nil {
		return err
	}
	snap, err := source.Read(ctx)
	if err != nil {
		return fmt.Errorf("reading %s: %w", source.Describe(), err)
	}
	rep.Source = source.Describe()
	col := &collector{show: opts.Show, byCode: map[string]*problemSummary{}}
	for _, e := range snap.Problems {
		col.add(mapping.SeverityError, problemExample{Kind: e.Kind, ID: e.ID, Message: e.Error()}, "invalid_source_record")
	}
	users := make([]*directory.User, len(snap.Users))
	for i := range snap.Users {
		users[i] = &snap.Users[i]
	}
	sort.Slice(users, func(i, j int) bool { return users[i].ID < users[j].ID })
	rep.Users = len(users)
	validateUsers(c, users, col, rep)
	rep.Groups = len(snap.Groups)
	validateGroups(c, snap.Groups, col, rep)
	for _, s := range col.byCode {
		rep.Problems = append(rep.Problems, s)
	}
	// Errors first, then the most frequent.
	sort.Slice(rep.Problems, func(i, j int) bool {
		a, b := rep.Problems[i], rep.Problems[j]
		if a.Severity != b.Severity {
			return a.Severity == mapping.SeverityError
		}
		if a.Count != b.Count {
			return a.Count > b.Count
		}
		return a.Code < b.Code
	})
	return nil
}

// validateUsers maps every user in scope, as sync would create them, and
// collects their problems and the user names and emails two users share.
func validateUsers(c *mapping.Compiled, users []*directory.User, col *collector, rep *validateReport) {
	redactor := c.Redactor()
	owners := map[string]map[string]string{mapping.AttrUserName: {}, mapping.AttrWorkEmail: {}}
	for _, u := range users {
		if !c.UserInScope(u) {
			rep.UsersOutOfScope++
			continue
		}
		r := c.EvalUser(u, true)
		ex := func(target, msg string) problemExample {
			return problemExample{Kind: "user", ID: u.ID, Name: u.UserPrincipalName, Target: target, Message: redactor.Text(msg, r.Values)}
		}
		for _, p := range r.Problems {
			col.add(p.Severity, ex(p.Target, p.Message), p.Code)
		}
		for target, code := range map[string]string{mapping.AttrUserName: "duplicate_username", mapping.AttrWorkEmail: "duplicate_email"} {
			// A SelectUniqueValue mapping takes its first candidate nobody
			// else in the directory has, as sync does.
			if i := slices.IndexFunc(r.Candidates[target], func(c string) bool { return owners[target][schema.Fold(c)] == "" }); i >= 0 {
				r.Choose(target, i)
			}
			key := schema.Fold(r.Values[target])
			if key == "" {
				continue
			}
			if first, dup := owners[target][key]; dup {
				col.add(mapping.SeverityError, ex(target, fmt.Sprintf("%s %q is also computed for directory user %s; Slack needs it unique", target, r.Values[target], first)), code)
				continue
			}
			owners[target][key] = u.ID
		}
	}
}

func validateGroups(c *mapping.Compiled, groups []directory.Group, col *collector, rep *validateReport) {
	if !c.GroupsEnabled() {
		return
	}
	for i := range groups {
		g := &groups[i]
		if !c.GroupInScope(g) {
			rep.GroupsOutScope++
			continue
		}
		for _, p := range c.EvalGroup(g, true).Problems {
			col.add(p.Severity, problemExample{Kind: "group", ID: g.ID, Name: g.DisplayName, Target: p.Target, Message: p.Message}, p.Code)
		}
	}
}

func printValidateReport(opts *MappingsValidateOptions, m *mapping.Mapping, c *mapping.Compiled, rep *validateReport) {
	w := opts.IO.Out
	fmt.Fprintf(w, "%s: the mapping is valid (%d user and %d group attributes, %d scoping filters).\n",
		rep.File, len(c.UserTargets()), len(c.GroupTargets()), len(m.UserScope)+len(m.GroupScope))
	if !opts.Directory {
		fmt.Fprintln(w, "Add --directory to check every directory user against it.")
		return
	}
	fmt.Fprintf(w, "%s: %d users (%d out of scope), %d groups (%d out of scope).\n",
		rep.Source, rep.Users, rep.UsersOutOfScope, rep.Groups, rep.GroupsOutScope)
	if len(rep.Problems) == 0 {
		fmt.Fprintln(w, "No problems: Slack would accept every in-scope user and group as mapped.")
		return
	}
	fmt.Fprintf(w, "\n%d errors, %d warnings:\n", rep.Errors, rep.Warnings)
	t := &table{header: []string{"CODE", "SEVERITY", "COUNT"}}
	for _, p := range rep.Problems {
		t.add(p.Code, p.Severity, strconv.Itoa(p.Count))
	}
	_ = t.write(w, "text", nil)
	for _, p := range rep.Problems {
		fmt.Fprintf(w, "\n%s (%s, %d):\n", p.Code, p.Severity, p.Count)
		for _, e := range p.Examples {
			name := e.ID
			if e.Name != "" {
				name += " (" + e.Name + ")"
			}
			fmt.Fprintf(w, "  %s %s: %s\n", e.Kind, name, e.Message)
		}
		if more := p.Count - len(p.Examples); more > 0 {
			fmt.Fprintf(w, "  … and %d more (--show N names more)\n", more)
		}
	}
}
