package commands

import (
	"context"
	"io"
	"path/filepath"
	"testing"
	"time"

	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/store"
)

// Most operations failing in three consecutive writing cycles quarantine
// the profile; a cycle too small to judge leaves the count alone, and a
// good one resets it.
func TestMostlyFailingCyclesQuarantine(t *testing.T) {
	cycle := func(ok, failed int) cycleOutcome {
		return cycleOutcome{class: provision.ClassOpsFailed, res: &provision.Result{Tally: map[provision.TallyKey]int{
			{Kind: provision.KindUser, Action: provision.ActionUpdate, Status: provision.StatusOK}:     ok,
			{Kind: provision.KindUser, Action: provision.ActionUpdate, Status: provision.StatusFailed}: failed,
		}}}
	}
	tests := []struct {
		name        string
		cycles      []cycleOutcome
		quarantined bool
	}{
		{"three bad cycles", []cycleOutcome{cycle(5, 15), cycle(2, 18), cycle(0, 10)}, true},
		{"two bad cycles", []cycleOutcome{cycle(5, 15), cycle(2, 18)}, false},
		{"a good cycle between", []cycleOutcome{cycle(5, 15), cycle(2, 18), cycle(15, 5), cycle(0, 10)}, false},
		{"small cycles do not count", []cycleOutcome{cycle(5, 15), cycle(1, 3), cycle(2, 18), cycle(0, 10)}, true},
		{"40 % is not most", []cycleOutcome{cycle(6, 4), cycle(6, 4), cycle(6, 4)}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			cfg := defaultConfig()
			cfg.StateDir = filepath.Join(t.TempDir(), "state")
			st, err := openStore(ctx, &cfg)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			w := &watcher{opts: &WatchOptions{Config: &cfg, Now: time.Now}, st: st, metrics: newWatchMetrics(),
				log: newWatchLog(io.Discard, "text"), health: &watchHealth{now: time.Now}}
			for _, c := range tt.cycles {
				w.judge(ctx, c)
			}
			q, err := st.Quarantine(ctx)
			if err != nil || (q != nil) != tt.quarantined || q != nil && q.Reason != store.QuarantineFailures {
				t.Errorf("quarantine %+v (%v), want quarantined=%v", q, err, tt.quarantined)
			}
		})
	}
}
