package commands

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"
)

// TestEveryCommandAndFlagHasHelp walks the command tree: every visible
// command says what it does, and every flag what it is for.
func TestEveryCommandAndFlagHasHelp(t *testing.T) {
	app := NewApp(NewFactory())
	checkFlags := func(where string, flags []cli.Flag) {
		for _, fl := range flags {
			if v, ok := fl.(cli.VisibleFlag); ok && !v.IsVisible() {
				continue
			}
			d, ok := fl.(cli.DocGenerationFlag)
			if !ok || strings.TrimSpace(d.GetUsage()) == "" {
				t.Errorf("%s: flag --%s has no help text", where, fl.Names()[0])
			}
		}
	}
	checkFlags("slackprov", app.Flags)
	commands := 0
	walkVisibleCommands(app.Commands, "slackprov", func(path string, c *cli.Command) {
		commands++
		if strings.TrimSpace(c.Usage) == "" {
			t.Errorf("%s has no help text (Usage)", path)
		}
		checkFlags(path, c.Flags)
	})
	if commands < 20 {
		t.Errorf("walked only %d commands; the tree is larger", commands)
	}
}

// TestExamplesParse parses every example, from the commands' help and from
// the docs' code blocks, with the real command tree: each must name existing
// commands and flags, with values of the right type. Nothing is run.
func TestExamplesParse(t *testing.T) {
	examples := map[string]string{} // example → where it was found
	walkVisibleCommands(NewApp(NewFactory()).Commands, "slackprov", func(path string, c *cli.Command) {
		inExamples := false
		for _, line := range strings.Split(c.Description, "\n") {
			trimmed := strings.TrimSpace(line)
			if trimmed == "Examples:" {
				inExamples = true
				continue
			}
			if strings.HasPrefix(trimmed, "slackprov ") && (inExamples || strings.HasPrefix(line, "  ")) {
				examples[trimmed] = path + " --help"
			}
		}
	})
	docs, _ := filepath.Glob("../docs/*.md")
	for _, doc := range append(docs, "../README.md") {
		fh, err := os.Open(doc)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(fh)
		inCode, n := false, 0
		for sc.Scan() {
			n++
			line := strings.TrimSpace(sc.Text())
			if strings.HasPrefix(line, "```") {
				inCode = !inCode
				continue
			}
			if inCode && strings.HasPrefix(line, "slackprov ") {
				examples[line] = strings.TrimPrefix(doc, "../") + ":" + strconv.Itoa(n)
			}
		}
		fh.Close()
	}
	if len(examples) < 30 {
		t.Errorf("found only %d examples; the help and docs have more", len(examples))
	}
	for ex, where := range examples {
		for _, cmd := range shellCommands(ex) {
			if len(cmd) == 0 || cmd[0] != "slackprov" {
				continue
			}
			if err := parseOnly(cmd); err != nil {
				t.Errorf("%s: %q does not parse: %v", where, strings.Join(cmd, " "), err)
			}
		}
	}
}

// parseOnly runs args through the real command tree with every action
// replaced by one that does nothing, so only parsing is tested.
func parseOnly(args []string) error {
	ios, _, _, _ := TestStreams()
	app := NewApp(&Factory{IO: ios, Getenv: func(string) string { return "" }})
	app.Action = func(c *cli.Context) error {
		if c.NArg() > 0 {
			return cli.Exit("unknown command "+c.Args().First(), 1)
		}
		return nil
	}
	walkVisibleCommands(app.Commands, "slackprov", func(_ string, c *cli.Command) {
		if len(c.Subcommands) > 0 {
			c.Action = func(c *cli.Context) error {
				if c.NArg() > 0 {
					return cli.Exit("unknown subcommand "+c.Args().First(), 1)
				}
				return nil
			}
			return
		}
		c.Action = func(*cli.Context) error { return nil }
	})
	return app.Run(args)
}

func walkVisibleCommands(cmds []*cli.Command, path string, visit func(string, *cli.Command)) {
	for _, c := range cmds {
		if c.Hidden || c.Name == "help" {
			continue
		}
		p := path + " " + c.Name
		visit(p, c)
		walkVisibleCommands(c.Subcommands, p, visit)
	}
}

