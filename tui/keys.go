package tui

import (
	"github.com/charmbracelet/bubbles/key"
)

// editorKeys are the editor's table-mode keys. The same bindings drive
// both the key handling and the help screen, so they cannot disagree.
type editorKeys struct {
	Up, Down, Top, Bottom, NextTab, PrevTab         key.Binding
	Edit, Add, AddClause, Delete, Undo              key.Binding
	MoveUp, MoveDown                                key.Binding
	Match, Earlier, Later, Filter, Pick, Help, Save key.Binding
	Quit, Impact                                    key.Binding
	Create, Update, Remove, Enable                  key.Binding
}

func newEditorKeys() editorKeys {
	b := binding
	return editorKeys{
		Up:        b("move up", "up", "k"),
		Down:      b("move down", "down", "j"),
		Top:       b("first row", "home", "g"),
		Bottom:    b("last row", "end", "G"),
		NextTab:   b("next tab (users, groups, scoping)", "tab", "right", "l"),
		PrevTab:   b("previous tab", "shift+tab", "left", "h"),
		Edit:      b("edit the mapping (scoping: the clause, or rename the filter)", "enter", "e"),
		Add:       b("add a mapping (scoping: a filter)", "a"),
		AddClause: b("scoping: add a clause to the selected filter", "c"),
		Delete:    b("delete the mapping (scoping: the clause or filter)", "d"),
		Undo:      b("undo the last delete", "u", "ctrl+z"),
		MoveUp:    b("move the row up (file order)", "K", "shift+up"),
		MoveDown:  b("move the row down (file order)", "J", "shift+down"),
		Match:     b("use / stop using for matching", "m"),
		Earlier:   b("matching precedence: try earlier", "["),
		Later:     b("matching precedence: try later", "]"),
		Filter:    b("filter rows", "/"),
		Pick:      b("pick the preview's sample user", "p"),
		Impact:    b("list the directory users the unsaved edits affect", "i"),
		Create:    b("switch creating users/groups on or off", "C"),
		Update:    b("switch updating users/groups on or off", "U"),
		Remove:    b("switch deactivating users / deleting groups on or off", "D"),
		Enable:    b("switch group provisioning on or off", "E"),
		Help:      b("show / hide this help", "?"),
		Save:      b("save (checked first; never writes an invalid file)", "ctrl+s"),
		Quit:      b("quit (asks when there are unsaved changes)", "q", "ctrl+c"),
	}
}

// helpRows lists the bindings for the help screen, opposite moves sharing a
// row (shown by their first keys), so the whole list fits an 80×24 terminal.
func (k editorKeys) helpRows() []key.Binding {
	pair := func(a, b key.Binding, desc string) key.Binding {
		first := func(x key.Binding) string { return x.Keys()[0] }
		return key.NewBinding(key.WithKeys(append(a.Keys(), b.Keys()...)...), key.WithHelp(first(a)+" · "+first(b), desc))
	}
	return []key.Binding{
		pair(k.Up, k.Down, "move up / down (also k / j)"),
		pair(k.Top, k.Bottom, "first / last row (also g / G)"),
		pair(k.NextTab, k.PrevTab, "next / previous tab: users, groups, scoping"),
		k.Edit, k.Add, k.AddClause, k.Delete, k.Undo,
		pair(k.MoveUp, k.MoveDown, "move the row up / down (file order)"),
		k.Match,
		pair(k.Earlier, k.Later, "matching precedence: try earlier / later"),
		k.Filter, k.Pick, k.Impact,
		key.NewBinding(key.WithKeys("C", "U", "D", "E"), key.WithHelp("C · U · D · E", "switch create / update / delete / group sync (Entra's)")),
		k.Help, k.Save, k.Quit,
	}
}

// helpLines lays the bindings out one per line: keys, then what they do.
func helpLines(st styles, bindings []key.Binding, width int) []string {
	keyW := 0
	for _, b := range bindings {
		keyW = max(keyW, len(b.Help().Key))
	}
	out := make([]string, 0, len(bindings))
	for _, b := range bindings {
		h := b.Help()
		out = append(out, st.key.Render(fit(h.Key, keyW))+"  "+fit(h.Desc, max(1, width-keyW-2)))
	}
	return out
}

// tableHelp is the users and groups tabs' key map.
type tableHelp struct{ editorKeys }

// ShortHelp implements help.KeyMap: the tab's footer.
func (k tableHelp) ShortHelp() []key.Binding {
	return []key.Binding{
		hint(k.Edit, "↵", "edit"), hint(k.Add, "a", "add"), hint(k.Delete, "d", "del"), hint(k.Match, "m", "match"),
		hint(k.Filter, "/", "filter"), hint(k.Pick, "p", "user"), hint(k.Impact, "i", "impact"), hint(k.Save, "^s", "save"), hint(k.Help, "?", ""),
	}
}

// FullHelp implements help.KeyMap: the help screen.
func (k tableHelp) FullHelp() [][]key.Binding { return [][]key.Binding{k.helpRows()} }

// scopingHelp is the scoping tab's key map.
type scopingHelp struct{ editorKeys }

// ShortHelp implements help.KeyMap: the tab's footer.
func (k scopingHelp) ShortHelp() []key.Binding {
	return []key.Binding{
		hint(k.Add, "a", "filter"), hint(k.AddClause, "c", "clause"), hint(k.Edit, "↵", "edit"), hint(k.Delete, "d", "del"),
		hint(k.Undo, "u", "undo"), hint(k.Impact, "i", "impact"), hint(k.Save, "^s", "save"), hint(k.Help, "?", "help"),
	}
}

// FullHelp implements help.KeyMap: the help screen.
func (k scopingHelp) FullHelp() [][]key.Binding { return [][]key.Binding{k.helpRows()} }

// filteredHelp is the footer while a filter hides rows.
type filteredHelp struct{ editorKeys }

// ShortHelp implements help.KeyMap.
func (k filteredHelp) ShortHelp() []key.Binding {
	return []key.Binding{
		key.NewBinding(key.WithKeys("esc"), key.WithHelp("", "(esc clears)")),
		hint(k.Edit, "↵", "edit"), hint(k.Add, "a", "add"), hint(k.Delete, "d", "delete"), hint(k.Help, "?", "help"),
	}
}

// FullHelp implements help.KeyMap.
func (k filteredHelp) FullHelp() [][]key.Binding { return [][]key.Binding{k.helpRows()} }
