package mapping

import (
	"sort"
	"strings"
)

// Slack SCIM target paths, spelled as Entra's mapping blade spells them.
// This list must equal scim.UserAttributes(); mapping keeps its own copy so
// that it imports nothing from the rest of slackprov.
const (
	AttrUserName          = "userName"
	AttrNickName          = "nickName"
	AttrDisplayName       = "displayName"
	AttrTitle             = "title"
	AttrTimezone          = "timezone"
	AttrLocale            = "locale"
	AttrPreferredLanguage = "preferredLanguage"
	AttrUserType          = "userType"
	AttrActive            = "active"
	AttrExternalID        = "externalId"
	AttrGivenName         = "name.givenName"
	AttrFamilyName        = "name.familyName"
	AttrHonorificPrefix   = "name.honorificPrefix"
	AttrWorkEmail         = `emails[type eq "work"].value`
	AttrMobilePhone       = `phoneNumbers[type eq "mobile"].value`
	AttrWorkPhone         = `phoneNumbers[type eq "work"].value`

	// SchemaEnterprise is the SCIM 2.0 enterprise extension URN.
	SchemaEnterprise   = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	AttrDepartment     = SchemaEnterprise + ":department"
	AttrEmployeeNumber = SchemaEnterprise + ":employeeNumber"
	AttrCostCenter     = SchemaEnterprise + ":costCenter"
	AttrOrganization   = SchemaEnterprise + ":organization"
	AttrDivision       = SchemaEnterprise + ":division"
	AttrManager        = SchemaEnterprise + ":manager"

	// Slack keeps one address (its City, Country, Zip… profile fields) and
	// one role.
	AttrStreetAddress = `addresses[type eq "work"].streetAddress`
	AttrLocality      = `addresses[type eq "work"].locality`
	AttrRegion        = `addresses[type eq "work"].region`
	AttrPostalCode    = `addresses[type eq "work"].postalCode`
	AttrCountry       = `addresses[type eq "work"].country`
	AttrRole          = `roles[primary eq "True"].value`
)

var userTargets = []string{
	AttrUserName, AttrNickName, AttrDisplayName, AttrTitle, AttrTimezone,
	AttrLocale, AttrPreferredLanguage, AttrUserType, AttrActive, AttrExternalID,
	AttrGivenName, AttrFamilyName, AttrHonorificPrefix, AttrWorkEmail,
	AttrMobilePhone, AttrWorkPhone, AttrDepartment, AttrEmployeeNumber,
	AttrCostCenter, AttrOrganization, AttrDivision, AttrManager,
	AttrStreetAddress, AttrLocality, AttrRegion, AttrPostalCode, AttrCountry, AttrRole,
}

var groupTargets = []string{AttrDisplayName, AttrExternalID}

// Slack only lets these be used to find an existing account (reference §1.1).
var userMatchable = []string{AttrUserName, AttrWorkEmail}

var groupMatchable = []string{AttrDisplayName}

// targetAliases accepts the SCIM 1.0 spellings shown in Entra's Slack
// tutorial and stores the canonical 2.0 path.
var targetAliases = map[string]string{
	"urn:scim:schemas:extension:enterprise:1.0.department":     AttrDepartment,
	"urn:scim:schemas:extension:enterprise:1.0.manager":        AttrManager,
	"urn:scim:schemas:extension:enterprise:1.0.employeeNumber": AttrEmployeeNumber,
	"urn:scim:schemas:extension:enterprise:1.0.costCenter":     AttrCostCenter,
	"urn:scim:schemas:extension:enterprise:1.0.organization":   AttrOrganization,
	"urn:scim:schemas:extension:enterprise:1.0.division":       AttrDivision,
	// Entra's Slack tutorial lists the address as "untyped"; Slack stores
	// one address whatever its type.
	`addresses[type eq "untyped"].streetAddress`: AttrStreetAddress,
	`addresses[type eq "untyped"].locality`:      AttrLocality,
	`addresses[type eq "untyped"].region`:        AttrRegion,
	`addresses[type eq "untyped"].postalCode`:    AttrPostalCode,
	`addresses[type eq "untyped"].country`:       AttrCountry,
}

// unwritable are Slack attributes Entra lists that slackprov does not write,
// with the reason, so an error can say more than "unknown".
var unwritable = map[string]string{
	`photos[type eq "photo"].value`: "photo provisioning is not supported (Entra doesn't support it either)",
	"profileUrl":                    "Slack does not accept updates to profileUrl",
	"members":                       "group members are provisioned from the directory's membership, not mapped",
	"id":                            "id is Slack's primary key and is never mapped",
}

// UserTargetPaths lists every user target path a mapping may use, sorted.
func UserTargetPaths() []string { return sortedCopy(userTargets) }

// GroupTargetPaths lists every group target path a mapping may use, sorted.
func GroupTargetPaths() []string { return sortedCopy(groupTargets) }

func sortedCopy(in []string) []string {
	out := append([]string(nil), in...)
	sort.Strings(out)
	return out
}

// canonicalTarget resolves aliases and exact-but-differently-cased paths.
// It returns ok=false for paths that are not valid targets of the kind.
func canonicalTarget(path string, valid []string) (string, bool) {
	if c, ok := targetAliases[path]; ok {
		path = c
	}
	for _, v := range valid {
		if v == path {
			return v, true
		}
	}
	return "", false
}

// targetError explains why path is not a valid target and suggests the
// closest valid ones.
func targetError(kind, path string, valid []string) string {
	if reason, ok := unwritable[path]; ok {
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
