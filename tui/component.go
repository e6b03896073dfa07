package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/slackprov/slackprov/mapping"
)

// component is one part of the editor, in soft-serve's shape (its
// pkg/ui/common Component): a model with its own key map, whose short
// help is the footer while it has the keys, and its own size. The editor
// composes them and routes each message to the one in front.
type component interface {
	help.KeyMap
	Update(msg tea.Msg) tea.Cmd
	View() string
	SetSize(width, height int)
}

// host is what a tab asks of the editor that composes it: the overlays
// it opens and the undo stack every tab shares.
type host interface {
	openForm(index int) tea.Cmd
	openClause(kind, filter, clause int, newFilter bool) tea.Cmd
	undoDelete()
}

// tabBase is what every tab holds: the styles and keys, the mapping being
// edited, the editor to ask for what the tab does not own, the attributes
// the directory has, its size, and whether its cursor row is highlighted
// (the editor says, before a frame).
type tabBase struct {
	st            styles
	keys          editorKeys
	doc           *doc
	host          host
	known         *mapping.Known
	width, height int
	selected      bool
}

func newTabBase(st styles, keys editorKeys, d *doc, h host, known *mapping.Known) tabBase {
	return tabBase{st: st, keys: keys, doc: d, host: h, known: known, width: 80, height: 10}
}

// binding is a key binding whose help shows keys as listed.
func binding(help string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(strings.Join(keys, "/"), help))
}

// hint is b with a short label for a one-line help: the keys as a symbol
// and a word or two.
func hint(b key.Binding, keys, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(b.Keys()...), key.WithHelp(keys, desc))
}

// helpLine is a key map's short help in one line, w cells at most.
func helpLine(st styles, km help.KeyMap, w int) string {
	var parts []string
	for _, b := range km.ShortHelp() {
		h := b.Help()
		parts = append(parts, strings.TrimSpace(h.Key+" "+h.Desc))
	}
	return st.dim.Render(truncate(strings.Join(parts, " · "), w))
}

// formKeys are the keys of the mapping and clause forms; change is what
// ←/→ does on the form's choice fields.
type formKeys struct {
	Apply, Cancel, PrevField, NextField, Complete, NextChoice, PrevChoice, Left, Right key.Binding
	change                                                                             string
}

func newFormKeys(change string) formKeys {
	return formKeys{
		Apply:      binding("apply the edit", "enter"),
		Cancel:     binding("cancel the edit", "esc"),
		PrevField:  binding("previous field", "up", "shift+tab"),
		NextField:  binding("next field", "down"),
		Complete:   binding("complete the suggestion (or next field)", "tab"),
		NextChoice: binding("next suggestion", "ctrl+n"),
		PrevChoice: binding("previous suggestion", "ctrl+p"),
		Left:       binding(change, "left", "h"),
		Right:      binding(change, "right", "l", " "),
		change:     change,
	}
}

// ShortHelp implements help.KeyMap: the form's footer.
func (k formKeys) ShortHelp() []key.Binding {
	return []key.Binding{
		hint(k.Left, "←/→", k.change), hint(k.Complete, "tab", "complete"),
		hint(k.NextChoice, "ctrl+n/p", "next/prev"), hint(k.Apply, "enter", "apply"), hint(k.Cancel, "esc", "cancel"),
	}
}

// FullHelp implements help.KeyMap.
func (k formKeys) FullHelp() [][]key.Binding {
	return [][]key.Binding{{k.Apply, k.Cancel}, {k.PrevField, k.NextField, k.Complete}, {k.NextChoice, k.PrevChoice, k.Left, k.Right}}
}

// titleHelp is the reminder beside the form's title.
func (k formKeys) titleHelp() string {
	return "enter apply · esc cancel · ↑/↓ field · tab complete"
}

// navigate handles the keys that move between fields and through the
// completion suggestions; it reports whether msg was one of them.
func (k formKeys) navigate(msg tea.KeyMsg, sugg []string, pick *int, in interface {
	SetValue(string)
	CursorEnd()
}, move func(int)) bool {
	switch {
	case key.Matches(msg, k.PrevField):
		move(-1)
	case key.Matches(msg, k.NextField):
		move(1)
	case key.Matches(msg, k.Complete):
		if len(sugg) == 0 {
			move(1)
			break
		}
		in.SetValue(sugg[min(*pick, len(sugg)-1)])
		in.CursorEnd()
		*pick = 0
	case key.Matches(msg, k.NextChoice):
		if len(sugg) > 0 {
			*pick = (*pick + 1) % len(sugg)
		}
	case key.Matches(msg, k.PrevChoice):
		if len(sugg) > 0 {
			*pick = (*pick - 1 + len(sugg)) % len(sugg)
		}
	default:
		return false
	}
	return true
}

// updateInput passes msg (a cursor blink, say) to a form's focused input;
// a choice field has none.
func updateInput(in *textinput.Model, msg tea.Msg) tea.Cmd {
	if in == nil {
		return nil
	}
	var cmd tea.Cmd
	*in, cmd = in.Update(msg)
	return cmd
}
