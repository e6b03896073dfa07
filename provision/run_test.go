package provision

import (
	"context"
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/store"
)

// fakeSource is a directory that returns a snapshot the test sets, and
// records what the run asked of it and whether the read position moved.
type fakeSource struct {
	snap      *directory.Snapshot
	requests  []SourceRequest
	committed int
}

func (s *fakeSource) Describe() string { return "test directory" }

func (s *fakeSource) Read(context.Context) (*directory.Snapshot, error) {
	snap := *s.snap
	snap.Commit = func(context.Context) error { s.committed++; return nil }
	return &snap, nil
}

// engine is one profile: a real state file, a fake Slack and directory.
type engine struct {
	t      *testing.T
	slack  *fakeSlack
	store  *store.Store
	source *fakeSource
	org    store.Binding
}

func newEngine(t *testing.T, snap *directory.Snapshot) *engine {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &engine{t: t, slack: newFakeSlack(), store: st, source: &fakeSource{snap: snap},
		org: store.Binding{SlackOrg: "E1", SlackOrgName: "Example", Directory: "test"}}
}

func (e *engine) options() RunOptions {
	return RunOptions{
		Store: e.store, Slack: e.slack, Binding: e.org, Mapping: defaults(e.t), MaxDeactivations: 50,
		OpenSource: func(req SourceRequest) (directory.Source, error) {
			e.source.requests = append(e.source.requests, req)
			return e.source, nil
		},
	}
}

func (e *engine) cycle(ctx context.Context, edit func(*RunOptions)) *Result {
	opts := e.options()
	if edit != nil {
		edit(&opts)
	}
	return Cycle(ctx, opts)
}

func (e *engine) lastRun() store.Run {
	runs, err := e.store.Runs(context.Background(), 1)
	if err != nil || len(runs) == 0 {
		e.t.Fatalf("runs: %v %v", runs, err)
	}
	return runs[0]
}

func TestRunAppliesThenHasNothingLeft(t *testing.T) {
	e := newEngine(t, company(30, 3))
	res := e.cycle(context.Background(), nil)
	if res.Err != nil || res.Class != ClassNone {
		t.Fatalf("first cycle: %v (%s)", res.Err, res.Class)
	}
	if got := res.Tally[TallyKey{KindUser, ActionCreate, StatusOK}]; got != 30 {
		t.Errorf("%d users created, want 30 (tally %v)", got, res.Tally)
	}
	if got := res.Tally[TallyKey{KindGroup, ActionCreate, StatusOK}]; got != 3 {
		t.Errorf("%d groups created, want 3", got)
	}
	if res.Plan.HasChanges() != true || res.Plan.DryRun != true || res.Outcome.DryRun {
		t.Error("the plan changed with the apply: Apply must work on a copy")
	}
	if r := e.lastRun(); r.Status != store.RunOK || r.Mode != store.RunFull || r.Counts["user.create"] != 30 || r.ID != res.RunID {
		t.Errorf("run record %+v", r)
	}
	if e.source.committed != 1 {
		t.Errorf("read position committed %d times, want once", e.source.committed)
	}
	again := e.cycle(context.Background(), nil)
	if again.Err != nil || again.Plan.HasChanges() {
		t.Fatalf("second cycle: %v, %d operations", again.Err, len(again.Plan.Operations))
	}
}

func TestRunDryRunWritesNothing(t *testing.T) {
	e := newEngine(t, company(10, 1))
	res := e.cycle(context.Background(), func(o *RunOptions) { o.DryRun = true })
	if res.Err != nil || res.Outcome != nil || e.slack.writes != 0 || e.source.committed != 0 {
		t.Fatalf("dry run: err %v, outcome %v, %d writes, %d commits", res.Err, res.Outcome != nil, e.slack.writes, e.source.committed)
	}
	if got := res.Tally[TallyKey{KindUser, ActionCreate, StatusPlanned}]; got != 10 {
		t.Errorf("%d creates planned, want 10", got)
	}
	if r := e.lastRun(); !r.DryRun || r.Status != store.RunOK {
		t.Errorf("run record %+v", r)
	}
	if b, _ := e.store.Binding(context.Background()); b != nil {
		t.Errorf("a dry run bound the state to %+v", b)
	}
}

func TestRunRefusedBySafetyWritesNothing(t *testing.T) {
	e := newEngine(t, company(20, 0))
	if res := e.cycle(context.Background(), nil); res.Err != nil {
		t.Fatal(res.Err)
	}
	writes := e.slack.writes
	e.source.snap = company(5, 0)
	res := e.cycle(context.Background(), func(o *RunOptions) { o.MaxDeactivations = 3 })
	var se *SafetyError
	if !errors.As(res.Err, &se) || res.Class != ClassSafety || se.Refusal == "" {
		t.Fatalf("err %v (%s), want a safety refusal", res.Err, res.Class)
	}
	if e.slack.writes != writes || res.Outcome != nil || e.source.committed != 1 {
		t.Errorf("the refused run wrote %d times, committed %d", e.slack.writes-writes, e.source.committed)
	}
	if r := e.lastRun(); r.Status != store.RunRefused {
		t.Errorf("run status %q, want refused", r.Status)
	}
}

