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
