package tui

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/mapping"
)

func loadLists(t *testing.T, path string) ([]byte, list, list) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Parse(path, data)
	if err != nil {
		t.Fatal(err)
	}
	return data, newList(m.Users), newList(m.Groups)
}

func TestRenderKeepsCommentsAndOrder(t *testing.T) {
	orig, users, groups := loadLists(t, filepath.Join("testdata", "slack.yaml"))
	users.rows[5].attr.Expression = "Left(Trim([jobTitle]), 20)" // title
	users.remove(4)                                              // name.familyName
	users.swap(0, 1)
	users.rows = append(users.rows, row{orig: -1, attr: mapping.Attribute{Target: mapping.AttrUserType, Type: mapping.TypeConstant, Value: "Employee"}})
	out, kept, err := render(orig, users, groups, [2]scopeList{})
	if err != nil || !kept {
		t.Fatalf("render: kept=%v err=%v", kept, err)
	}
	text := string(out)
	for _, want := range []string{
		"# Our Slack mapping. Reviewed by IT, 2024.",
		"# Tried second when matching.",
		"source: mail # the primary address",
		"expression: Left(Trim([jobTitle]), 20)",
		"value: Employee",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("rendered file lacks %q:\n%s", want, text)
		}
	}
	if strings.Contains(text, "surname") {
		t.Errorf("deleted entry still in the file:\n%s", text)
	}
	if strings.Index(text, "source: mail") > strings.Index(text, "target: userName") {
		t.Errorf("row order not kept:\n%s", text)
	}
	m, err := mapping.Parse("out", out)
	if err != nil {
		t.Fatal(err)
	}
	if !newList(m.Users).sameAs(users) || !newList(m.Groups).sameAs(groups) {
		t.Errorf("file does not read back as the edited mapping:\n%s", text)
	}
}

func TestRenderTypeChangeDropsOldKey(t *testing.T) {
	orig, users, groups := loadLists(t, filepath.Join("testdata", "slack.yaml"))
	a := &users.rows[3].attr // name.givenName from givenName
	a.Type, a.Source, a.Expression = mapping.TypeExpression, "", "Trim([givenName])"
	out, _, err := render(orig, users, groups, [2]scopeList{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := mapping.Parse("out", out)
	if err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	if got := m.Users[3]; got.Type != mapping.TypeExpression || got.Source != "" || got.Expression != "Trim([givenName])" {
		t.Errorf("entry read back as %+v", got)
	}
}

func TestRenderNewFileUsesStandardLayout(t *testing.T) {
	d := mapping.Default()
	out, kept, err := render(nil, newList(d.Users), newList(d.Groups), [2]scopeList{})
	if err != nil || !kept {
		t.Fatalf("kept=%v err=%v", kept, err)
	}
	want, _ := d.Marshal()
	if string(out) != string(want) {
		t.Errorf("new file differs from mapping.Marshal:\n%s", out)
	}
}

func TestValidateContentRefusesInvalid(t *testing.T) {
	orig, users, groups := loadLists(t, filepath.Join("testdata", "slack.yaml"))
	users.remove(1) // the work email is required
	out, _, err := render(orig, users, groups, [2]scopeList{})
	if err != nil {
		t.Fatal(err)
	}
	err = validateContent("slack.yaml", out)
	if err == nil || !strings.Contains(err.Error(), `must map "emails[type eq \"work\"].value"`) {
		t.Fatalf("validateContent = %v, want the missing email named", err)
	}
}

func TestWriteAtomicKeepsModeAndLeavesNoTemp(t *testing.T) {
	path := copyFixture(t)
	if err := writeAtomic(path, []byte("version: 1\n")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want 0640", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 1 {
		t.Errorf("folder holds %d files, want only the mapping", len(entries))
	}
	if err := writeAtomic(filepath.Join(t.TempDir(), "missing", "x.yaml"), nil); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
}
