package commands

import (
	"context"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/emulator/slackscim"
)

// syncEnv is a config, a directory file and a Slack emulator in a temp dir.
type syncEnv struct {
	t     *testing.T
	dir   string
	cfg   string
	slack *slackscim.Org
	token string
}

func newSyncEnv(t *testing.T, users int, extraConfig string) *syncEnv {
	return newSyncEnvAs(t, "v2", users, extraConfig)
}

// scimVersions are Slack's SCIM dialects: every end-to-end sync against the
// Slack emulator runs on both.
var scimVersions = []string{"v2", "v1"}

// forSCIMVersions runs test once per version, side by side: the syncs wait
// on the emulators' rate limits far more than they use the CPU.
func forSCIMVersions(t *testing.T, test func(t *testing.T, version string)) {
	for _, v := range scimVersions {
		t.Run(v, func(t *testing.T) {
			t.Parallel()
			test(t, v)
		})
	}
}

// newSyncEnvAs is newSyncEnv reaching the emulator over SCIM version.
func newSyncEnvAs(t *testing.T, version string, users int, extraConfig string) *syncEnv {
	t.Helper()
	slack := slackscim.New(slackscim.Options{Token: EmulatorToken, TimeScale: 100})
	srv := httptest.NewServer(slack)
	t.Cleanup(srv.Close)
	e := &syncEnv{t: t, dir: t.TempDir(), slack: slack, token: EmulatorToken}
	e.cfg = filepath.Join(e.dir, "cfg.yaml")
	e.write("cfg.yaml", fmt.Sprintf("slack:\n  scim_url: %s/scim/%s/\n  rate_share: 80\nsource:\n  type: file\n  file:\n    path: people.json\nstate_dir: state\n%s", srv.URL, version, extraConfig))
	e.people(users, 0)
	return e
}

