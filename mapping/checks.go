package mapping

import (
	"fmt"
	"sort"
	"strings"
	"unicode"

	"github.com/slackprov/slackprov/schema"
)

// Slack's limits, in characters (reference slack-api.md §2). Slack documents
// userName, nickName and displayName; for every other attribute it documents
// none, so slackprov sends at most MaxValueLength characters, which no real
// title, department or phone number comes near (docs/directory-file.md).
const (
	MaxUserNameLength    = 21
	MaxNickNameLength    = 21
	MaxDisplayNameLength = 80
	MaxValueLength       = 256
)

// shownLength is how much of a value a message quotes: enough to find the
// record, never the whole of an absurd one.
const shownLength = 40

// shown quotes v for a message, cut to shownLength characters.
func shown(v string) string {
	n := 0
	for i := range v {
		if n == shownLength {
			return fmt.Sprintf("%q…", v[:i])
		}
		n++
	}
	return fmt.Sprintf("%q", v)
}

// CheckUser runs Slack's validation rules on a complete set of user values
// (as sent on create) and returns what Slack would reject or rewrite, using
// Slack's error codes.
func CheckUser(values map[string]string) []Problem {
	return checkUser(values, func(string) bool { return true })
}

// checkUser checks values; required says whether a missing target is a
// problem in this pass (an on_create target is not required on update).
func checkUser(values map[string]string, required func(target string) bool) []Problem {
	var ps []Problem
	add := func(target, code, severity, format string, args ...any) {
		ps = append(ps, Problem{Target: target, Code: code, Message: fmt.Sprintf(format, args...), Severity: severity})
	}
	if u, ok := values[schema.UserName]; ok || required(schema.UserName) {
		switch n := charCount(u); {
		case strings.TrimSpace(u) == "":
			add(schema.UserName, "username_required", SeverityError, "userName is empty; Slack requires one — check the source attribute of the userName mapping")
		case n > MaxUserNameLength:
			add(schema.UserName, "long_username", SeverityError, "userName %s is %d characters; Slack allows %d — shorten it in the mapping, e.g. Left(SlackUserName([userPrincipalName]), %d)", shown(u), n, MaxUserNameLength, MaxUserNameLength)
		}
		if s := SlackUserName(u); strings.TrimSpace(u) != "" && s != u {
			add(schema.UserName, "username_rewritten", SeverityWarning, "Slack will store userName %s as %s; map SlackUserName(...) so the value sent is the value kept", shown(u), shown(s))
		}
	}
	if e, ok := values[schema.WorkEmail]; ok || required(schema.WorkEmail) {
		switch {
		case strings.TrimSpace(e) == "":
			add(schema.WorkEmail, "email_empty", SeverityError, "the work email is empty; Slack requires a primary email — check the source attribute (mail) of the email mapping")
		case !looksLikeEmail(e):
			add(schema.WorkEmail, "bad_email_address", SeverityError, "%s is not an email address", shown(e))
		}
	}
	if d, ok := values[schema.DisplayName]; ok {
		switch {
		case strings.HasPrefix(d, "@"):
			add(schema.DisplayName, "invalid_starts_with_at", SeverityError, "displayName %s starts with @, which Slack refuses", shown(d))
		case strings.Contains(d, "@"):
			add(schema.DisplayName, "invalid_name_specials", SeverityError, "displayName %s contains @, which Slack refuses (Entra skips such users with AttributeValidationFailed)", shown(d))
		}
		if n := charCount(d); n > MaxDisplayNameLength {
			add(schema.DisplayName, "invalid_name_maxlength", SeverityError, "displayName is %d characters; Slack allows %d — shorten it in the mapping, e.g. Left([displayName], %d)", n, MaxDisplayNameLength, MaxDisplayNameLength)
		}
	}
	given, hasGiven := values[schema.GivenName]
	family, hasFamily := values[schema.FamilyName]
	if (hasGiven || hasFamily) && strings.TrimSpace(given) == "" && strings.TrimSpace(family) == "" {
		add(schema.GivenName, "invalid_name_required", SeverityError, "given name and family name are both empty; Slack needs at least one")
	}
	ps = append(ps, valueProblems(values)...)
	return ps
}

// CheckUser runs the target's rules (Slack's, or RFC 7643's) on values.
func (c *Compiled) CheckUser(values map[string]string) []Problem {
	if c.rules == RulesSCIM {
		return checkSCIMUser(values, false)
	}
	return CheckUser(values)
}

