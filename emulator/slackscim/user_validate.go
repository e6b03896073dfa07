package slackscim

import (
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

const (
	scimMaxUserNameLen    = 21
	scimMaxDisplayNameLen = 80
	// scimMaxValueLen bounds every other value. Slack documents no limit
	// for them (reference §2), and it surely keeps none of megabytes; the
	// emulator refuses past 256 characters so that it is no kinder than
	// any limit Slack may have, and answers as for a malformed attribute.
	scimMaxValueLen = 256
)

// scimReservedUserNames are handles Slack refuses outright (username_not_allowed).
var scimReservedUserNames = []string{"here", "channel", "everyone", "slackbot", "admin"}

// scimNormalizeUserName applies Slack's handle rules: an email is cut to its
// local part, letters are lowercased, and anything but a-z 0-9 . _ - becomes
// "_". tooLong is the error code for the attribute the caller set
// (long_username, or long_nickname when set through nickName).
func scimNormalizeUserName(raw, tooLong string) (string, *scimError) {
	s := strings.ToLower(strings.TrimSpace(raw))
	if i := strings.LastIndex(s, "@"); i >= 0 {
		s = s[:i]
	}
	s = strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-' {
			return r
		}
		return '_'
	}, s)
	if s == "" {
		return "", scimBadRequest("username_required")
	}
	if len(s) > scimMaxUserNameLen {
		return "", scimBadRequest(tooLong + " (user=" + raw + ")")
	}
	return s, nil
}

// scimValidEmail is Slack's basic shape check: one "@", a non-empty local
// part, a dotted domain and no whitespace.
func scimValidEmail(e string) bool {
	local, domain, ok := strings.Cut(e, "@")
	if !ok || local == "" || strings.Contains(domain, "@") || strings.IndexFunc(e, unicode.IsSpace) >= 0 {
		return false
	}
	dot := strings.LastIndex(domain, ".")
	return dot > 0 && dot < len(domain)-1
}

// scimHasEmoji reports pictographic runes, which Slack refuses in attribute
// values (invalid_emoji_not_allowed).
func scimHasEmoji(s string) bool {
	for _, r := range s {
		switch {
		case r >= 0x1F000 && r <= 0x1FAFF, // mahjong … symbols and pictographs extended-A
			r >= 0x2600 && r <= 0x27BF, // misc symbols, dingbats
			r >= 0x2B00 && r <= 0x2BFF, // arrows and stars such as ⭐
			r == 0xFE0F, r == 0x200D:   // emoji presentation selector, zero-width joiner
			return true
		}
	}
	return false
}

func scimBlank(p *string) bool { return p == nil || strings.TrimSpace(*p) == "" }

// validate checks a user about to be stored. requireName is set on create and
// replace, and on PATCH when the request touched the name.
func (s *Org) validate(u *scimUser, requireName bool) *scimError {
	if u.UserName == "" {
		return scimBadRequest("username_required")
	}
	suffix := " (user=" + u.UserName + ")"
	if slices.Contains(scimReservedUserNames, u.UserName) {
		return scimBadRequest("username_not_allowed" + suffix)
	}
	if len(u.Emails) == 0 {
		return scimBadRequest("email_empty")
	}
	if requireName && scimBlank(u.GivenName) && scimBlank(u.FamilyName) {
		return scimBadRequest("invalid_name_required")
	}
	if d := u.DisplayName; d != nil {
		switch {
		case utf8.RuneCountInString(*d) > scimMaxDisplayNameLen:
			return scimBadRequest("invalid_name_maxlength")
		case strings.HasPrefix(*d, "@"):
			return scimBadRequest("invalid_starts_with_at")
		case strings.Contains(*d, "@"):
			return scimBadRequest("invalid_name_specials" + suffix)
		}
	}
	checked := []*string{u.DisplayName, u.GivenName, u.FamilyName, u.HonorificPrefix, u.Title,
		u.UserType, u.Department, u.Organization, u.Division, u.CostCenter, u.EmployeeNumber, u.Role}
	if a := u.Address; a != nil {
		checked = append(checked, a.StreetAddress, a.Locality, a.Region, a.PostalCode, a.Country)
	}
	for _, p := range checked {
		if p != nil && scimHasEmoji(*p) {
			return scimBadRequest("invalid_emoji_not_allowed")
		}
	}
	// Profile values are single-line text; what Slack answers to a NUL or
	// a megabyte-long title is not documented (reference §2), so the
	// emulator refuses both as malformed.
	for _, p := range u.textValues() {
		if p != nil && (strings.IndexFunc(*p, unicode.IsControl) >= 0 || utf8.RuneCountInString(*p) > scimMaxValueLen) {
			return scimBadRequest("invalid_attribute_format" + suffix)
		}
	}
	if slices.Contains(s.opts.Channels, u.UserName) {
		return scimErr(s.opts.ConflictStatus, "username_taken")
	}
	if other := s.byUserName[u.UserName]; other != nil && other.ID != u.ID {
		return scimErr(s.opts.ConflictStatus, "username_taken")
	}
	if other := s.byEmail[strings.ToLower(u.primaryEmail())]; other != nil && other.ID != u.ID {
		detail := "email_taken"
		if s.opts.EmailTakenDetail {
			detail += " existing_user=" + other.ID
		}
		return scimErr(s.opts.ConflictStatus, detail)
	}
	return nil
}

// store puts a validated user in place of its previous version (nil when new),
// keeping the uniqueness indexes current. Callers hold s.mu.
func (s *Org) store(old, next *scimUser) {
	if old != nil {
		delete(s.byUserName, old.UserName)
		delete(s.byEmail, strings.ToLower(old.primaryEmail()))
		*old = *next
		next = old
	} else {
		s.users = append(s.users, next)
		s.usersByID[next.ID] = next
	}
	s.byUserName[next.UserName] = next
	s.byEmail[strings.ToLower(next.primaryEmail())] = next
}

// scimValidUserID reports whether id has the shape of a Slack user id:
// U or W followed by uppercase letters and digits.
func scimValidUserID(id string) bool {
	return len(id) >= 2 && (id[0] == 'U' || id[0] == 'W') && strings.IndexFunc(id[1:], func(r rune) bool {
		return !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9')
	}) < 0
}

// scimUserIDError is Slack's answer for an id that is not a user: ids not
// even shaped like Slack user ids cannot be decoded.
func scimUserIDError(id string) *scimError {
	if !scimValidUserID(id) {
		return scimBadRequest("cannot_decode_user_id")
	}
	return scimErr(http.StatusNotFound, "no_such_user")
}

// textValues are the user's free-text values, for the checks every value
// must pass. The photo is left out: it may be a long data: URL.
func (u *scimUser) textValues() []*string {
	v := []*string{&u.ExternalID, u.GivenName, u.FamilyName, u.HonorificPrefix, u.DisplayName, u.Title,
		u.Timezone, u.UserType, u.PreferredLanguage, u.Locale, u.PrimaryPhone, u.MobilePhone, u.Role,
		u.EmployeeNumber, u.CostCenter, u.Organization, u.Division, u.Department, u.ManagerID, u.StartDate}
	for i := range u.Emails {
		v = append(v, &u.Emails[i])
	}
	if a := u.Address; a != nil {
		v = append(v, a.StreetAddress, a.Locality, a.Region, a.PostalCode, a.Country)
	}
	return v
}
