package mapping

import (
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/language"
)

// Character counts and positions in these functions are in Unicode
// characters (code points); .NET counts UTF-16 units, which differs only
// for characters outside the Basic Multilingual Plane such as emoji.

func fnAppend(_ *evaluator, _ *node, a []value) (value, error) {
	if a[0].isNull() {
		return null, nil
	}
	suffix := a[1].first()
	return eachString(a[0], func(s string) string { return s + suffix }), nil
}

// fnLeft follows the reference: 0 gives "", a negative count or a short
// input gives the whole input, and null gives "".
func fnLeft(_ *evaluator, _ *node, a []value) (value, error) {
	n, present, err := intArg(a, 1, "numChars")
	if err != nil {
		return null, err
	}
	if !present {
		return null, fmt.Errorf("numChars is null")
	}
	if a[0].isNull() {
		return str(""), nil
	}
	if n < 0 {
		return str(a[0].first()), nil
	}
	return str(leftChars(a[0].first(), n)), nil
}

func leftChars(s string, n int) string {
	if n <= 0 {
		return ""
	}
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos]
		}
		i++
	}
	return s
}

// fnMid takes a 1-based start; a length running past the end (or no
// length) returns the rest of the string.
func fnMid(_ *evaluator, _ *node, a []value) (value, error) {
	start, present, err := intArg(a, 1, "start")
	if err != nil {
		return null, err
	}
	if !present || start < 1 {
		return null, fmt.Errorf("start must be 1 or more (positions are 1-based), got %s", a[1].first())
	}
	length, hasLength, err := intArg(a, 2, "length")
	if err != nil {
		return null, err
	}
	if hasLength && length < 0 {
		return null, fmt.Errorf("length must not be negative, got %d", length)
	}
	if a[0].isNull() {
		return null, nil
	}
	s := a[0].first()
	from := len(s)
	i := 1
	for pos := range s {
		if i == start {
			from = pos
			break
		}
		i++
	}
	rest := s[from:]
	if hasLength {
		rest = leftChars(rest, length)
	}
	return str(rest), nil
}

func fnTrim(_ *evaluator, _ *node, a []value) (value, error) {
	return eachString(a[0], strings.TrimSpace), nil
}

func fnStripSpaces(_ *evaluator, _ *node, a []value) (value, error) {
	return eachString(a[0], func(s string) string {
		if !strings.Contains(s, " ") {
			return s
		}
		return strings.ReplaceAll(s, " ", "")
	}), nil
}

// prepareCulture validates a literal culture name (RFC 4646, e.g. "tr-TR").
func prepareCulture(n *node) error {
	if len(n.args) < 2 || n.args[1].kind != nodeLit {
		return nil
	}
	tag, err := parseCulture(n.args[1].lit.s)
	if err != nil {
		return &SyntaxError{n.args[1].pos, err.Error()}
	}
	n.aux = tag
	return nil
}

func parseCulture(s string) (language.Tag, error) {
	tag, err := language.Parse(s)
	if err != nil {
		return language.Und, fmt.Errorf("culture %q is not a language tag such as \"en-US\" or \"tr-TR\"", s)
	}
	return tag, nil
}

// cultureCaser returns a caser for the culture argument, or nil for the
// invariant culture (plain Unicode case mapping).
func cultureCaser(n *node, a []value, upper bool) (cases.Caser, bool, error) {
	var tag language.Tag
	switch {
	case n.aux != nil:
		tag = n.aux.(language.Tag)
	case len(a) > 1 && !a[1].empty():
		t, err := parseCulture(a[1].first())
		if err != nil {
			return cases.Caser{}, false, err
		}
		tag = t
	default:
		return cases.Caser{}, false, nil
	}
	if upper {
		return cases.Upper(tag), true, nil
	}
	return cases.Lower(tag), true, nil
}

func fnToLower(_ *evaluator, n *node, a []value) (value, error) {
	c, ok, err := cultureCaser(n, a, false)
	if err != nil {
		return null, err
	}
	if ok {
		return eachString(a[0], c.String), nil
	}
	return eachString(a[0], strings.ToLower), nil
}

func fnToUpper(_ *evaluator, n *node, a []value) (value, error) {
	c, ok, err := cultureCaser(n, a, true)
	if err != nil {
		return null, err
	}
	if ok {
		return eachString(a[0], c.String), nil
	}
	return eachString(a[0], strings.ToUpper), nil
}

// fnPCase proper-cases each word. Without separators, words are split at
// anything not a letter, digit or apostrophe, as .NET's ToTitleCase does;
// but words in capitals are converted too, because Microsoft's examples
// ("PABLO GONSALVES (SECOND)" → "Pablo Gonsalves (Second)") show Entra
// doing so, where ToTitleCase would keep them as acronyms. With separators,
// only those characters split words.
func fnPCase(_ *evaluator, _ *node, a []value) (value, error) {
	if a[0].isNull() {
		return null, nil
	}
	seps, custom := "", len(a) > 1 && !a[1].isNull()
	if custom {
		seps = a[1].first()
	}
	return eachString(a[0], func(s string) string { return properCase(s, seps, custom) }), nil
}

