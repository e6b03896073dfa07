package tui

import (
	"context"
	"errors"
	"fmt"
	"github.com/charmbracelet/x/ansi"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/progress"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/views"
)

// SyncViewOptions configure the live sync view.
type SyncViewOptions struct {
	// Cancel is called when the user presses ctrl+c in the view: it should
	// cancel the sync's context, so the run stops after its in-flight
	// requests and is recorded as interrupted.
	Cancel context.CancelFunc
	// NoColor renders without colour (NO_COLOR, --no-color).
	NoColor bool
	// Now is the clock for the request rate; nil means time.Now.
	Now func() time.Time
}

// SyncView shows a sync's progress on a terminal. It implements
// provision.Reporter; its methods may be called from any goroutine.
//
// The view is a bubbletea program drawn inline (not full screen), so its
// last frame stays on the terminal. Between Pause and the next report the
// terminal is free for other output, such as the plan and the "apply?"
// question.
type SyncView struct {
	out  io.Writer
	in   io.Reader
	opts SyncViewOptions
	st   styles
	r    *lipgloss.Renderer

	mu      sync.Mutex
	model   *syncModel
	prog    *tea.Program
	done    chan struct{}
	runErr  error
	stopped bool
}

var _ provision.Reporter = (*SyncView)(nil)

// NewSyncView returns a view drawing on out and reading keys from in (nil:
// no keys, so ctrl+c reaches the process as a signal instead).
func NewSyncView(out io.Writer, in io.Reader, opts SyncViewOptions) *SyncView {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	r := newRenderer(out, opts.NoColor)
	st := newStyles(r)
	return &SyncView{out: out, in: in, opts: opts, st: st, r: r, model: newSyncModel(st, r, opts)}
}

// Start begins drawing. Reports also start it, so calling Start is only
// needed to show the view before the first report.
func (v *SyncView) Start() {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.startLocked()
}

func (v *SyncView) startLocked() {
	if v.prog != nil || v.stopped {
		return
	}
	opts := []tea.ProgramOption{tea.WithOutput(v.out), tea.WithoutSignalHandler()}
	if v.in != nil {
		opts = append(opts, tea.WithInput(v.in))
	} else {
		opts = append(opts, tea.WithInput(nil))
	}
	p := tea.NewProgram(v.model, opts...)
	done := make(chan struct{})
	v.prog, v.done = p, done
	go func() {
		final, err := p.Run()
		v.mu.Lock()
		if m, ok := final.(*syncModel); ok {
			v.model = m
		}
		if err != nil && !errors.Is(err, tea.ErrProgramKilled) {
			v.runErr = err
		}
		if v.prog == p {
			v.prog = nil
		}
		v.mu.Unlock()
		close(done)
	}()
}

// send delivers one report to the running program, starting it if needed.
func (v *SyncView) send(msg tea.Msg) {
	v.mu.Lock()
	if v.stopped {
		v.model.Update(msg)
		v.mu.Unlock()
		return
	}
	v.startLocked()
	p := v.prog
	v.mu.Unlock()
	p.Send(msg)
}

// Phase implements provision.Reporter.
func (v *SyncView) Phase(p provision.Phase, detail string) {
	v.send(phaseMsg{phase: p, detail: detail})
}

// Request implements provision.Reporter.
func (v *SyncView) Request(waited time.Duration, status int) {
	v.send(requestMsg{at: v.opts.Now(), waited: waited, status: status})
}

// Applied implements provision.Reporter.
func (v *SyncView) Applied(ev provision.Event) { v.send(appliedMsg(ev)) }

// Finish implements provision.Reporter: the view draws the outcome and
// ends; Wait returns once its last frame is on the terminal.
func (v *SyncView) Finish(plan *provision.Plan, err error) {
	v.send(finishMsg{plan: plan, err: err})
}

// Pause ends the current program, leaving its last frame on the terminal
// and the terminal free; the next report starts drawing again below.
func (v *SyncView) Pause() {
	v.mu.Lock()
	p, done := v.prog, v.done
	v.mu.Unlock()
	if p == nil {
		return
	}
	p.Quit()
	<-done
}

