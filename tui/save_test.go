package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/mapping"
)

func TestValidateContentRefusesInvalid(t *testing.T) {
	path := filepath.Join("testdata", "slack.yaml")
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Parse(path, orig)
	if err != nil {
		t.Fatal(err)
	}
	edit := mapping.NewEdit(m)
	edit.Users = slices.Delete(edit.Users, 1, 2) // the work email is required
	out, _, err := edit.Render(orig)
	if err != nil {
		t.Fatal(err)
	}
	err = validateContent("slack.yaml", out)
	if err == nil || !strings.Contains(err.Error(), `must map "emails[type eq \"work\"].value"`) {
		t.Fatalf("validateContent = %v, want the missing email named", err)
	}
}

// An edit made while a save is being written stays: the editor does not
// reload over it, it is still unsaved, and the next save writes it with
// the file's comments.
func TestEditDuringSaveIsKept(t *testing.T) {
	path := copyFixture(t)
	e := newTestEditor(t, path)
	e.Update(keyRunes("D")) // users: deleting switched off
	write := e.save(false)
	if write == nil {
		t.Fatalf("save refused: %v", e.saveErrs)
	}
	e.Update(keyRunes("jjjjj"))
	e.Update(keyRunes("d")) // delete the title mapping before the write lands
	deleted := e.undo[len(e.undo)-1].row.attr.Target
	e.Update(write())
	if !e.Dirty() {
		t.Fatal("the delete made during the save was lost or counted as saved")
	}
	if slices.ContainsFunc(e.lists[tabUsers].rows, func(r row) bool { return r.attr.Target == deleted }) {
		t.Fatalf("%s is back after the save landed", deleted)
	}
	m, err := mapping.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if !m.UserSwitches.NoDelete || len(m.Users) != len(e.lists[tabUsers].rows)+1 {
		t.Errorf("the first save wrote switches %+v and %d users", m.UserSwitches, len(m.Users))
	}
	if !saveNow(e) {
		t.Fatalf("second save refused: %v", e.saveErrs)
	}
	data, _ := os.ReadFile(path)
	if !strings.Contains(string(data), "# Tried second when matching.") {
		t.Errorf("the second save dropped the comments:\n%s", data)
	}
	if e.Dirty() {
		t.Error("still dirty after the second save")
	}
}