func (e *syncEnv) write(name, content string) {
	e.t.Helper()
	if err := os.WriteFile(filepath.Join(e.dir, name), []byte(content), 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// people writes a directory of n users, the first `disabled` of them disabled.
func (e *syncEnv) people(n, skip int) {
	var b strings.Builder
	b.WriteString(`{"users": [`)
	for i := skip; i < n; i++ {
		if i > skip {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, `{"id":"id%03d","userPrincipalName":"user%03d@example.com","mail":"user%03d@example.com","givenName":"User","surname":"N%03d","displayName":"User %03d","accountEnabled":true}`, i, i, i, i, i)
	}
	b.WriteString(`]}`)
	e.write("people.json", b.String())
}

func (e *syncEnv) run(args ...string) (code int, stdout, stderr string) {
	ios, _, out, errOut := TestStreams()
	f := NewFactory()
	f.IO = ios
	f.Getenv = func(k string) string {
		if k == "SLACKPROV_SLACK_TOKEN" {
			return e.token
		}
		return ""
	}
	code = Run(context.Background(), f, append([]string{"slackprov", "--config", e.cfg}, args...))
	return code, out.String(), errOut.String()
}

func TestSyncExitCodes(t *testing.T) { forSCIMVersions(t, testSyncExitCodes) }

func testSyncExitCodes(t *testing.T, version string) {
	e := newSyncEnvAs(t, version, 10, "safety:\n  max_deactivations: 2\n")

	if code, _, stderr := e.run("sync", "--dry-run", "--detailed-exitcode"); code != ExitChanges {
		t.Fatalf("plan with changes: exit %d, want 2: %s", code, stderr)
	}
	if code, _, stderr := e.run("sync", "--yes"); code != ExitOK {
		t.Fatalf("apply: exit %d: %s", code, stderr)
	}
	if code, stdout, _ := e.run("sync", "--dry-run", "--detailed-exitcode"); code != ExitOK || !strings.Contains(stdout, "No changes") {
		t.Fatalf("converged plan: exit %d: %s", code, stdout)
	}

	// Three people leave: over the threshold of 2, refused with exit 3, plan still shown.
	e.people(10, 3)
	code, stdout, stderr := e.run("sync", "--yes")
	if code != ExitSafety || !strings.Contains(stdout, "Refused: the plan deactivates 3 users, above the safety threshold of 2") {
		t.Fatalf("threshold: exit %d\n%s\n%s", code, stdout, stderr)
	}
	if active := countActive(e.slack); active != 10 {
		t.Fatalf("a refused plan changed Slack: %d active", active)
	}
	// The flag raises the threshold for one run.
	if code, _, stderr := e.run("sync", "--yes", "--max-deactivations", "3"); code != ExitOK {
		t.Fatalf("with --max-deactivations 3: exit %d: %s", code, stderr)
	}
	if active := countActive(e.slack); active != 7 {
		t.Fatalf("%d active after deactivating 3, want 7", active)
	}

	// An empty directory while we own accounts is a broken source.
	e.write("people.json", `{"users": []}`)
	if code, stdout, _ := e.run("sync", "--yes", "--max-deactivations", "1000"); code != ExitSafety || !strings.Contains(stdout, "no users") {
		t.Fatalf("empty source: exit %d: %s", code, stdout)
	}

	// Bad credentials: exit 4, and the fix is the variable's, not authorize's.
	e.token = "xoxp-wrong"
	code, _, stderr = e.run("sync", "--dry-run")
	if code != ExitAuth || !strings.Contains(stderr, "Slack refuses the token in SLACKPROV_SLACK_TOKEN") ||
		!strings.Contains(stderr, "change SLACKPROV_SLACK_TOKEN") || strings.Contains(stderr, "authorize` again") || strings.Contains(stderr, "xoxp-wrong") {
		t.Fatalf("bad token: exit %d: %s", code, stderr)
	}
	e.token = ""
	if code, _, stderr := e.run("sync", "--dry-run"); code != ExitAuth || !strings.Contains(stderr, "SLACKPROV_SLACK_TOKEN") {
		t.Fatalf("no token: exit %d: %s", code, stderr)
	}
}

func countActive(s *slackscim.Org) int {
	n := 0
	for _, u := range s.Users() {
		if u.Active {
			n++
		}
	}
	return n
}

func TestBadInputNamesFileAndLine(t *testing.T) { forSCIMVersions(t, testBadInputNamesFileAndLine) }

func testBadInputNamesFileAndLine(t *testing.T, version string) {
	e := newSyncEnvAs(t, version, 2, "")
	tests := []struct {
		name, file, content, want string
	}{
		{"malformed JSON", "people.json", "{\"users\": [\n  {\"id\": \"a\",}\n]}", "people.json:2:"},
		{"malformed CSV", "people.csv", "id,mail\n\"a,b\n", "people.csv:2"},
		{"config key typo", "cfg.yaml", "slack:\n  scim_ulr: x\n", "cfg.yaml:2: slack.scim_ulr: unknown key; did you mean scim_url?"},
		{"mapping error", "map.yaml", "version: 1\nusers:\n  - target: userName\n    expression: Lefft([mail], 3)\n", "map.yaml:4"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfgBefore, _ := os.ReadFile(e.cfg)
			t.Cleanup(func() { os.WriteFile(e.cfg, cfgBefore, 0o600) })
			e.write(tt.file, tt.content)
			switch tt.file {
			case "people.csv":
				e.write("cfg.yaml", strings.Replace(string(cfgBefore), "people.json", "people.csv", 1))
			case "map.yaml":
				e.write("cfg.yaml", string(cfgBefore)+"mappings: map.yaml\n")
			}
			code, stdout, stderr := e.run("sync", "--dry-run")
			if !strings.Contains(stderr+stdout, tt.want) {
				t.Errorf("exit %d; output does not name %q:\n%s\n%s", code, tt.want, stdout, stderr)
			}
		})
	}
}
