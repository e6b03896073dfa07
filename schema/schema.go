// Package schema is the vocabulary of target attributes: the SCIM paths
// slackprov maps directory values to and writes to Slack, spelled as Entra's
// mapping blade spells them, and what each one is — its type, whether Slack
// accepts updates of it, finds existing accounts by it, keeps it unique, or
// reads it as a reference to another user.
//
// It is data, and imports nothing, so that mapping (which validates targets
// and checks values), scim (which writes them) and provision (which plans
// with them) share one table while mapping still imports nothing that does
// anything.
package schema

import (
	"slices"
	"strings"
)

// Enterprise is the SCIM 2.0 enterprise extension URN.
const Enterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"

// User and group attribute paths.
const (
	UserName          = "userName"
	NickName          = "nickName"
	DisplayName       = "displayName"
	Title             = "title"
	Timezone          = "timezone"
	Locale            = "locale"
	PreferredLanguage = "preferredLanguage"
	UserType          = "userType"
	Active            = "active"
	ExternalID        = "externalId"
	GivenName         = "name.givenName"
	FamilyName        = "name.familyName"
	HonorificPrefix   = "name.honorificPrefix"
	WorkEmail         = `emails[type eq "work"].value`
	MobilePhone       = `phoneNumbers[type eq "mobile"].value`
	WorkPhone         = `phoneNumbers[type eq "work"].value`
	Department        = Enterprise + ":department"
	EmployeeNumber    = Enterprise + ":employeeNumber"
	CostCenter        = Enterprise + ":costCenter"
	Organization      = Enterprise + ":organization"
	Division          = Enterprise + ":division"
	Manager           = Enterprise + ":manager"
	// Slack keeps one address (its City, Country, Zip… profile fields) and
	// one role.
	StreetAddress = `addresses[type eq "work"].streetAddress`
	Locality      = `addresses[type eq "work"].locality`
	Region        = `addresses[type eq "work"].region`
	PostalCode    = `addresses[type eq "work"].postalCode`
	Country       = `addresses[type eq "work"].country`
	Role          = `roles[primary eq "True"].value`

	// Members is a group's member list: provisioned from the directory's
	// membership, never mapped.
	Members = "members"
)

// Kind is the type of an attribute's value.
type Kind uint8

const (
	// String is free text.
	String Kind = iota
	// Bool is true or false; it travels as a boolean, not as text.
	Bool
	// Reference names another user (the manager): the directory's id until
	// planning turns it into a Slack id.
	Reference
)

// Attribute is one target attribute and what Slack lets slackprov do with it.
type Attribute struct {
	Path string
	Kind Kind
	// Fixed is true where Slack refuses updates after create (externalId).
	Fixed bool
	// Matchable attributes are the ones Slack can find an existing account
	// by (reference slack-api.md §1.1).
	Matchable bool
	// Unique attributes are kept unique by Slack, which compares their
	// values ignoring case (userName, the work email).
	Unique bool
}

// users lists every user attribute slackprov maps and writes, in the order
// people read them.
var users = []Attribute{
	{Path: UserName, Matchable: true, Unique: true},
	{Path: NickName},
	{Path: DisplayName},
	{Path: Title},
	{Path: Timezone},
	{Path: Locale},
	{Path: PreferredLanguage},
	{Path: UserType},
	{Path: Active, Kind: Bool},
	{Path: ExternalID, Fixed: true},
	{Path: GivenName},
	{Path: FamilyName},
	{Path: HonorificPrefix},
	{Path: WorkEmail, Matchable: true, Unique: true},
	{Path: MobilePhone},
	{Path: WorkPhone},
	{Path: Department},
	{Path: EmployeeNumber},
	{Path: CostCenter},
	{Path: Organization},
	{Path: Division},
	{Path: Manager, Kind: Reference},
	{Path: StreetAddress},
	{Path: Locality},
	{Path: Region},
	{Path: PostalCode},
	{Path: Country},
	{Path: Role},
}

// groups lists the group attributes a mapping may set.
var groups = []Attribute{
	{Path: DisplayName, Matchable: true},
	{Path: ExternalID, Fixed: true},
}

// Users returns every user attribute, in reading order.
func Users() []Attribute { return slices.Clone(users) }

