package tui

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/slackprov/slackprov/mapping"
)

func keyRunes(s string) tea.KeyMsg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(s)} }

var (
	keyEnter = tea.KeyMsg{Type: tea.KeyEnter}
	keyEsc   = tea.KeyMsg{Type: tea.KeyEsc}
	keyDown  = tea.KeyMsg{Type: tea.KeyDown}
	keySave  = tea.KeyMsg{Type: tea.KeyCtrlS}
	keyClear = tea.KeyMsg{Type: tea.KeyCtrlU}
)

func waitFor(t *testing.T, tm *teatest.TestModel, text string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(3*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func finalEditor(t *testing.T, tm *teatest.TestModel) *Editor {
	t.Helper()
	return tm.FinalModel(t, teatest.WithFinalTimeout(3*time.Second)).(*Editor)
}

func TestEditExpressionPreviewSaveReopen(t *testing.T) {
	path := copyFixture(t)
	tm := teatest.NewTestModel(t, newTestEditor(t, path), teatest.WithInitialTermSize(100, 40))
	waitFor(t, tm, `"title": "Analyst"`)
	for range 5 {
		tm.Send(keyRunes("j"))
	}
	tm.Send(keyEnter)
	waitFor(t, tm, "Edit user mapping 6")
	tm.Send(keyDown)
	tm.Send(keyDown)
	tm.Send(keyClear)
	tm.Type("Left(Trim([jobTitle]), 3")
	waitFor(t, tm, "is missing its closing )")
	tm.Type(")")
	// The preview follows the form before anything is applied.
	waitFor(t, tm, `"title": "Ana"`)
	tm.Send(keyEnter)
	waitFor(t, tm, "Changed title")
	tm.Send(keySave)
	waitFor(t, tm, "Saved "+path)
	tm.Send(keyRunes("q"))
	if e := finalEditor(t, tm); e.Dirty() {
		t.Error("editor still dirty after saving")
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(data, []byte("# Tried second when matching.")) {
		t.Errorf("save dropped the file's comments:\n%s", data)
	}
	reopened := newTestEditor(t, path)
	if got := reopened.lists[tabUsers].rows[5].attr; got.Target != "title" || got.Expression != "Left(Trim([jobTitle]), 3)" {
		t.Errorf("reopened title mapping = %+v", got)
	}
}

func TestDeleteAndUndo(t *testing.T) {
	path := copyFixture(t)
	tm := teatest.NewTestModel(t, newTestEditor(t, path), teatest.WithInitialTermSize(80, 24))
	tm.Send(keyRunes("j"))
	tm.Send(keyRunes("d"))
	waitFor(t, tm, "Deleted emails")
	tm.Send(keyRunes("u"))
	waitFor(t, tm, "Restored emails")
	// Undo leaves nothing unsaved, so q quits without asking.
	tm.Send(keyRunes("q"))
	e := finalEditor(t, tm)
	if e.Dirty() {
		t.Error("undo left the editor dirty")
	}
	if got := e.lists[tabUsers].rows[1].attr.Target; got != mapping.AttrWorkEmail {
		t.Errorf("row 2 after undo is %q, want the work email back in place", got)
	}
}

func TestQuitAsksWhenUnsaved(t *testing.T) {
	path := copyFixture(t)
	before, _ := os.ReadFile(path)
	tm := teatest.NewTestModel(t, newTestEditor(t, path), teatest.WithInitialTermSize(80, 24))
	tm.Send(keyRunes("m")) // userName stops being a matching attribute
	tm.Send(keyRunes("q"))
	waitFor(t, tm, "Unsaved changes")
	tm.Send(keyEsc)
	waitFor(t, tm, "Still editing")
	tm.Send(keyRunes("q"))
	tm.Send(keyRunes("n"))
	if e := finalEditor(t, tm); !e.Dirty() {
		t.Error("the unsaved change vanished")
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("quitting without saving changed the file")
	}
}

func TestSaveRefusesInvalidMapping(t *testing.T) {
	path := copyFixture(t)
	before, _ := os.ReadFile(path)
	e := newTestEditor(t, path)
	e.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	e.Update(keyRunes("j"))
	e.Update(keyRunes("d")) // the work email: Slack requires it
	e.Update(keySave)
	view := e.View()
	if !strings.Contains(view, "Not saved") || !strings.Contains(view, "Slack requires it") {
		t.Errorf("refused save not explained:\n%s", view)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("an invalid mapping was written")
	}
}

func TestFormRejectsBadEntry(t *testing.T) {
	e := newTestEditor(t, copyFixture(t))
	e.Update(keyRunes("a"))
	for _, r := range "nope" {
		e.Update(keyRunes(string(r)))
	}
	e.Update(keyEnter)
	if e.mode != modeForm || len(e.form.problems) == 0 || !strings.Contains(e.form.problems[0].msg, "unknown user target") {
		t.Fatalf("bad target accepted: mode=%v problems=%v", e.mode, e.form.problems)
	}
	e.Update(keyClear)
	for _, r := range "userT" {
		e.Update(keyRunes(string(r)))
	}
	e.Update(tea.KeyMsg{Type: tea.KeyTab}) // completes userType
	e.Update(keyDown)
	e.Update(keyRunes("x")) // source x
	e.Update(keyEnter)
	if e.mode != modeTable {
		t.Fatalf("valid entry refused: %v", e.form.problems)
	}
	last := e.lists[tabUsers].rows[len(e.lists[tabUsers].rows)-1]
	if last.attr.Target != mapping.AttrUserType || last.attr.Source != "x" || last.orig != -1 {
		t.Errorf("added row = %+v", last)
	}
}

func TestFilterReorderAndMatching(t *testing.T) {
	e := newTestEditor(t, copyFixture(t))
	e.Update(keyRunes("/"))
	for _, r := range "name" {
		e.Update(keyRunes(string(r)))
	}
	e.Update(keyEnter)
	if got := len(e.table.visible()); got != 4 { // userName, displayName, givenName, familyName
		t.Fatalf("filter kept %d rows, want 4", got)
	}
	e.Update(keyEsc)
	if got := len(e.table.visible()); got != 6 {
		t.Fatalf("esc left %d rows visible, want 6", got)
	}
	e.Update(keyRunes("J")) // userName moves below the email
	if l := e.lists[tabUsers]; l.rows[1].attr.Target != mapping.AttrUserName || e.table.current() != 1 {
		t.Fatalf("move down: row 2 is %q, cursor %d", l.rows[1].attr.Target, e.table.current())
	}
	e.Update(keyRunes("["))
	if l := e.lists[tabUsers]; l.rows[1].attr.Match != 1 || l.rows[0].attr.Match != 2 {
		t.Errorf("precedence earlier: userName %d, email %d", l.rows[1].attr.Match, l.rows[0].attr.Match)
	}
	if !strings.Contains(e.status, "Matching tries userName, then emails") {
		t.Errorf("status = %q", e.status)
	}
}

func TestPickSampleUser(t *testing.T) {
	e := newTestEditor(t, copyFixture(t))
	e.Update(tea.WindowSizeMsg{Width: 100, Height: 40})
	e.Update(keyRunes("p"))
	for _, r := range "grace" {
		e.Update(keyRunes(string(r)))
	}
	e.Update(keyEnter)
	view := e.View()
	if !strings.Contains(view, "Grace Hopper <grace@example.com>") || !strings.Contains(view, "invalid_name_specials") {
		t.Errorf("preview does not show Grace's check failure:\n%s", view)
	}
}

// The goldens pin layout only: colours are off (TestMain) and the size fixed.
func TestLayout80x24(t *testing.T) {
	e := newTestEditor(t, "testdata/slack.yaml")
	e.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	golden.RequireEqual(t, []byte(e.View()))
}

func TestLayoutFormWide(t *testing.T) {
	e := newTestEditor(t, "testdata/slack.yaml")
	e.Update(tea.WindowSizeMsg{Width: 130, Height: 30})
	e.Update(keyRunes("G"))
	e.Update(keyEnter)
	golden.RequireEqual(t, []byte(e.View()))
}

func TestResizeKeepsFrameSize(t *testing.T) {
	e := newTestEditor(t, "testdata/slack.yaml")
	for _, size := range [][2]int{{80, 24}, {60, 16}, {140, 40}, {100, 30}} {
		e.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
		lines := strings.Split(e.View(), "\n")
		if len(lines) != size[1] {
			t.Errorf("%dx%d: %d lines", size[0], size[1], len(lines))
		}
		for i, l := range lines {
			if w := len([]rune(l)); w > size[0] {
				t.Errorf("%dx%d: line %d is %d wide: %q", size[0], size[1], i+1, w, l)
			}
		}
	}
}

func TestScopingTabShowsFiltersAndSaveKeepsThem(t *testing.T) {
	path := copyFixture(t)
	data, _ := os.ReadFile(path)
	data = append(data, []byte("scope:\n  users:\n    # Only analysts for now.\n    - name: Analysts\n      clauses:\n        - attribute: jobTitle\n          operator: equals\n          value: Admiral\n")...)
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	e := newTestEditor(t, path)
	e.Update(tea.WindowSizeMsg{Width: 100, Height: 30})
	e.Update(keyRunes("3"))
	view := e.View()
	for _, want := range []string{"1. Analysts", "jobTitle", "✗ Ada", "No group filters"} {
		if !strings.Contains(view, want) {
			t.Errorf("scoping tab lacks %q:\n%s", want, view)
		}
	}
	e.Update(keyRunes("d")) // on the heading: nothing to delete
	e.Update(keyRunes("1"))
	e.Update(keyRunes("d"))
	e.Update(keyRunes("u"))
	e.Update(keyRunes("m"))
	if !saveNow(e) {
		t.Fatalf("save refused: %v", e.saveErrs)
	}
	out, _ := os.ReadFile(path)
	if !bytes.Contains(out, []byte("# Only analysts for now.")) || !bytes.Contains(out, []byte("value: Admiral")) {
		t.Errorf("save lost the scope section or its comment:\n%s", out)
	}
}

func TestBurstOfKeysActsAsSeparateKeys(t *testing.T) {
	e := newTestEditor(t, copyFixture(t))
	e.Update(keyRunes("jjj"))
	if got := e.table.current(); got != 3 {
		t.Errorf("after jjj the cursor is on row %d, want 3", got)
	}
}

// The help screen lists every key, whole, on an 80×24 terminal.
func TestHelpFits80x24(t *testing.T) {
	e := newTestEditor(t, "testdata/slack.yaml")
	e.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	e.Update(keyRunes("?"))
	view := e.View()
	for _, row := range e.keys.helpRows() {
		desc := row.Help().Desc
		if !strings.Contains(view, desc) {
			t.Errorf("the help at 80×24 lacks %q:\n%s", desc, view)
		}
	}
}
