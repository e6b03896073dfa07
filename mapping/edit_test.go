package mapping

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func loadEdit(t *testing.T, name string) ([]byte, Edit) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	m, err := Parse(name, data)
	if err != nil {
		t.Fatal(err)
	}
	return data, NewEdit(m)
}

func TestEditRender(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		edit    func(e *Edit)
		want    []string
		absent  []string
		ordered [2]string // the first must come before the second
	}{
		{name: "nothing changed leaves the file as written", file: "edit-commented.yaml", edit: func(*Edit) {},
			want: []string{"# Our Slack mapping. Reviewed by IT, 2024.", "# Tried second when matching.", "source: mail # the primary address"}},
		{name: "changed, removed, moved and added entries keep the comments", file: "edit-commented.yaml", edit: func(e *Edit) {
			e.Users[5].Attribute.Expression = "Left(Trim([jobTitle]), 20)" // title
			e.Users = slices.Delete(e.Users, 4, 5)                         // name.familyName
			e.Users[0], e.Users[1] = e.Users[1], e.Users[0]
			e.Users = append(e.Users, EntryEdit{Orig: -1, Attribute: Attribute{Target: AttrUserType, Type: TypeConstant, Value: "Employee"}})
		},
			want:    []string{"# Our Slack mapping. Reviewed by IT, 2024.", "# Tried second when matching.", "source: mail # the primary address", "expression: Left(Trim([jobTitle]), 20)", "value: Employee"},
			absent:  []string{"surname"},
			ordered: [2]string{"source: mail", "target: userName"}},
		{name: "a type change drops the old type's key", file: "edit-commented.yaml", edit: func(e *Edit) {
			a := &e.Users[3].Attribute // name.givenName from givenName
			a.Type, a.Source, a.Expression = TypeExpression, "", "Trim([givenName])"
		}, want: []string{"expression: Trim([givenName])"}, absent: []string{"source: givenName"}},
		{name: "switches are written in an objects section", file: "edit-commented.yaml", edit: func(e *Edit) {
			e.GroupSwitches.Disabled, e.UserSwitches.NoDelete = true, true
		}, want: []string{"objects:", "# Tried second when matching."}},
		{name: "a scope is added in place to a file without one", file: "edit-commented.yaml", edit: func(e *Edit) {
			e.UserScope = []FilterEdit{{Name: "Sales", Orig: -1, Clauses: []ClauseEdit{{Orig: -1, Clause: Clause{Attribute: "department", Operator: OpEquals, Value: "Sales"}}}}}
		}, want: []string{"# Tried second when matching.", "scope:\n  users:\n    - name: Sales"}},
		{name: "an unchanged scope is left as written", file: "edit-scoped.yaml", edit: func(*Edit) {},
			want: []string{"- {attribute: mail, operator: IS NOT NULL}", "operator: regex match"}},
		{name: "a changed value keeps the operator's spelling and comments", file: "edit-scoped.yaml", edit: func(e *Edit) {
			e.UserScope[0].Clauses[0].Clause.Value = "^Analyst$"
		}, want: []string{"attribute: jobTitle # set by HR", "operator: regex match", "value: ^Analyst$", "# Analysts only, for the pilot."}},
		{name: "a new operator is written canonically", file: "edit-scoped.yaml", edit: func(e *Edit) {
			e.UserScope[1].Clauses[0].Clause.Operator = OpNotEquals
		}, want: []string{"operator: NOT EQUALS", "operator: regex match"}, absent: []string{"operator: EQUALS\n"}},
		{name: "all filters removed", file: "edit-scoped.yaml", edit: func(e *Edit) { e.UserScope = nil },
			want: []string{"users: []"}, absent: []string{"Analysts"}},
		{name: "a group filter is added", file: "edit-scoped.yaml", edit: func(e *Edit) {
			e.GroupScope = []FilterEdit{{Name: "Teams", Orig: -1, Clauses: []ClauseEdit{{Orig: -1, Clause: Clause{Attribute: "displayName", Operator: OpIsNotNull}}}}}
		}, want: []string{"groups:\n    - name: Teams", "operator: IS NOT NULL\n", "# Analysts only, for the pilot."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			orig, e := loadEdit(t, tt.file)
			tt.edit(&e)
			out, kept, err := e.Render(orig)
			if err != nil || !kept {
				t.Fatalf("Render: kept=%v err=%v", kept, err)
			}
			text := string(out)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("rendered file lacks %q:\n%s", w, text)
				}
			}
			for _, a := range tt.absent {
				if strings.Contains(text, a) {
					t.Errorf("rendered file still has %q:\n%s", a, text)
				}
			}
			if o := tt.ordered; o[0] != "" && strings.Index(text, o[0]) > strings.Index(text, o[1]) {
				t.Errorf("%q should come before %q:\n%s", o[0], o[1], text)
			}
			back, err := Parse("out", out)
			if err != nil {
				t.Fatalf("%v\n%s", err, text)
			}
			if !e.Same(back) {
				t.Errorf("file does not read back as the edit:\n%s", text)
			}
		})
	}
}

func TestEditRenderFallsBackToStandardLayout(t *testing.T) {
	d := Default()
	want, err := d.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		orig     string
		wantKept bool
	}{
		{"a new file", "", true},
		{"content that is not a YAML map", "- just\n- a list\n", false},
		{"content that is not YAML", "users: [\n", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, kept, err := NewEdit(d).Render([]byte(tt.orig))
			if err != nil {
				t.Fatal(err)
			}
			if kept != tt.wantKept || string(out) != string(want) {
				t.Errorf("kept=%v, want %v; out:\n%s", kept, tt.wantKept, out)
			}
		})
	}
}

func TestWriteFileKeepsModeAndLeavesNoTemp(t *testing.T) {
	path := filepath.Join(t.TempDir(), "slack.yaml")
	if err := os.WriteFile(path, []byte("version: 1\n"), 0o640); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("version: 1\nusers: []\n")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o640 {
		t.Errorf("mode = %v, want 0640", st.Mode().Perm())
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("folder holds %d files, want only the mapping", len(entries))
	}
	if err := WriteFile(filepath.Join(t.TempDir(), "missing", "x.yaml"), nil); err == nil {
		t.Error("writing into a missing folder succeeded")
	}
}
