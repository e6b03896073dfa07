package commands

import (
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/urfave/cli/v2"
	"go.yaml.in/yaml/v3"
)

// completeFiles is the line __complete prints when the shell should offer
// file names for the word being completed.
const completeFiles = ":file"

// The scripts hand the words typed so far to `slackprov __complete`, so what
// is offered always matches this binary's command tree and the user's config.
var completionScripts = map[string]string{
	"bash": `# bash completion for slackprov; load with: source <(slackprov completion bash)
_slackprov() {
  local cur="${COMP_WORDS[COMP_CWORD]}" line
  local -a words=() files=()
  local IFS=$'\n'
  for line in $(slackprov __complete -- "${COMP_WORDS[@]:1:COMP_CWORD}" 2>/dev/null); do
    if [[ "$line" == ":file" ]]; then
      files=($(compgen -f -- "$cur"))
      compopt -o filenames 2>/dev/null
    else
      words+=("$line")
    fi
  done
  COMPREPLY=($(compgen -W "${words[*]}" -- "$cur") "${files[@]}")
}
complete -F _slackprov slackprov
`,
	"zsh": `#compdef slackprov
# zsh completion for slackprov; load with: source <(slackprov completion zsh)
# (after compinit), or save as _slackprov in a directory on $fpath.
_slackprov() {
  local -a out
  out=("${(@f)$(slackprov __complete -- "${(@)words[2,CURRENT]}" 2>/dev/null)}")
  if (( ${out[(I):file]} )); then
    out=("${(@)out:#:file}")
    _files
  fi
  compadd -- "${(@)out:#}"
}
if [ "$funcstack[1]" = "_slackprov" ]; then
  _slackprov "$@"
else
  compdef _slackprov slackprov
fi
`,
	"fish": `# fish completion for slackprov; load with: slackprov completion fish | source
function __slackprov_complete
    set -l tokens (commandline -opc)
    set -e tokens[1]
    set -l current (commandline -ct)
    for line in (slackprov __complete -- $tokens $current 2>/dev/null)
        if test "$line" = ":file"
            __fish_complete_path $current
        else
            echo $line
        end
    end
end
complete -c slackprov -f -a '(__slackprov_complete)'
`,
}

// CompletionOptions is everything `slackprov completion` needs.
type CompletionOptions struct {
	IO    *IOStreams
	Shell string
}

func newCompletionCmd(f *Factory, runF func(*CompletionOptions) error) *cli.Command {
	return &cli.Command{
		Name:      "completion",
		Usage:     "print the shell completion script for bash, zsh or fish",
		ArgsUsage: "bash|zsh|fish",
		Description: `Completes commands, flags, profile names from the config file and file
arguments.

Examples:
  slackprov completion bash > /etc/bash_completion.d/slackprov
  slackprov completion zsh > "${fpath[1]}/_slackprov"
  slackprov completion fish > ~/.config/fish/completions/slackprov.fish`,
		Action: func(c *cli.Context) error {
			opts := &CompletionOptions{IO: f.IO, Shell: c.Args().First()}
			if _, ok := completionScripts[opts.Shell]; c.NArg() != 1 || !ok {
				return errors.New("completion takes one argument, the shell: bash, zsh or fish")
			}
			if runF != nil {
				return runF(opts)
			}
			_, err := fmt.Fprint(opts.IO.Out, completionScripts[opts.Shell])
			return err
		},
	}
}

// CompleteOptions is everything the hidden `slackprov __complete` needs.
type CompleteOptions struct {
	IO *IOStreams
	// App is the command tree to complete against.
	App *cli.App
	// Words are the words typed so far, the last one being completed.
	Words []string
}

// newCompleteCmd is the hidden command the completion scripts call with the
// words typed so far, the last one being completed; it prints one candidate
// a line, or completeFiles.
func newCompleteCmd(f *Factory, runF func(*CompleteOptions) error) *cli.Command {
	return &cli.Command{
		Name:      "__complete",
		ArgsUsage: "-- WORD...",
		Hidden:    true,
		Action: func(c *cli.Context) error {
			opts := &CompleteOptions{IO: f.IO, App: c.App, Words: c.Args().Slice()}
			if runF != nil {
				return runF(opts)
			}
			for _, s := range complete(opts.App, opts.Words) {
				fmt.Fprintln(opts.IO.Out, s)
			}
			return nil
		},
	}
}

