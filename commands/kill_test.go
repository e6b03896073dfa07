package commands

import (
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/sampledir"
	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/views"
)

// TestKilledFirstSyncConverges kills a real `slackprov sync` process at a
// random point of a first sync with groups, again and again: the next sync
// must converge with no duplicate accounts, and a dry run after it must plan
// nothing but the records that fail by design.
func TestKilledFirstSyncConverges(t *testing.T) {
	if testing.Short() {
		t.Skip("kills a dozen subprocess syncs per SCIM version; run without -short")
	}
	forSCIMVersions(t, testKilledFirstSyncConverges)
}

func testKilledFirstSyncConverges(t *testing.T, version string) {
	const trials = 12
	rng := rand.New(rand.NewPCG(9, uint64(time.Now().UnixNano())))
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	data := sampledir.JSON(sampledir.Options{Users: 40, Groups: 4, Seed: 3})
	for trial := range trials {
		// Each request takes 10 ms, so a first sync (38 writes, four at a
		// time) lasts long enough for the kill to land anywhere in it:
		// user creates, group creates and membership, or before any write.
		w := newFileWorldAs(t, version, slackscim.Options{Faults: slackscim.Faults{Latency: 10 * time.Millisecond}})
		if err := os.WriteFile(filepath.Join(w.dir, "people.json"), data, 0o600); err != nil {
			t.Fatal(err)
		}
		cmd := &exec.Cmd{Path: self, Args: []string{"slackprov", "--config", w.cfg, "sync", "--yes"},
			Env: append(os.Environ(), "SLACKPROV_SLACK_TOKEN="+EmulatorToken)}
		var log strings.Builder
		cmd.Stdout, cmd.Stderr = &log, &log
		killAt := rng.IntN(40)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		exited := make(chan struct{})
		go func() { cmd.Wait(); close(exited) }()
		func() {
			for w.slack.Stats().AppliedWrites < killAt {
				select {
				case <-exited:
					return
				case <-time.After(time.Millisecond):
				}
			}
			cmd.Process.Kill()
		}()
		<-exited
		writes := w.slack.Stats().AppliedWrites

		// The sample directory has records that fail by design (exit 1).
		if code, out, errOut := w.run("sync", "--yes"); code != ExitOK && code != ExitError {
			t.Fatalf("trial %d (killed after %d writes): second sync exited %d:\n%s%s", trial, writes, code, out, errOut)
		}
		p, code := w.plan()
		if p.HasChanges() || len(p.Links) > 0 || code != ExitError {
			t.Fatalf("trial %d (killed after %d writes): not converged (exit %d): %s\n%s", trial, writes, code, views.Summary(p), log.String())
		}
		checkNoDuplicates(t, w.slack)
		t.Logf("trial %d: killed after %d of the first sync's writes; converged", trial, writes)
	}
}

// checkNoDuplicates fails when two Slack accounts share an email or a
// directory user, or two groups a name.
func checkNoDuplicates(t *testing.T, slack *slackscim.Org) {
	t.Helper()
	seenEmail, seenExternal, seenGroup := map[string]bool{}, map[string]bool{}, map[string]bool{}
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
	for _, g := range slack.Groups() {
		if seenGroup[strings.ToLower(g.DisplayName)] {
			t.Errorf("two Slack groups named %s", g.DisplayName)
		}
		seenGroup[strings.ToLower(g.DisplayName)] = true
	}
}
