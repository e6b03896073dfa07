package commands

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/store"
)

// An interrupted sync stops after the requests in flight, exits 130, records
// the run as interrupted, and the next run converges.
func TestInterruptedSync(t *testing.T) { forSCIMVersions(t, testInterruptedSync) }

func testInterruptedSync(t *testing.T, version string) {
	e := newSyncEnvAs(t, version, 200, "")
	cfg, err := LoadConfig(e.cfg, "default", true)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Slack.RateShare = 2 // slow enough to interrupt mid-apply
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		for e.slack.Stats().AppliedWrites < 20 {
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
	}()
	ios, _, out, errOut := TestStreams()
	err = syncRun(ctx, &SyncOptions{IO: ios, Config: cfg, HTTPClient: http.DefaultClient, Now: time.Now,
		Token: staticToken{EmulatorToken, "test"}, Yes: true, Output: "text", MaxDeactivations: 50, Workers: 4})
	if code := exitCodeOf(err); code != ExitInterrupted || !errors.Is(err, context.Canceled) {
		t.Fatalf("exit %d (%v), want 130\n%s", code, err, errOut)
	}
	created := len(e.slack.Users())
	if created == 0 || created >= 200 {
		t.Fatalf("%d users created: the interrupt did not land mid-apply", created)
	}
	// The summary counts what was done, not what was planned.
	if want := fmt.Sprintf("Applied: users: %d created", created); !strings.Contains(out.String(), want) ||
		!strings.Contains(out.String(), "operations were not started") || !strings.Contains(err.Error(), "run sync again to finish") {
		t.Errorf("summary after the interrupt (want %q):\n%s\nerror: %v", want, out, err)
	}
	st, err := store.Open(context.Background(), cfg.StateDir+"/state.db")
	if err != nil {
		t.Fatal(err)
	}
	runs, _ := st.Runs(context.Background(), 1)
	links, _ := st.Links(context.Background(), "user")
	st.Close()
	if len(runs) != 1 || runs[0].Status != store.RunInterrupted {
		t.Fatalf("run record: %+v", runs)
	}
	// Every account Slack created was linked: nothing in flight was lost.
	if len(links) != created {
		t.Errorf("%d accounts in Slack, %d links recorded", created, len(links))
	}
	if code, _, stderr := e.run("sync", "--yes"); code != ExitOK {
		t.Fatalf("rerun: exit %d: %s", code, stderr)
	}
	if code, stdout, _ := e.run("sync", "--dry-run"); code != ExitOK || !strings.Contains(stdout, "No changes") {
		t.Fatalf("not converged: %s", stdout)
	}
}
