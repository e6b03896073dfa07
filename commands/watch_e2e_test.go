package commands

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/entraid"
	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/store"
)

// A title change and a disabled user reach Slack within two cycles; an
// idle cycle sends Slack nothing and Graph at most one call per delta
// stream plus the assignment listing.
func TestWatchKeepsSlackInStep(t *testing.T) {
	w := newWatchWorld(t, slackscim.Options{}, 40)
	rw := w.start(400 * time.Millisecond)
	st := w.state()
	waitFor(t, 60*time.Second, "the first cycle", func() bool { return len(finishedRuns(t, st)) >= 1 })

	second := &WatchOptions{IO: &IOStreams{In: strings.NewReader(""), Out: &syncBuffer{}, ErrOut: &syncBuffer{}}, Config: &w.cfg,
		Now: time.Now, Getenv: func(string) string { return "" }, Token: staticToken{EmulatorToken, "test"},
		Interval: time.Second, FullEvery: time.Hour, LogFormat: "text"}
	if err := watchRun(context.Background(), second); err == nil || !strings.Contains(err.Error(), "one watch runs per profile") {
		t.Errorf("a second watch of the profile: %v", err)
	}

	titled := linkedUser(t, w, st, "")
	disabled := linkedUser(t, w, st, titled)
	changed := time.Now()
	if err := w.tenant.UpdateUser(titled, func(u *entraid.User) { u.JobTitle = "Chief Watcher" }); err != nil {
		t.Fatal(err)
	}
	if err := w.tenant.DisableUser(disabled); err != nil {
		t.Fatal(err)
	}
	waitFor(t, 30*time.Second, "the title and the deactivation in Slack", func() bool {
		a, _ := slackUser(w.slack, titled)
		b, _ := slackUser(w.slack, disabled)
		return a.Title == "Chief Watcher" && !b.Active
	})
	// Cycles that began after the change, up to the one that wrote it.
	entries, err := st.Log(context.Background(), store.LogFilter{SourceID: titled})
	if err != nil {
		t.Fatal(err)
	}
	var wrote int64
	for _, e := range entries {
		if e.Action == "update" && e.Status == "ok" {
			wrote = e.RunID
		}
	}
	cycles := 0
	for _, r := range finishedRuns(t, st) {
		if r.ID <= wrote && !r.Started.Before(changed) {
			cycles++
		}
	}
	if wrote == 0 || cycles > 2 {
		t.Errorf("the change was written by run %d, the %d-th cycle after it (want within two)", wrote, cycles)
	}

	// Idle: count exactly three whole cycles, between two idle records.
	waitFor(t, 10*time.Second, "an idle watch", func() bool { return watchCycleRecord(t, st).Phase == "idle" })
	before := len(finishedRuns(t, st))
	w.slack.ResetStats()
	w.tenant.ResetStats()
	waitFor(t, 30*time.Second, "three idle cycles", func() bool {
		return len(finishedRuns(t, st)) >= before+3 && watchCycleRecord(t, st).Phase == "idle"
	})
	slack, graph := w.slack.Stats(), w.tenant.Stats()
	if n := len(finishedRuns(t, st)) - before; n != 3 {
		t.Fatalf("%d cycles in the window, want 3", n)
	}
	if slack.Total != 0 {
		t.Errorf("three idle cycles sent Slack %d requests: %v", slack.Total, slack.Requests)
	}
	if graph.Graph > 3*3 {
		t.Errorf("three idle cycles sent Graph %d requests (at most 3 per cycle: users delta, groups delta, assignments): %v", graph.Graph, graph.Requests)
	}
	t.Logf("three idle cycles: Slack %d requests, Graph %d (%v), token %d", slack.Total, graph.Graph, graph.Requests, graph.Token)
	if code, h := healthz(t, rw.addr); code != 200 || !h.Healthy {
		t.Errorf("/healthz %d %+v", code, h)
	}
	if !strings.Contains(rw.log.String(), `"msg":"cycle"`) {
		t.Errorf("no JSON cycle lines:\n%s", rw.log)
	}
	if err := rw.stop(t); err != nil {
		t.Errorf("watch returned %v after the interrupt, want nil (exit 0)", err)
	}
	c := watchCycleRecord(t, st)
	if c.Phase != "stopped" || c.Interval != "400ms" || c.RunID == 0 || c.Mode != "incremental" {
		t.Errorf("watch.cycle after stop: %+v", c)
	}
	if c.Started.IsZero() || c.Next.IsZero() {
		t.Errorf("watch.cycle has no start or next time: %+v", c)
	}
}

// Slack going away in the middle of a cycle's writes neither ends the
// loop nor leaves duplicates: later cycles converge.
func TestWatchSurvivesSlackRestart(t *testing.T) {
	w := newWatchWorld(t, slackscim.Options{Faults: slackscim.Faults{Latency: 5 * time.Millisecond}}, 80)
	restarted := make(chan struct{})
	go func() {
		defer close(restarted)
		for w.slack.Stats().AppliedWrites < 15 {
			time.Sleep(2 * time.Millisecond)
		}
		w.slackLn.restart(t, 300*time.Millisecond)
	}()
	rw := w.start(300 * time.Millisecond)
	st := w.state()
	<-restarted
	after := len(finishedRuns(t, st))
	waitFor(t, 90*time.Second, "a cycle with nothing left to write after the restart", func() bool {
		runs := finishedRuns(t, st)
		if len(runs) <= after {
			return false
		}
		c := runs[0].Counts
		return c["user.create"]+c["user.update"]+c["user.deactivate"]+c["user.reactivate"]+c["group.create"]+c["group.update"] == 0
	})
	select {
	case err := <-rw.done:
		t.Fatalf("the loop ended: %v", err)
	default:
	}
	if !strings.Contains(rw.log.String(), `"outcome":"error"`) && !strings.Contains(rw.log.String(), `"outcome":"failed"`) {
		t.Errorf("the restart went unnoticed in the cycle lines:\n%s", rw.log)
	}
	checkNoDuplicates(t, w.slack)
	links, _ := st.Links(context.Background(), "user")
	if len(links) == 0 || len(links) > len(w.slack.Users()) {
		t.Errorf("%d links for %d Slack users", len(links), len(w.slack.Users()))
	}
}
