package commands

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"testing"
)

// Values Slack must never receive — a 50 MB job title, a NUL byte, a control
// character, a title past the length limit — fail their own user, with a
// reason that names the user, and the rest of the sync is applied.
func TestHostileValuesFailPerUserInAWholeSync(t *testing.T) {
	user := func(id, title, surname string) string {
		data, err := json.Marshal(map[string]string{"id": id, "userPrincipalName": id + "@example.com", "mail": id + "@example.com",
			"givenName": "G", "surname": surname, "jobTitle": title})
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	for _, tt := range []struct {
		name, file, content string
		failed              map[string]string // user → what its failure must say
	}{
		{"json", "people.json", "{\"users\": [\n" + strings.Join([]string{
			user("good1", "Engineer", "One"),
			user("huge", strings.Repeat("x", 50<<20), "Huge"),
			user("nul", "Eng\x00ineer", "Nul"),
			user("bell", "Engineer", "Be\x07ll"),
			user("long", strings.Repeat("t", 300), "Long"),
			user("good2", "Manager", "Two"),
		}, ",\n") + "\n]}\n", map[string]string{
			"huge": "people.json:3: user huge: record is 52428925 bytes; slackprov reads records of up to 65536 bytes",
			"nul":  `title value "Eng\x00ineer" has the control character U+0000 at character 4`,
			"bell": `name.familyName value "Be\all" has the control character U+0007 at character 3`,
			"long": "title value \"" + strings.Repeat("t", 40) + "\"… is 300 characters; slackprov sends at most 256",
		}},
		{"csv", "people.csv", "id,userPrincipalName,mail,givenName,surname,jobTitle\n" +
			"good1,good1@example.com,good1@example.com,G,One,Engineer\n" +
			"huge,huge@example.com,huge@example.com,G,Huge," + strings.Repeat("x", 50<<20) + "\n" +
			"nul,nul@example.com,nul@example.com,G,Nul,Eng\x00ineer\n" +
			"good2,good2@example.com,good2@example.com,G,Two,Manager\n", map[string]string{
			"huge": "people.csv:3: user huge: record is 52428847 bytes; slackprov reads records of up to 65536 bytes",
			"nul":  `title value "Eng\x00ineer" has the control character U+0000`,
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newSyncEnv(t, 0, "")
			e.write(tt.file, tt.content)
			if tt.file != "people.json" {
				e.write("cfg.yaml", strings.Replace(mustRead(t, e.cfg), "people.json", tt.file, 1))
			}
			code, stdout, stderr := e.run("sync", "--yes")
			if code != ExitError || !strings.Contains(stderr, fmt.Sprintf("%d operations failed; the rest were applied", len(tt.failed))) {
				t.Fatalf("exit %d, want 1 with %d failures:\n%s\n%s", code, len(tt.failed), stdout, stderr)
			}
			if len(stdout) > 64<<10 {
				t.Errorf("the plan printed is %d bytes: a value was printed whole", len(stdout))
			}
			for id, why := range tt.failed {
				if !strings.Contains(stdout, why) {
					t.Errorf("user %s: the plan does not say %q:\n%s", id, why, stdout)
				}
			}
			created := map[string]string{}
			for _, u := range e.slack.Users() {
				created[u.UserName] = u.Title
			}
			want := map[string]string{"good1": "Engineer", "good2": "Manager"}
			if fmt.Sprint(created) != fmt.Sprint(want) {
				t.Errorf("Slack holds %v, want only %v", created, want)
			}

			// The provisioning log records each refusal, just as briefly.
			_, logs, _ := e.run("logs", "--status", "failed", "--output", "json")
			if len(logs) > 64<<10 || strings.Count(logs, `"status": "failed"`) != len(tt.failed) {
				t.Errorf("log of failures (%d bytes):\n%.2000s", len(logs), logs)
			}
		})
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}