// Wait blocks until the view has ended (after Finish, or Stop).
func (v *SyncView) Wait() error {
	v.mu.Lock()
	done := v.done
	v.mu.Unlock()
	if done != nil {
		<-done
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.runErr
}

// Stop ends the view for good; later reports only update its state.
func (v *SyncView) Stop() {
	v.Pause()
	v.mu.Lock()
	v.stopped = true
	v.mu.Unlock()
}

// View returns the view's current text, for tests and for printing a
// final frame where no program runs.
func (v *SyncView) View() string {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.prog != nil {
		return "" // the program owns the model while it runs
	}
	return v.model.View()
}

type (
	phaseMsg struct {
		phase  provision.Phase
		detail string
	}
	requestMsg struct {
		at     time.Time
		waited time.Duration
		status int
	}
	appliedMsg provision.Event
	finishMsg  struct {
		plan *provision.Plan
		err  error
	}
)

// rateWindow is how far back the request rate looks.
const rateWindow = 10 * time.Second

// maxErrors is how many recent failures the view lists.
const maxErrors = 5

// syncModel is the state the view draws.
type syncModel struct {
	st     styles
	bar    progress.Model
	cancel context.CancelFunc
	now    func() time.Time
	width  int

	phase     provision.Phase
	detail    string
	done      int
	total     int
	counts    map[provision.Action]int
	failed    int
	requests  int
	recent    []time.Time
	waited    time.Duration
	throttled int
	errs      []string

	interrupted bool
	finished    bool
	summary     string
	finalErr    error
}

func newSyncModel(st styles, r *lipgloss.Renderer, opts SyncViewOptions) *syncModel {
	bar := progress.New(progress.WithSolidFill(string(colOK.Dark)), progress.WithColorProfile(r.ColorProfile()))
	if r.HasDarkBackground() {
		bar.FullColor = colOK.Dark
	} else {
		bar.FullColor = colOK.Light
	}
	return &syncModel{st: st, bar: bar, cancel: opts.Cancel, now: opts.Now, width: 80, counts: map[provision.Action]int{}}
}

func (m *syncModel) Init() tea.Cmd { return nil }

func (m *syncModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width = msg.Width
	case tea.KeyMsg:
		if msg.String() == "ctrl+c" && !m.interrupted {
			m.interrupted = true
			if m.cancel != nil {
				m.cancel()
			}
		}
	case phaseMsg:
		m.phase, m.detail = msg.phase, msg.detail
	case requestMsg:
		m.requests++
		m.waited += msg.waited
		if msg.status == 429 {
			m.throttled++
		}
		m.recent = append(m.recent, msg.at)
		m.trimRecent(msg.at)
	case appliedMsg:
		m.done, m.total = max(m.done, msg.Done), msg.Total
		if msg.Op.Status == provision.StatusFailed {
			m.failed++
			m.errs = append(m.errs, fmt.Sprintf("%s %s %s: %s", msg.Op.Action, msg.Op.Kind, msg.Op.Name(), msg.Op.Error))
			if len(m.errs) > maxErrors {
				m.errs = m.errs[len(m.errs)-maxErrors:]
			}
		} else {
			m.counts[msg.Op.Action]++
		}
	case finishMsg:
		m.finished, m.finalErr = true, msg.err
		if msg.plan != nil {
			m.summary = views.Summary(msg.plan)
		}
		return m, tea.Quit
	}
	return m, nil
}

func (m *syncModel) trimRecent(now time.Time) {
	cut := 0
	for cut < len(m.recent) && now.Sub(m.recent[cut]) > rateWindow {
		cut++
	}
	m.recent = m.recent[cut:]
}

// rate is requests per second over the last rateWindow.
func (m *syncModel) rate() float64 {
	m.trimRecent(m.now())
	if len(m.recent) == 0 {
		return 0
	}
	return float64(len(m.recent)) / rateWindow.Seconds()
}

var actionOrder = []provision.Action{provision.ActionCreate, provision.ActionUpdate, provision.ActionReactivate,
	provision.ActionDeactivate, provision.ActionDelete}

func (m *syncModel) View() string {
	st := m.st
	// One column short of the terminal: a line that fills the last column
	// leaves some terminals in a pending wrap, and the renderer then counts
	// one line fewer than the screen shows, so the next frame lands askew.
	w := max(m.width, 40) - 1
	var b strings.Builder
	line := func(s string) { b.WriteString(truncate(s, w) + "\n") }
	phase := string(m.phase)
	if phase == "" {
		phase = "starting"
	}
	head := st.title.Render("slackprov sync") + st.dim.Render(" · ") + st.header.Render(phase)
	if m.detail != "" {
		head += st.dim.Render(": " + m.detail)
	}
	line(head)
	if m.total > 0 {
		m.bar.Width = max(10, min(60, w-20))
		line(m.bar.ViewAs(float64(m.done)/float64(m.total)) + fmt.Sprintf("  %d/%d", m.done, m.total))
		var parts []string
		for _, a := range actionOrder {
			if n := m.counts[a]; n > 0 {
				parts = append(parts, fmt.Sprintf("%s %d", a, n))
			}
		}
		failed := fmt.Sprintf("failed %d", m.failed)
		if m.failed > 0 {
			failed = st.err.Render(failed)
		}
		line(strings.Join(append(parts, failed), st.dim.Render(" · ")))
	}
	if m.requests > 0 {
		s := fmt.Sprintf("Slack: %d requests · %.1f/s now · %s rate-limited (summed)", m.requests, m.rate(), m.waited.Round(time.Millisecond))
		if m.throttled > 0 {
			s += st.warn.Render(fmt.Sprintf(" · %d throttled (429)", m.throttled))
		}
		line(st.dim.Render(s))
	}
	for _, e := range m.errs {
		line(st.err.Render("! " + e))
	}
	switch {
	case m.finished && m.finalErr != nil && m.interrupted:
		line(st.warn.Render("Interrupted: stopped after the requests in flight; the run is recorded as interrupted."))
	case m.finished && m.finalErr != nil:
		line(st.err.Render("Stopped: " + m.finalErr.Error()))
	case m.interrupted:
		line(st.warn.Render("Stopping after the requests in flight…"))
	case !m.finished:
		line(st.dim.Render("ctrl+c stops cleanly"))
	}
	if m.summary != "" {
		for _, l := range strings.Split(ansi.Wordwrap(m.summary, w, " "), "\n") {
			line(st.ok.Render(l))
		}
	}
	return b.String()
}
