package tui

import (
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
