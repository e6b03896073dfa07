package slackscim

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func writeSeed(t *testing.T, content string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadSlackSeed(t *testing.T) {
	path := writeSeed(t, `{"users":[
	  {"userName":"boss","email":"boss@example.com","givenName":"Big","familyName":"Boss","id":"U00000BOSS1"},
	  {"userName":"amy","email":"amy@example.com","givenName":"Amy","managerId":"boss@example.com","department":"Eng","active":false},
	  {"userName":"bob","email":"bob@example.com","familyName":"Bob","managerId":"boss","externalId":"e-bob"}],
	  "groups":[{"displayName":"Eng","members":["amy","U00000BOSS1"],"externalId":"g1"}]}`)
	seed, err := LoadSeed(path)
	if err != nil {
		t.Fatal(err)
	}
	s := New(Options{Token: "t", Seed: seed})
	users := s.Users()
	if len(users) != 3 || users[0].ID != "U00000BOSS1" {
		t.Fatalf("users: %+v", users)
	}
	amy, bob := users[1], users[2]
	if amy.Active || amy.ManagerID != "U00000BOSS1" || amy.Department != "Eng" {
		t.Errorf("amy: %+v", amy)
	}
	if !bob.Active || bob.ManagerID != "U00000BOSS1" || bob.ExternalID != "e-bob" {
		t.Errorf("bob: %+v", bob)
	}
	groups := s.Groups()
	if len(groups) != 1 || !reflect.DeepEqual(groups[0].Members, []string{amy.ID, "U00000BOSS1"}) || groups[0].ExternalID != "g1" {
		t.Errorf("groups: %+v", groups)
	}
}

func TestLoadSlackSeedRejectsWhatSlackWould(t *testing.T) {
	tests := []struct{ seed, want string }{
		{`{"users":[{"userName":"a","email":"a@x.com","givenName":"A"},{"userName":"b","email":"A@X.com","givenName":"B"}]}`, "user 2 (b): Slack would refuse it: email_taken"},
		{`{"users":[{"userName":"a","email":"a@x.com"}]}`, "invalid_name_required"},
		{`{"users":[{"userName":"a","email":"a@x.com","givenName":"A","id":"bad"}]}`, `id "bad"`},
		{`{"groups":[{"displayName":"G","members":["ghost"]}]}`, "group 1 (G): Slack would refuse it: no_such_group_members"},
		{`{"users":`, "parse Slack seed"},
	}
	for _, tt := range tests {
		_, err := LoadSeed(writeSeed(t, tt.seed))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("seed %s: error %v, want it to mention %q", tt.seed, err, tt.want)
		}
	}
	if _, err := LoadSeed(filepath.Join(t.TempDir(), "missing.json")); err == nil {
		t.Error("a missing file must be an error")
	}
}
