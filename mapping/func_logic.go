package mapping

import (
	"fmt"
	"strconv"
	"strings"
)

// fnCoalesce returns the first argument that is neither null nor empty,
// else the last argument (Entra's defaultValue, which may be "").
// Empty strings are skipped because a directory attribute that is set is
// never "" in Microsoft Graph, while a CSV cell often is.
func fnCoalesce(_ *evaluator, _ *node, a []value) (value, error) {
	for _, v := range a[:len(a)-1] {
		if !v.empty() {
			return v, nil
		}
	}
	return a[len(a)-1], nil
}

func fnSelectUniqueValue(_ *evaluator, _ *node, a []value) (value, error) {
	for _, v := range a {
		if !v.empty() {
			return v, nil
		}
	}
	return null, nil
}

func fnIIF(_ *evaluator, _ *node, a []value) (value, error) {
	if a[0].truth() {
		return a[1], nil
	}
	return a[2], nil
}

func fnIsNull(_ *evaluator, _ *node, a []value) (value, error) {
	return boolean(a[0].isNull()), nil
}

func fnIsNullOrEmpty(_ *evaluator, _ *node, a []value) (value, error) {
	return boolean(a[0].empty()), nil
}

func fnIsPresent(_ *evaluator, _ *node, a []value) (value, error) {
	return boolean(!a[0].empty()), nil
}

func fnIsString(_ *evaluator, _ *node, a []value) (value, error) {
	return boolean(a[0].kind == kindString), nil
}

// fnNot flips a boolean, or "True" and "False" (any case); null stays null.
func fnNot(_ *evaluator, _ *node, a []value) (value, error) {
	if a[0].isNull() {
		return null, nil
	}
	if b, ok := a[0].asBool(); ok {
		return boolean(!b), nil
	}
	return null, fmt.Errorf("expects \"True\" or \"False\", got %q", a[0].first())
}

func fnCBool(_ *evaluator, _ *node, a []value) (value, error) {
	return boolean(a[0].truth()), nil
}

func fnCStr(_ *evaluator, _ *node, a []value) (value, error) {
	return a[0], nil
}

// prepareSwitch checks that keys and values come in pairs.
func prepareSwitch(n *node) error {
	if len(n.args)%2 != 0 {
		last := n.args[len(n.args)-1]
		return &SyntaxError{last.pos, "Switch takes a source, a default, then keys and values in pairs; this key has no value"}
	}
	for i := 2; i < len(n.args); i += 2 {
		if n.args[i].kind == nodeMissing {
			return &SyntaxError{n.args[i].pos, fmt.Sprintf("Switch key %d is empty; write \"\" to match an empty or missing source", i/2)}
		}
	}
	return nil
}

// fnSwitch looks the source up among the keys, case-sensitively. A null
// source matches the "" key, which is how Entra's docs test for a missing
// attribute inside Switch.
func fnSwitch(_ *evaluator, _ *node, a []value) (value, error) {
	src := a[0].first()
	for i := 2; i+1 < len(a); i += 2 {
		if a[i].first() == src {
			return a[i+1], nil
		}
	}
	return a[1], nil
}

// fnItem returns the index-th (1-based) value; out of range gives null.
func fnItem(_ *evaluator, _ *node, a []value) (value, error) {
	i, present, err := intArg(a, 1, "index")
	if err != nil {
		return null, err
	}
	if !present || i < 1 {
		return null, fmt.Errorf("index is 1-based and must be 1 or more, got %q", a[1].first())
	}
	vals := a[0].values()
	if i > len(vals) {
		return null, nil
	}
	return str(vals[i-1]), nil
}

func fnCount(_ *evaluator, _ *node, a []value) (value, error) {
	return str(strconv.Itoa(len(a[0].values()))), nil
}

func fnRemoveDuplicates(_ *evaluator, _ *node, a []value) (value, error) {
	if a[0].kind != kindList {
		return a[0], nil
	}
	seen := make(map[string]bool, len(a[0].l))
	out := make([]string, 0, len(a[0].l))
	for _, s := range a[0].l {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return list(out), nil
}

// fnIgnoreFlowIfNullOrEmpty makes the target attribute be left out
// entirely (no default, no removal) when its argument is null or empty.
func fnIgnoreFlowIfNullOrEmpty(_ *evaluator, _ *node, a []value) (value, error) {
	if a[0].empty() {
		return value{kind: kindIgnore}, nil
	}
	return a[0], nil
}

// fnRedact passes the value through; the compiled mapping reports the
// target as redacted so logs and plans show [Redact] instead.
func fnRedact(_ *evaluator, _ *node, a []value) (value, error) {
	return a[0], nil
}

func fnBitAnd(_ *evaluator, _ *node, a []value) (value, error) {
	x, err := strconv.ParseInt(strings.TrimSpace(a[0].first()), 10, 64)
	if err != nil {
		return null, fmt.Errorf("value1 %q is not a whole number", a[0].first())
	}
	y, err := strconv.ParseInt(strings.TrimSpace(a[1].first()), 10, 64)
	if err != nil {
		return null, fmt.Errorf("value2 %q is not a whole number", a[1].first())
	}
	return str(strconv.FormatInt(x&y, 10)), nil
}
