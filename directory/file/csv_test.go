package file

import (
	"reflect"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/directory"
)

func TestParseCSVUsers(t *testing.T) {
	data := "\uFEFFid,userPrincipalName,Mail,givenName,surname,displayName,accountEnabled,manager,officeLocation,\r\n" +
		"u1,ana@example.com,ana@example.com,Ana,Łukasz,\"Łukasz, Ana\",TRUE,,Kraków,\r\n" +
		"u2,bo@example.com,,Bo,,Bo,no,u1,,\r\n" +
		" u3 ,cy@example.com,,Cy,,\"Cy \"\"the guy\"\"\nSecond line\",,u1,,\r\n" +
		",,,,,,,,,\r\n" +
		"\r\n" +
		"u4,di@example.com,,Di,,Di,Yes,,,\r\n" +
		"u5,ed@example.com,,Ed,,Ed,0,,,ignored\r\n"
	snap, err := Parse("people.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	want := []directory.User{
		{ID: "u1", UserPrincipalName: "ana@example.com", Mail: "ana@example.com", GivenName: "Ana", Surname: "Łukasz",
			DisplayName: "Łukasz, Ana", AccountEnabled: true, Extra: map[string]string{"officeLocation": "Kraków"}},
		{ID: "u2", UserPrincipalName: "bo@example.com", GivenName: "Bo", DisplayName: "Bo", AccountEnabled: false, Manager: "u1"},
		{ID: "u3", UserPrincipalName: "cy@example.com", GivenName: "Cy", DisplayName: "Cy \"the guy\"\nSecond line",
			AccountEnabled: true, Manager: "u1"},
		{ID: "u4", UserPrincipalName: "di@example.com", GivenName: "Di", DisplayName: "Di", AccountEnabled: true},
		{ID: "u5", UserPrincipalName: "ed@example.com", GivenName: "Ed", DisplayName: "Ed", AccountEnabled: false},
	}
	if !reflect.DeepEqual(snap.Users, want) {
		t.Errorf("users =\n%#v\nwant\n%#v", snap.Users, want)
	}
	if len(snap.Problems) != 0 || snap.Groups != nil {
		t.Errorf("problems %v, groups %v; want none", snap.Problems, snap.Groups)
	}
}

func TestParseCSVRecordErrors(t *testing.T) {
	tests := []struct {
		name      string
		rows      string // rows after the header "id,mail,accountEnabled", from line 2
		wantUsers []string
		want      []problem
	}{
		{
			name:      "too few fields",
			rows:      "a,a@x\nb,b@x,true",
			wantUsers: []string{"b"},
			want:      []problem{{2, "a", "user", "row has 2 fields but the header has 3"}},
		},
		{
			name:      "too many fields",
			rows:      "a,Smith, John <a@x>,true\nb,b@x,true",
			wantUsers: []string{"b"},
			want:      []problem{{2, "a", "user", "row has 4 fields but the header has 3"}},
		},
		{
			name:      "bad accountEnabled",
			rows:      "a,a@x,maybe\nb,b@x,",
			wantUsers: []string{"b"},
			want:      []problem{{2, "a", "user", `accountEnabled: want true or false, got "maybe"`}},
		},
		{
			name:      "missing id",
			rows:      ",a@x,true\nb,b@x,true",
			wantUsers: []string{"b"},
			want:      []problem{{2, "", "user", "missing id"}},
		},
		{
			name:      "duplicate id",
			rows:      "a,a@x,true\nb,b@x,true\na,a2@x,false",
			wantUsers: []string{"b"},
			want:      []problem{{4, "a", "user", "duplicate id, also on line 2"}},
		},
		{
			name:      "line numbers count quoted newlines",
			rows:      "a,\"multi\nline\",true\nb,b@x,nope",
			wantUsers: []string{"a"},
			want:      []problem{{4, "b", "user", "nope"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap, err := Parse("p.csv", []byte("id,mail,accountEnabled\n"+tt.rows+"\n"))
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

func TestParseCSVWholeFileErrors(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"empty", "", `p.csv:1: file is empty; expected a header row with an "id" column`},
		{"no id column", "mail,displayName\na@x,A\n", `p.csv:1: no "id" column in the header row (found: mail, displayName); every user needs a stable id`},
		{"repeated column", "id,mail,MAIL\n", `p.csv:1: column "mail" appears twice (columns 2 and 3); keep one`},
		{"bare quote", "id,displayName\nu1,Zoë \"Z\" Ng\n", `p.csv:2:8: bare " in non-quoted-field`},
		{"unterminated quote", "id,displayName\nu1,\"Zoë\nu2,B\n", `p.csv:2:4: the quote that opens this field is never closed, so the rest of the file would be one value; close it or double the " inside the value`},
		{"unterminated quote after a quoted newline", "id,displayName\nu1,\"A\nB\"\nu2,\"Zoë, \"\"Z\"\"\nu3,C\n", `p.csv:4:4: the quote that opens this field is never closed, so the rest of the file would be one value; close it or double the " inside the value`},
		{"header not UTF-8", "id,display\xffName\nu1,A\n", `p.csv:1:11: byte 0xFF in the header row is not UTF-8 text; save the file as UTF-8`},
		{"header not UTF-8 after blank lines", "\n\r\nid,display\xffName\nu1,A\n", `p.csv:3:11: byte 0xFF in the header row is not UTF-8 text; save the file as UTF-8`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { wantParseError(t, "p.csv", tt.data, tt.want) })
	}
}

func TestParseCSVDelimiters(t *testing.T) {
	for _, tt := range []struct{ name, data string }{
		{"semicolon", "id;displayName;accountEnabled\nu1;Müller, Jan;false\n"},
		{"tab", "id\tdisplayName\taccountEnabled\nu1\tMüller, Jan\tfalse\n"},
		{"comma", "id,displayName,accountEnabled\nu1,\"Müller, Jan\",false\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			snap, err := Parse("p.csv", []byte(tt.data))
			if err != nil {
				t.Fatal(err)
			}
			want := []directory.User{{ID: "u1", DisplayName: "Müller, Jan", AccountEnabled: false}}
			if !reflect.DeepEqual(snap.Users, want) || len(snap.Problems) != 0 {
				t.Errorf("users %#v, problems %v", snap.Users, snap.Problems)
			}
		})
	}
}

func TestParseFormatDetection(t *testing.T) {
	tests := []struct {
		name, file, data string
		wantErr          string // "" for success
	}{
		{"json by extension", "people.JSON", `{"users": [{"id": "a"}]}`, ""},
		{"csv by extension", "people.csv", "id\na\n", ""},
		{"json sniffed", "people.txt", "\uFEFF \n{\"users\": [{\"id\": \"a\"}]}", ""},
		{"array sniffed as json", "people", `[{"id": "a"}]`, "top level must be an object"},
		{"csv sniffed", "export", "id,mail\na,a@x\n", ""},
		{"csv extension wins over content", "odd.csv", `{"users": [{"id": "a"}]}`, `odd.csv:1:2: bare " in non-quoted-field (the file looks like JSON; name it .json)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			snap, err := Parse(tt.file, []byte(tt.data))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := userIDs(snap.Users); !reflect.DeepEqual(got, []string{"a"}) {
				t.Errorf("users = %v", got)
			}
		})
	}
}
