package tui

import (
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// BenchmarkEditorView is one frame of the users tab beside its preview:
// layout only, the mapping compiled and evaluated in Update.
func BenchmarkEditorView(b *testing.B) {
	e := newTestEditor(b, copyFixture(b))
	e.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	for b.Loop() {
		_ = e.View()
	}
}

// BenchmarkEditorKeystroke is a cursor move and the frame after it: what a
// keystroke costs now that Update derives the previews.
func BenchmarkEditorKeystroke(b *testing.B) {
	e := newTestEditor(b, copyFixture(b))
	e.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	keys := []tea.Msg{keyRunes("j"), keyRunes("k")}
	for i := 0; b.Loop(); i++ {
		e.Update(keys[i%2])
		_ = e.View()
	}
}

// BenchmarkEditorFormKeystroke is a keystroke in the mapping form and the
// frame after it in a narrow terminal, where the form's height decides
// the preview's.
func BenchmarkEditorFormKeystroke(b *testing.B) {
	e := newTestEditor(b, copyFixture(b))
	e.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	e.Update(keyEnter)
	keys := []tea.Msg{tea.KeyMsg{Type: tea.KeyDown}, tea.KeyMsg{Type: tea.KeyUp}}
	for i := 0; b.Loop(); i++ {
		e.Update(keys[i%2])
		_ = e.View()
	}
}
