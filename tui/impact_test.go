package tui

import (
	"os"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/teatest"

	"github.com/slackprov/slackprov/mapping"
)

// known is the vocabulary of samples(): what the directory has.
var known = &mapping.Known{
	Users:  []string{"userPrincipalName", "mail", "displayName", "givenName", "surname", "jobTitle", "department"},
	Groups: []string{"id", "displayName"},
}

func newKnowingEditor(t *testing.T, path string, with ...func(*EditorOptions)) *Editor {
	t.Helper()
	return newTestEditor(t, path, append(with, func(o *EditorOptions) { o.Known = known })...)
}

// Adding a scoping filter that leaves one department out shows, before
// anything is saved, how many directory users leave scope, and who.
func TestImpactOfScopingFilterBeforeSaving(t *testing.T) {
	path := copyFixture(t)
	tm := teatest.NewTestModel(t, newKnowingEditor(t, path), teatest.WithInitialTermSize(100, 40))
	tm.Type("3")
	waitFor(t, tm, "All 2 users, unsaved: 0 leave scope")
	tm.Type("a")
	waitFor(t, tm, "Name of the new user filter")
	tm.Type("Not the Navy")
	tm.Send(keyEnter)
	waitFor(t, tm, `Add a clause to user filter "Not the Navy"`)
	tm.Type("department")
	tm.Send(keyDown)
	tm.Send(keyRight) // NOT EQUALS
	tm.Send(keyDown)
	tm.Type("Navy")
	// While the clause is typed, the whole directory is re-evaluated.
	waitFor(t, tm, "All 2 users, unsaved: 1 leave scope")
	tm.Send(keyEnter)
	waitForAll(t, tm, `Added user filter "Not the Navy"`, "1 leave scope")
	tm.Type("i")
	waitForAll(t, tm, "Users this edit affects", "Grace Hopper <grace@example.com>", "leaves scope: sync deactivates the account")
	tm.Send(keyEsc)
	tm.Type("q")
	waitFor(t, tm, "Unsaved changes")
	tm.Type("n")
	finalEditor(t, tm)
	if data, _ := os.ReadFile(path); strings.Contains(string(data), "Navy") {
		t.Error("the file changed without a save")
	}
}

// A misspelt attribute is refused with the closest name the directory has:
// in a direct mapping, in an expression and in a scoping clause.
func TestEditorRefusesUnknownAttributes(t *testing.T) {
	path := copyFixture(t)
	tm := teatest.NewTestModel(t, newKnowingEditor(t, path), teatest.WithInitialTermSize(100, 40))
	waitFor(t, tm, "Entra switches")

	// Direct: a new row, target nickName, source departmnet.
	tm.Type("a")
	waitFor(t, tm, "Add a user mapping")
	tm.Type("nickName")
	tm.Send(keyDown)
	tm.Type("departmnet")
	tm.Send(keyEnter)
	waitFor(t, tm, `source: unknown attribute "departmnet" — did you mean "department"?`)

	// Expression: switched from direct, it starts as [departmnet]; the
	// typo is flagged live, at its position.
	tm.Send(keyUp)
	tm.Send(keyUp)
	tm.Send(keyRight) // constant
	tm.Send(keyRight) // expression
	waitForAll(t, tm, "[departmnet]", "^ unknown attribute", `"departmnet" — did you mean "department"?`)
	tm.Send(keyEsc)

	// Scoping clause.
	tm.Type("3")
	tm.Type("a")
	waitFor(t, tm, "Name of the new user filter")
	tm.Type("Sales")
	tm.Send(keyEnter)
	waitFor(t, tm, `Add a clause to user filter "Sales"`)
	tm.Type("deprtment")
	tm.Send(keyDown)
	tm.Send(keyDown)
	tm.Type("Sales")
	tm.Send(keyEnter)
	waitFor(t, tm, `unknown attribute "deprtment" — did you mean "department"?`)
	tm.Send(keyEsc)
	// Nothing was applied, so quitting asks nothing.
	tm.Type("q")
	if e := finalEditor(t, tm); e.Dirty() {
		t.Error("a refused entry changed the mapping")
	}
}

// In an expression, tab completes the attribute being typed after "[".
func TestExpressionAttributeCompletion(t *testing.T) {
	e := newKnowingEditor(t, copyFixture(t))
	e.Update(keyRunes("a"))
	typeInto(e, "nickName")
	e.Update(keyUp)
	e.Update(keyRight)
	e.Update(keyRight)
	e.Update(keyDown)
	e.Update(keyDown)
	typeInto(e, "Left([giv")
	if got := e.form.suggestions(); len(got) == 0 || got[0] != "givenName" {
		t.Fatalf("suggestions %v", got)
	}
	e.Update(keyTab)
	typeInto(e, ", 1)")
	if got := e.form.expression.Value(); got != "Left([givenName], 1)" {
		t.Errorf("expression %q", got)
	}
	if got := e.form.suggestions(); len(got) != 0 {
		t.Errorf("suggestions outside brackets: %v", got)
	}
}

// The switches toggle per tab, mark the mapping modified and are saved.
func TestSwitchesToggleAndSave(t *testing.T) {
	path := copyFixture(t)
	e := newKnowingEditor(t, path)
	e.Update(keyRunes("D"))
	e.Update(keyRunes("2"))
	e.Update(keyRunes("E"))
	if !e.Dirty() || e.switches[0] != (mapping.Switches{NoDelete: true}) || e.switches[1] != (mapping.Switches{Disabled: true}) {
		t.Fatalf("switches %+v, dirty %v", e.switches, e.Dirty())
	}
	if !strings.Contains(e.View(), "sync no · create ✓ · update ✓ · delete ✓") {
		t.Errorf("the groups tab does not show its switches:\n%s", e.View())
	}
	_, save := e.Update(keySave)
	runCmd(e, save)
	m, err := mapping.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if m.UserSwitches != (mapping.Switches{NoDelete: true}) || m.GroupSwitches != (mapping.Switches{Disabled: true}) {
		t.Errorf("saved switches %+v %+v", m.UserSwitches, m.GroupSwitches)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "# ") {
		t.Error("the file's comments were lost")
	}
	e.Update(keyRunes("1"))
	e.Update(keyRunes("E"))
	if !strings.Contains(e.status, "can't be disabled") {
		t.Errorf("status %q", e.status)
	}
}

// A directory too large to measure in a keystroke is measured in the
// background, and the result arrives.
func TestImpactOfLargeDirectoryArrives(t *testing.T) {
	e := newKnowingEditor(t, copyFixture(t), func(o *EditorOptions) {
		base := o.Samples
		o.Samples = nil
		for i := range impactSyncLimit + 500 {
			o.Samples = append(o.Samples, base[i%len(base)])
		}
	})
	tm := teatest.NewTestModel(t, e, teatest.WithInitialTermSize(100, 40))
	tm.Type("D") // any edit starts a measurement
	waitFor(t, tm, "All 2500 users, unsaved: 0 leave scope · 1250 fail Slack's checks")
	tm.Type("q")
	waitFor(t, tm, "Unsaved changes")
	tm.Type("n")
	finalEditor(t, tm)
}
