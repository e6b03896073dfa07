package tui

import (
	"slices"
	"strings"

	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// completions returns the candidates that fit what was typed: those that
// start with it first, then those that contain it, each case-insensitively
// and in the candidates' order; at most limit of them.
func completions(typed string, candidates []string, limit int) []string {
	t := strings.ToLower(strings.TrimSpace(typed))
	var prefix, inside []string
	for _, c := range candidates {
		lc := strings.ToLower(c)
		switch {
		case lc == t:
			continue
		case strings.HasPrefix(lc, t):
			prefix = append(prefix, c)
		case t != "" && strings.Contains(lc, t):
			inside = append(inside, c)
		}
	}
	out := append(prefix, inside...)
	if len(out) > limit {
		out = out[:limit]
	}
	return out
}

// mergeNames joins name lists, dropping repeats and empties, keeping order.
func mergeNames(lists ...[]string) []string {
	var out []string
	for _, l := range lists {
		for _, s := range l {
			if s != "" && !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// shortTarget abbreviates the long SCIM enterprise URN for narrow columns.
func shortTarget(t string) string {
	const urn = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:"
	if rest, ok := strings.CutPrefix(t, urn); ok {
		return "enterprise:" + rest
	}
	return t
}

// fit cuts s to width display cells, marking the cut with an ellipsis, and
// pads it to exactly width.
func fit(s string, width int) string {
	if width <= 0 {
		return ""
	}
	s = strings.NewReplacer("\n", " ", "\t", " ").Replace(s)
	if ansi.StringWidth(s) > width {
		s = ansi.Truncate(s, width, "…")
	}
	return s + strings.Repeat(" ", max(0, width-ansi.StringWidth(s)))
}

// wrapped renders a message in style, broken into lines of at most width
// cells (at spaces where it can, continuation lines indented to line up
// after the first line's marker), so no message is cut.
func wrapped(style lipgloss.Style, s string, width, indent int) []string {
	if width <= 0 {
		return nil
	}
	s = strings.NewReplacer("\n", " ", "\t", " ").Replace(s)
	first := ansi.Wrap(s, width, "")
	lines := strings.Split(first, "\n")
	if len(lines) > 1 && indent > 0 && indent < width {
		rest := ansi.Wrap(strings.Join(strings.Fields(strings.Join(lines[1:], " ")), " "), width-indent, "")
		lines = lines[:1]
		for _, l := range strings.Split(rest, "\n") {
			lines = append(lines, strings.Repeat(" ", indent)+l)
		}
	}
	for i := range lines {
		lines[i] = style.Render(lines[i])
	}
	return lines
}

// suggestionLine shows the completions after "↳ ", the picked one marked.
func suggestionLine(st styles, sugg []string, pick int) string {
	parts := make([]string, len(sugg))
	for i, s := range sugg {
		parts[i] = s
		if i == pick {
			parts[i] = st.selected.Render(s)
		}
	}
	return st.dim.Render("↳ ") + strings.Join(parts, st.dim.Render(" · "))
}
