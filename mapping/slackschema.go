package mapping

import (
	"sort"
	"strings"

	"github.com/slackprov/slackprov/schema"
)

// The target names other packages already use. Every target is in the
// schema package's vocabulary, which mapping shares with the SCIM client.
const (
	AttrUserName  = schema.UserName
	AttrWorkEmail = schema.WorkEmail
	AttrUserType  = schema.UserType
)

var (
	userTargets  = schema.Users()
	groupTargets = schema.Groups()
)

// matchable lists the targets of attrs Slack can find an existing object by.
func matchable(attrs []schema.Attribute) []string {
	var out []string
	for _, a := range attrs {
		if a.Matchable {
			out = append(out, a.Path)
		}
	}
	return out
}

// UserTargetPaths lists every user target path a mapping may use, sorted.
func UserTargetPaths() []string { return schema.Paths(userTargets) }

// GroupTargetPaths lists every group target path a mapping may use, sorted.
func GroupTargetPaths() []string { return schema.Paths(groupTargets) }

func sortedCopy(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

// canonicalTarget resolves aliases and exact-but-differently-cased paths.
// It returns ok=false for paths that are not valid targets of the kind.
func canonicalTarget(path string, valid []schema.Attribute) (string, bool) {
	path = schema.Canonical(path)
	for _, v := range valid {
		if v.Path == path {
			return path, true
		}
	}
	return "", false
}

// targetError explains why path is not a valid target and suggests the
// closest valid ones.
func targetError(kind, path string, valid []string) string {
	if reason, ok := schema.Unwritable(path); ok {
		return "target " + quote(path) + " can't be mapped: " + reason
	}
	msg := "unknown " + kind + " target " + quote(path)
	if s := closeMatches(path, valid, 3); len(s) > 0 {
		for i := range s {
			s[i] = quote(s[i])
		}
		msg += "; did you mean " + strings.Join(s, " or ") + "?"
	} else {
		msg += "; valid targets: " + strings.Join(sortedCopy(valid), ", ")
	}
	return msg
}

func quote(s string) string { return "\"" + strings.ReplaceAll(s, `"`, `\"`) + "\"" }

// closeMatches returns up to n candidates near s: case-insensitive equals,
// then containment of the last path element, then small edit distance.
func closeMatches(s string, candidates []string, n int) []string {
	type scored struct {
		c     string
		score int
	}
	ls := strings.ToLower(s)
	var found []scored
	for _, c := range candidates {
		lc := strings.ToLower(c)
		switch {
		case lc == ls:
			found = append(found, scored{c, 0})
		case len(ls) >= 4 && (strings.HasSuffix(lc, ":"+ls) || strings.HasSuffix(lc, "."+ls) || strings.Contains(lc, ls)):
			found = append(found, scored{c, 1})
		case len(lc) >= 4 && strings.Contains(ls, lastElement(lc)):
			found = append(found, scored{c, 2})
		default:
			d := levenshtein(ls, lc)
			if d <= max(2, len(lc)/4) {
				found = append(found, scored{c, 2 + d})
			}
		}
	}
	sort.SliceStable(found, func(i, j int) bool { return found[i].score < found[j].score })
	var out []string
	for _, f := range found {
		if len(out) == n {
			break
		}
		out = append(out, f.c)
	}
	return out
}

// lastElement is the attribute name at the end of a path, e.g. "department"
// for the enterprise URN form, "value" never (too generic: the whole path).
func lastElement(p string) string {
	if i := strings.LastIndexAny(p, ":"); i >= 0 {
		return p[i+1:]
	}
	if strings.HasPrefix(p, "name.") {
		return strings.TrimPrefix(p, "name.")
	}
	return p
}

func levenshtein(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
