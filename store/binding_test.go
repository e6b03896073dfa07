package store

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

func TestBindingIsKeptUntilReset(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	if b, err := s.Binding(ctx); b != nil || err != nil {
		t.Fatalf("new state: binding %+v, %v", b, err)
	}
	if err := s.Bind(ctx, Binding{SlackOrg: "T1", SlackOrgName: "Sandbox", Directory: "file"}); err != nil {
		t.Fatal(err)
	}
	// A second Bind never moves the state to another org.
	if err := s.Bind(ctx, Binding{SlackOrg: "T2", Directory: "file"}); err != nil {
		t.Fatal(err)
	}
	if b, _ := s.Binding(ctx); b == nil || b.SlackOrg != "T1" || b.SlackOrgName != "Sandbox" {
		t.Fatalf("binding = %+v", b)
	}
	if err := s.Bind(ctx, Binding{Directory: "file"}); err == nil {
		t.Error("Bind without an org succeeded")
	}

	if err := s.SetLink(ctx, "user", "a", "U1"); err != nil {
		t.Fatal(err)
	}
	if err := s.Put(ctx, "entra.state", "{}"); err != nil {
		t.Fatal(err)
	}
	if err := s.SavePending(ctx, []Pending{{Kind: "user", SourceID: "b", Action: "create"}}, true); err != nil {
		t.Fatal(err)
	}
	run, err := s.StartRun(ctx, false, "file")
	if err != nil {
		t.Fatal(err)
	}
	resetID, err := s.ResetState(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := s.Binding(ctx)
	links, _ := s.Links(ctx, "user")
	_, kept, _ := s.Get(ctx, "entra.state")
	pending, _ := s.Pending(ctx)
	if b != nil || len(links) != 0 || kept || len(pending) != 0 {
		t.Errorf("after reset: binding %+v, links %v, read position kept %v, pending %v", b, links, kept, pending)
	}
	if runs, _ := s.Runs(ctx, 0); len(runs) != 2 || runs[1].ID != run {
		t.Errorf("the run history was not kept: %+v", runs)
	}
	// The reset counts as applying: plans made before it are out of date.
	if last, _ := s.LastAppliedRun(ctx); last == nil || last.ID != resetID || last.Status != RunReset {
		t.Errorf("last applied run = %+v, want the reset (%d)", last, resetID)
	}
}

func TestAppliedRunsAndPlans(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	if last, err := s.LastAppliedRun(ctx); last != nil || err != nil {
		t.Fatalf("new state: %+v, %v", last, err)
	}
	dry, _ := s.StartRun(ctx, true, "file")
	applied, _ := s.StartRun(ctx, false, "file")
	if err := s.MarkApplying(ctx, applied, "plan-1"); err != nil {
		t.Fatal(err)
	}
	s.StartRun(ctx, false, "file") // a run with nothing to write
	if last, _ := s.LastAppliedRun(ctx); last == nil || last.ID != applied {
		t.Errorf("last applied = %+v, want run %d (not the dry run %d)", last, applied, dry)
	}
	if r, _ := s.RunForPlan(ctx, "plan-1"); r == nil || r.ID != applied {
		t.Errorf("run for plan-1 = %+v", r)
	}
	if r, _ := s.RunForPlan(ctx, "plan-2"); r != nil {
		t.Errorf("run for an unknown plan = %+v", r)
	}
}

func TestPendingReplaceAndAdd(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	keys := func() map[string]int {
		ps, err := s.Pending(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int{}
		for _, p := range ps {
			out[p.Kind+":"+p.SourceID] = p.Attempts
		}
		return out
	}
	fail := func(ids ...string) []Pending {
		var ps []Pending
		for _, id := range ids {
			ps = append(ps, Pending{Kind: "user", SourceID: id, Action: "create", Error: "bad"})
		}
		return ps
	}
	steps := []struct {
		failed  []Pending
		replace bool
		want    map[string]int
	}{
		{fail("a", "b"), true, map[string]int{"user:a": 1, "user:b": 1}},
		// An interrupted run only adds.
		{fail("c"), false, map[string]int{"user:a": 1, "user:b": 1, "user:c": 1}},
		// A complete run replaces: b succeeded, a failed again.
		{fail("a", "c"), true, map[string]int{"user:a": 2, "user:c": 2}},
		{append(fail("a"), Pending{Kind: "group", SourceID: "", Action: "create"}), true, map[string]int{"user:a": 3}},
		{nil, true, map[string]int{}},
	}
	for i, st := range steps {
		if err := s.SavePending(ctx, st.failed, st.replace); err != nil {
			t.Fatal(err)
		}
		got := keys()
		if len(got) != len(st.want) {
			t.Errorf("step %d: pending = %v, want %v", i, got, st.want)
			continue
		}
		for k, n := range st.want {
			if got[k] != n {
				t.Errorf("step %d: pending = %v, want %v", i, got, st.want)
			}
		}
	}
}

// ResolvePending forgets the named objects of one kind and nothing else:
// not another kind with the same id, not the other objects' attempts.
func TestResolvePending(t *testing.T) {
	s, _ := openTemp(t)
	ctx := context.Background()
	if err := s.SavePending(ctx, []Pending{
		{Kind: "user", SourceID: "a", Action: "create"}, {Kind: "user", SourceID: "b", Action: "update"},
		{Kind: "group", SourceID: "a", Action: "create"},
	}, true); err != nil {
		t.Fatal(err)
	}
	if err := s.ResolvePending(ctx, "user", []string{"a", "missing"}); err != nil {
		t.Fatal(err)
	}
	ps, err := s.Pending(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%s:%s:%d", p.Kind, p.SourceID, p.Attempts))
	}
	if want := []string{"group:a:1", "user:b:1"}; !slices.Equal(got, want) {
		t.Errorf("pending after resolving user a: %v, want %v", got, want)
	}
}