// checkSCIMUser is RFC 7643's one rule for a user: a userName.
func checkSCIMUser(values map[string]string, requireName bool) []Problem {
	return requiredProblem(values, schema.UserName, requireName, "userName is empty; SCIM (RFC 7643) requires one — check the source attribute of the userName mapping")
}

// requiredProblem reports target as empty when it is present, or required, and blank.
func requiredProblem(values map[string]string, target string, required bool, message string) []Problem {
	if v, ok := values[target]; (ok || required) && strings.TrimSpace(v) == "" {
		return []Problem{{Target: target, Code: "required", Severity: SeverityError, Message: message}}
	}
	return nil
}

// checkGroup checks a group's values; requireName is false on an update
// that does not send displayName.
func checkGroup(values map[string]string, requireName bool) []Problem {
	var ps []Problem
	if d, ok := values[schema.DisplayName]; (ok || requireName) && strings.TrimSpace(d) == "" {
		ps = append(ps, Problem{Target: schema.DisplayName, Code: "display_name_required", Severity: SeverityError,
			Message: "group displayName is empty; Slack requires one"})
	}
	return append(ps, valueProblems(values)...)
}

// valueProblems checks what every value must be: free of emoji and control
// characters, and within its length limit (userName and displayName have
// their own checks above).
func valueProblems(values map[string]string) []Problem {
	// Planning checks every user; the values are scanned in place and only
	// the (rare) problems are sorted, so the order stays stable.
	var ps []Problem
	add := func(target, code, format string, args ...any) {
		ps = append(ps, Problem{Target: target, Code: code, Severity: SeverityError, Message: fmt.Sprintf(format, args...)})
	}
	for t, v := range values {
		if r, at := controlChar(v); at > 0 {
			add(t, "control_character", "%s value %s has the control character %U at character %d, which Slack profile values must not hold; remove it in the directory (or with Replace() in the mapping)", t, shown(v), r, at)
		}
		if containsEmoji(v) {
			add(t, "invalid_emoji_not_allowed", "%s value %s contains emoji, which Slack refuses", t, shown(v))
		}
		switch t {
		case schema.UserName, schema.DisplayName:
		case schema.NickName:
			if n := charCount(v); n > MaxNickNameLength {
				add(t, "long_nickname", "nickName %s is %d characters; Slack allows %d", shown(v), n, MaxNickNameLength)
			}
		default:
			if len(v) <= MaxValueLength {
				break
			}
			if n := charCount(v); n > MaxValueLength {
				add(t, "value_too_long", "%s value %s is %d characters; slackprov sends at most %d where Slack documents no limit — shorten it in the directory, or with Left(..., %d) in the mapping", t, shown(v), n, MaxValueLength, MaxValueLength)
			}
		}
	}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].Target != ps[j].Target {
			return ps[i].Target < ps[j].Target
		}
		return ps[i].Code < ps[j].Code
	})
	return ps
}

// controlChar finds the first control character (C0, DEL or C1) in s and its
// 1-based character position; at is 0 when there is none.
func controlChar(s string) (r rune, at int) {
	clean := true
	for i := 0; i < len(s) && clean; i++ {
		clean = s[i] >= 0x20 && s[i] < 0x7F
	}
	if clean {
		return 0, 0
	}
	for _, r := range s {
		at++
		if unicode.IsControl(r) {
			return r, at
		}
	}
	return 0, 0
}

// looksLikeEmail accepts local@domain.tld with no spaces: the shape Slack
// accepts, not full RFC 5322.
func looksLikeEmail(s string) bool {
	local, domain, ok := strings.Cut(s, "@")
	if !ok || local == "" || strings.ContainsRune(domain, '@') {
		return false
	}
	if strings.IndexFunc(s, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) >= 0 {
		return false
	}
	labels := strings.Split(domain, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || strings.HasPrefix(l, "-") || strings.HasSuffix(l, "-") {
			return false
		}
	}
	return true
}

// containsEmoji reports pictographic characters. Unicode has no simple
// "is emoji" class; these blocks hold the emoji Slack rejects, while
// letters, punctuation and symbols such as © or ™ stay allowed.
func containsEmoji(s string) bool {
	if isASCII(s) {
		return false
	}
	for _, r := range s {
		switch {
		case r >= 0x1F000 && r <= 0x1FAFF, // mahjong … symbols & pictographs ext-A, incl. flags
			r >= 0x2600 && r <= 0x27BF, // misc symbols, dingbats
			r >= 0x2B00 && r <= 0x2BFF, // arrows & stars (⭐)
			r == 0xFE0F:                // emoji presentation selector
			return true
		}
	}
	return false
}
