package commands

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/sampledir"
	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/store"
)

// SIGTERM in the middle of a cycle's writes: the requests in flight
// finish, nothing new starts, the run is recorded as interrupted, the
// watch record says stopped, and the process exits 0.
func TestWatchSIGTERM(t *testing.T) {
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	w := newFileWorld(t, slackscim.Options{Faults: slackscim.Faults{Latency: 20 * time.Millisecond}})
	if err := os.WriteFile(filepath.Join(w.dir, "people.json"),
		sampledir.JSON(sampledir.Options{Users: 120, Groups: 2, Seed: 5}), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := &exec.Cmd{Path: self, Args: []string{"slackprov", "--config", w.cfg, "watch", "--interval", "30s", "--workers", "4"},
		Env: append(os.Environ(), "SLACKPROV_SLACK_TOKEN="+EmulatorToken)}
	var log strings.Builder
	cmd.Stdout, cmd.Stderr = &log, &log
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	waitFor(t, 60*time.Second, "writes to Slack", func() bool { return w.slack.Stats().AppliedWrites >= 10 })
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	atSignal := w.slack.Stats().Writes
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("watch exited with %v after SIGTERM, want 0\n%s", err, log.String())
		}
	case <-time.After(20 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("watch still running 20s after SIGTERM\n%s", log.String())
	}
	// The 4 workers' requests in flight finish; a worker may start one more
	// before the process has taken the signal in, but the run stops far
	// short of its ~120 writes.
	if extra, total := w.slack.Stats().Writes-atSignal, w.slack.Stats().Writes; extra > 8 || total > 60 {
		t.Errorf("%d writes reached Slack after SIGTERM (%d in all); only those in flight may", extra, total)
	}
	st, err := store.Open(context.Background(), filepath.Join(w.dir, "state", "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	runs, _ := st.Runs(context.Background(), 5)
	if len(runs) != 1 || runs[0].Status != store.RunInterrupted {
		t.Errorf("runs after SIGTERM: %+v\n%s", runs, log.String())
	}
	if c := watchCycleRecord(t, st); c.Phase != "stopped" || c.PID != cmd.Process.Pid {
		t.Errorf("watch.cycle %+v, want phase stopped and pid %d", c, cmd.Process.Pid)
	}
}
