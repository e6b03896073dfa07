package commands

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/store"
)

// addFailingUser adds a user Slack refuses to create: "general" is a
// channel, and channels share Slack's userName namespace.
func (e *syncEnv) addFailingUser() {
	e.t.Helper()
	raw, err := os.ReadFile(filepath.Join(e.dir, "people.json"))
	if err != nil {
		e.t.Fatal(err)
	}
	general := `{"id":"gen1","userPrincipalName":"general@example.com","mail":"general@example.com","givenName":"Gen","surname":"Eral","displayName":"Gen Eral","accountEnabled":true},`
	e.write("people.json", strings.Replace(string(raw), `{"users": [`, `{"users": [`+general, 1))
}

func (e *syncEnv) openStore() *store.Store {
	e.t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(e.dir, "state", "state.db"))
	if err != nil {
		e.t.Fatal(err)
	}
	e.t.Cleanup(func() { st.Close() })
	return st
}

func (e *syncEnv) status(t *testing.T) statusReport {
	t.Helper()
	code, stdout, stderr := e.run("status", "--output", "json")
	if code != ExitOK {
		t.Fatalf("status: exit %d: %s", code, stderr)
	}
	var rep statusReport
	if err := json.Unmarshal([]byte(stdout), &rep); err != nil {
		t.Fatalf("status --output json: %v\n%s", err, stdout)
	}
	return rep
}

// A sync with a failure, run twice, then a quarantine set here: status
// shows the runs with their failures, the pending failure with its reason,
// attempts and a next retry after the second attempt, and the quarantine
// with its way out.
func TestStatusJSONReflectsRunsFailuresAndQuarantine(t *testing.T) {
	e := newSyncEnv(t, 5, "")
	if rep := e.status(t); rep.State != "idle" || rep.LastRun != nil || len(rep.Pending) != 0 {
		t.Fatalf("status before any run: %+v", rep)
	}
	e.addFailingUser()
	for i := range 2 {
		if code, _, stderr := e.run("sync", "--yes"); code != ExitError || !strings.Contains(stderr, "1 operations failed") && !strings.Contains(stderr, "cannot be provisioned") {
			t.Fatalf("sync %d: exit %d, want 1 for the refused user: %s", i+1, code, stderr)
		}
	}
	st := e.openStore()
	if err := st.SetQuarantine(context.Background(), store.QuarantineFailures, "most operations of 3 cycles failed"); err != nil {
		t.Fatal(err)
	}
	rep := e.status(t)
	if rep.State != "quarantined" || rep.Quarantine == nil || rep.Quarantine.Reason != store.QuarantineFailures ||
		!strings.Contains(rep.Quarantine.WayOut, "slackprov resume") || rep.Quarantine.Message != "most operations of 3 cycles failed" {
		t.Errorf("state %q, quarantine %+v; want quarantined for failures with a way out", rep.State, rep.Quarantine)
	}
	if rep.LastRun == nil || rep.LastRun.Status != store.RunFailed || rep.LastRun.Counts["user.failed"] != 1 || rep.LastRun.Finished == nil {
		t.Errorf("last run %+v; want a finished failed run with 1 failed user", rep.LastRun)
	}
	first := rep.LastRun
	if len(rep.Pending) != 1 {
		t.Fatalf("pending %+v; want the one refused user", rep.Pending)
	}
	p := rep.Pending[0]
	if p.SourceID != "gen1" || p.Attempts != 2 || p.Reason == "" || p.Action != "create" {
		t.Errorf("pending %+v; want gen1's create, 2 attempts, with Slack's reason", p)
	}
	if want := p.LastFailed.Add(store.RetryDelay(2)); !p.NextRetry.Equal(want) || !p.NextRetry.After(p.LastFailed) {
		t.Errorf("next retry %v, want %v (RetryDelay(2) after the last failure %v)", p.NextRetry, want, p.LastFailed)
	}
	if rep.SlackOrg == nil || rep.Directory != "file" || rep.Accounts.LinkedUsers != 5 || rep.StoreBytes == 0 {
		t.Errorf("org %+v, directory %q, accounts %+v, store %d bytes", rep.SlackOrg, rep.Directory, rep.Accounts, rep.StoreBytes)
	}
	if !rep.RateLimit.Recorded || rep.RateLimit.RunID != first.ID {
		t.Errorf("rate limit %+v; want what run #%d recorded", rep.RateLimit, first.ID)
	}
	if rep.Accounts.Unmanaged == nil || *rep.Accounts.Unmanaged != unmanagedAtStart(e) {
		t.Errorf("unmanaged %v; want the emulator's %d accounts no directory user maps to", rep.Accounts.Unmanaged, unmanagedAtStart(e))
	}
	if rep.LastFull == nil || rep.LastFull.ID != first.ID || rep.LastFull.Mode != store.RunFull {
		t.Errorf("last full run %+v; want run #%d", rep.LastFull, first.ID)
	}
	if rep.ReadPosition.Kept {
		t.Errorf("a file source keeps no read position, status says %+v", rep.ReadPosition)
	}
}