// Groups returns every group attribute a mapping may set.
func Groups() []Attribute { return slices.Clone(groups) }

// UserAttribute returns the user attribute at path; ok is false for a path
// that is not in the vocabulary.
func UserAttribute(path string) (a Attribute, ok bool) {
	i, ok := userIndex[path]
	if !ok {
		return Attribute{}, false
	}
	return users[i], true
}

// userIndex finds a user attribute by path: planning asks for one per
// value of every user.
var userIndex = func() map[string]int {
	m := make(map[string]int, len(users))
	for i, a := range users {
		m[a.Path] = i
	}
	return m
}()

// Caseless reports whether Slack ignores case in path's values.
func Caseless(path string) bool {
	i, ok := userIndex[path]
	return ok && users[i].Unique
}

// Paths lists the paths of attrs, sorted.
func Paths(attrs []Attribute) []string {
	out := make([]string, len(attrs))
	for i, a := range attrs {
		out[i] = a.Path
	}
	slices.Sort(out)
	return out
}

// aliases are the SCIM 1.0 spellings shown in Entra's Slack tutorial, with
// the canonical 2.0 path each stands for.
var aliases = map[string]string{
	"urn:scim:schemas:extension:enterprise:1.0.department":     Department,
	"urn:scim:schemas:extension:enterprise:1.0.manager":        Manager,
	"urn:scim:schemas:extension:enterprise:1.0.employeeNumber": EmployeeNumber,
	"urn:scim:schemas:extension:enterprise:1.0.costCenter":     CostCenter,
	"urn:scim:schemas:extension:enterprise:1.0.organization":   Organization,
	"urn:scim:schemas:extension:enterprise:1.0.division":       Division,
	// Entra's Slack tutorial lists the address as "untyped"; Slack stores
	// one address whatever its type.
	`addresses[type eq "untyped"].streetAddress`: StreetAddress,
	`addresses[type eq "untyped"].locality`:      Locality,
	`addresses[type eq "untyped"].region`:        Region,
	`addresses[type eq "untyped"].postalCode`:    PostalCode,
	`addresses[type eq "untyped"].country`:       Country,
}

// Canonical is path in the vocabulary's spelling: an alias resolved, any
// other path as it is.
func Canonical(path string) string {
	if c, ok := aliases[path]; ok {
		return c
	}
	return path
}

// unwritable are Slack attributes Entra lists that slackprov does not write,
// with the reason.
var unwritable = map[string]string{
	`photos[type eq "photo"].value`: "photo provisioning is not supported (Entra doesn't support it either)",
	"profileUrl":                    "Slack does not accept updates to profileUrl",
	Members:                         "group members are provisioned from the directory's membership, not mapped",
	"id":                            "id is Slack's primary key and is never mapped",
}

// Unwritable says why path, an attribute Slack has, is never written; ok is
// false for every other path.
func Unwritable(path string) (reason string, ok bool) {
	reason, ok = unwritable[path]
	return reason, ok
}

// Fold is v as Slack compares the values it keeps unique, emails and
// userNames: without case. It is the one email (and userName)
// normalisation: every comparison, index and duplicate check of such
// values goes through it or Same, so slackprov and Slack agree on what is
// the same account.
func Fold(v string) string { return strings.ToLower(v) }

// Same reports whether Slack holds a and b as the same value of path:
// folded for userName and the email, exactly for anything else.
func Same(path, a, b string) bool {
	if a == b {
		return true
	}
	return Caseless(path) && strings.EqualFold(a, b)
}

// Spelling of booleans as text, where a value must be shown or saved as
// text: Entra's expressions spell them True and False.
const (
	True  = "True"
	False = "False"
)

// FormatBool spells b as Entra's expressions do.
func FormatBool(b bool) string {
	if b {
		return True
	}
	return False
}

// ParseBool reads a boolean written as text: "true" or "false" in any case
// (Entra writes True and False, JSON true and false). ok is false for
// anything else, which is not a boolean.
func ParseBool(s string) (b, ok bool) {
	switch {
	case strings.EqualFold(s, "true"):
		return true, true
	case strings.EqualFold(s, "false"):
		return false, true
	}
	return false, false
}