func properCase(s, seps string, custom bool) string {
	isSep := func(r rune) bool {
		if custom {
			return strings.ContainsRune(seps, r)
		}
		return !(unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' || r == '’')
	}
	var b strings.Builder
	b.Grow(len(s))
	rs := []rune(s)
	for i := 0; i < len(rs); {
		if isSep(rs[i]) {
			b.WriteRune(rs[i])
			i++
			continue
		}
		j := i
		for j < len(rs) && !isSep(rs[j]) {
			j++
		}
		for k, r := range rs[i:j] {
			if k == 0 {
				b.WriteRune(unicode.ToTitle(r))
			} else {
				b.WriteRune(unicode.ToLower(r))
			}
		}
		i = j
	}
	return b.String()
}

// fnWord returns the n-th (1-based) word; any character of delimiters
// separates words and runs of delimiters count as one. Out of range and
// null give "".
func fnWord(_ *evaluator, _ *node, a []value) (value, error) {
	n, present, err := intArg(a, 1, "wordNumber")
	if err != nil {
		return null, err
	}
	if a[0].isNull() || !present || n < 1 {
		return str(""), nil
	}
	delims := " "
	if len(a) > 2 && !a[2].empty() {
		delims = a[2].first()
	}
	words := strings.FieldsFunc(a[0].first(), func(r rune) bool { return strings.ContainsRune(delims, r) })
	if n > len(words) {
		return str(""), nil
	}
	return str(words[n-1]), nil
}

// fnSplit turns a string into a multi-valued result. An empty delimiter
// leaves the string whole, as .NET's String.Split does. Spaces around each
// value are dropped: Microsoft's example splits "PermissionSetOne,
// PermissionSetTwo" at "," into values with no leading space.
func fnSplit(_ *evaluator, _ *node, a []value) (value, error) {
	if a[0].isNull() {
		return null, nil
	}
	d := a[1].first()
	var out []string
	for _, s := range a[0].values() {
		if d == "" {
			out = append(out, s)
			continue
		}
		for _, part := range strings.Split(s, d) {
			out = append(out, strings.Trim(part, " "))
		}
	}
	return list(out), nil
}

// fnJoin concatenates every value of every source with the separator.
// Null and empty sources are skipped, so Join(" ", [givenName], [surname])
// has no stray space when one is missing. If every source is null, so is
// the result.
func fnJoin(_ *evaluator, _ *node, a []value) (value, error) {
	sep := a[0].first()
	parts := a[1:]
	allNull := true
	n := 0
	var only string
	for _, p := range parts {
		if !p.isNull() {
			allNull = false
		}
		for _, s := range p.values() {
			if s != "" {
				n++
				only = s
			}
		}
	}
	switch {
	case allNull:
		return null, nil
	case n == 1:
		return str(only), nil
	}
	size := max(n-1, 0) * len(sep)
	for _, p := range parts {
		for _, s := range p.values() {
			size += len(s)
		}
	}
	if err := checkGrowth(size); err != nil {
		return null, err
	}
	var b strings.Builder
	b.Grow(size)
	first := true
	for _, p := range parts {
		for _, s := range p.values() {
			if s == "" {
				continue
			}
			if !first {
				b.WriteString(sep)
			}
			b.WriteString(s)
			first = false
		}
	}
	return str(b.String()), nil
}

// prepareInStr checks a literal compare type.
func prepareInStr(n *node) error {
	if len(n.args) > 3 && n.args[3].kind == nodeLit {
		if _, err := textCompare(n.args[3].lit); err != nil {
			return &SyntaxError{n.args[3].pos, err.Error()}
		}
	}
	return nil
}

func textCompare(v value) (bool, error) {
	switch strings.ToLower(v.first()) {
	case "", "vbbinarycompare", "0":
		return false, nil
	case "vbtextcompare", "1":
		return true, nil
	}
	return false, fmt.Errorf("compare type must be vbBinaryCompare or vbTextCompare, got %q", v.first())
}

// fnInStr returns the 1-based position of value2 in value1, or 0.
func fnInStr(_ *evaluator, _ *node, a []value) (value, error) {
	start, hasStart, err := intArg(a, 2, "start")
	if err != nil {
		return null, err
	}
	if !hasStart {
		start = 1
	}
	if start < 1 {
		return null, fmt.Errorf("start must be 1 or more, got %d", start)
	}
	fold := false
	if len(a) > 3 {
		if fold, err = textCompare(a[3]); err != nil {
			return null, err
		}
	}
	if a[0].isNull() || a[1].isNull() {
		return null, nil
	}
	hay, needle := []rune(a[0].first()), []rune(a[1].first())
	if fold {
		for i, r := range hay {
			hay[i] = unicode.ToLower(r)
		}
		for i, r := range needle {
			needle[i] = unicode.ToLower(r)
		}
	}
	if start-1 > len(hay) {
		return str("0"), nil
	}
	// strings.Index keeps the search linear; a rune-by-rune scan is
	// quadratic on long, repetitive values.
	rest := string(hay[start-1:])
	i := strings.Index(rest, string(needle))
	if i < 0 {
		return str("0"), nil
	}
	return str(strconv.Itoa(start + utf8.RuneCountInString(rest[:i]))), nil
}

// fnConvertToBase64 encodes the UTF-16LE bytes, as .NET's
// Encoding.Unicode does.
func fnConvertToBase64(_ *evaluator, _ *node, a []value) (value, error) {
	return eachString(a[0], func(s string) string {
		units := utf16.Encode([]rune(s))
		b := make([]byte, 0, 2*len(units))
		for _, u := range units {
			b = append(b, byte(u), byte(u>>8))
		}
		return base64.StdEncoding.EncodeToString(b)
	}), nil
}

func fnConvertToUTF8Hex(_ *evaluator, _ *node, a []value) (value, error) {
	return eachString(a[0], func(s string) string {
		return strings.ToUpper(hex.EncodeToString([]byte(s)))
	}), nil
}

// charCount counts Unicode characters.
func charCount(s string) int { return utf8.RuneCountInString(s) }
