package commands

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/schema"
	"github.com/slackprov/slackprov/scim"
)

// MappingsPreviewOptions is everything `slackprov mappings preview` needs.
type MappingsPreviewOptions struct {
	IO     *IOStreams
	Config *Config
	// User is a directory id, userPrincipalName or mail.
	User string
}

func newMappingsPreviewCmd(f *Factory, runF func(*MappingsPreviewOptions) error) *cli.Command {
	return &cli.Command{
		Name:      "preview",
		Usage:     "show how one directory user is mapped: source values, each mapping, the SCIM payload",
		ArgsUsage: "USER",
		Description: `USER is a directory id, userPrincipalName or mail. Shows whether the user is
in scope, the source attribute values, what every mapping computes from them,
the SCIM body Slack would receive for a new account, and Slack's checks.
Redact()ed values show as [Redact]. Nothing is sent to Slack.

Examples:
  slackprov mappings preview ada.lovelace@contoso.com`,
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return fmt.Errorf("give one USER (a directory id, userPrincipalName or mail)")
			}
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &MappingsPreviewOptions{IO: f.IO, Config: cfg, User: c.Args().First()}
			if runF != nil {
				return runF(opts)
			}
			return mappingsPreviewRun(c.Context, opts)
		},
	}
}

// findUser looks a user up by id, then userPrincipalName or mail (any case).
func findUser(users []directory.User, key string) *directory.User {
	for i := range users {
		if users[i].ID == key {
			return &users[i]
		}
	}
	for i := range users {
		u := &users[i]
		if strings.EqualFold(u.UserPrincipalName, key) || strings.EqualFold(u.Mail, key) {
			return u
		}
	}
	return nil
}

func mappingsPreviewRun(ctx context.Context, opts *MappingsPreviewOptions) error {
	m, from, err := loadMappingFile(opts.Config)
	if err != nil {
		return err
	}
	c, err := m.Compile()
	if err != nil {
		return err
	}
	source, err := openSource(opts.Config, sourceOptions{})
	if err != nil {
		return err
	}
	snap, err := source.Read(ctx)
	if err != nil {
		return fmt.Errorf("reading %s: %w", source.Describe(), err)
	}
	u := findUser(snap.Users, opts.User)
	if u == nil {
		return fmt.Errorf("no user with id, userPrincipalName or mail %q in %s; check the spelling (slackprov mappings validate --directory lists every user with a problem)", opts.User, source.Describe())
	}
	w := opts.IO.Out
	fmt.Fprintf(w, "Directory user %s (%s) from %s, mapped with %s\n", u.ID, u.UserPrincipalName, source.Describe(), from)

	secret := c.Redactor()
	o := previewScope(w, c, u, secret)
	previewSources(w, c, o, secret)
	create := c.EvalUser(o, true)
	previewMappings(w, c, create, c.EvalUser(o, false))
	if err := previewBody(w, c.Redactor(), create); err != nil {
		return err
	}
	return previewChecks(w, create, u.ID)
}

// previewScope explains the user's scope and returns the user as the
// mappings see them: soft-deleted when out of scope.
func previewScope(w io.Writer, c *mapping.Compiled, u *directory.User, secret mapping.Redactor) mapping.Object {
	var o mapping.Object = u
	fmt.Fprintln(w, "\nScope:")
	switch {
	case !c.HasUserScope():
		fmt.Fprintln(w, "  in scope (no scoping filters)")
	case c.UserInScope(u):
		fmt.Fprintln(w, "  in scope")
	default:
		fmt.Fprintln(w, "  OUT OF SCOPE: no filter holds, so IsSoftDeleted is True and a Slack account would be deactivated")
		o = mapping.SoftDeleted(u)
	}
	for _, line := range scopeLines(c.ExplainUserScope(u), secret) {
		fmt.Fprintf(w, "  %s\n", line)
	}
	return o
}

