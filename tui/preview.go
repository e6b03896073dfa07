package tui

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/slackprov/slackprov/mapping"
)

// Sample is a directory user the preview can map.
type Sample struct {
	Name   string
	Email  string
	Object mapping.Object
}

func (s Sample) label() string {
	switch {
	case s.Name != "" && s.Email != "":
		return s.Name + " <" + s.Email + ">"
	case s.Name != "":
		return s.Name
	}
	return s.Email
}

// preview is what the user mappings produce for one sample user, as a
// create would send it (on_create mappings and defaults included).
type preview struct {
	values   map[string]string
	problems map[string][]mapping.Problem
	checks   []mapping.Problem
	payload  []string
	errs     []problem // the mapping itself does not compile
}

// computePreview maps the sample with the given user mappings.
func computePreview(attrs []mapping.Attribute, s *Sample, payload func(map[string]string) any, known *mapping.Known) preview {
	var p preview
	if errs := listProblems(false, attrs, known); len(errs) > 0 {
		p.errs = errs
		return p
	}
	if s == nil {
		return p
	}
	c, err := (&mapping.Mapping{Version: mapping.Version, Users: attrs}).Compile()
	if err != nil {
		p.errs = []problem{{entry: -1, msg: err.Error()}}
		return p
	}
	r := c.EvalUser(s.Object, true)
	shown := c.Redactor().Values(r.Values)
	p.values, p.checks = shown, r.Problems
	p.problems = map[string][]mapping.Problem{}
	for _, pr := range r.Problems {
		p.problems[pr.Target] = append(p.problems[pr.Target], pr)
	}
	var body any = shown
	if payload != nil {
		body = payload(shown)
	}
	data, err := json.MarshalIndent(body, "", "  ")
	if err != nil {
		p.payload = []string{"(the payload could not be shown: " + err.Error() + ")"}
	} else {
		p.payload = strings.Split(string(data), "\n")
	}
	return p
}

// flag is the inline marker for a target's problems: "!" for an error,
// "~" for a warning, "" when clean.
func (p preview) flag(target string) string {
	mark := ""
	for _, pr := range p.problems[target] {
		if pr.Severity == mapping.SeverityError {
			return "!"
		}
		mark = "~"
	}
	return mark
}

// lines renders the pane's content, at most height lines of width cells.
func (p preview) lines(st styles, sample *Sample, note string, width, height int) []string {
	var out []string
	add := func(s string) { out = append(out, s) }
	if sample == nil {
		add(st.header.Render("Preview") + st.dim.Render("  no sample user"))
		if note != "" {
			add(st.dim.Render(fit(note, width)))
		}
	} else {
		add(st.header.Render("Preview ") + strings.TrimRight(fit(sample.label(), max(1, width-22)), " ") + st.dim.Render("  p: pick user"))
	}
	if len(p.errs) > 0 {
		add(st.err.Render(fmt.Sprintf("The mapping cannot be used as it is (%d problems):", len(p.errs))))
		for _, e := range p.errs {
			where := ""
			if e.entry >= 0 {
				where = fmt.Sprintf("entry %d: ", e.entry+1)
			}
			out = append(out, wrapped(st.err, "  ! "+where+e.String(), width, 4)...)
		}
		return clip(st, out, height)
	}
	checks := slices.Clone(p.checks)
	slices.SortStableFunc(checks, func(a, b mapping.Problem) int {
		return strings.Compare(b.Severity, a.Severity)
	})
	for _, c := range checks {
		style, mark := st.warn, "~ "
		if c.Severity == mapping.SeverityError {
			style, mark = st.err, "! "
		}
		out = append(out, wrapped(style, mark+c.Code+": "+c.Message, width, 2)...)
	}
	if sample != nil && len(checks) == 0 {
		add(st.ok.Render("✓ passes Slack's checks"))
	}
	if len(p.payload) > 0 {
		add(st.dim.Render("SCIM create payload:"))
		for _, l := range p.payload {
			add(fit(l, width))
		}
	}
	return clip(st, out, height)
}

func clip(st styles, lines []string, height int) []string {
	if height <= 0 {
		return nil
	}
	if len(lines) <= height {
		return lines
	}
	more := len(lines) - height + 1
	return append(lines[:height-1:height-1], st.dim.Render(fmt.Sprintf("… %d more lines (widen or heighten the terminal)", more)))
}

// matchSamples finds samples whose name or email contains the query.
func matchSamples(samples []Sample, query string, limit int) []int {
	q := strings.ToLower(strings.TrimSpace(query))
	var out []int
	for i, s := range samples {
		if q == "" || strings.Contains(strings.ToLower(s.Name), q) || strings.Contains(strings.ToLower(s.Email), q) {
			out = append(out, i)
			if len(out) == limit {
				break
			}
		}
	}
	return out
}