// shellCommands splits a shell line into its simple commands' words: quotes
// are honoured, a comment ends the line, and |, &&, ||, ; separate commands;
// redirections and their targets are dropped.
func shellCommands(line string) [][]string {
	var cmds [][]string
	var words []string
	var word strings.Builder
	inWord, quote, skipNext := false, rune(0), false
	flush := func() {
		if inWord {
			if !skipNext {
				words = append(words, word.String())
			}
			skipNext = false
		}
		word.Reset()
		inWord = false
	}
	endCommand := func() {
		flush()
		if len(words) > 0 {
			cmds = append(cmds, words)
		}
		words = nil
	}
	runes := []rune(line)
	for i := 0; i < len(runes); i++ {
		r := runes[i]
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			} else {
				word.WriteRune(r)
			}
		case r == '\'' || r == '"':
			quote, inWord = r, true
		case r == '\\' && i+1 < len(runes):
			i++
			word.WriteRune(runes[i])
			inWord = true
		case r == ' ' || r == '\t':
			flush()
		case r == '#' && !inWord:
			endCommand()
			return cmds
		case r == '|' || r == ';' || r == '&':
			endCommand()
		case r == '>' || r == '<':
			flush()
			skipNext = true
		default:
			word.WriteRune(r)
			inWord = true
		}
	}
	endCommand()
	return cmds
}

func TestShellCommands(t *testing.T) {
	got := shellCommands(`slackprov sync --dry-run --plan-out "my plan.json" && slackprov apply plan.json > out.txt # done`)
	want := [][]string{{"slackprov", "sync", "--dry-run", "--plan-out", "my plan.json"}, {"slackprov", "apply", "plan.json"}}
	if len(got) != len(want) || strings.Join(got[0], "|") != strings.Join(want[0], "|") || strings.Join(got[1], "|") != strings.Join(want[1], "|") {
		t.Errorf("shellCommands = %q, want %q", got, want)
	}
	if err := parseOnly([]string{"slackprov", "sync", "--dry-rn"}); err == nil {
		t.Error("a misspelt flag parses")
	}
	if err := parseOnly([]string{"slackprov", "mappings", "shwo"}); err == nil {
		t.Error("a misspelt subcommand parses")
	}
	if err := parseOnly([]string{"slackprov", "synk"}); err == nil {
		t.Error("a misspelt command parses")
	}
}

// TestReferencedDocsExist: every file a message points people to exists,
// and no message points to DESIGN.md, which is not shipped.
func TestReferencedDocsExist(t *testing.T) {
	ref := regexp.MustCompile(`docs/[A-Za-z0-9_-]+\.(md|yaml)|DESIGN\.md`)
	err := filepath.WalkDir("..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, line := range strings.Split(string(data), "\n") {
			if strings.HasPrefix(strings.TrimSpace(line), "//") {
				continue
			}
			for _, m := range ref.FindAllString(line, -1) {
				if _, err := os.Stat(filepath.Join("..", m)); err != nil {
					t.Errorf("%s:%d points people to %s, which is not in the repository", path, i+1, m)
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestTroubleshootingCoversSCIMCodes: every Slack SCIM error code slackprov
// knows has a row in docs/troubleshooting.md.
func TestTroubleshootingCoversSCIMCodes(t *testing.T) {
	doc, err := os.ReadFile("../docs/troubleshooting.md")
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile("../scim/errors.go")
	if err != nil {
		t.Fatal(err)
	}
	codes := regexp.MustCompile(`(?m)^\tCode\w+\s+= "([a-z_]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(codes) < 60 {
		t.Fatalf("found only %d codes in scim/errors.go", len(codes))
	}
	for _, c := range codes {
		if !strings.Contains(string(doc), "`"+c[1]+"`") {
			t.Errorf("docs/troubleshooting.md does not explain %s", c[1])
		}
	}
}

// TestMistypedNamesSuggestTheClosest: a mistyped command, subcommand or
// flag is one line naming the closest one, not a page of help.
func TestMistypedNamesSuggestTheClosest(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"synk"}, `Did you mean "sync"?`},
		{[]string{"mappings", "shwo"}, `Did you mean "show"?`},
		{[]string{"sync", "--dry-rn"}, "error: unknown flag --dry-rn for `slackprov sync`; did you mean --dry-run? (see `slackprov sync --help`)\n"},
		{[]string{"--verbos", "runs"}, "did you mean --verbose?"},
	} {
		ios, _, out, errOut := TestStreams()
		f := &Factory{IO: ios, Getenv: func(string) string { return "" }}
		code := Run(t.Context(), f, append([]string{"slackprov", "--config", filepath.Join(t.TempDir(), "none.yaml")}, tc.args...))
		if code == 0 || !strings.Contains(errOut.String(), tc.want) || strings.Count(errOut.String(), "\n") != 1 || out.Len() != 0 {
			t.Errorf("%v: exit %d, want one line with %q\nstdout: %s\nstderr: %s", tc.args, code, tc.want, out, errOut)
		}
	}
}
