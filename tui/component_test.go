package tui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/slackprov/slackprov/mapping"
)

// Every part of the editor brings its own key map: the footer is the short
// help of the part in front, and every key it names is bound.
func TestFooterIsTheFrontComponentsHelp(t *testing.T) {
	tests := []struct {
		name   string
		keys   []tea.Msg
		front  func(e *Editor) help.KeyMap
		footer string
	}{
		{"users tab", nil, func(e *Editor) help.KeyMap { return e.front() },
			"↵ edit · a add · d del · m match · / filter · p user · i impact · ^s save · ?"},
		{"scoping tab", []tea.Msg{keyRunes("3")}, func(e *Editor) help.KeyMap { return e.front() },
			"a filter · c clause · ↵ edit · d del · u undo · i impact · ^s save · ? help"},
		{"mapping form", []tea.Msg{keyEnter}, func(e *Editor) help.KeyMap { return e.form },
			"←/→ change type or apply · tab complete · ctrl+n/p next/prev · enter apply · esc cancel"},
		{"sample picker", []tea.Msg{keyRunes("p")}, func(e *Editor) help.KeyMap { return e.picker },
			"type to search · ↑/↓ choose · enter preview · esc back"},
		{"clause form", []tea.Msg{keyRunes("3"), keyRunes("a"), tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune("Staff"), Paste: true}, keyEnter},
			func(e *Editor) help.KeyMap { return e.clause },
			"←/→ operator · tab complete · ctrl+n/p next/prev · enter apply · esc cancel"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newTestEditor(t, copyFixture(t))
			e.Update(tea.WindowSizeMsg{Width: 120, Height: 36})
			for _, k := range tt.keys {
				e.Update(k)
			}
			lines := strings.Split(e.View(), "\n")
			if got := lines[len(lines)-1]; got != tt.footer {
				t.Errorf("footer %q, want %q", got, tt.footer)
			}
			for _, b := range tt.front(e).ShortHelp() {
				if h := b.Help(); h.Key != "type" && len(b.Keys()) == 0 {
					t.Errorf("the help names %q, which no key is bound to", h.Key+" "+h.Desc)
				}
			}
		})
	}
}

// The sample picker on its own: typing narrows the matches in Update, the
// arrows of its key map choose, and its size narrows the labels.
func TestSamplePickerComponent(t *testing.T) {
	p := newSamplePicker(newStyles(nil), samples())
	p.open()
	p.SetSize(24, 0)
	for _, r := range "grace" {
		p.Update(keyRunes(string(r)))
	}
	if i, ok := p.chosen(); !ok || p.samples[i].Name != "Grace Hopper" {
		t.Fatalf("chosen %d %v after typing grace", i, ok)
	}
	if v := p.View(); !strings.Contains(v, "› Grace Hopper <grace@e…") || strings.Contains(v, "Ada") {
		t.Errorf("picker view at width 24:\n%s", v)
	}
	p.Update(tea.KeyMsg{Type: tea.KeyCtrlU})
	p.Update(tea.KeyMsg{Type: tea.KeyDown})
	if i, _ := p.chosen(); p.samples[i].Name != "Grace Hopper" {
		t.Errorf("down chose %q", p.samples[i].Name)
	}
	p.Update(tea.KeyMsg{Type: tea.KeyCtrlP})
	if i, _ := p.chosen(); p.samples[i].Name != "Ada Lovelace" {
		t.Errorf("ctrl+p chose %q", p.samples[i].Name)
	}
}

// The mapping form on its own: its key map moves between fields and turns
// the type, and its View follows its size.
func TestMappingFormComponent(t *testing.T) {
	r := row{orig: -1, attr: mapping.Attribute{Target: "title", Type: mapping.TypeDirect, Source: "jobTitle"}}
	f := newForm(newStyles(nil), false, -1, r, mapping.UserTargetPaths(), []string{"jobTitle"}, nil)
	f.SetSize(60, 0)
	f.Update(tea.KeyMsg{Type: tea.KeyDown})
	f.Update(tea.KeyMsg{Type: tea.KeyUp})
	if f.focus != fieldType {
		t.Fatalf("focus %d after down and up, want the type", f.focus)
	}
	f.Update(tea.KeyMsg{Type: tea.KeyRight})
	if f.typ != mapping.TypeConstant {
		t.Errorf("type %q after right, want constant", f.typ)
	}
	f.Update(keyRunes("h"))
	f.Update(keyRunes("h"))
	if a := f.attr(); a.Type != mapping.TypeNone {
		t.Errorf("type %q after two lefts, want none", a.Type)
	}
	// The inputs take the width the form is given.
	targetLine := func() string {
		for _, l := range strings.Split(f.View(), "\n") {
			if strings.Contains(l, "Target") {
				return l
			}
		}
		return ""
	}
	narrow := len([]rune(targetLine()))
	f.SetSize(100, 0)
	if wide := len([]rune(targetLine())); wide != narrow+40 {
		t.Errorf("target line %d wide at size 60 and %d at 100", narrow, wide)
	}
}

// In a running program the footer changes with the part in front.
func TestFooterFollowsTheFrontComponent(t *testing.T) {
	tm := teatest.NewTestModel(t, newTestEditor(t, copyFixture(t)), teatest.WithInitialTermSize(100, 30))
	waitFor(t, tm, "↵ edit · a add")
	tm.Send(keyRunes("p"))
	waitFor(t, tm, "type to search · ↑/↓ choose")
	tm.Send(keyEsc)
	tm.Send(keyEnter)
	waitFor(t, tm, "←/→ change type or apply")
	tm.Send(keyEsc)
	tm.Send(keyRunes("q"))
	if e := finalEditor(t, tm); e.mode != modeTable || e.form != nil {
		t.Errorf("mode %v after esc and q", e.mode)
	}
}
