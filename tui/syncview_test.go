package tui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/views"
)

// lockedBuffer is an io.Writer the program and the test can share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

// recordedSync replays a small apply: 4 operations, one failing, with
// requests, one of them throttled.
func recordedSync(rep provision.Reporter, now time.Time) *provision.Plan {
	rep.Phase(provision.PhaseReadDirectory, "file people.json")
	rep.Phase(provision.PhaseReadSlack, "https://slack.example/scim/v2/")
	rep.Request(0, 200)
	rep.Phase(provision.PhasePlan, "3 directory users and 0 groups against 2 Slack users and 0 groups")
	rep.Phase(provision.PhaseApply, "4 operations")
	ops := []provision.Operation{
		{Action: provision.ActionCreate, Kind: provision.KindUser, UserName: "ada", Status: provision.StatusOK},
		{Action: provision.ActionCreate, Kind: provision.KindUser, UserName: "grace", Status: provision.StatusOK},
		{Action: provision.ActionUpdate, Kind: provision.KindUser, UserName: "alan", Status: provision.StatusFailed, Error: "Slack said invalid_email"},
		{Action: provision.ActionDeactivate, Kind: provision.KindUser, UserName: "eve", Status: provision.StatusOK},
	}
	rep.Request(1500*time.Millisecond, 429)
	for i, op := range ops {
		rep.Request(0, 200)
		rep.Applied(provision.Event{Op: op, Done: i + 1, Total: len(ops)})
	}
	plan := &provision.Plan{Operations: ops, Users: provision.Counts{Create: 2, Deactivate: 1, Unchanged: 7}}
	plan.Recount()
	return plan
}

func TestSyncViewRendersRecordedRun(t *testing.T) {
	now := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	var out lockedBuffer
	v := NewSyncView(&out, nil, SyncViewOptions{NoColor: true, Now: func() time.Time { return now }})
	v.Start()
	plan := recordedSync(v, now)
	v.Finish(plan, nil)
	if err := v.Wait(); err != nil {
		t.Fatal(err)
	}
	final := v.View()
	for _, want := range []string{
		"applying: 4 operations",
		"4/4",
		"create 2 · deactivate 1 · failed 1",
		"6 requests · 0.6/s now · 1.5s rate-limited (summed) · 1 throttled (429)",
		"! update user alan: Slack said invalid_email",
	} {
		if !strings.Contains(final, want) {
			t.Errorf("final view lacks %q:\n%s", want, final)
		}
	}
	if !strings.Contains(strings.Join(strings.Fields(final), " "), views.Summary(plan)) {
		t.Errorf("final view lacks the summary:\n%s", final)
	}
	if !strings.Contains(out.b.String(), "create 2") {
		t.Error("the program never drew the counts on the terminal")
	}
}

func TestSyncViewCtrlCCancels(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	m := newSyncModel(newStyles(newRenderer(&bytes.Buffer{}, true)), newRenderer(&bytes.Buffer{}, true),
		SyncViewOptions{Cancel: cancel, Now: time.Now})
	m.Update(phaseMsg{phase: provision.PhaseApply})
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	if ctx.Err() == nil {
		t.Fatal("ctrl+c did not cancel the sync")
	}
	if !strings.Contains(m.View(), "Stopping after the requests in flight") {
		t.Errorf("view does not say it is stopping:\n%s", m.View())
	}
	m.Update(finishMsg{err: context.Canceled})
	if !strings.Contains(m.View(), "Interrupted") {
		t.Errorf("view does not say the run was interrupted:\n%s", m.View())
	}
}

func TestSyncViewPauseFreesTerminalAndResumes(t *testing.T) {
	var out lockedBuffer
	v := NewSyncView(&out, nil, SyncViewOptions{NoColor: true})
	v.Phase(provision.PhasePlan, "planning 3 users")
	v.Pause()
	out.mu.Lock()
	fmt.Fprintln(&out.b, "PLAN PRINTED HERE")
	out.mu.Unlock()
	v.Phase(provision.PhaseApply, "1 operations")
	v.Finish(nil, errors.New("Slack refused the credentials"))
	if err := v.Wait(); err != nil {
		t.Fatal(err)
	}
	text := out.b.String()
	plan, apply := strings.Index(text, "PLAN PRINTED HERE"), strings.LastIndex(text, "applying")
	if plan < 0 || apply < plan {
		t.Errorf("the apply phase was not drawn after the plan:\n%q", text)
	}
	if !strings.Contains(v.View(), "Stopped: Slack refused the credentials") {
		t.Errorf("final view:\n%s", v.View())
	}
}
