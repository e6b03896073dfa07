package store

import (
	"context"
	"slices"
	"testing"
	"time"
)

// A run that retried only the failures due replaces those and leaves the
// others with their attempts and schedule.
func TestSaveDuePendingKeepsWhatWasNotDue(t *testing.T) {
	ctx := context.Background()
	s, _ := openTemp(t)
	now := time.Date(2026, 11, 26, 9, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return now }
	fail := func(ids ...string) []Pending {
		var out []Pending
		for _, id := range ids {
			out = append(out, Pending{Kind: "user", SourceID: id, Action: "create", Error: "refused"})
		}
		return out
	}
	// a, b and c fail once; b fails again: a and c are due at once, b in 10 minutes.
	if err := s.SavePending(ctx, fail("a", "b", "c"), true); err != nil {
		t.Fatal(err)
	}
	if err := s.SavePending(ctx, fail("b"), false); err != nil {
		t.Fatal(err)
	}
	now = now.Add(time.Minute)
	// The unattended run retried a and c: a succeeded, c failed again, d is new.
	if err := s.SaveDuePending(ctx, fail("c", "d"), now); err != nil {
		t.Fatal(err)
	}
	got, err := s.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	attempts := map[string]int{}
	for _, p := range got {
		attempts[p.SourceID] = p.Attempts
	}
	want := map[string]int{"b": 2, "c": 2, "d": 1}
	if len(attempts) != len(want) {
		t.Fatalf("pending %v, want %v", attempts, want)
	}
	for id, n := range want {
		if attempts[id] != n {
			t.Errorf("pending %v, want %v", attempts, want)
		}
	}
	i := slices.IndexFunc(got, func(p Pending) bool { return p.SourceID == "b" })
	if want := now.Add(-time.Minute).Add(RetryDelay(2)); !got[i].NextRetry.Equal(want) {
		t.Errorf("b's next retry moved to %v, want %v", got[i].NextRetry, want)
	}
}
