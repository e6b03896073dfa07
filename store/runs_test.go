package store

import (
	"context"
	"maps"
	"testing"
	"time"
)

func TestRuns(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	clock := time.Date(2025, 5, 2, 8, 0, 0, 0, time.UTC)
	s.now = func() time.Time { clock = clock.Add(time.Second); return clock }

	if last, err := s.LastRun(ctx); last != nil || err != nil {
		t.Fatalf("LastRun on empty store = %+v, %v; want nil, nil", last, err)
	}
	first, err := s.StartRun(ctx, true, "file people.json")
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{"user.create": 3, "group.update": 1}
	if err := s.FinishRun(ctx, first, RunOK, counts, ""); err != nil {
		t.Fatal(err)
	}
	second, err := s.StartRun(ctx, false, "entra tenant-1")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, second, RunRefused, nil, "would deactivate 40 users (limit 10)"); err != nil {
		t.Fatal(err)
	}
	third, err := s.StartRun(ctx, false, "entra tenant-1")
	if err != nil {
		t.Fatal(err)
	}

	runs, err := s.Runs(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(runs) != 3 || runs[0].ID != third || runs[1].ID != second || runs[2].ID != first {
		t.Fatalf("Runs order = %+v, want newest first", runs)
	}
	r := runs[2]
	if !r.DryRun || r.Status != RunOK || r.Source != "file people.json" || !maps.Equal(r.Counts, counts) {
		t.Errorf("first run = %+v", r)
	}
	if !r.Finished.After(r.Started) {
		t.Errorf("first run finished %v, started %v", r.Finished, r.Started)
	}
	if r := runs[1]; r.Status != RunRefused || r.Error != "would deactivate 40 users (limit 10)" || len(r.Counts) != 0 {
		t.Errorf("second run = %+v", r)
	}
	if r := runs[0]; r.Status != RunRunning || !r.Finished.IsZero() || r.DryRun {
		t.Errorf("third run = %+v", r)
	}

	limited, err := s.Runs(ctx, 2)
	if err != nil || len(limited) != 2 || limited[0].ID != third {
		t.Errorf("Runs(2) = %+v, %v", limited, err)
	}
	last, err := s.LastRun(ctx)
	if err != nil || last == nil || last.ID != third {
		t.Errorf("LastRun = %+v, %v", last, err)
	}
}

func TestFinishRunErrors(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	id, err := s.StartRun(ctx, false, "x")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, id, "done", nil, ""); err == nil {
		t.Error("FinishRun with unknown status succeeded")
	}
	if err := s.FinishRun(ctx, id, RunRunning, nil, ""); err == nil {
		t.Error(`FinishRun with status "running" succeeded`)
	}
	if err := s.FinishRun(ctx, id+100, RunOK, nil, ""); err == nil {
		t.Error("FinishRun of a missing run succeeded")
	}
}

func TestCloseAbandonedRuns(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	dead, err := s.StartRun(ctx, false, "file x")
	if err != nil {
		t.Fatal(err)
	}
	done, err := s.StartRun(ctx, false, "file x")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.FinishRun(ctx, done, RunOK, nil, ""); err != nil {
		t.Fatal(err)
	}
	n, err := s.CloseAbandonedRuns(ctx)
	if err != nil || n != 1 {
		t.Fatalf("closed %d, err %v", n, err)
	}
	runs, err := s.Runs(ctx, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range runs {
		want := map[int64]string{dead: RunInterrupted, done: RunOK}[r.ID]
		if r.Status != want {
			t.Errorf("run %d: %s, want %s", r.ID, r.Status, want)
		}
	}
}
