package mapping

import (
	"strings"
	"testing"
)

func TestCheckSources(t *testing.T) {
	known := Known{Users: []string{"mail", "department", "extension_abc_costCenter", "userPrincipalName"},
		Groups: []string{"id", "displayName"}}
	tests := []struct {
		name, file string
		known      Known
		want       []string // substrings of the error; none means no error
	}{
		{"all known", base, known, nil},
		{"direct", base + "  - target: title\n    source: departmnet\n", known,
			[]string{`m.yaml:8:5: users entry 3 (title): source: unknown attribute "departmnet" — did you mean "department"?`}},
		{"expression, wrong case", base + "  - target: title\n    expression: Trim([Department])\n", known,
			[]string{`expression position 6: unknown attribute "Department" — did you mean "department"?`}},
		{"extension", base + "  - target: title\n    source: extension_abc_costCentre\n", known,
			[]string{`did you mean "extension_abc_costCenter"?`}},
		{"extension accepted by prefix", base + "  - target: title\n    source: extension_xyz_anything\n",
			Known{Users: known.Users, UserPrefixes: []string{"extension_"}}, nil},
		{"nothing close", base + "  - target: title\n    source: zzzzzzzz\n", known,
			[]string{`unknown attribute "zzzzzzzz"; the users have none by that name`}},
		{"computed IsSoftDeleted", base + "  - target: active\n    expression: Not([IsSoftDeleted])\n", known, nil},
		{"scope clause", base + "scope:\n  users:\n    - name: f\n      clauses:\n        - attribute: deparment\n          operator: IS NOT NULL\n", known,
			[]string{`user scope filter 1 (f) clause 1: unknown attribute "deparment" — did you mean "department"?`}},
		{"group", base + "groups:\n  - target: displayName\n    source: displayname\n    match: 1\n", known,
			[]string{`groups entry 1 (displayName): source: unknown attribute "displayname" — did you mean "displayName"?`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := Parse("m.yaml", []byte(tt.file))
			if err != nil {
				t.Fatal(err)
			}
			err = mustCompile(t, m).CheckSources(tt.known)
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q lacks %q", err, w)
				}
			}
		})
	}
}
