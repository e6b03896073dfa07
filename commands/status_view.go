package commands

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/dustin/go-humanize"
	"github.com/muesli/termenv"
)

// statusLook is the status view's styles, from one renderer so the colour
// decision (IOStreams.ColorEnabled) reaches every one.
type statusLook struct {
	title, label, dim, ok, warn, bad lipgloss.Style
}

func statusStyles(ios *IOStreams) statusLook {
	r := lipgloss.NewRenderer(ios.Out)
	if !ios.ColorEnabled() {
		r.SetColorProfile(termenv.Ascii)
	}
	s := r.NewStyle
	return statusLook{
		title: s().Bold(true),
		label: s().Foreground(lipgloss.AdaptiveColor{Light: "#5A32A3", Dark: "#B39DDB"}),
		dim:   s().Foreground(lipgloss.AdaptiveColor{Light: "#666666", Dark: "#9E9E9E"}),
		ok:    s().Foreground(lipgloss.AdaptiveColor{Light: "#1B7F3B", Dark: "#7BD88F"}),
		warn:  s().Foreground(lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#F2C94C"}),
		bad:   s().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "#B3261E", Dark: "#FF8A80"}),
	}
}

// statusLabelWidth aligns the values after the labels.
const statusLabelWidth = 17

// renderStatus is the terminal summary: one fact a line, each cut to width.
func renderStatus(rep *statusReport, now time.Time, look statusLook, width int) string {
	var lines []string
	add := func(label, value string) {
		lines = append(lines, look.label.Render(fmt.Sprintf("%-*s", statusLabelWidth, label))+value)
	}
	lines = append(lines, look.title.Render("slackprov · profile "+rep.Profile))
	org := look.dim.Render("not bound yet (the first applied sync binds it)")
	if rep.SlackOrg != nil {
		org = slackOrg{ID: rep.SlackOrg.ID, Name: rep.SlackOrg.Name}.String() + look.dim.Render(" ← "+rep.Directory)
	}
	add("Slack org", org)
	add("State", statusStateLine(rep, now, look))
	if q := rep.Quarantine; q != nil {
		add("", look.dim.Render("way out: ")+q.WayOut)
	}
	add("Last full", statusRunLine(rep.LastFull, now, look))
	add("Last incremental", statusRunLine(rep.LastIncremental, now, look))
	if r := rep.LastRun; r != nil && !sameRun(r, rep.LastFull) && !sameRun(r, rep.LastIncremental) {
		add("Last run", statusRunLine(r, now, look))
	}
	lines = append(lines, statusPendingLines(rep, now, look, add)...)
	add("Read position", statusReadPosLine(rep, now, look))
	add("Rate-limit waits", statusRateLine(rep, look))
	add("Accounts", statusAccountsLine(rep, look))
	add("State file", humanize.IBytes(uint64(rep.StoreBytes))+look.dim.Render("  "+rep.StateFile))
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(ansi.Truncate(l, width, "…"))
		b.WriteByte('\n')
	}
	return b.String()
}

func sameRun(a, b *runSummary) bool { return b != nil && a.ID == b.ID }

func statusStateLine(rep *statusReport, now time.Time, look statusLook) string {
	switch rep.State {
	case "quarantined":
		q := rep.Quarantine
		return look.bad.Render("● quarantined") + fmt.Sprintf(" (%s, since %s): %s", q.Reason, ago(now, q.Since), q.Message)
	case "running":
		if w := rep.Watch; w != nil {
			progress := ""
			if w.Total > 0 {
				progress = fmt.Sprintf(" %d/%d", w.Done, w.Total)
			}
			return look.warn.Render("● running") + fmt.Sprintf(" watch run %d, %s, %s%s, started %s", w.RunID, w.Mode, w.Phase, progress, ago(now, w.Started))
		}
		return look.warn.Render("● running") + " a sync holds the state lock"
	}
	line := look.ok.Render("● idle")
	if w := rep.Watch; w != nil {
		line += fmt.Sprintf(" watch (pid %d) every %s, next cycle %s", w.PID, w.Interval, until(now, w.Next))
	}
	return line
}

