package tui

import (
	tea "github.com/charmbracelet/bubbletea"
	"os"
	"path/filepath"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// TestMain pins the colour profile: goldens and string checks must not
// depend on the terminal the tests run in.
func TestMain(m *testing.M) {
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

// user is a directory user as the mapping sees it.
type user map[string]string

func (u user) Attr(name string) ([]string, bool) {
	v, ok := u[name]
	if !ok || v == "" {
		return nil, false
	}
	return []string{v}, true
}

func samples() []Sample {
	return []Sample{
		{Name: "Ada Lovelace", Email: "ada@example.com", Object: user{
			"userPrincipalName": "ada.lovelace@example.com", "mail": "ada@example.com", "displayName": "Ada Lovelace",
			"givenName": "Ada", "surname": "Lovelace", "jobTitle": "  Analyst ", "department": "Sales", "IsSoftDeleted": "False"}},
		{Name: "Grace Hopper", Email: "grace@example.com", Object: user{
			"userPrincipalName": "grace.hopper@example.com", "mail": "grace@example.com", "displayName": "Grace @ Navy",
			"givenName": "Grace", "surname": "Hopper", "jobTitle": "Admiral", "department": "Navy", "IsSoftDeleted": "False"}},
	}
}

// copyFixture copies testdata/slack.yaml into a temp dir and returns its path.
func copyFixture(t testing.TB) string {
	t.Helper()
	return copyFile(t, "slack.yaml")
}

// copyFile copies testdata/name into a temp dir as slack.yaml.
func copyFile(t testing.TB, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "slack.yaml")
	if err := os.WriteFile(path, data, 0o640); err != nil {
		t.Fatal(err)
	}
	return path
}

// newTestEditor opens the editor on path with the test samples, after
// with has changed the options.
func newTestEditor(t testing.TB, path string, with ...func(*EditorOptions)) *Editor {
	t.Helper()
	file, err := ReadMappingFile(path)
	if err != nil {
		t.Fatal(err)
	}
	opts := EditorOptions{
		Path: path, Samples: samples(),
		SourceAttributes: []string{"userPrincipalName", "mail", "mailNickname", "displayName", "givenName", "surname", "jobTitle", "department"},
	}
	for _, w := range with {
		w(&opts)
	}
	e, err := NewEditor(opts, file)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// saveNow saves as ctrl+s does and hands the write's outcome back to the
// editor, as the program would; it reports whether the file was written.
func saveNow(e *Editor) bool {
	cmd := e.save(false)
	if cmd == nil {
		return false
	}
	msg := cmd().(savedMsg)
	e.Update(msg)
	return msg.err == nil
}

// runCmd runs a command the editor returned and hands its message back,
// as the program would (a save's write, for one).
func runCmd(e *Editor, cmd tea.Cmd) {
	if cmd != nil {
		e.Update(cmd())
	}
}
