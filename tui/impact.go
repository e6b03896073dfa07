package tui

import (
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

// outcomes evaluates every sample as a create would see it. each gets
// every outcome; it keeps the values only if it clones them, since they are
// handed back for the next user.
func outcomes(m *mapping.Mapping, samples []Sample, each func(i int, u userOutcome)) error {
	c, err := m.Compile()
	if err != nil {
		return err
	}
	for i := range samples {
		o := samples[i].Object
		r := c.EvalUser(o, true)
		u := userOutcome{inScope: c.UserInScope(o), values: r.Values}
		for _, p := range r.Problems {
			if p.Severity == mapping.SeverityError {
				u.fails = p.Code + ": " + p.Message
				break
			}
		}
		each(i, u)
		c.Recycle(r.Values)
	}
	return nil
}

// compareOutcomes evaluates the edited mapping against the saved outcomes.
func compareOutcomes(before []userOutcome, edited *mapping.Mapping, samples []Sample) (impact, error) {
	im := impact{users: len(samples), why: map[int]string{}}
	err := outcomes(edited, samples, func(i int, a userOutcome) {
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
	})
	return im, err
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

// impactSyncLimit is the directory size up to which the impact is
// measured in the keystroke that changed it (at about 20 µs a user, well
// under a frame); larger directories are measured in the background.
const impactSyncLimit = 2000

// impactInputs are the saved and the edited user mappings, with the keys
// that tell when either changed.
func (e *Editor) impactInputs() (saved, edited *mapping.Mapping, savedKey, editedKey string) {
	saved = &mapping.Mapping{Version: mapping.Version, Users: e.saved[0].attrs(), UserScope: e.savedScope[0].filters()}
	edited = &mapping.Mapping{Version: mapping.Version, Users: e.lists[0].attrs(), UserScope: e.scopeWithForm()[scopeUsers].filters()}
	if e.mode == modeForm && !e.form.groups {
		next, _ := e.formList()
		edited.Users = next.attrs()
	}
	sk, _ := saved.Marshal()
	ek, _ := edited.Marshal()
	return saved, edited, string(sk), string(sk) + "\x00" + string(ek)
}

// impactMsg carries a measurement made in the background.
type impactMsg struct {
	savedKey, editedKey string
	before              []userOutcome
	result              impact
}

// measure computes the impact; before is reused when it is for savedKey.
func measure(saved, edited *mapping.Mapping, samples []Sample, savedKey, editedKey string, c impactCache) impactMsg {
	msg := impactMsg{savedKey: savedKey, editedKey: editedKey, before: c.before}
	if c.savedKey != savedKey {
		msg.before = make([]userOutcome, len(samples))
		if outcomes(saved, samples, func(i int, u userOutcome) {
			u.values = maps.Clone(u.values)
			msg.before[i] = u
		}) != nil {
			msg.before = nil // a saved file that no longer compiles: everyone is new
		}
	}
	im, err := compareOutcomes(msg.before, edited, samples)
	if err != nil {
		im = impact{users: len(samples), err: "fix the mapping's problems to see its effect"}
	}
	msg.result = im
	return msg
}

func (e *Editor) storeImpact(m impactMsg) {
	e.impactCache = impactCache{savedKey: m.savedKey, editedKey: m.editedKey, before: m.before, result: m.result, ready: true}
}

// impactNow is the impact of the edits so far, measured again only when
// the user mappings or filters changed; for a large directory it may be
// the previous measurement while a new one runs (impactCmd).
// stale reports that the latest edit is still being measured.
func (e *Editor) impactNow() (im *impact, stale bool) {
	if len(e.opts.Samples) == 0 {
		return nil, false
	}
	saved, edited, sk, ek := e.impactInputs()
	if ek != e.impactCache.editedKey && len(e.opts.Samples) <= impactSyncLimit {
		e.storeImpact(measure(saved, edited, e.opts.Samples, sk, ek, e.impactCache))
	}
	stale = ek != e.impactCache.editedKey
	if !e.impactCache.ready {
		return nil, stale
	}
	return &e.impactCache.result, stale
}

// impactCmd starts a background measurement when a large directory's
// impact is out of date and none is running for the same edit.
func (e *Editor) impactCmd() tea.Cmd {
	if len(e.opts.Samples) <= impactSyncLimit {
		return nil
	}
	saved, edited, sk, ek := e.impactInputs()
	if ek == e.impactCache.editedKey || ek == e.impactRunning {
		return nil
	}
	e.impactRunning = ek
	samples, cache := e.opts.Samples, e.impactCache
	return func() tea.Msg { return measure(saved, edited, samples, sk, ek, cache) }
}

// impactCache keeps the directory's outcomes under the saved mapping and
// the last measured impact, keyed by the mappings they came from.
type impactCache struct {
	savedKey, editedKey string
	before              []userOutcome
	result              impact
	ready               bool
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
	im := e.derived.impact
	lines := []string{st.header.Render("Users this edit affects") + st.dim.Render("  ↑/↓ scroll · esc back")}
	if im == nil || len(im.why) == 0 {
		return append(lines, st.dim.Render("No directory user is affected."))
	}
	var rows []string
	for _, i := range slices.Sorted(maps.Keys(im.why)) {
		rows = append(rows, fit(e.opts.Samples[i].label(), min(36, w/2))+" "+im.why[i])
	}
	for _, r := range rows[min(max(e.impactScroll, 0), len(rows)-1):] {
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
