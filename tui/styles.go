// Package tui holds slackprov's terminal interfaces: the interactive
// mapping editor (`slackprov mappings edit`) and the live sync view. Both
// are bubbletea programs styled with lipgloss; colours adapt to light and
// dark terminals and disappear under NO_COLOR.
package tui

import (
	"io"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// styles are the looks shared by the editor and the sync view. They are
// built from one renderer so NO_COLOR (an ASCII profile) reaches every one.
type styles struct {
	title, tab, activeTab, header, selected, dim, key       lipgloss.Style
	ok, warn, err, box, focusBox, label, focusLabel, status lipgloss.Style
}

// Colours are AdaptiveColor pairs: the first reads on a light background,
// the second on a dark one.
var (
	colAccent = lipgloss.AdaptiveColor{Light: "#5A32A3", Dark: "#B39DDB"}
	colDim    = lipgloss.AdaptiveColor{Light: "#666666", Dark: "#9E9E9E"}
	colOK     = lipgloss.AdaptiveColor{Light: "#1B7F3B", Dark: "#7BD88F"}
	colWarn   = lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#F2C94C"}
	colErr    = lipgloss.AdaptiveColor{Light: "#B3261E", Dark: "#FF8A80"}
	colSelBg  = lipgloss.AdaptiveColor{Light: "#E8E0F7", Dark: "#3A2F55"}
)

func newStyles(r *lipgloss.Renderer) styles {
	s := func() lipgloss.Style { return r.NewStyle() }
	return styles{
		title:      s().Bold(true).Foreground(colAccent),
		tab:        s().Foreground(colDim).Padding(0, 1),
		activeTab:  s().Bold(true).Underline(true).Foreground(colAccent).Padding(0, 1),
		header:     s().Bold(true),
		selected:   s().Bold(true).Background(colSelBg),
		dim:        s().Foreground(colDim),
		key:        s().Bold(true).Foreground(colAccent),
		ok:         s().Foreground(colOK),
		warn:       s().Foreground(colWarn),
		err:        s().Bold(true).Foreground(colErr),
		box:        s().Border(lipgloss.NormalBorder()).BorderForeground(colDim).Padding(0, 1),
		focusBox:   s().Border(lipgloss.NormalBorder()).BorderForeground(colAccent).Padding(0, 1),
		label:      s().Foreground(colDim),
		focusLabel: s().Bold(true).Foreground(colAccent),
		status:     s().Foreground(colDim),
	}
}

// newRenderer returns a renderer for out. With noColor it never emits
// colour, whatever the terminal claims; otherwise it asks the terminal
// about its background now, before a program owns the input, because the
// answer arrives on stdin.
func newRenderer(out io.Writer, noColor bool) *lipgloss.Renderer {
	r := lipgloss.NewRenderer(out)
	if noColor {
		r.SetColorProfile(termenv.Ascii)
		return r
	}
	r.HasDarkBackground()
	return r
}