func previewSources(w io.Writer, c *mapping.Compiled, o mapping.Object, secret mapping.Redactor) {
	fmt.Fprintln(w, "\nSource values:")
	t := &table{header: []string{"  ATTRIBUTE", "VALUE"}}
	for _, name := range append(c.SourceAttributes(), mapping.SourceIsSoftDeleted) {
		vals, ok := o.Attr(name)
		shown := "(null)"
		switch {
		case !ok || len(vals) == 0:
		case secret.HidesSource(name):
			shown = mapping.RedactedValue
		default:
			shown = fmt.Sprintf("%q", strings.Join(vals, `", "`))
		}
		t.add("  "+name, shown)
	}
	_ = t.write(w, "text", nil)
}

func previewMappings(w io.Writer, c *mapping.Compiled, create, update mapping.Result) {
	redactor := c.Redactor()
	show := func(target string, values map[string]string) string {
		v, ok := values[target]
		switch {
		case !ok:
			return "(not sent)"
		case redactor.Redacted(target):
			return mapping.RedactedValue
		}
		return fmt.Sprintf("%q", v)
	}
	fmt.Fprintln(w, "\nMappings (value on create / on update):")
	t := &table{header: []string{"  TARGET", "FROM", "CREATE", "UPDATE"}}
	for _, a := range c.UserAttributes() {
		from := describeFrom(shownAttribute{Type: string(a.Type), Source: a.Source, Value: a.Value, Expression: a.Expression})
		if a.Default != "" {
			from += fmt.Sprintf(" (default %q)", a.Default)
		}
		t.add("  "+a.Target, from, show(a.Target, create.Values), show(a.Target, update.Values))
	}
	_ = t.write(w, "text", nil)
}

func previewBody(w io.Writer, redactor mapping.Redactor, create mapping.Result) error {
	fmt.Fprintln(w, "\nSCIM body Slack would receive for a new account (POST /Users):")
	if strings.EqualFold(create.Values[schema.Active], "false") {
		fmt.Fprintln(w, "(active is False: no Slack account is created for this user, and an existing one is deactivated)")
	}
	if err := printJSON(w, scim.NewUser(redactor.Values(create.Values))); err != nil {
		return err
	}
	if v := create.Values[schema.Manager]; v != "" {
		fmt.Fprintln(w, "(manager is the directory id shown; the plan replaces it with the manager's Slack id)")
	}
	return nil
}

// previewChecks lists Slack's checks of the values; an error among them
// fails the command.
func previewChecks(w io.Writer, create mapping.Result, id string) error {
	fmt.Fprintln(w, "\nSlack checks:")
	if len(create.Problems) == 0 {
		fmt.Fprintln(w, "  ok: Slack would accept these values")
		return nil
	}
	hasErr := false
	for _, p := range create.Problems {
		hasErr = hasErr || p.Severity == mapping.SeverityError
		fmt.Fprintf(w, "  %s %s (%s): %s\n", p.Severity, p.Code, p.Target, p.Message)
	}
	if hasErr {
		return fmt.Errorf("Slack would refuse user %s as mapped; fix the mapping or the directory values above", id)
	}
	return nil
}

// scopeLines explains each scoping filter and its clauses with the user's
// values, hiding the values of sources that feed a Redact() mapping.
func scopeLines(results []mapping.FilterResult, secret mapping.Redactor) []string {
	var lines []string
	for _, f := range results {
		lines = append(lines, fmt.Sprintf("filter %q: %s", f.Name, holdsWord(f.Holds)))
		for _, cl := range f.Clauses {
			actual := fmt.Sprintf("%q", cl.Actual)
			switch {
			case cl.Null:
				actual = "null"
			case secret.HidesSource(cl.Attribute):
				actual = mapping.RedactedValue
			}
			lines = append(lines, fmt.Sprintf("  %s (value: %s): %s",
				describeClause(shownClause{cl.Attribute, string(cl.Operator), cl.Value}), actual, holdsWord(cl.Holds)))
		}
	}
	return lines
}

func holdsWord(b bool) string {
	if b {
		return "holds"
	}
	return "fails"
}
