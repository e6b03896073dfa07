package store

import (
	"context"
	"reflect"
	"testing"
	"time"
)

func TestAppendAndFilterLog(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	base := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

	run1, err := s.StartRun(ctx, false, "file a.json")
	if err != nil {
		t.Fatal(err)
	}
	run2, err := s.StartRun(ctx, false, "file a.json")
	if err != nil {
		t.Fatal(err)
	}
	entries := []LogEntry{
		{RunID: run1, Time: base, Action: "create", Kind: "user", SourceID: "s1", TargetID: "U1", Name: "ana",
			Changes: []Change{{Attribute: "userName", New: "ana"}}, Status: "ok"},
		{RunID: run1, Time: base.Add(time.Minute), Action: "update", Kind: "user", SourceID: "s2", TargetID: "U2", Name: "bo",
			Changes: []Change{{Attribute: "title", Old: "Dev", New: "Lead"}}, Status: "failed", ErrorCode: "invalid_attribute", Error: "bad title"},
		{RunID: run2, Time: base.Add(2 * time.Minute), Action: "deactivate", Kind: "user", SourceID: "s1", TargetID: "U1", Status: "ok"},
		{RunID: run2, Time: base.Add(3 * time.Minute), Action: "skip", Kind: "group", SourceID: "g1", Status: "skipped"},
		{Time: base.Add(4 * time.Minute), Action: "link", Kind: "user", SourceID: "s3", TargetID: "U3", Status: "ok"},
	}
	for i := range entries {
		id, err := s.AppendLog(ctx, entries[i])
		if err != nil {
			t.Fatalf("AppendLog(%d): %v", i, err)
		}
		entries[i].ID = id
	}

	tests := []struct {
		name   string
		filter LogFilter
		want   []int // indexes into entries, in the expected order
	}{
		{"all", LogFilter{}, []int{0, 1, 2, 3, 4}},
		{"run", LogFilter{RunID: run1}, []int{0, 1}},
		{"status", LogFilter{Status: "ok"}, []int{0, 2, 4}},
		{"source", LogFilter{SourceID: "s1"}, []int{0, 2}},
		{"target", LogFilter{TargetID: "U2"}, []int{1}},
		{"since is inclusive", LogFilter{Since: base.Add(2 * time.Minute)}, []int{2, 3, 4}},
		{"limit keeps the newest, oldest first", LogFilter{Limit: 2}, []int{3, 4}},
		{"combined", LogFilter{SourceID: "s1", Status: "ok", Limit: 1}, []int{2}},
		{"no match", LogFilter{RunID: run2, TargetID: "U2"}, nil},
		{"until is exclusive", LogFilter{Until: base.Add(2 * time.Minute)}, []int{0, 1}},
		{"since and until", LogFilter{Since: base.Add(time.Minute), Until: base.Add(3 * time.Minute)}, []int{1, 2}},
		{"action", LogFilter{Action: "deactivate"}, []int{2}},
		{"object by directory id", LogFilter{Object: "s1"}, []int{0, 2}},
		{"object by Slack id", LogFilter{Object: "U2"}, []int{1}},
		{"object by name, any case", LogFilter{Object: "ANA"}, []int{0}},
		{"object and action", LogFilter{Object: "s1", Action: "create"}, []int{0}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.Log(ctx, tt.filter)
			if err != nil {
				t.Fatal(err)
			}
			var want []LogEntry
			for _, i := range tt.want {
				want = append(want, entries[i])
			}
			if !reflect.DeepEqual(got, want) {
				t.Errorf("Log(%+v) =\n%+v\nwant\n%+v", tt.filter, got, want)
			}
		})
	}
}

func TestAppendLogValidation(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	tests := []struct {
		name string
		e    LogEntry
	}{
		{"unknown action", LogEntry{Action: "destroy", Kind: "user", Status: "ok"}},
		{"unknown status", LogEntry{Action: "create", Kind: "user", Status: "done"}},
		{"missing run", LogEntry{RunID: 999, Action: "create", Kind: "user", Status: "ok"}},
	}
	for _, tt := range tests {
		if _, err := s.AppendLog(ctx, tt.e); err == nil {
			t.Errorf("%s: AppendLog succeeded", tt.name)
		}
	}
}

func TestAppendLogDefaultsTimeToNow(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	now := time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	s.now = func() time.Time { return now }
	if _, err := s.AppendLog(ctx, LogEntry{Action: "link", Kind: "user", SourceID: "s", TargetID: "U", Status: "ok"}); err != nil {
		t.Fatal(err)
	}
	got, err := s.Log(ctx, LogFilter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || !got[0].Time.Equal(now) {
		t.Errorf("log = %+v, want time %v", got, now)
	}
}
