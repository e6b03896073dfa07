package file

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/directory"
)

// problem is the part of a RecordError a test pins down.
type problem struct {
	Line int
	ID   string
	Kind string
	Msg  string // substring of the error text
}

func checkProblems(t *testing.T, got []directory.RecordError, want []problem) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d problems %v, want %d %v", len(got), got, len(want), want)
	}
	for i, w := range want {
		g := got[i]
		if g.Line != w.Line || g.ID != w.ID || g.Kind != w.Kind || !strings.Contains(g.Err.Error(), w.Msg) {
			t.Errorf("problem %d = {line %d, id %q, kind %q, %q}, want {line %d, id %q, kind %q, containing %q}",
				i, g.Line, g.ID, g.Kind, g.Err, w.Line, w.ID, w.Kind, w.Msg)
		}
	}
}

func userIDs(users []directory.User) []string {
	ids := []string{}
	for _, u := range users {
		ids = append(ids, u.ID)
	}
	return ids
}

func TestParseJSONFullUser(t *testing.T) {
	data := `{
  "$schema": "https://example.com/slackprov-directory.json",
  "users": [
    {
      "id": "u1", "userPrincipalName": "jose.garcia@example.com", "mail": "Jose.Garcia@example.com",
      "givenName": "José", "surname": "García", "displayName": "José García",
      "jobTitle": "Engineer", "department": "R&D", "mobilePhone": "+34600111222",
      "employeeId": "E001", "accountEnabled": true, "manager": {"id": "u2", "displayName": "Boss"},
      "officeLocation": "Madrid", "costCenter": 4711, "isContractor": false, "score": -1.5e3,
      "nickname": null, "addresses": [{"city": "Madrid"}], "extension": {"a": 1},
      "Escaped": "tab\there \u00e9"
    },
    {"ID": "u2", "DisplayName": "Boss", "accountEnabled": "No", "manager": null, "jobTitle": null}
  ]
}`
	snap, err := Parse("people.json", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []directory.User{
		{
			ID: "u1", UserPrincipalName: "jose.garcia@example.com", Mail: "Jose.Garcia@example.com",
			GivenName: "José", Surname: "García", DisplayName: "José García",
			JobTitle: "Engineer", Department: "R&D", MobilePhone: "+34600111222",
			EmployeeID: "E001", AccountEnabled: true, Manager: "u2",
			Extra: map[string]string{"officeLocation": "Madrid", "costCenter": "4711", "isContractor": "false",
				"score": "-1.5e3", "Escaped": "tab\there é"},
		},
		{ID: "u2", DisplayName: "Boss", AccountEnabled: false},
	}
	if !reflect.DeepEqual(snap.Users, want) {
		t.Errorf("users =\n%#v\nwant\n%#v", snap.Users, want)
	}
	if len(snap.Problems) != 0 || len(snap.Groups) != 0 {
		t.Errorf("problems %v, groups %v; want none", snap.Problems, snap.Groups)
	}
}

func TestParseJSONGroups(t *testing.T) {
	data := `{"users": [], "groups": [
  {"id": "g1", "displayName": "Engineering", "members": ["u1", {"id": "u2", "@odata.type": "#microsoft.graph.user"}, "u1", "ghost"]},
  {"id": "g2", "displayName": "Empty", "members": []},
  {"id": "g3", "displayName": "No members key"},
  {"displayName": "No id", "members": ["u1"]},
  {"id": "g5", "members": ["u1", 7]},
  {"id": "g6", "members": "u1"},
  {"id": "g7", "members": [""]}
]}`
	snap, err := Parse("d.json", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []directory.Group{
		{ID: "g1", DisplayName: "Engineering", Members: []string{"u1", "u2", "ghost"}},
		{ID: "g2", DisplayName: "Empty", Members: []string{}},
		{ID: "g3", DisplayName: "No members key"},
	}
	if !reflect.DeepEqual(snap.Groups, want) {
		t.Errorf("groups =\n%#v\nwant\n%#v", snap.Groups, want)
	}
	checkProblems(t, snap.Problems, []problem{
		{5, "", "group", "missing id"},
		{6, "g5", "group", "members[1]: want a string, got number 7"},
		{7, "g6", "group", `members: want an array of user ids, got string "u1"`},
		{8, "g7", "group", "members[0]: empty id"},
	})
}

func TestParseJSONRecordErrors(t *testing.T) {
	tests := []struct {
		name      string
		users     string // the users array's elements, one per line from line 2
		wantUsers []string
		want      []problem
	}{
		{
			name:      "accountEnabled maybe",
			users:     `{"id": "a", "accountEnabled": "maybe"},` + "\n" + `{"id": "b"}`,
			wantUsers: []string{"b"},
			want:      []problem{{2, "a", "user", `accountEnabled: want true or false, got "maybe"`}},
		},
		{
			name:      "accountEnabled number",
			users:     `{"id": "a", "accountEnabled": 2}`,
			wantUsers: []string{},
			want:      []problem{{2, "a", "user", "accountEnabled: want true or false, got number 2"}},
		},
		{
			name:      "missing id",
			users:     `{"mail": "x@example.com"},` + "\n" + `{"id": "b"}`,
			wantUsers: []string{"b"},
			want:      []problem{{2, "", "user", "missing id"}},
		},
		{
			name:      "empty id",
			users:     `{"id": ""}`,
			wantUsers: []string{},
			want:      []problem{{2, "", "user", "id is empty"}},
		},
		{
			name:      "id of the wrong type",
			users:     `{"id": 42}`,
			wantUsers: []string{},
			want:      []problem{{2, "", "user", "id: want a string, got number 42"}},
		},
		{
			name:      "wrong type for a string field",
			users:     `{"id": "a", "mail": ["a@x", "b@x"], "employeeId": 12345}`,
			wantUsers: []string{},
			want:      []problem{{2, "a", "user", "want a string, got"}},
		},
		{
			name:      "manager object without id",
			users:     `{"id": "a", "manager": {"displayName": "Boss"}}`,
			wantUsers: []string{},
			want:      []problem{{2, "a", "user", `manager: object has no "id"`}},
		},
		{
			name:      "not an object",
			users:     `"just a string",` + "\n" + `{"id": "b"}`,
			wantUsers: []string{"b"},
			want:      []problem{{2, "", "user", `user must be an object, not string "just a string"`}},
		},
		{
			name:      "same attribute twice in different case",
			users:     `{"id": "a", "mail": "a@x", "Mail": "b@x"}`,
			wantUsers: []string{},
			want:      []problem{{2, "a", "user", "are the same attribute"}},
		},
		{
			name:      "same key twice",
			users:     `{"id": "a", "mail": "a@x", "mail": "b@x"}`,
			wantUsers: []string{},
			want:      []problem{{2, "a", "user", "mail appears twice; keep one"}},
		},
		{
			name:      "escaped keys and values",
			users:     `{"i\u0064": "a", "m\u0061il": "\u0061@x"},` + "\n" + `{"id": "b", "mail": 5}`,
			wantUsers: []string{"a"},
			want:      []problem{{3, "b", "user", "mail: want a string"}},
		},
		{
			name:      "duplicate id withholds every copy",
			users:     `{"id": "a"},` + "\n" + `{"id": "b"},` + "\n" + `{"id": "a"},` + "\n" + `{"id": "a"}`,
			wantUsers: []string{"b"},
			want: []problem{
				{4, "a", "user", "duplicate id, also on line 2"},
				{5, "a", "user", "duplicate id, also on line 2"},
			},
		},
		{
			name:      "a bad copy of an id withholds the good copy",
			users:     `{"id": "a", "accountEnabled": "maybe"},` + "\n" + `{"id": "a"}`,
			wantUsers: []string{},
			want: []problem{
				{2, "a", "user", "accountEnabled"},
				{3, "a", "user", "duplicate id, also on line 2"},
			},
		},
		{
			name:      "multi-line objects report their first line",
			users:     "{\n\"id\": \"a\",\n\"accountEnabled\": \"maybe\"\n},\n{\"id\": \"b\", \"mail\": 1}",
			wantUsers: []string{},
			want: []problem{
				{2, "a", "user", "accountEnabled"},
				{6, "b", "user", "mail: want a string, got number 1"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data := "{\"users\": [\n" + tt.users + "\n]}"
			snap, err := Parse("p.json", []byte(data))
			if err != nil {
				t.Fatal(err)
			}
			if got := userIDs(snap.Users); !reflect.DeepEqual(got, tt.wantUsers) {
				t.Errorf("users = %v, want %v", got, tt.wantUsers)
			}
			checkProblems(t, snap.Problems, tt.want)
		})
	}
}

func TestParseJSONWholeFileErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string // the exact error text
	}{
		{"empty", "  \n", `p.json:1:1: file is empty; expected {"users": [...], "groups": [...]}`},
		{"syntax error", "{\"users\": [\n  {\"id\": \"a\",}\n]}", `p.json:2:14: invalid character '}' looking for beginning of object key string`},
		{"syntax error after accents", "{\"users\": [\n  {\"id\": \"Zoë\" \"x\"}\n]}", `p.json:2:16: invalid character '"' after object key:value pair`},
		{"cut short", "{\"users\": [\n  {\"id\": \"a\"}", "p.json:2:14: unexpected end of file; the JSON is cut short"},
		{"top level array", `[{"id": "a"}]`, `p.json:1:1: top level must be an object like {"users": [...], "groups": [...]}`},
		{"users not an array", "{\n  \"users\": {\"id\": \"a\"}}", `p.json:2:12: "users" must be an array, not an object`},
		{"users null", `{"users": null}`, `p.json:1:11: "users" must be an array, not null`},
		{"groups a string", `{"users": [], "groups": "all"}`, `p.json:1:25: "groups" must be an array, not string "all"`},
		{"unknown key", `{"users": [], "Groups": []}`, `p.json:1:15: unknown top-level key "Groups"; expected "users" and "groups"`},
		{"repeated key", `{"users": [], "users": []}`, `p.json:1:15: key "users" appears twice at the top level`},
		{"no users key", `{"groups": []}`, `p.json:1:1: no "users" key; an empty directory must say so with "users": []`},
		{"trailing data", "{\"users\": []}\n{\"users\": []}", "p.json:2:1: unexpected data after the top-level object"},
		{"trailing garbage", "{\"users\": []} x", "p.json:1:15: invalid character 'x' after top-level value"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantParseError(t, "p.json", tt.data, tt.want) })
	}
}