func TestRunStopsOnAnotherOrgsState(t *testing.T) {
	e := newEngine(t, company(3, 0))
	if err := e.store.Bind(context.Background(), store.Binding{SlackOrg: "E2", Directory: "test"}); err != nil {
		t.Fatal(err)
	}
	res := e.cycle(context.Background(), nil)
	var be *BindingError
	if !errors.As(res.Err, &be) || !be.OrgMismatch() || res.Class != ClassSafety {
		t.Fatalf("err %v (%s), want the org mismatch", res.Err, res.Class)
	}
	if e.slack.writes != 0 || len(e.source.requests) != 0 {
		t.Error("the run read or wrote before checking the binding")
	}
}

func TestRunRefusedCredentialsKeepTheReadPosition(t *testing.T) {
	e := newEngine(t, company(5, 0))
	e.slack.revoked = true
	res := e.cycle(context.Background(), nil)
	if res.Class != ClassCredentials {
		t.Fatalf("err %v (%s), want credentials", res.Err, res.Class)
	}
	if e.source.committed != 0 {
		t.Error("the read position moved although nothing was applied")
	}
	if r := e.lastRun(); r.Status != store.RunFailed {
		t.Errorf("run status %q", r.Status)
	}
}

func TestRunInterruptedKeepsTheReadPositionAndPending(t *testing.T) {
	e := newEngine(t, company(5, 0))
	ctx, cancel := context.WithCancel(context.Background())
	opts := e.options()
	// Ctrl-C as the first operation finishes.
	opts.Workers, opts.Reporter = 1, cancelOnApplied{cancel}
	run, err := OpenRun(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer run.Close()
	plan, err := run.Plan(ctx)
	if err != nil {
		t.Fatal(err)
	}
	out, err := run.Apply(ctx, plan)
	var ie *InterruptedError
	if !errors.As(err, &ie) || ClassOf(err) != ClassInterrupted || ie.NotRun == 0 || out.Users.NotRun != ie.NotRun {
		t.Fatalf("err %v, want interrupted with operations not started", err)
	}
	if e.source.committed != 0 || e.slack.writes+ie.NotRun != 5 {
		t.Errorf("%d commits, %d writes after the interrupt", e.source.committed, e.slack.writes)
	}
	if r := e.lastRun(); r.Status != store.RunInterrupted {
		t.Errorf("run status %q", r.Status)
	}
}

func TestRunFailuresStayPendingAndAreReadAgain(t *testing.T) {
	snap := company(4, 0)
	e := newEngine(t, snap)
	e.slack.refuseCreate = "id-00000"
	res := e.cycle(context.Background(), nil)
	var of *OpsFailedError
	if !errors.As(res.Err, &of) || res.Class != ClassOpsFailed || len(res.Failures) != 1 || res.Failures[0].SourceID != "id-00000" {
		t.Fatalf("err %v (%s), failures %+v", res.Err, res.Class, res.Failures)
	}
	if res.Failures[0].Reason == "" {
		t.Error("a failure without its reason")
	}
	if e.source.committed != 1 {
		t.Error("a run that went through the whole plan must move the read position: the failure is pending instead")
	}
	pending, err := e.store.Pending(context.Background())
	if err != nil || len(pending) != 1 || pending[0].SourceID != "id-00000" {
		t.Fatalf("pending %+v %v", pending, err)
	}
	e.cycle(context.Background(), func(o *RunOptions) { o.DryRun = true })
	if req := e.source.requests[len(e.source.requests)-1]; !slices.Equal(req.RetryUsers, []string{"id-00000"}) {
		t.Errorf("the next read was not asked to read the pending user again: %+v", req)
	}
}

func TestRunRestrictedToOneUser(t *testing.T) {
	e := newEngine(t, company(6, 2))
	res := e.cycle(context.Background(), func(o *RunOptions) { o.Users = []string{"id-00002"} })
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	for _, op := range res.Outcome.Operations {
		if op.Kind == KindUser && op.SourceID != "id-00002" {
			t.Errorf("the restricted run touched user %s", op.SourceID)
		}
	}
	if len(e.slack.users) != 1 || len(e.slack.groups) != 0 {
		t.Errorf("Slack has %d users and %d groups, want only the one user", len(e.slack.users), len(e.slack.groups))
	}
	full := e.cycle(context.Background(), func(o *RunOptions) { o.DryRun = true })
	if got := full.Tally[TallyKey{KindUser, ActionCreate, StatusPlanned}]; got != 5 {
		t.Errorf("the whole run after it plans %d creates, want the other 5", got)
	}
}

func TestRunMeterCountsTheCyclesRequests(t *testing.T) {
	e := newEngine(t, company(3, 0))
	m := &Meter{}
	res := e.cycle(context.Background(), func(o *RunOptions) { o.Meter = m })
	if res.Traffic != (Traffic{}) {
		t.Errorf("traffic %+v without requests observed", res.Traffic)
	}
	m.totals = Traffic{Requests: 7, Waited: time.Second}
	res = e.cycle(context.Background(), func(o *RunOptions) { o.Meter = m })
	if res.Traffic.Requests != 0 {
		t.Errorf("the cycle counted %d requests made before it", res.Traffic.Requests)
	}
}

type cancelOnApplied struct{ cancel context.CancelFunc }

func (cancelOnApplied) Phase(Phase, string)        {}
func (cancelOnApplied) Request(time.Duration, int) {}
func (c cancelOnApplied) Applied(Event)            { c.cancel() }
func (cancelOnApplied) Finish(*Plan, error)        {}