// complete returns the candidates for the last of words (the one being
// typed) after walking the command tree along the ones before it.
func complete(app *cli.App, words []string) []string {
	if len(words) == 0 {
		words = []string{""}
	}
	current, before := words[len(words)-1], words[:len(words)-1]
	flags := app.Flags
	subs := app.Commands
	var cmd *cli.Command
	configPath := ""
	for i := 0; i < len(before); i++ {
		w := before[i]
		if strings.HasPrefix(w, "-") {
			name, _, hasValue := strings.Cut(strings.TrimLeft(w, "-"), "=")
			if fl := findFlag(flags, name); fl != nil && takesValue(fl) && !hasValue && i+1 < len(before) {
				i++
				if name == "config" {
					configPath = before[i]
				}
			}
			continue
		}
		if sub := findCommand(subs, w); sub != nil {
			cmd = sub
			flags = append(append([]cli.Flag{}, app.Flags...), sub.Flags...)
			subs = sub.Subcommands
		}
	}
	if len(before) > 0 {
		prev := before[len(before)-1]
		if strings.HasPrefix(prev, "-") && !strings.Contains(prev, "=") {
			if fl := findFlag(flags, strings.TrimLeft(prev, "-")); fl != nil && takesValue(fl) {
				return flagValues(fl, configPath)
			}
		}
	}
	var out []string
	if strings.HasPrefix(current, "-") {
		for _, fl := range flags {
			if v, ok := fl.(cli.VisibleFlag); ok && !v.IsVisible() {
				continue
			}
			for _, n := range fl.Names() {
				if len(n) > 1 {
					out = append(out, "--"+n)
				}
			}
		}
		if findFlag(flags, "help") == nil {
			out = append(out, "--help")
		}
		sort.Strings(out)
		return out
	}
	for _, s := range subs {
		if !s.Hidden {
			out = append(out, s.Name)
		}
	}
	if cmd != nil && strings.Contains(cmd.ArgsUsage, "FILE") {
		out = append(out, completeFiles)
	}
	if cmd != nil && cmd.Name == "completion" {
		out = append(out, "bash", "fish", "zsh")
	}
	return out
}

func findFlag(flags []cli.Flag, name string) cli.Flag {
	for _, fl := range flags {
		for _, n := range fl.Names() {
			if n == name {
				return fl
			}
		}
	}
	return nil
}

// flagValues completes a flag's value: profile names, files for flags whose
// placeholder is FILE, the choices the usage names for --output.
func flagValues(fl cli.Flag, configPath string) []string {
	name := fl.Names()[0]
	switch name {
	case "profile":
		return profileNames(configPath)
	case "output":
		return []string{"csv", "json", "text"}
	}
	if d, ok := fl.(cli.DocGenerationFlag); ok {
		if _, rest, ok := strings.Cut(d.GetUsage(), "`"); ok && (strings.HasPrefix(rest, "FILE`") || strings.HasPrefix(rest, "DIR`")) {
			return []string{completeFiles}
		}
	}
	return nil
}

// profileNames lists "default" and the profiles of the config file; a
// missing or broken file just offers fewer names.
func profileNames(configPath string) []string {
	if configPath == "" {
		configPath = os.Getenv("SLACKPROV_CONFIG")
	}
	if configPath == "" {
		configPath = DefaultConfigPath()
	}
	names := []string{"default"}
	data, err := os.ReadFile(configPath)
	if err != nil {
		return names
	}
	var file struct {
		Profiles map[string]yaml.Node `yaml:"profiles"`
	}
	if yaml.Unmarshal(data, &file) != nil {
		return names
	}
	for p := range file.Profiles {
		if p != "default" {
			names = append(names, p)
		}
	}
	sort.Strings(names[1:])
	return names
}
