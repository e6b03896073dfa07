package commands

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator"
)

// TestKilledSyncConverges kills a real `slackprov sync` process in the middle
// of applying, then syncs again: no duplicate accounts, nobody missing, and a
// third run has nothing to do.
func TestKilledSyncConverges(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a subprocess sync of 400 users; run without -short")
	}
	const users = 400
	// A slow enough clock that the kill lands mid-apply: creates run at about
	// 180/min × 4 = 12/s, so 400 take over half a minute unkilled.
	slack := emulator.NewSlack(emulator.SlackOptions{Token: EmulatorToken, TimeScale: 4})
	srv := httptest.NewServer(slack)
	defer srv.Close()

	dir := t.TempDir()
	data := emulator.SampleDirectoryJSON(emulator.SampleOptions{Users: users, Groups: 5, Seed: 3})
	if err := os.WriteFile(filepath.Join(dir, "people.json"), data, 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(dir, "cfg.yaml")
	if err := os.WriteFile(cfg, []byte("slack:\n  scim_url: "+srv.URL+"/scim/v2/\n  rate_share: 3.2\n"+
		"source:\n  type: file\n  file:\n    path: people.json\nstate_dir: state\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	cmd := &exec.Cmd{Path: self, Args: []string{"slackprov", "--config", cfg, "sync", "--yes"},
		Env: append(os.Environ(), "SLACKPROV_SLACK_TOKEN="+EmulatorToken)}
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(60 * time.Second)
	for slack.Stats().AppliedWrites < 60 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatalf("the sync never got going:\n%s", log.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	killedAt := len(slack.Users())
	if killedAt >= users-20 {
		t.Fatalf("the kill came too late to test anything: %d users already in Slack", killedAt)
	}

	run := func(args ...string) (int, string) {
		ios, _, stdout, stderr := TestStreams()
		f := NewFactory()
		f.IO = ios
		f.Getenv = func(k string) string {
			if k == "SLACKPROV_SLACK_TOKEN" {
				return EmulatorToken
			}
			return os.Getenv(k)
		}
		code := Run(context.Background(), f, append([]string{"slackprov", "--config", cfg}, args...))
		return code, stdout.String() + stderr.String()
	}
	// The sample directory has records that fail by design (exit 1); all
	// others must land.
	if code, out := run("sync", "--yes"); code != ExitOK && code != ExitError {
		t.Fatalf("second sync exited %d:\n%s", code, out)
	}
	code, out := run("sync", "--dry-run", "--detailed-exitcode")
	if code != ExitOK {
		t.Fatalf("third run still has changes (exit %d):\n%s", code, out)
	}

	seenEmail, seenExternal := map[string]bool{}, map[string]bool{}
	for _, u := range slack.Users() {
		for _, e := range u.Emails {
			key := strings.ToLower(e)
			if seenEmail[key] {
				t.Errorf("duplicate account for %s", e)
			}
			seenEmail[key] = true
		}
		if u.ExternalID != "" && seenExternal[u.ExternalID] {
			t.Errorf("two accounts for directory user %s", u.ExternalID)
		}
		seenExternal[u.ExternalID] = true
	}
	t.Logf("killed with %d of %d users in Slack; after the rerun Slack has %d", killedAt, users, len(slack.Users()))
}