func TestParseJSONBOMAndCRLF(t *testing.T) {
	data := "\uFEFF{\"users\": [\r\n  {\"id\": \"a\"},\r\n  {\"id\": \"b\", \"accountEnabled\": \"perhaps\"}\r\n]}\r\n"
	snap, err := Parse("p.json", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	if got := userIDs(snap.Users); !reflect.DeepEqual(got, []string{"a"}) {
		t.Errorf("users = %v", got)
	}
	checkProblems(t, snap.Problems, []problem{{3, "b", "user", "perhaps"}})

	_, err = Parse("p.json", []byte("\uFEFF{\"users\": [\r\n  {\"id\": \"a\"\r\n]}"))
	if err == nil || !strings.HasPrefix(err.Error(), "p.json:3:1: ") {
		t.Errorf("syntax error with BOM and CRLF = %v, want position 3:1", err)
	}
}

// wantParseError checks that data fails as a whole file with exactly want.
func wantParseError(t *testing.T, name, data, want string) {
	t.Helper()
	snap, err := Parse(name, []byte(data))
	if err == nil {
		t.Fatalf("no error; snapshot %+v", snap)
	}
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Errorf("error %T is not a *ParseError", err)
	}
	if err.Error() != want {
		t.Errorf("error = %q\nwant    %q", err, want)
	}
}