func statusRunLine(r *runSummary, now time.Time, look statusLook) string {
	if r == nil {
		return look.dim.Render("none yet")
	}
	status := look.ok.Render(r.Status)
	if r.Status != "ok" {
		status = look.bad.Render(r.Status)
	}
	dur := "running"
	if r.Finished != nil {
		dur = (time.Duration(r.DurationSeconds * float64(time.Second))).Round(time.Millisecond).String()
	}
	mode := ""
	switch {
	case r.DryRun:
		mode = ", dry run"
	case r.Mode != "":
		mode = ", " + r.Mode
	}
	return fmt.Sprintf("#%d %s %s, %s%s: %s", r.ID, status, ago(now, r.Started), dur, mode, countsShort(r.Counts))
}

// countsShort is a run's non-zero counts by action, users and groups
// together: "2 create, 1 update, 1 failed".
func countsShort(counts map[string]int) string {
	byAction := map[string]int{}
	for k, v := range counts {
		kind, action, ok := strings.Cut(k, ".")
		if ok && v != 0 && (kind == "user" || kind == "group") && action != "unchanged" && action != "unmanaged" && action != "not_run" {
			byAction[action] += v
		}
	}
	if len(byAction) == 0 {
		return "no changes"
	}
	var parts []string
	for a, n := range byAction {
		parts = append(parts, fmt.Sprintf("%d %s", n, a))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}

func statusPendingLines(rep *statusReport, now time.Time, look statusLook, add func(string, string)) []string {
	if len(rep.Pending) == 0 {
		add("Pending failures", look.ok.Render("none"))
		return nil
	}
	add("Pending failures", look.warn.Render(fmt.Sprint(len(rep.Pending))))
	const shown = 5
	for i, p := range rep.Pending {
		if i == shown {
			add("", look.dim.Render(fmt.Sprintf("… and %d more: slackprov status --output json", len(rep.Pending)-shown)))
			break
		}
		name := p.Name
		if name == "" {
			name = p.SourceID
		}
		add("", fmt.Sprintf("%s %s %s: %d attempts, retry %s: %s", p.Kind, name, p.Action, p.Attempts, until(now, p.NextRetry), p.Reason))
	}
	return nil
}

func statusReadPosLine(rep *statusReport, now time.Time, look statusLook) string {
	rp := rep.ReadPosition
	switch {
	case !rp.Kept:
		return look.dim.Render("none kept (every run reads the whole " + rep.Source + " source)")
	case rp.Since == nil:
		return "kept, from a run not recorded here"
	}
	return "moved " + ago(now, *rp.Since)
}

func statusRateLine(rep *statusReport, look statusLook) string {
	rl := rep.RateLimit
	if !rl.Recorded {
		return look.dim.Render("not recorded by runs yet")
	}
	return fmt.Sprintf("%s waited, %d refused (429) in run #%d", time.Duration(rl.WaitSeconds*float64(time.Second)).Round(time.Millisecond), rl.Refused, rl.RunID)
}

func statusAccountsLine(rep *statusReport, look statusLook) string {
	a := rep.Accounts
	line := fmt.Sprintf("%d users and %d groups linked", a.LinkedUsers, a.LinkedGroups)
	if a.Unmanaged != nil {
		return line + fmt.Sprintf(", %d Slack accounts unmanaged", *a.Unmanaged)
	}
	return line + look.dim.Render(", unmanaged not counted yet")
}

// ago and until say when, relative to now, in a few characters.
func ago(now, t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return shortDuration(now.Sub(t)) + " ago"
}

func until(now, t time.Time) string {
	if !t.After(now) {
		return "due now"
	}
	return "in " + shortDuration(t.Sub(now))
}

func shortDuration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return d.Round(time.Second).String()
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}
