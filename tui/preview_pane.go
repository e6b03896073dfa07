package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"github.com/slackprov/slackprov/mapping"
)

// previewShows is what the preview pane is asked to show; the editor sets
// it after every message.
type previewShows struct {
	// users are the user mappings, with an open form's entry in place;
	// filters the user filters, with an open clause form's clause.
	users   []mapping.Attribute
	filters scopeList
	// groups is set on the groups tab, scoping on the scoping tab.
	groups, scoping bool
	groupFilters    int
	sample          int
	saveErrs        []string
	impact          *impact
	// impactStale is set while the latest edit is still being measured.
	impactStale bool
}

// previewKeys are the keys that change what the preview shows; the
// editor handles them, the pane names them.
type previewKeys struct {
	Pick, Impact key.Binding
}

// previewPane shows what the mapping being edited does: its effect on the
// whole directory, then one sample user in detail (the SCIM body, or on the
// scoping tab whether they are in scope). What it shows is computed in
// show, when the edits change, never in View.
type previewPane struct {
	st            styles
	width, height int
	keys          previewKeys
	samples       []Sample
	note          string
	payload       func(map[string]string) any
	known         *mapping.Known

	in              previewShows
	pv              preview
	scope           scopeVerdict
	pvKey, scopeKey string
}

func newPreviewPane(st styles, keys editorKeys, opts EditorOptions, note string) *previewPane {
	return &previewPane{st: st, width: 80, height: 10, keys: previewKeys{Pick: keys.Pick, Impact: keys.Impact},
		samples: opts.Samples, note: note, payload: opts.Payload, known: opts.Known}
}

// show takes what to show in and evaluates the sample with it when the
// mappings, the filters or the sample changed.
func (p *previewPane) show(in previewShows) {
	p.in = in
	sample := p.sample()
	if key := fmt.Sprint(in.sample, in.users); key != p.pvKey {
		p.pv, p.pvKey = computePreview(in.users, sample, p.payload, p.known), key
	}
	if key := fmt.Sprint(in.sample, in.filters); key != p.scopeKey && sample != nil {
		p.scope, p.scopeKey = checkScope(in.filters, sample.Object, p.known), key
	}
}

func (p *previewPane) sample() *Sample {
	if p.in.sample >= 0 && p.in.sample < len(p.samples) {
		return &p.samples[p.in.sample]
	}
	return nil
}

// Update implements component; the pane's keys are the editor's (they
// open the picker and the impact list), so it takes no messages itself.
func (p *previewPane) Update(tea.Msg) tea.Cmd { return nil }

// SetSize implements component.
func (p *previewPane) SetSize(width, height int) { p.width, p.height = width, height }

// ShortHelp implements help.KeyMap.
func (p *previewPane) ShortHelp() []key.Binding {
	return []key.Binding{hint(p.keys.Pick, "p", "pick user"), hint(p.keys.Impact, "i", "who")}
}

// FullHelp implements help.KeyMap.
func (p *previewPane) FullHelp() [][]key.Binding {
	return [][]key.Binding{{p.keys.Pick, p.keys.Impact}}
}

// View implements component: save problems first when a save was refused,
// then what the mapping (as being edited) does.
func (p *previewPane) View() string {
	return strings.Join(p.lines(), "\n")
}

func (p *previewPane) lines() []string {
	st, w, h := p.st, p.width, p.height
	if len(p.in.saveErrs) > 0 {
		lines := []string{st.err.Render("Not saved — fix these first:")}
		for _, s := range p.in.saveErrs {
			wrapped := lipgloss.NewStyle().Width(w).Render("! " + s)
			for _, l := range strings.Split(wrapped, "\n") {
				lines = append(lines, st.err.Render(l))
			}
		}
		return clip(st, lines, h)
	}
	if p.in.groups {
		return []string{
			st.header.Render("Preview"),
			st.dim.Render(truncate("Group values come from the directory's groups; `slackprov sync --dry-run` shows them.", w)),
		}
	}
	// The effect on the whole directory comes first: it is what a save
	// would do; the sample below shows one user in detail.
	head := p.impactLine()
	rest := max(0, h-len(head))
	if p.in.scoping {
		return append(head, p.scopeLines(rest)...)
	}
	return append(head, p.pv.lines(st, p.sample(), p.note, w, rest)...)
}

// impactLine sums the impact up in one line.
func (p *previewPane) impactLine() []string {
	st, w := p.st, p.width
	im := p.in.impact
	if im == nil {
		if len(p.samples) > 0 {
			return []string{st.dim.Render(fmt.Sprintf("All %d users: measuring the effect of the edits…", len(p.samples)))}
		}
		return nil
	}
	head := st.header.Render(fmt.Sprintf("All %d users, unsaved: ", im.users))
	if p.in.impactStale {
		head += st.dim.Render("(measuring the latest edit…) ")
	}
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

// scopeLines is the pane on the scoping tab: whether the sample user is in
// scope, and which clause keeps them out. It follows an open clause form
// before the clause is applied.
func (p *previewPane) scopeLines(h int) []string {
	st, w := p.st, p.width
	sample := p.sample()
	var out []string
	if sample == nil {
		out = append(out, st.header.Render("Scope")+st.dim.Render("  no sample user"), st.dim.Render(fit(p.note, w)))
		return clip(st, out, h)
	}
	who := firstName(sample)
	out = append(out, st.header.Render("Scope for ")+strings.TrimRight(fit(sample.label(), max(1, w-24)), " ")+st.dim.Render("  p: pick user"))
	l, v := p.in.filters, p.scope
	switch {
	case len(l) == 0:
		out = append(out, st.ok.Render(fit("✓ in scope: there are no user filters", w)))
	case v.inScope:
		for i, fv := range v.filters {
			if fv.holds {
				out = append(out, st.ok.Render(fit(fmt.Sprintf("✓ in scope: filter %d (%s) lets %s in", i+1, l[i].name, who), w)))
				break
			}
		}
	case !v.known:
		out = append(out, st.warn.Render(fit("? a filter has a problem (marked !): fix it to see whether "+who+" is in scope", w)))
	default:
		out = append(out, st.err.Render(fit("✗ out of scope: no user filter holds, so sync treats "+who+" as disabled", w)))
	}
	for i, fv := range v.filters {
		if !fv.judged || fv.holds {
			continue
		}
		for j, cv := range fv.clauses {
			if !cv.holds {
				c := l[i].clauses[j].clause
				out = append(out, st.dim.Render(fit(fmt.Sprintf("  %d. %s: %s fails, %s's %s is %s", i+1, l[i].name, clauseText(c), who, c.Attribute, sampleValue(cv)), w)))
				break
			}
		}
	}
	if p.in.groupFilters > 0 {
		out = append(out, st.dim.Render(fit("Group filters apply to directory groups; `slackprov sync --dry-run` shows which pass.", w)))
	}
	return clip(st, out, h)
}
