package mapping

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Letters that carry no combining mark in Unicode, so decomposition can't
// strip them. Entra's NormalizeDiacritics table spells ø as "oe"; Slack's
// username rewriting (SlackUserName) keeps a single "o".
var (
	entraLetters = map[rune]string{
		'æ': "ae", 'Æ': "AE", 'ø': "oe", 'Ø': "OE", 'œ': "oe", 'Œ': "OE",
		'ß': "ss", 'ł': "l", 'Ł': "L", 'đ': "d", 'Đ': "D", 'ð': "d", 'Ð': "D",
		'þ': "th", 'Þ': "TH", 'ı': "i", 'ħ': "h", 'Ħ': "H",
	}
	slackLetters = map[rune]string{
		'æ': "ae", 'Æ': "ae", 'ø': "o", 'Ø': "o", 'œ': "oe", 'Œ': "oe",
		'ß': "ss", 'ł': "l", 'Ł': "l", 'đ': "d", 'Đ': "d", 'ð': "d", 'Ð': "d",
		'þ': "th", 'Þ': "th", 'ı': "i", 'ħ': "h", 'Ħ': "h",
	}
)

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// removeDiacritics decomposes s, drops the combining marks and replaces the
// letters in table.
func removeDiacritics(s string, table map[rune]string) string {
	if isASCII(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if rep, ok := table[r]; ok {
			b.WriteString(rep)
			continue
		}
		b.WriteRune(r)
	}
	return norm.NFC.String(b.String())
}

func fnNormalizeDiacritics(_ *evaluator, _ *node, a []value) (value, error) {
	return eachString(a[0], func(s string) string { return removeDiacritics(s, entraLetters) }), nil
}

// fnSlackUserName is SlackUserName; with maxLength it also shortens the
// result to that many characters and notes it, so the plan can say so.
func fnSlackUserName(e *evaluator, _ *node, a []value) (value, error) {
	if len(a) < 2 || a[1].isNull() {
		return eachString(a[0], SlackUserName), nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(a[1].first()))
	if err != nil || n < 1 {
		return null, fmt.Errorf("maxLength %q is not a whole number of at least 1", a[1].first())
	}
	return eachString(a[0], func(s string) string {
		full := SlackUserName(s)
		if r := []rune(full); len(r) > n {
			short := string(r[:n])
			e.notes = append(e.notes, fmt.Sprintf("%q shortened to %q (%d characters)", full, short, n))
			return short
		}
		return full
	}), nil
}

// SlackUserName turns s into the userName Slack would store for it: the
// part before "@", without diacritics, lowercased, with every character
// outside a-z 0-9 . _ - replaced by "_". It never truncates: a result over
// Slack's 21 characters is reported by the checks, not silently cut (the
// expression function takes a maxLength for that, and notes it).
func SlackUserName(s string) string {
	if at := strings.IndexByte(s, '@'); at >= 0 {
		s = s[:at]
	}
	s = removeDiacritics(s, slackLetters)
	if isSlackUserName(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		r = unicode.ToLower(r)
		if isUserNameChar(r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return b.String()
}

func isUserNameChar(r rune) bool {
	return r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-'
}

// isSlackUserName reports whether Slack would store s unchanged.
func isSlackUserName(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isUserNameChar(rune(s[i])) {
			return false
		}
	}
	return true
}
