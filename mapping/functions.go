package mapping

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// function is one expression function.
type function struct {
	name string
	// min and max bound the argument count; max < 0 means any number.
	min, max int
	call     func(e *evaluator, n *node, args []value) (value, error)
	// prepare checks literal arguments and precompiles what it can, once.
	prepare func(n *node) error
	// volatile functions give a different value on each evaluation, so a
	// mapping using them changes the target on every sync.
	volatile bool
	// unsupported explains why slackprov refuses the function.
	unsupported string
}

var functionTable = []*function{
	{name: "Append", min: 2, max: 2, call: fnAppend},
	{name: "AppRoleAssignmentsComplex", unsupported: "Slack app roles are not provisioned by slackprov"},
	{name: "AssertiveAppRoleAssignmentsComplex", unsupported: "Slack app roles are not provisioned by slackprov"},
	{name: "BitAnd", min: 2, max: 2, call: fnBitAnd, prepare: literalInts(0, 1)},
	{name: "CBool", min: 1, max: 1, call: fnCBool},
	{name: "CDate", min: 1, max: 1, call: fnCDate},
	{name: "Coalesce", min: 1, max: -1, call: fnCoalesce},
	{name: "ConvertToBase64", min: 1, max: 1, call: fnConvertToBase64},
	{name: "ConvertToUTF8Hex", min: 1, max: 1, call: fnConvertToUTF8Hex},
	{name: "Count", min: 1, max: 1, call: fnCount},
	{name: "CStr", min: 1, max: 1, call: fnCStr},
	{name: "DateAdd", min: 3, max: 3, call: fnDateAdd, prepare: prepareInterval},
	{name: "DateDiff", min: 3, max: 3, call: fnDateDiff, prepare: prepareInterval},
	{name: "DateFromNum", min: 1, max: 1, call: fnDateFromNum},
	{name: "FormatDateTime", min: 4, max: 4, call: fnFormatDateTime, prepare: prepareFormatDateTime},
	{name: "Guid", min: 0, max: 0, call: fnGuid, volatile: true},
	{name: "IgnoreFlowIfNullOrEmpty", min: 1, max: 1, call: fnIgnoreFlowIfNullOrEmpty},
	{name: "IIF", min: 3, max: 3, call: fnIIF},
	{name: "InStr", min: 2, max: 4, call: fnInStr, prepare: prepareInStr},
	{name: "IsNull", min: 1, max: 1, call: fnIsNull},
	{name: "IsNullOrEmpty", min: 1, max: 1, call: fnIsNullOrEmpty},
	{name: "IsPresent", min: 1, max: 1, call: fnIsPresent},
	{name: "IsString", min: 1, max: 1, call: fnIsString},
	{name: "Item", min: 2, max: 2, call: fnItem, prepare: literalInts(1)},
	{name: "Join", min: 1, max: -1, call: fnJoin},
	{name: "Left", min: 2, max: 2, call: fnLeft, prepare: literalInts(1)},
	{name: "Mid", min: 2, max: 3, call: fnMid, prepare: literalInts(1, 2)},
	{name: "NormalizeDiacritics", min: 1, max: 1, call: fnNormalizeDiacritics},
	{name: "Not", min: 1, max: 1, call: fnNot},
	{name: "Now", min: 0, max: 0, call: fnNow, volatile: true},
	{name: "NumFromDate", min: 1, max: 1, call: fnNumFromDate},
	{name: "PCase", min: 1, max: 2, call: fnPCase},
	{name: "RandomString", min: 5, max: 6, call: fnRandomString, prepare: literalInts(0, 1, 2, 3, 4), volatile: true},
	{name: "Redact", min: 1, max: 1, call: fnRedact},
	{name: "RemoveDuplicates", min: 1, max: 1, call: fnRemoveDuplicates},
	{name: "Replace", min: 5, max: 7, call: fnReplace, prepare: prepareReplace},
	// SelectUniqueValue's candidates are all evaluated (Result.Candidates);
	// the engine picks the first one no Slack account has. Alone, as in
	// `mappings eval`, it gives the first candidate with a value.
	{name: "SelectUniqueValue", min: 2, max: -1, call: fnSelectUniqueValue},
	{name: "SingleAppRoleAssignment", unsupported: "Slack app roles are not provisioned by slackprov"},
	// SlackUserName and Trim are slackprov extensions, not Entra functions.
	{name: "SlackUserName", min: 1, max: 2, call: fnSlackUserName},
	{name: "Split", min: 2, max: 2, call: fnSplit},
	{name: "StripSpaces", min: 1, max: 1, call: fnStripSpaces},
	{name: "Switch", min: 2, max: -1, call: fnSwitch, prepare: prepareSwitch},
	{name: "ToLower", min: 1, max: 2, call: fnToLower, prepare: prepareCulture},
	{name: "ToUpper", min: 1, max: 2, call: fnToUpper, prepare: prepareCulture},
	{name: "Trim", min: 1, max: 1, call: fnTrim},
	{name: "Word", min: 2, max: 3, call: fnWord, prepare: literalInts(1)},
}

