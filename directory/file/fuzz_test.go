package file

import (
	"bytes"
	"errors"
	"testing"
	"unicode/utf8"
)

// The seed corpora live in testdata/fuzz/<FuzzName>; plain `go test` runs
// them, and scripts/test.sh fuzzes each target briefly.

func FuzzParseJSON(f *testing.F) {
	f.Add([]byte(`{"users": [{"id": "a", "mail": "a@example.com", "manager": {"id": "b"}}], "groups": [{"id": "g", "members": ["a", {"id": "b"}]}]}`))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, "f.json", data) })
}

func FuzzParseCSV(f *testing.F) {
	f.Add([]byte("id,mail,accountEnabled\nu1,a@example.com,true\nu2,\"b, \"\"B\"\"\",no\n"))
	f.Fuzz(func(t *testing.T, data []byte) { checkParse(t, "f.csv", data) })
}

// checkParse holds what every input must give: a *ParseError inside the
// file, or a snapshot whose users and groups are all usable and whose
// problems point inside the file.
func checkParse(t *testing.T, name string, data []byte) {
	snap, err := Parse(name, data)
	text := bytes.TrimPrefix(data, []byte("\uFEFF"))
	lines := bytes.Count(text, []byte("\n")) + 1
	if err != nil {
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("error %v is a %T, want *ParseError", err, err)
		}
		if pe.Line < 1 || pe.Line > lines || pe.Column < 0 {
			t.Fatalf("error at %d:%d outside the %d-line file: %v", pe.Line, pe.Column, lines, err)
		}
		return
	}
	failed := map[string]bool{}
	for _, p := range snap.Problems {
		if p.Line < 1 || p.Line > lines {
			t.Fatalf("problem on line %d of a %d-line file: %v", p.Line, lines, &p)
		}
		if !utf8.ValidString(p.Error()) {
			t.Fatalf("problem message is not UTF-8: %q", p.Error())
		}
		failed[p.Kind+" "+p.ID] = true
	}
	seen := map[string]bool{}
	for _, u := range snap.Users {
		switch {
		case u.ID == "":
			t.Fatalf("user with no id read as usable: %+v", u)
		case seen[u.ID]:
			t.Fatalf("user id %q read twice", u.ID)
		case failed["user "+u.ID]:
			t.Fatalf("user %q is both read and a problem", u.ID)
		}
		seen[u.ID] = true
		for _, v := range []string{u.ID, u.UserPrincipalName, u.Mail, u.GivenName, u.Surname, u.DisplayName, u.JobTitle, u.Department, u.MobilePhone, u.EmployeeID, u.Manager} {
			if !utf8.ValidString(v) {
				t.Fatalf("user %q read with a value that is not UTF-8: %q", u.ID, v)
			}
		}
	}
	for _, g := range snap.Groups {
		if g.ID == "" || failed["group "+g.ID] {
			t.Fatalf("group %q read as usable", g.ID)
		}
	}
}
