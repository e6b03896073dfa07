package store

import (
	"context"
	"fmt"
	"maps"
	"sync"
	"testing"
	"time"
)

func TestSetLinkTable(t *testing.T) {
	type op struct{ kind, src, dst string }
	tests := []struct {
		name       string
		ops        []op
		wantUsers  map[string]string
		wantGroups map[string]string
	}{
		{
			name:      "insert",
			ops:       []op{{"user", "a", "U1"}},
			wantUsers: map[string]string{"a": "U1"},
		},
		{
			name:      "upsert changes target",
			ops:       []op{{"user", "a", "U1"}, {"user", "a", "U2"}},
			wantUsers: map[string]string{"a": "U2"},
		},
		{
			name:      "relinking a target moves it",
			ops:       []op{{"user", "a", "U1"}, {"user", "b", "U1"}},
			wantUsers: map[string]string{"b": "U1"},
		},
		{
			name:      "moving a target keeps other links",
			ops:       []op{{"user", "a", "U1"}, {"user", "c", "U3"}, {"user", "b", "U1"}},
			wantUsers: map[string]string{"b": "U1", "c": "U3"},
		},
		{
			name:       "uniqueness is per kind",
			ops:        []op{{"user", "a", "X1"}, {"group", "g", "X1"}},
			wantUsers:  map[string]string{"a": "X1"},
			wantGroups: map[string]string{"g": "X1"},
		},
		{
			name:      "swap targets",
			ops:       []op{{"user", "a", "U1"}, {"user", "b", "U2"}, {"user", "a", "U2"}, {"user", "b", "U1"}},
			wantUsers: map[string]string{"a": "U2", "b": "U1"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := openTemp(t)
			ctx := context.Background()
			for _, o := range tt.ops {
				if err := s.SetLink(ctx, o.kind, o.src, o.dst); err != nil {
					t.Fatalf("SetLink(%v): %v", o, err)
				}
			}
			for kind, want := range map[string]map[string]string{"user": tt.wantUsers, "group": tt.wantGroups} {
				got, err := s.Links(ctx, kind)
				if err != nil {
					t.Fatal(err)
				}
				if want == nil {
					want = map[string]string{}
				}
				if !maps.Equal(got, want) {
					t.Errorf("%s links = %v, want %v", kind, got, want)
				}
			}
		})
	}
}

func TestSetLinkRejectsBadInput(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for _, tt := range []struct{ kind, src, dst string }{
		{"channel", "a", "C1"},
		{"", "a", "U1"},
		{"user", "", "U1"},
		{"user", "a", ""},
	} {
		if err := s.SetLink(ctx, tt.kind, tt.src, tt.dst); err == nil {
			t.Errorf("SetLink(%q, %q, %q) succeeded", tt.kind, tt.src, tt.dst)
		}
	}
	if _, err := s.Links(ctx, "users"); err == nil {
		t.Error(`Links("users") succeeded`)
	}
}

func TestLinkTimestamps(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	clock := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	s.now = func() time.Time { return clock }

	if err := s.SetLink(ctx, "user", "a", "U1"); err != nil {
		t.Fatal(err)
	}
	clock = clock.Add(time.Hour)
	if err := s.SetLink(ctx, "user", "a", "U1"); err != nil {
		t.Fatal(err)
	}
	details, err := s.LinkDetails(ctx, "user")
	if err != nil {
		t.Fatal(err)
	}
	if len(details) != 1 || !details[0].Updated.Equal(details[0].Created) {
		t.Fatalf("relinking to the same target changed Updated: %+v", details)
	}
	clock = clock.Add(time.Hour)
	if err := s.SetLink(ctx, "user", "a", "U2"); err != nil {
		t.Fatal(err)
	}
	details, err = s.LinkDetails(ctx, "user")
	if err != nil {
		t.Fatal(err)
	}
	want := Link{Kind: "user", SourceID: "a", TargetID: "U2",
		Created: time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC), Updated: clock}
	if len(details) != 1 || details[0] != want {
		t.Errorf("LinkDetails = %+v, want %+v", details, want)
	}
}

func TestDeleteLink(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	for _, src := range []string{"a", "b"} {
		if err := s.SetLink(ctx, "user", src, "U-"+src); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.DeleteLink(ctx, "user", "a"); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteLink(ctx, "user", "never-linked"); err != nil {
		t.Errorf("deleting a missing link: %v", err)
	}
	got, err := s.Links(ctx, "user")
	if err != nil {
		t.Fatal(err)
	}
	if !maps.Equal(got, map[string]string{"b": "U-b"}) {
		t.Errorf("links = %v", got)
	}
	// The freed target can be linked again without a conflict.
	if err := s.SetLink(ctx, "user", "c", "U-a"); err != nil {
		t.Fatal(err)
	}
}

func TestConcurrentSetLink(t *testing.T) {
	s, path := openTemp(t)
	ctx := context.Background()
	const goroutines, perGoroutine = 8, 25

	var wg sync.WaitGroup
	errs := make(chan error, goroutines*perGoroutine)
	for g := range goroutines {
		wg.Go(func() {
			for i := range perGoroutine {
				src := fmt.Sprintf("src-%d-%d", g, i)
				if err := s.SetLink(ctx, "user", src, "U"+src); err != nil {
					errs <- err
				}
				if _, err := s.Links(ctx, "user"); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent SetLink: %v", err)
	}

	s.Close()
	reopened, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer reopened.Close()
	got, err := reopened.Links(ctx, "user")
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != goroutines*perGoroutine {
		t.Errorf("%d links after concurrent writes, want %d", len(got), goroutines*perGoroutine)
	}
}

func TestKeyValue(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	if _, ok, err := s.Get(ctx, "missing"); ok || err != nil {
		t.Errorf("Get(missing) = ok %v, err %v", ok, err)
	}
	for _, v := range []string{"first", "second", ""} {
		if err := s.Put(ctx, "delta/users", v); err != nil {
			t.Fatal(err)
		}
		got, ok, err := s.Get(ctx, "delta/users")
		if err != nil || !ok || got != v {
			t.Errorf("Get after Put(%q) = %q, %v, %v", v, got, ok, err)
		}
	}
	if err := s.Put(ctx, "", "x"); err == nil {
		t.Error("Put with an empty key succeeded")
	}
}
