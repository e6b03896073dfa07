package tui

import (
	"io"

	tea "github.com/charmbracelet/bubbletea"
)

// RunEditor opens the mapping editor on the terminal behind in and out
// until the user quits. It reports whether the file on disk changed.
func RunEditor(in io.Reader, out io.Writer, noColor bool, opts EditorOptions) (changed bool, err error) {
	if opts.Renderer == nil {
		opts.Renderer = newRenderer(out, noColor)
	}
	file, err := ReadMappingFile(opts.Path)
	if err != nil {
		return false, err
	}
	e, err := NewEditor(opts, file)
	if err != nil {
		return false, err
	}
	p := tea.NewProgram(e, tea.WithInput(in), tea.WithOutput(out), tea.WithAltScreen())
	final, err := p.Run()
	if err != nil {
		return false, err
	}
	fe := final.(*Editor)
	return fe.written != nil && string(fe.written) != string(file.Content), nil
}