var functionsByName = func() map[string]*function {
	m := make(map[string]*function, len(functionTable))
	for _, f := range functionTable {
		m[strings.ToLower(f.name)] = f
	}
	return m
}()

// FunctionNames lists every function the expression language knows,
// including the unsupported ones (which fail to compile with a reason).
func FunctionNames() []string {
	out := make([]string, 0, len(functionTable))
	for _, f := range functionTable {
		out = append(out, f.name)
	}
	sort.Strings(out)
	return out
}

func lookupFunction(name string) (*function, error) {
	f, ok := functionsByName[strings.ToLower(name)]
	if !ok {
		msg := fmt.Sprintf("unknown function %s", name)
		if s := closeMatches(name, FunctionNames(), 3); len(s) > 0 {
			msg += "; did you mean " + strings.Join(s, " or ") + "?"
		}
		return nil, fmt.Errorf("%s", msg)
	}
	if f.unsupported != "" {
		return nil, fmt.Errorf("%s is not supported by slackprov: %s", f.name, f.unsupported)
	}
	return f, nil
}

func (f *function) checkArity(n *node) error {
	got := len(n.args)
	switch {
	case f.max < 0 && got < f.min:
		return &SyntaxError{n.pos, fmt.Sprintf("%s takes at least %d arguments, got %d", f.name, f.min, got)}
	case f.max >= 0 && (got < f.min || got > f.max):
		want := strconv.Itoa(f.min)
		if f.max != f.min {
			want = fmt.Sprintf("%d to %d", f.min, f.max)
		}
		return &SyntaxError{n.pos, fmt.Sprintf("%s takes %s arguments, got %d", f.name, want, got)}
	}
	for i, a := range n.args {
		if a.kind == nodeMissing && i < f.required() {
			return &SyntaxError{a.pos, fmt.Sprintf("argument %d of %s can't be left empty", i+1, f.name)}
		}
	}
	return nil
}

// required is how many leading arguments must be given. Entra lets any
// optional argument be left empty, and a few functions take optional
// arguments in the middle (Switch's default, Replace's modes).
func (f *function) required() int {
	switch f.name {
	case "Switch", "Replace", "FormatDateTime", "Coalesce", "RandomString":
		return 1
	case "Join":
		return 0
	}
	return f.min
}

// literalInts checks that the arguments at the given indexes, when they are
// literals, are integers, so a typo fails at load time rather than per user.
func literalInts(idx ...int) func(n *node) error {
	return func(n *node) error {
		for _, i := range idx {
			if i >= len(n.args) || n.args[i].kind != nodeLit {
				continue
			}
			if _, err := toInt(n.args[i].lit); err != nil {
				return &SyntaxError{n.args[i].pos, fmt.Sprintf("argument %d of %s must be a whole number, got %q", i+1, n.name, n.args[i].lit.s)}
			}
		}
		return nil
	}
}

// toInt reads a whole number; "3.0" is accepted, "3.5" is not.
func toInt(v value) (int, error) {
	s := strings.TrimSpace(v.first())
	if i, err := strconv.Atoi(s); err == nil {
		return i, nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != float64(int(f)) {
		return 0, fmt.Errorf("%q is not a whole number", s)
	}
	return int(f), nil
}

// intArg reads an optional integer argument; present is false when null.
func intArg(args []value, i int, what string) (n int, present bool, err error) {
	if i >= len(args) || args[i].isNull() {
		return 0, false, nil
	}
	n, err = toInt(args[i])
	if err != nil {
		return 0, true, fmt.Errorf("%s: %w", what, err)
	}
	return n, true, nil
}

// eachString applies f to a string, or to every value of a list.
func eachString(v value, f func(string) string) value {
	switch v.kind {
	case kindString:
		return str(f(v.s))
	case kindList:
		out := make([]string, len(v.l))
		for i, s := range v.l {
			out[i] = f(s)
		}
		return list(out)
	}
	return null
}
