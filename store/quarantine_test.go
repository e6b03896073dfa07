package store

import (
	"context"
	"testing"
	"time"
)

func TestQuarantineKeepsItsStartAcrossUpdates(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }

	if q, err := s.Quarantine(ctx); err != nil || q != nil {
		t.Fatalf("fresh store: quarantine = %+v, %v; want none", q, err)
	}
	if err := s.SetQuarantine(ctx, QuarantineCredentials, "Slack answered 401 invalid_authentication"); err != nil {
		t.Fatal(err)
	}
	now = now.Add(10 * time.Minute)
	if err := s.SetQuarantine(ctx, QuarantineFailures, "9 of 10 operations failed in 3 cycles"); err != nil {
		t.Fatal(err)
	}
	q, err := s.Quarantine(ctx)
	if err != nil || q == nil {
		t.Fatalf("quarantine = %+v, %v", q, err)
	}
	if q.Reason != QuarantineFailures || q.Message != "9 of 10 operations failed in 3 cycles" {
		t.Errorf("quarantine = %+v; want the newest reason and message", q)
	}
	if !q.Since.Equal(now.Add(-10*time.Minute)) || !q.Updated.Equal(now) {
		t.Errorf("since %v updated %v; want the first start and the last update", q.Since, q.Updated)
	}
	if err := s.SetQuarantine(ctx, "", "x"); err == nil {
		t.Error("SetQuarantine with no reason succeeded")
	}

	lifted, err := s.LiftQuarantine(ctx)
	if err != nil || !lifted {
		t.Fatalf("lift = %v, %v; want true", lifted, err)
	}
	if lifted, _ := s.LiftQuarantine(ctx); lifted {
		t.Error("lifting twice reported a quarantine the second time")
	}
	if q, _ := s.Quarantine(ctx); q != nil {
		t.Errorf("after lift: quarantine = %+v", q)
	}
}

func TestPendingRetriesLaterEachTime(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	fail := []Pending{{Kind: "user", SourceID: "u1", Name: "ada", Action: "create", Error: "invalid_email"}}

	for i, replace := range []bool{true, false, true, false} {
		if err := s.SavePending(ctx, fail, replace); err != nil {
			t.Fatal(err)
		}
		got, err := s.Pending(ctx)
		if err != nil || len(got) != 1 {
			t.Fatalf("pending = %+v, %v", got, err)
		}
		attempts := i + 1
		if got[0].Attempts != attempts {
			t.Errorf("save %d (replace %v): attempts = %d, want %d", i+1, replace, got[0].Attempts, attempts)
		}
		if want := now.Add(RetryDelay(attempts)); !got[0].NextRetry.Equal(want) {
			t.Errorf("save %d: next retry %v, want %v", i+1, got[0].NextRetry, want)
		}
		now = now.Add(time.Minute)
	}
}
