package tui

import (
	"fmt"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/slackprov/slackprov/mapping"
)

// fakeHost records what a tab asks of the editor.
type fakeHost struct {
	forms   []int
	clauses [][4]int
	undos   int
}

func (h *fakeHost) openForm(index int) tea.Cmd { h.forms = append(h.forms, index); return nil }

func (h *fakeHost) openClause(kind, filter, clause int, newFilter bool) tea.Cmd {
	n := 0
	if newFilter {
		n = 1
	}
	h.clauses = append(h.clauses, [4]int{kind, filter, clause, n})
	return nil
}

func (h *fakeHost) undoDelete() { h.undos++ }

// The users/groups table on its own: its keys move the cursor and filter,
// its size scrolls the cursor into view, and the edits it cannot make
// itself go to its host.
func TestTableTabComponent(t *testing.T) {
	var attrs []mapping.Attribute
	for i := range 10 {
		attrs = append(attrs, mapping.Attribute{Target: fmt.Sprintf("urn:x:t%d", i), Type: mapping.TypeDirect, Source: fmt.Sprintf("s%d", i)})
	}
	d := &doc{lists: [2]list{newList(attrs), newList(nil)}}
	h := &fakeHost{}
	tab := newTableTab(newStyles(nil), newEditorKeys(), d, h, EditorOptions{})
	tab.selected = true
	tab.SetSize(80, 5) // switches, headings and three rows
	for range 5 {
		tab.Update(keyRunes("j"))
	}
	tab.SetSize(80, 5)
	if tab.offset[tabUsers] != 3 {
		t.Fatalf("offset %d with the cursor on row 6 of 3 shown, want 3", tab.offset[tabUsers])
	}
	view := tab.View()
	if !strings.Contains(view, "› ") || !strings.Contains(view, "t5") || strings.Contains(view, "t2") || strings.Contains(view, "t6") {
		t.Errorf("rows 4-6 should show, the 6th selected:\n%s", view)
	}
	tab.Update(keyEnter)
	if len(h.forms) != 1 || h.forms[0] != 5 {
		t.Errorf("enter asked for forms %v, want row 5", h.forms)
	}
	tab.Update(keyRunes("/"))
	tab.Update(keyRunes("s7"))
	if !tab.typing() || tab.cursor[tabUsers] != 0 || len(tab.visible()) != 1 {
		t.Fatalf("filtering %v, cursor %d, %d visible", tab.typing(), tab.cursor[tabUsers], len(tab.visible()))
	}
	tab.Update(keyEnter)
	if tab.typing() || tab.current() != 7 {
		t.Errorf("after enter: filtering %v, current %d", tab.typing(), tab.current())
	}
	tab.Update(keyRunes("u"))
	if h.undos != 1 {
		t.Errorf("u asked for %d undos", h.undos)
	}
}

// The scoping tab on its own: the name prompt renames a filter, a new
// filter's name asks the host for the form of its first clause, and its
// size scrolls the cursor into view.
func TestScopingTabComponent(t *testing.T) {
	staff := mapping.Filter{Name: "Staff", Clauses: []mapping.Clause{
		{Attribute: "mail", Operator: mapping.OpIsNotNull},
		{Attribute: "department", Operator: mapping.OpEquals, Value: "Sales"},
	}}
	d := &doc{scope: [2]scopeList{newScopeList([]mapping.Filter{staff}), nil}}
	h := &fakeHost{}
	tab := newScopingTab(newStyles(nil), newEditorKeys(), d, h, nil)
	tab.Update(keyRunes("j"))
	tab.Update(keyRunes("e"))
	if !tab.typing() || tab.nameInput.Value() != "Staff" {
		t.Fatalf("e on a filter: prompt open %v with %q", tab.typing(), tab.nameInput.Value())
	}
	tab.Update(keyRunes("!"))
	tab.Update(keyEnter)
	if tab.typing() || d.scope[scopeUsers][0].name != "Staff!" {
		t.Fatalf("rename: prompt open %v, name %q", tab.typing(), d.scope[scopeUsers][0].name)
	}
	tab.Update(keyRunes("a"))
	tab.Update(keyRunes("Admins"))
	tab.Update(keyEnter)
	if len(d.scope[scopeUsers]) != 2 || len(h.clauses) != 1 || h.clauses[0] != [4]int{scopeUsers, 1, -1, 1} {
		t.Fatalf("new filter: %d filters, clause forms asked %v", len(d.scope[scopeUsers]), h.clauses)
	}
	tab.Update(keyRunes("G"))
	tab.SetSize(80, 3) // heading and two rows
	if rows := len(scopeRows(d.scope)); tab.cursor != rows-1 || tab.offset != rows-2 {
		t.Errorf("cursor %d offset %d of %d rows", tab.cursor, tab.offset, rows)
	}
}

// The frame is laid out in Update: a resize or a cursor move scrolls the
// table and sizes the preview before any View.
func TestLayoutIsSetInUpdate(t *testing.T) {
	e := newTestEditor(t, copyFixture(t))
	rows := len(e.lists[tabUsers].rows)
	e.Update(tea.WindowSizeMsg{Width: 80, Height: 12}) // body 8: the table gets 4 lines, 2 of rows
	e.Update(keyRunes("G"))
	if want := rows - 2; e.table.offset[tabUsers] != want {
		t.Errorf("offset %d after G with 2 of %d rows shown, want %d", e.table.offset[tabUsers], rows, want)
	}
	if e.preview.width != 80 || e.preview.height != 3 {
		t.Errorf("preview %d×%d at 80×12, want 80×3", e.preview.width, e.preview.height)
	}
	e.Update(tea.WindowSizeMsg{Width: 140, Height: 40})
	if e.table.offset[tabUsers] != 0 {
		t.Errorf("offset %d when every row fits", e.table.offset[tabUsers])
	}
	if e.preview.width != 140-84-3 || e.preview.height != 36 {
		t.Errorf("preview %d×%d at 140×40, want 53×36", e.preview.width, e.preview.height)
	}
}