// unmanagedAtStart counts the emulator's accounts that no directory user
// of e maps to: those it was seeded with, not created by slackprov.
func unmanagedAtStart(e *syncEnv) int {
	n := 0
	for _, u := range e.slack.Users() {
		if u.ExternalID == "" {
			n++
		}
	}
	return n
}

// A watch cycle recorded by a live process makes the state running, with
// its progress; the same record from a dead process, or phase stopped,
// does not.
func TestStatusWatchCycle(t *testing.T) {
	e := newSyncEnv(t, 2, "")
	st := e.openStore()
	put := func(pid int, phase string) {
		w := watchCycle{PID: pid, RunID: 7, Mode: "incremental", Phase: phase, Done: 3, Total: 9,
			Started: time.Now().Add(-time.Minute), Next: time.Now().Add(time.Minute), Interval: "2m0s"}
		raw, _ := json.Marshal(w)
		if err := st.Put(context.Background(), statusWatchKey, string(raw)); err != nil {
			t.Fatal(err)
		}
	}
	for _, tt := range []struct {
		pid          int
		phase, state string
		watch        bool
	}{
		{os.Getpid(), "apply", "running", true},
		{os.Getpid(), "idle", "idle", true},
		{os.Getpid(), "stopped", "idle", false},
		{deadPID(t), "apply", "idle", false},
	} {
		put(tt.pid, tt.phase)
		rep := e.status(t)
		if rep.State != tt.state || (rep.Watch != nil) != tt.watch {
			t.Errorf("pid %d phase %s: state %q watch %+v; want %q, watch shown %v", tt.pid, tt.phase, rep.State, rep.Watch, tt.state, tt.watch)
		}
		if tt.state == "running" && (rep.Watch.Done != 3 || rep.Watch.Total != 9 || rep.Watch.RunID != 7) {
			t.Errorf("running watch progress %+v", rep.Watch)
		}
	}
}

// deadPID is a pid no process has: a child that has exited and been reaped.
func deadPID(t *testing.T) int {
	t.Helper()
	p, err := os.StartProcess("/bin/true", []string{"true"}, &os.ProcAttr{})
	if err != nil {
		t.Skip("no /bin/true to make a dead pid:", err)
	}
	if _, err := p.Wait(); err != nil {
		t.Fatal(err)
	}
	return p.Pid
}

// The terminal summary fits 80 columns, whatever the messages' lengths,
// and names what matters.
func TestStatusTextFits80Columns(t *testing.T) {
	now := time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)
	fin := now.Add(-time.Hour + 3*time.Second)
	long := strings.Repeat("Slack refused the create: userName already used by a channel ", 4)
	rep := &statusReport{Profile: "default", StateFile: "/var/lib/slackprov/default/state.db", Source: "entra", State: "quarantined",
		SlackOrg:   &statusOrg{ID: "E0123", Name: "Acme Corp"},
		Directory:  "entra tenant 0000-1111-2222-3333",
		Quarantine: &statusQuarantine{Reason: "failures", Message: long, Since: now.Add(-2 * time.Hour), WayOut: quarantineWayOut("failures")},
		LastFull:   &runSummary{ID: 4, Mode: "full", Status: "failed", Started: now.Add(-time.Hour), Finished: &fin, DurationSeconds: 3, Counts: map[string]int{"user.create": 12, "user.failed": 1}},
		Pending: []statusPending{{Kind: "user", SourceID: "gen1", Name: "general", Action: "create", Reason: long, Attempts: 3,
			NextRetry: now.Add(50 * time.Minute)}},
		ReadPosition: statusReadPos{Kept: true, Since: &fin},
		StoreBytes:   123456,
	}
	out := renderStatus(rep, now, statusStyles(&IOStreams{NoColor: true}), 80)
	for i, line := range strings.Split(strings.TrimRight(out, "\n"), "\n") {
		if w := ansi.StringWidth(line); w > 80 {
			t.Errorf("line %d is %d columns: %q", i+1, w, line)
		}
	}
	for _, want := range []string{"quarantined", "way out", "#4 failed", "12 create", "1 failed", "general create: 3 attempts, retry in 50m", "moved 59m ago", "121 KiB"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "\x1b[") {
		t.Errorf("colour escape codes with colour off:\n%s", out)
	}
}

func TestStatusFlagsToOptions(t *testing.T) {
	for _, tt := range []struct {
		args []string
		out  string
	}{{[]string{"status"}, "text"}, {[]string{"status", "--output", "json"}, "json"}, {[]string{"status", "-o", "json"}, "json"}} {
		var got *StatusOptions
		err := runOne(t, time.Now(), func(f *Factory) *cli.Command {
			return newStatusCmd(f, func(o *StatusOptions) error { got = o; return nil })
		}, tt.args...)
		if err != nil || got == nil || got.Output != tt.out || got.Config == nil || got.Config.Profile != "default" {
			t.Errorf("%q: err %v, options %+v; want output %q", tt.args, err, got, tt.out)
		}
	}
}
