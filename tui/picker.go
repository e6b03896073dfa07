package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
)

// pickerKeys are the sample picker's keys.
type pickerKeys struct {
	Search, Up, Down, Choose, Back key.Binding
}

func newPickerKeys() pickerKeys {
	return pickerKeys{
		// Typing goes to the search; the binding only names it in the help.
		Search: key.NewBinding(key.WithHelp("type", "to search")),
		Up:     binding("previous match", "up", "ctrl+p"),
		Down:   binding("next match", "down", "ctrl+n"),
		Choose: binding("preview the chosen user", "enter"),
		Back:   binding("back, keeping the preview's user", "esc"),
	}
}

// samplePicker finds the directory user the preview shows, by name or
// email. Its matches are found in Update, when the search changes.
type samplePicker struct {
	samples []Sample
	input   textinput.Model
	found   []int
	pick    int
	keys    pickerKeys
	st      styles
	width   int
}

func newSamplePicker(st styles, samples []Sample) *samplePicker {
	p := &samplePicker{samples: samples, input: newInput(""), keys: newPickerKeys(), st: st, width: 80}
	p.input.Placeholder = "name or email"
	p.found = matchSamples(samples, "", 8)
	return p
}

// open starts a new search.
func (p *samplePicker) open() tea.Cmd {
	p.input.SetValue("")
	p.found, p.pick = matchSamples(p.samples, "", 8), 0
	return p.input.Focus()
}

// chosen is the index in the samples of the highlighted match.
func (p *samplePicker) chosen() (int, bool) {
	if len(p.found) == 0 {
		return 0, false
	}
	return p.found[min(p.pick, len(p.found)-1)], true
}

// Update implements component: arrows move through the matches, other
// keys edit the search (enter and esc are the editor's).
func (p *samplePicker) Update(msg tea.Msg) tea.Cmd {
	if km, ok := msg.(tea.KeyMsg); ok {
		switch {
		case key.Matches(km, p.keys.Up):
			p.pick = max(0, p.pick-1)
			return nil
		case key.Matches(km, p.keys.Down):
			p.pick = min(len(p.found)-1, p.pick+1)
			return nil
		}
	}
	var cmd tea.Cmd
	before := p.input.Value()
	p.input, cmd = p.input.Update(msg)
	if p.input.Value() != before {
		p.found, p.pick = matchSamples(p.samples, p.input.Value(), 8), 0
	}
	return cmd
}

// SetSize implements component.
func (p *samplePicker) SetSize(width, _ int) { p.width = width }

// ShortHelp implements help.KeyMap.
func (p *samplePicker) ShortHelp() []key.Binding {
	return []key.Binding{p.keys.Search, hint(p.keys.Up, "↑/↓", "choose"), hint(p.keys.Choose, "enter", "preview"), hint(p.keys.Back, "esc", "back")}
}

// FullHelp implements help.KeyMap.
func (p *samplePicker) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.keys.Search, p.keys.Up, p.keys.Down, p.keys.Choose, p.keys.Back}}
}

// View implements component: the search and its matches.
func (p *samplePicker) View() string {
	st := p.st
	lines := []string{st.header.Render("Preview which user? ") + p.input.View()}
	if len(p.found) == 0 {
		return strings.Join(append(lines, st.dim.Render("No directory user matches; esc goes back.")), "\n")
	}
	for n, i := range p.found {
		label := fit(p.samples[i].label(), p.width-2)
		if n == p.pick {
			lines = append(lines, st.selected.Render("› "+label))
		} else {
			lines = append(lines, "  "+label)
		}
	}
	return strings.Join(lines, "\n")
}
