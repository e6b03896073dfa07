package commands

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/mapping"
)

// MappingsEvalOptions is everything `slackprov mappings eval` needs.
type MappingsEvalOptions struct {
	IO    *IOStreams
	Expr  string
	Attrs []string // name=value, as given
	// Taken are values the target already holds, for SelectUniqueValue.
	Taken  []string
	Output string
}

// attrFlag collects repeated --attr values without splitting on commas, so
// a value such as "Smith, Jr." stays whole.
type attrFlag struct{ values []string }

func (a *attrFlag) Set(s string) error {
	if !strings.Contains(s, "=") {
		return fmt.Errorf("--attr %q: write name=value (name= for an empty string)", s)
	}
	a.values = append(a.values, s)
	return nil
}

func (a *attrFlag) String() string { return strings.Join(a.values, " ") }

// takenFlag collects repeated --taken values whole, commas included.
type takenFlag struct{ values []string }

func (t *takenFlag) Set(s string) error {
	t.values = append(t.values, s)
	return nil
}

func (t *takenFlag) String() string { return strings.Join(t.values, " ") }

func newMappingsEvalCmd(f *Factory, runF func(*MappingsEvalOptions) error) *cli.Command {
	return &cli.Command{
		Name:      "eval",
		Usage:     "evaluate an expression against attribute values you give",
		ArgsUsage: " ",
		Description: `A scriptable expression tester. An attribute you don't give is null;
--attr name= is the empty string; repeating --attr for one name makes it
multi-valued. Text output is the value alone (one line per value of a list,
nothing for null); JSON output is {"value": string | list | null, "flow": bool},
where flow is false when the mapping would send nothing (a null value, or
IgnoreFlowIfNullOrEmpty). Redact()ed values print as [Redact].
--taken VALUE (repeatable) names values the target already holds, so a
SelectUniqueValue expression gives the first candidate not taken, as a sync
would; when every candidate is taken it is an error.

Examples:
  slackprov mappings eval --expr 'Join(" ", [givenName], [surname])' --attr givenName=Ada --attr surname=Lovelace
  slackprov mappings eval --expr 'IgnoreFlowIfNullOrEmpty([title])' --attr title= --output json
  slackprov mappings eval --expr 'Item([proxyAddresses], 2)' --attr proxyAddresses=SMTP:a@x.com --attr proxyAddresses=smtp:b@x.com
  slackprov mappings eval --expr 'SelectUniqueValue([mailNickname], Append([mailNickname], "2"))' --attr mailNickname=ada --taken ada`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "expr", Aliases: []string{"e"}, Required: true, Usage: "the `EXPRESSION` to evaluate"},
			&cli.GenericFlag{Name: "attr", Value: &attrFlag{}, Usage: "an attribute value, `name=value`; repeat for more"},
			&cli.GenericFlag{Name: "taken", Value: &takenFlag{}, Usage: "a `VALUE` the target already holds (for SelectUniqueValue); repeat for more"},
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text or json"},
		},
		Action: func(c *cli.Context) error {
			opts := &MappingsEvalOptions{
				IO: f.IO, Expr: c.String("expr"), Output: c.String("output"),
				Attrs: c.Generic("attr").(*attrFlag).values, Taken: c.Generic("taken").(*takenFlag).values,
			}
			if runF != nil {
				return runF(opts)
			}
			return mappingsEvalRun(opts)
		},
	}
}

// givenAttrs is an object built from --attr flags: absent names are null.
type givenAttrs map[string][]string

func (g givenAttrs) Attr(name string) ([]string, bool) {
	v, ok := g[name]
	return v, ok
}

func parseAttrs(flags []string) givenAttrs {
	g := givenAttrs{}
	for _, kv := range flags {
		name, value, _ := strings.Cut(kv, "=")
		g[name] = append(g[name], value)
	}
	return g
}

func mappingsEvalRun(opts *MappingsEvalOptions) error {
	if opts.Output != "text" && opts.Output != "json" {
		return fmt.Errorf("--output %q: use text or json", opts.Output)
	}
	r, err := mapping.EvalExpression(opts.Expr, parseAttrs(opts.Attrs), opts.Taken...)
	if err != nil {
		return fmt.Errorf("expression %s: %w", opts.Expr, err)
	}
	values := r.Shown()
	if opts.Output == "json" {
		var v any
		switch {
		case values == nil:
		case r.List:
			v = values
		default:
			v = values[0]
		}
		return printJSON(opts.IO.Out, struct {
			Value any  `json:"value"`
			Flow  bool `json:"flow"`
		}{v, r.Flow})
	}
	for _, v := range values {
		fmt.Fprintln(opts.IO.Out, v)
	}
	return nil
}
