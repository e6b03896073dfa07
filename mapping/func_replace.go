package mapping

import (
	"fmt"
	"regexp"
	"strings"
)

// Replace's argument positions.
const (
	repSource = iota
	repOldValue
	repPattern
	repGroup
	repReplacement
	repReplacementAttr
	repTemplate
)

// prepareReplace checks which of Replace's modes the given arguments select
// and compiles a literal pattern once.
func prepareReplace(n *node) error {
	given := func(i int) bool { return i < len(n.args) && n.args[i].kind != nodeMissing }
	switch {
	case given(repOldValue) && (given(repPattern) || given(repGroup)):
		return &SyntaxError{n.pos, "Replace takes either oldValue (argument 2) or regexPattern (argument 3), not both"}
	case given(repOldValue) && !given(repReplacement) && !given(repTemplate):
		return &SyntaxError{n.pos, "Replace with oldValue needs replacementValue (argument 5) or template (argument 7)"}
	case given(repPattern) && !given(repReplacement) && !(given(repGroup) && given(repReplacementAttr)):
		return &SyntaxError{n.pos, "Replace with regexPattern needs replacementValue (argument 5), or regexGroupName and replacementAttributeName (arguments 4 and 6)"}
	case !given(repOldValue) && !given(repPattern):
		return &SyntaxError{n.pos, "Replace needs oldValue (argument 2) or regexPattern (argument 3)"}
	}
	if !given(repPattern) || n.args[repPattern].kind != nodeLit {
		return nil
	}
	re, err := compilePattern(n.args[repPattern].lit.s)
	if err != nil {
		return &SyntaxError{n.args[repPattern].pos, err.Error()}
	}
	if given(repGroup) && n.args[repGroup].kind == nodeLit && re.SubexpIndex(n.args[repGroup].lit.s) < 0 {
		return &SyntaxError{n.args[repGroup].pos, fmt.Sprintf("regexPattern has no group named %q", n.args[repGroup].lit.s)}
	}
	n.aux = re
	return nil
}

// compilePattern compiles a .NET-style pattern with Go's RE2 engine, which
// shares the common syntax (including (?<name>...) groups) but not
// lookaround or backreferences.
func compilePattern(p string) (*regexp.Regexp, error) {
	re, err := regexp.Compile(p)
	if err != nil {
		return nil, fmt.Errorf("regexPattern %q is not a valid regular expression (lookarounds and backreferences are not supported): %v", p, err)
	}
	return re, nil
}

// fnReplace implements Entra's five Replace modes, chosen by which optional
// arguments are present (see prepareReplace).
func fnReplace(_ *evaluator, n *node, a []value) (value, error) {
	arg := func(i int) (string, bool) {
		if i >= len(a) || a[i].isNull() {
			return "", false
		}
		return a[i].first(), true
	}
	src, hasSrc := arg(repSource)
	if old, ok := arg(repOldValue); ok {
		if !hasSrc {
			return null, nil
		}
		if tmpl, ok := arg(repTemplate); ok {
			return replaceAll(tmpl, old, src)
		}
		rep, _ := arg(repReplacement)
		if old == "" {
			return str(src), nil
		}
		return replaceAll(src, old, rep)
	}
	re, _ := n.aux.(*regexp.Regexp)
	if re == nil {
		p, ok := arg(repPattern)
		if !ok {
			return a[repSource], nil
		}
		var err error
		if re, err = compilePattern(p); err != nil {
			return null, err
		}
	}
	group, hasGroup := arg(repGroup)
	gi := -1
	if hasGroup {
		if gi = re.SubexpIndex(group); gi < 0 {
			return null, fmt.Errorf("regexPattern has no group named %q", group)
		}
	}
	rep, hasRep := arg(repReplacement)
	if hasGroup && !hasRep {
		if hasSrc && src != "" {
			return str(src), nil
		}
		other, ok := arg(repReplacementAttr)
		if !ok {
			return null, nil
		}
		m := re.FindStringSubmatchIndex(other)
		if m == nil || m[2*gi] < 0 {
			return null, nil
		}
		return str(other[m[2*gi]:m[2*gi+1]]), nil
	}
	if !hasSrc {
		return null, nil
	}
	return replacePattern(src, re, gi, rep)
}

// replacePattern replaces every match of re in src with rep, expanded; with
// a group (gi >= 0) only the group's text is replaced, by rep as it is.
func replacePattern(src string, re *regexp.Regexp, gi int, rep string) (value, error) {
	var b []byte
	last := 0
	for _, m := range re.FindAllStringSubmatchIndex(src, -1) {
		from, to := m[0], m[1]
		if gi >= 0 {
			if from, to = m[2*gi], m[2*gi+1]; from < 0 {
				continue
			}
		}
		b = append(b, src[last:from]...)
		if gi >= 0 {
			b = append(b, rep...)
		} else {
			b = re.ExpandString(b, rep, src, m)
		}
		last = to
		// A short pattern and a long $0$0$0… replacement multiply the input.
		if err := checkGrowth(len(b) + len(src) - last); err != nil {
			return null, err
		}
	}
	b = append(b, src[last:]...)
	return str(string(b)), nil
}

// replaceAll is strings.ReplaceAll that refuses to build an oversized result.
func replaceAll(s, old, rep string) (value, error) {
	if old != "" && len(rep) > len(old) {
		if err := checkGrowth(len(s) + strings.Count(s, old)*(len(rep)-len(old))); err != nil {
			return null, err
		}
	}
	return str(strings.ReplaceAll(s, old, rep)), nil
}
