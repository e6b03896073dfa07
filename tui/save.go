package tui

import (
	tea "github.com/charmbracelet/bubbletea"

	"github.com/slackprov/slackprov/mapping"
)

// edit is the mapping being edited as the mapping package's editing model:
// every entry knows where it was in the file, so saving keeps comments.
func (e *Editor) edit() mapping.Edit {
	return mapping.Edit{Users: e.lists[0].edits(), Groups: e.lists[1].edits(),
		UserScope: e.scope[0].edits(), GroupScope: e.scope[1].edits(),
		UserSwitches: e.switches[0], GroupSwitches: e.switches[1]}
}

// validateContent is the gate before anything is written: the content must
// load and compile exactly as `slackprov sync` would load it.
func validateContent(path string, data []byte) error {
	m, err := mapping.Parse(path, data)
	if err != nil {
		return err
	}
	_, err = m.Compile()
	return err
}

// savedMsg reports a save's write: the edit and content written, or why
// it was not. quit asks to leave the editor once it is written.
type savedMsg struct {
	edit mapping.Edit
	data []byte
	kept bool
	quit bool
	err  error
}

// save checks the mapping and returns the command that writes it, or nil
// when it does not load and compile (the problems are listed in the
// preview pane and nothing is written).
func (e *Editor) save(quit bool) tea.Cmd {
	edit := e.edit()
	data, kept, err := edit.Render(e.orig)
	if err == nil {
		err = validateContent(e.opts.Path, data)
	}
	if err != nil {
		e.saveErrs = nil
		for _, x := range flatten(err) {
			e.saveErrs = append(e.saveErrs, x.Error())
		}
		e.setError("Not saved: the mapping has %d problem(s); fix them (listed in the preview pane) and save again", len(e.saveErrs))
		return nil
	}
	path := e.opts.Path
	return func() tea.Msg {
		return savedMsg{edit: edit, data: data, kept: kept, quit: quit, err: mapping.WriteFile(path, data)}
	}
}

// finishSave takes a save's outcome in. When nothing was edited while it was
// written the editor reloads the new content, so every row points at its
// entry in it; otherwise the edits stay and only the saved state moves.
func (e *Editor) finishSave(msg savedMsg) tea.Cmd {
	if msg.err != nil {
		e.setError("Not saved: %v", msg.err)
		return nil
	}
	m, err := mapping.Parse(e.opts.Path, msg.data)
	if err != nil {
		e.setError("Saved, but the file no longer reads back: %v", err)
		return nil
	}
	unchanged := msg.edit.Same(e.edit().Mapping())
	e.exists, e.written, e.saveErrs = true, msg.data, nil
	e.saved = [2]list{newList(m.Users), newList(m.Groups)}
	if unchanged {
		e.orig, e.undo = msg.data, nil
		e.lists = [2]list{e.saved[0].clone(), e.saved[1].clone()}
		e.loadScope(m)
	} else {
		e.savedScope = [2]scopeList{newScopeList(m.UserScope), newScopeList(m.GroupScope)}
		e.savedSwitches = [2]mapping.Switches{m.UserSwitches, m.GroupSwitches}
	}
	if msg.kept {
		e.setStatus("Saved %s", e.opts.Path)
	} else {
		e.setStatus("Saved %s (its layout was unusual, so it was rewritten in the standard form; comments were dropped)", e.opts.Path)
	}
	if msg.quit {
		e.quit = true
		return tea.Quit
	}
	return nil
}
