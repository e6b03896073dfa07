package commands

import (
	"errors"
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"
)

// arrangeArgs makes the command line do what was typed. urfave/cli stops
// reading flags at the first argument, so `apply plan.json --yes` would
// lose --yes and `sync now --dry-run` would run a real sync. Knowing every
// command's flags, it moves each flag before the arguments of the command
// it belongs to, moves global flags (--config, --profile, …) to the front
// wherever they were typed, and refuses arguments a command does not take.
// `--` still ends the flags: everything after it is an argument.
func arrangeArgs(app *cli.App, args []string) ([]string, error) {
	if len(args) < 2 || args[len(args)-1] == "--generate-bash-completion" {
		return args, nil
	}
	var (
		globals    []string
		chain      []*cli.Command
		levelFlags = [][]string{nil} // [0] is the root's, then one per command in chain
		positional []string
		dashdash   bool
		unknown    error // the first flag no command here has
	)
	subcommands := app.Commands
	for i := 1; i < len(args); i++ {
		tok := args[i]
		if tok == "--" {
			positional = append(positional, args[i+1:]...)
			dashdash = true
			break
		}
		if len(tok) > 1 && tok[0] == '-' {
			name, _, inline := strings.Cut(strings.TrimLeft(tok, "-"), "=")
			f, global := lookupFlag(app, chain, name)
			if f == nil && unknown == nil {
				unknown = unknownFlag(app, chain, name)
			}
			taken := []string{tok}
			if f != nil && takesValue(f) && !inline && i+1 < len(args) {
				i++
				taken = append(taken, args[i])
			}
			if global {
				globals = append(globals, taken...)
			} else {
				levelFlags[len(chain)] = append(levelFlags[len(chain)], taken...)
			}
			continue
		}
		if len(positional) == 0 {
			if cmd := findCommand(subcommands, tok); cmd != nil {
				chain = append(chain, cmd)
				levelFlags = append(levelFlags, nil)
				subcommands = cmd.Subcommands
				continue
			}
			if tok == "help" || tok == "h" {
				// urfave's own help command reads the rest as topic names.
				return args, nil
			}
		}
		positional = append(positional, tok)
	}
	if err := checkArgs(chain, positional); err != nil {
		// A mistyped flag's value looks like a stray argument: name the
		// flag, the real mistake.
		if unknown != nil {
			return nil, unknown
		}
		return nil, err
	}
	out := append([]string{args[0]}, globals...)
	out = append(out, levelFlags[0]...)
	for i, cmd := range chain {
		out = append(out, cmd.Name)
		out = append(out, levelFlags[i+1]...)
	}
	if dashdash || anyFlagLike(positional) {
		out = append(out, "--")
	}
	return append(out, positional...), nil
}

// checkArgs refuses arguments the command does not take: a command whose
// usage names no arguments takes none, and a command with subcommands
// takes one of their names.
func checkArgs(chain []*cli.Command, positional []string) error {
	if len(chain) == 0 || len(positional) == 0 {
		return nil
	}
	names := make([]string, len(chain))
	for i, c := range chain {
		names[i] = c.Name
	}
	cmd, path := chain[len(chain)-1], strings.Join(names, " ")
	if len(cmd.Subcommands) > 0 {
		var subs []string
		for _, s := range cmd.Subcommands {
			if !s.Hidden {
				subs = append(subs, s.Name)
			}
		}
		msg := fmt.Sprintf("%s has no subcommand %q; use one of: %s.", path, positional[0], strings.Join(subs, ", "))
		if cli.SuggestCommand != nil {
			msg += " " + cli.SuggestCommand(cmd.Subcommands, positional[0])
		}
		return errors.New(msg)
	}
	if strings.TrimSpace(cmd.ArgsUsage) == "" {
		quoted := make([]string, len(positional))
		for i, p := range positional {
			quoted[i] = fmt.Sprintf("%q", p)
		}
		return fmt.Errorf("%s takes no arguments; got %s (see `slackprov %s --help`)", path, strings.Join(quoted, " "), path)
	}
	return nil
}

// lookupFlag finds name among the flags of the innermost command typed so
// far, then its parents', then the global ones. An unknown flag stays with
// the innermost command, whose parser then reports it.
func lookupFlag(app *cli.App, chain []*cli.Command, name string) (f cli.Flag, global bool) {
	for i := len(chain) - 1; i >= 0; i-- {
		if f := flagNamed(chain[i].Flags, name); f != nil {
			return f, false
		}
	}
	if f := flagNamed(app.Flags, name); f != nil {
		return f, true
	}
	return nil, false
}

// unknownFlag is the usage error urfave would give for name on the
// innermost command of chain, with the closest flag suggested.
func unknownFlag(app *cli.App, chain []*cli.Command, name string) error {
	path, flags := app.Name, app.Flags
	for _, c := range chain {
		path += " " + c.Name
	}
	if len(chain) > 0 {
		flags = append(append([]cli.Flag{}, chain[len(chain)-1].Flags...), app.Flags...)
	}
	return usageError(path, flags, errors.New("flag provided but not defined: -"+name))
}

func flagNamed(flags []cli.Flag, name string) cli.Flag {
	for _, f := range flags {
		for _, n := range f.Names() {
			if n == name {
				return f
			}
		}
	}
	return nil
}

func findCommand(cmds []*cli.Command, name string) *cli.Command {
	for _, c := range cmds {
		if c.HasName(name) {
			return c
		}
	}
	return nil
}

func takesValue(f cli.Flag) bool {
	v, ok := f.(interface{ TakesValue() bool })
	return ok && v.TakesValue()
}

func anyFlagLike(args []string) bool {
	for _, a := range args {
		if len(a) > 1 && a[0] == '-' {
			return true
		}
	}
	return false
}
