package tui

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/slackprov/slackprov/mapping"
)

// Impact categories: what an edit does to one directory user.
const (
	impactEnters = iota
	impactLeaves
	impactChanges
	impactFails
	impactCount
)

var impactNames = [impactCount]string{"enter scope", "leave scope", "change value", "fail Slack's checks"}

// userOutcome is what one mapping does with one directory user.
type userOutcome struct {
	inScope bool
	values  map[string]string
	fails   string // the first Slack check error, "" when none
}

// impact compares the saved mapping with the edited one over the whole
// directory (the samples, read once for the session).
type impact struct {
	users   int
	err     string // the edited mapping cannot be evaluated yet
	members [impactCount][]int
	// why holds, per sample, a one-line reason for its listing.
	why map[int]string
}

// outcomes evaluates every sample as a create would see it.
func outcomes(m *mapping.Mapping, samples []Sample) ([]userOutcome, error) {
	c, err := m.Compile()
	if err != nil {
		return nil, err
	}
	out := make([]userOutcome, len(samples))
	for i := range samples {
		o := samples[i].Object
		r := c.EvalUser(o, true)
		u := userOutcome{inScope: c.UserInScope(o), values: maps.Clone(r.Values)}
		for _, p := range r.Problems {
			if p.Severity == mapping.SeverityError {
				u.fails = p.Code + ": " + p.Message
				break
			}
		}
		out[i] = u
	}
	return out, nil
}

func compareOutcomes(before, after []userOutcome) impact {
	im := impact{users: len(after), why: map[int]string{}}
	for i, a := range after {
		var b userOutcome
		if i < len(before) {
			b = before[i]
		}
		switch {
		case a.inScope && !b.inScope:
			im.members[impactEnters] = append(im.members[impactEnters], i)
			im.why[i] = "enters scope"
		case !a.inScope && b.inScope:
			im.members[impactLeaves] = append(im.members[impactLeaves], i)
			im.why[i] = "leaves scope: sync deactivates the account"
		case a.inScope && !maps.Equal(a.values, b.values):
			im.members[impactChanges] = append(im.members[impactChanges], i)
			im.why[i] = "changes " + strings.Join(changedTargets(b.values, a.values), ", ")
		}
		if a.inScope && a.fails != "" {
			im.members[impactFails] = append(im.members[impactFails], i)
			if im.why[i] == "" {
				im.why[i] = a.fails
			} else {
				im.why[i] += "; " + a.fails
			}
		}
	}
	return im
}

func changedTargets(before, after map[string]string) []string {
	var out []string
	for _, t := range mapping.UserTargetPaths() {
		if before[t] != after[t] {
			out = append(out, shortTarget(t))
		}
	}
	return out
}

// impactNow is the impact of the edits so far, computed again only when
// the user mappings or filters changed since the last time.
func (e *Editor) impactNow() *impact {
	if len(e.opts.Samples) == 0 {
		return nil
	}
	saved := &mapping.Mapping{Version: mapping.Version, Users: e.saved[0].attrs(), UserScope: e.savedScope[0].filters()}
	edited := &mapping.Mapping{Version: mapping.Version, Users: e.lists[0].attrs(), UserScope: e.scopeWithForm()[scopeUsers].filters()}
	if e.mode == modeForm && !e.form.groups {
		next, _ := e.formList()
		edited.Users = next.attrs()
	}
	savedKey, _ := saved.Marshal()
	editedKey, _ := edited.Marshal()
	if string(savedKey) != e.impactCache.savedKey {
		e.impactCache.savedKey = string(savedKey)
		e.impactCache.before, _ = outcomes(saved, e.opts.Samples)
		e.impactCache.editedKey = ""
	}
	if string(editedKey) != e.impactCache.editedKey {
		e.impactCache.editedKey = string(editedKey)
		after, err := outcomes(edited, e.opts.Samples)
		if err != nil {
			e.impactCache.result = impact{users: len(e.opts.Samples), err: "fix the mapping's problems to see its effect"}
		} else {
			e.impactCache.result = compareOutcomes(e.impactCache.before, after)
		}
	}
	return &e.impactCache.result
}

// impactCache keeps the directory's outcomes under the saved mapping and
// the last computed impact, keyed by the mappings they came from.
type impactCache struct {
	savedKey, editedKey string
	before              []userOutcome
	result              impact
}

// impactLine sums the impact up in one line for the preview pane.
func (e *Editor) impactLine(w int) []string {
	im := e.impactNow()
	if im == nil {
		return nil
	}
	st := e.st
	head := st.header.Render(fmt.Sprintf("All %d users, unsaved: ", im.users))
	if im.err != "" {
		return wrapped(st.dim, head+im.err, w, 2)
	}
	var parts []string
	for k := range impactCount {
		if n := len(im.members[k]); n > 0 || k == impactLeaves {
			parts = append(parts, fmt.Sprintf("%d %s", n, impactNames[k]))
		}
	}
	line := head + strings.Join(parts, " · ")
	if len(im.why) > 0 {
		line += st.dim.Render(" (i: who)")
	}
	return wrapped(lineStyle(st, im), line, w, 2)
}

func lineStyle(st styles, im *impact) lipgloss.Style {
	if len(im.members[impactFails]) > 0 || len(im.members[impactLeaves]) > 0 {
		return st.warn
	}
	return st.dim
}

// impactLines is the browsable list of affected users (mode impact).
func (e *Editor) impactLines(w, h int) []string {
	st := e.st
	im := e.impactNow()
	lines := []string{st.header.Render("Users this edit affects") + st.dim.Render("  ↑/↓ scroll · esc back")}
	if im == nil || len(im.why) == 0 {
		return append(lines, st.dim.Render("No directory user is affected."))
	}
	var rows []string
	for _, i := range slices.Sorted(maps.Keys(im.why)) {
		rows = append(rows, fit(e.opts.Samples[i].label(), min(36, w/2))+" "+im.why[i])
	}
	e.impactScroll = min(max(e.impactScroll, 0), max(0, len(rows)-1))
	for _, r := range rows[e.impactScroll:] {
		lines = append(lines, truncate(r, w))
	}
	return clip(st, lines, h)
}

func (e *Editor) updateImpact(msg tea.KeyMsg) tea.Cmd {
	switch msg.String() {
	case "esc", "q", "i":
		e.mode = modeTable
	case "up", "k":
		e.impactScroll--
	case "down", "j":
		e.impactScroll++
	}
	return nil
}
