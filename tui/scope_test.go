package tui

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/slackprov/slackprov/mapping"
)

var (
	keyTab   = tea.KeyMsg{Type: tea.KeyTab}
	keyRight = tea.KeyMsg{Type: tea.KeyRight}
	keyUp    = tea.KeyMsg{Type: tea.KeyUp}
)

// waitForAll waits until the output since the last wait holds every text:
// teatest's output is read once, so texts of one frame are awaited together.
func waitForAll(t *testing.T, tm *teatest.TestModel, texts ...string) {
	t.Helper()
	teatest.WaitFor(t, tm.Output(), func(b []byte) bool {
		for _, s := range texts {
			if !bytes.Contains(b, []byte(s)) {
				return false
			}
		}
		return true
	}, teatest.WithDuration(3*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
}

func typeInto(e *Editor, s string) {
	for _, r := range s {
		e.Update(keyRunes(string(r)))
	}
}

// rightTo presses → on the operator field until op is chosen.
func rightTo(t *testing.T, e *Editor, op mapping.Operator) {
	t.Helper()
	for range mapping.Operators() {
		if e.clause.op == op {
			return
		}
		e.Update(keyRight)
	}
	t.Fatalf("→ never reached operator %s", op)
}

func TestScopeAddFilterSaveReopen(t *testing.T) {
	path := copyFixture(t)
	tm := teatest.NewTestModel(t, newTestEditor(t, path), teatest.WithInitialTermSize(80, 24))
	tm.Type("3")
	waitForAll(t, tm, "No user filters", "in scope: there are no user filters")
	tm.Type("a")
	waitFor(t, tm, "Name of the new user filter")
	tm.Type("Sales")
	tm.Send(keyEnter)
	waitFor(t, tm, `Add a clause to user filter "Sales"`)
	tm.Type("depa")
	tm.Send(keyTab) // completes department
	tm.Send(keyDown)
	tm.Send(keyDown)
	tm.Type("Sale")
	// The sample's result follows the form as it is typed.
	waitFor(t, tm, `fails: department is "Sales"`)
	tm.Type("s")
	waitFor(t, tm, `holds: department is "Sales"`)
	tm.Send(keyEnter)
	waitForAll(t, tm, `Added user filter "Sales"`, "✓ Ada", "in scope: filter 1 (Sales) lets Ada in")
	tm.Type("p")
	tm.Type("grace")
	tm.Send(keyEnter)
	waitForAll(t, tm, "✗ Grace", `Grace's department is "Navy"`)
	tm.Send(keySave)
	waitFor(t, tm, "Saved "+path)
	tm.Type("q")
	if e := finalEditor(t, tm); e.Dirty() {
		t.Error("editor still dirty after saving")
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"# Tried second when matching.", "name: Sales", "attribute: department", "operator: EQUALS", "value: Sales"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("saved file lacks %q:\n%s", want, data)
		}
	}
	reopened := newTestEditor(t, path)
	want := []mapping.Filter{{Name: "Sales", Clauses: []mapping.Clause{{Attribute: "department", Operator: mapping.OpEquals, Value: "Sales"}}}}
	if got := reopened.scope[scopeUsers].filters(); !mapping.SameFilters(got, want) {
		t.Errorf("reopened user filters = %+v, want %+v", got, want)
	}
}

func TestScopeDeleteClauseAndUndo(t *testing.T) {
	path := copyFile(t, "scoped.yaml")
	e := newTestEditor(t, path)
	e.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	e.Update(keyRunes("3"))
	e.Update(keyRunes("jjj")) // heading, Analysts, jobTitle, mail
	if r := e.scoping.row(); r != (scopeRow{kind: scopeUsers, filter: 0, clause: 1}) {
		t.Fatalf("cursor on %+v, want the mail clause", r)
	}
	e.Update(keyRunes("d"))
	if got := len(e.scope[scopeUsers][0].clauses); got != 1 || !strings.Contains(e.status, "Deleted clause mail IS NOT NULL") {
		t.Fatalf("after d: %d clauses, status %q", got, e.status)
	}
	if view := e.View(); strings.Contains(view, "mail IS NOT NULL  ✓") {
		t.Errorf("deleted clause still shown:\n%s", view)
	}
	e.Update(keyRunes("k")) // from the jobTitle clause to the Analysts filter
	e.Update(keyRunes("d"))
	if len(e.scope[scopeUsers]) != 1 || e.scope[scopeUsers][0].name != "Admirals" {
		t.Fatalf("after deleting the filter: %+v", e.scope[scopeUsers])
	}
	e.Update(keyRunes("u"))
	e.Update(keyRunes("u"))
	if e.Dirty() {
		t.Errorf("two undos left changes: %+v", e.scope[scopeUsers])
	}
	if r := e.scoping.row(); r != (scopeRow{kind: scopeUsers, filter: 0, clause: 1}) || !strings.Contains(e.status, "Restored clause mail IS NOT NULL") {
		t.Errorf("after undo the cursor is on %+v, status %q", r, e.status)
	}

	e.Update(keyRunes("d"))
	if !saveNow(e) {
		t.Fatalf("save refused: %v", e.saveErrs)
	}
	out, _ := os.ReadFile(path)
	text := string(out)
	for _, want := range []string{"# Analysts only, for the pilot.", "attribute: jobTitle # set by HR", "operator: regex match", "name: Admirals"} {
		if !strings.Contains(text, want) {
			t.Errorf("saved file lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "IS NOT NULL") {
		t.Errorf("deleted clause still in the file:\n%s", text)
	}
}

func TestScopeRefusesInvalidRegex(t *testing.T) {
	path := copyFile(t, "scoped.yaml")
	before, _ := os.ReadFile(path)
	e := newTestEditor(t, path)
	e.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	e.Update(keyRunes("3"))
	e.Update(keyRunes("j")) // Analysts
	e.Update(keyRunes("c"))
	typeInto(e, "mail")
	e.Update(keyDown)
	rightTo(t, e, mapping.OpRegexMatch)
	e.Update(keyDown)
	typeInto(e, "[a-")
	if view := e.View(); !strings.Contains(view, "not a valid regular expression") {
		t.Errorf("the form does not show the bad pattern:\n%s", view)
	}
	e.Update(keyEnter)
	if e.mode != modeClause || !strings.Contains(e.status, `value "[a-" is not a valid regular expression`) {
		t.Fatalf("bad regex accepted: mode %v, status %q", e.mode, e.status)
	}
	e.Update(keySave)
	if e.mode != modeClause || len(e.scope[scopeUsers][0].clauses) != 2 {
		t.Fatalf("ctrl+s applied the bad clause: mode %v, %+v", e.mode, e.scope[scopeUsers][0])
	}
	e.Update(keyEsc)

	// The save gate refuses it too, should it reach the list another way.
	e.scope[scopeUsers][0].clauses[0].clause.Value = "(unclosed"
	if saveNow(e) {
		t.Fatal("a filter with an invalid pattern was saved")
	}
	if !strings.Contains(strings.Join(e.saveErrs, "\n"), "not a valid regular expression") {
		t.Errorf("refusal does not say why: %v", e.saveErrs)
	}
	after, _ := os.ReadFile(path)
	if !bytes.Equal(before, after) {
		t.Error("an invalid mapping was written")
	}
}

func TestScopeUnaryOperatorHidesValue(t *testing.T) {
	e := newTestEditor(t, copyFile(t, "scoped.yaml"))
	e.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	e.Update(keyRunes("3"))
	e.Update(keyRunes("jj")) // the jobTitle clause, value "Analyst"
	e.Update(keyEnter)
	if view := e.View(); !strings.Contains(view, "  Value       ") {
		t.Fatalf("REGEX MATCH form lacks its value:\n%s", view)
	}
	e.Update(keyDown)
	rightTo(t, e, mapping.OpIsNotNull)
	if view := e.View(); strings.Contains(view, "  Value       ") || !strings.Contains(view, "takes no value") {
		t.Errorf("IS NOT NULL form still asks for a value:\n%s", view)
	}
	e.Update(keyEnter)
	got := e.scope[scopeUsers][0].clauses[0].clause
	if got.Operator != mapping.OpIsNotNull || got.Value != "" {
		t.Errorf("clause = %+v, want jobTitle IS NOT NULL without a value", got)
	}
}

func TestScopeNewFilterNeedsAClause(t *testing.T) {
	e := newTestEditor(t, copyFixture(t))
	e.Update(keyRunes("3"))
	e.Update(keyRunes("a"))
	e.Update(keyEnter)
	if !e.scoping.typing() || !strings.Contains(e.status, "needs a name") {
		t.Fatalf("empty name accepted: mode %v, status %q", e.mode, e.status)
	}
	typeInto(e, "Pilot")
	e.Update(keyEnter)
	e.Update(keyEsc)
	if len(e.scope[scopeUsers]) != 0 || e.Dirty() || !strings.Contains(e.status, "needs at least one clause") {
		t.Errorf("cancelled first clause left %+v, status %q", e.scope[scopeUsers], e.status)
	}
}

func TestScopeRenameAndGroupFilter(t *testing.T) {
	path := copyFile(t, "scoped.yaml")
	e := newTestEditor(t, path)
	e.Update(keyRunes("3"))
	e.Update(keyRunes("j"))
	e.Update(keyEnter) // on a filter: rename
	e.Update(keyClear)
	typeInto(e, "Analysts (pilot)")
	e.Update(keyEnter)
	e.Update(keyRunes("G")) // the group heading
	e.Update(keyRunes("a"))
	typeInto(e, "Teams")
	e.Update(keyEnter)
	typeInto(e, "display")
	if got := e.clause.suggestions(); !slices.Contains(got, "displayName") {
		t.Errorf("group attribute completions = %v", got)
	}
	e.Update(keyTab)
	e.Update(keyDown)
	rightTo(t, e, mapping.OpRegexMatch)
	e.Update(keyDown)
	typeInto(e, "^team-")
	e.Update(keyEnter)
	if !saveNow(e) {
		t.Fatalf("save refused: %v", e.saveErrs)
	}
	m, err := mapping.Parse(path, mustRead(t, path))
	if err != nil {
		t.Fatal(err)
	}
	if m.UserScope[0].Name != "Analysts (pilot)" || len(m.UserScope[0].Clauses) != 2 {
		t.Errorf("user filter 1 = %+v", m.UserScope[0])
	}
	want := []mapping.Filter{{Name: "Teams", Clauses: []mapping.Clause{{Attribute: "displayName", Operator: mapping.OpRegexMatch, Value: "^team-"}}}}
	if !mapping.SameFilters(m.GroupScope, want) {
		t.Errorf("group filters = %+v", m.GroupScope)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestLayoutScoping80x24(t *testing.T) {
	e := newTestEditor(t, "testdata/scoped.yaml")
	e.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	e.Update(keyRunes("3"))
	e.Update(keyRunes("jj"))
	golden.RequireEqual(t, []byte(e.View()))
}

func TestScopingKeepsFrameSize(t *testing.T) {
	e := newTestEditor(t, "testdata/scoped.yaml")
	e.Update(keyRunes("3"))
	for _, step := range []tea.Msg{nil, keyRunes("jj"), keyEnter} {
		if step != nil {
			e.Update(step)
		}
		for _, size := range [][2]int{{80, 24}, {60, 16}, {140, 40}} {
			e.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
			lines := strings.Split(e.View(), "\n")
			if len(lines) != size[1] {
				t.Errorf("mode %v %dx%d: %d lines", e.mode, size[0], size[1], len(lines))
			}
			for i, l := range lines {
				if w := len([]rune(l)); w > size[0] {
					t.Errorf("mode %v %dx%d: line %d is %d wide: %q", e.mode, size[0], size[1], i+1, w, l)
				}
			}
		}
	}
}
