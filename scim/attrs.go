package scim

import (
	"sort"
	"strconv"
	"strings"
)

// Attribute paths. The rest of slackprov (mappings, plans, the store's log)
// names Slack attributes by these SCIM paths, in the form Entra's mapping
// blade shows them, so one path means the same thing everywhere.
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
	AttrDepartment        = SchemaEnterprise + ":department"
	AttrEmployeeNumber    = SchemaEnterprise + ":employeeNumber"
	AttrCostCenter        = SchemaEnterprise + ":costCenter"
	AttrOrganization      = SchemaEnterprise + ":organization"
	AttrDivision          = SchemaEnterprise + ":division"
	AttrManager           = SchemaEnterprise + ":manager"
	AttrStreetAddress     = `addresses[type eq "work"].streetAddress`
	AttrLocality          = `addresses[type eq "work"].locality`
	AttrRegion            = `addresses[type eq "work"].region`
	AttrPostalCode        = `addresses[type eq "work"].postalCode`
	AttrCountry           = `addresses[type eq "work"].country`
	AttrRole              = `roles[primary eq "True"].value`

	AttrMembers = "members"
)

// userAttr describes how one path reads from and writes to a User.
type userAttr struct {
	get func(*User) string
	set func(*User, string)
	// patchPath is the path a v2 PATCH uses; value builds the PATCH value.
	patchPath string
	value     func(*User) any
	// reference marks attributes whose value names another user (manager).
	reference bool
	// updatable is false where Slack refuses updates (externalId).
	updatable bool
}

func name(u *User) *Name {
	if u.Name == nil {
		u.Name = &Name{}
	}
	return u.Name
}

func ent(u *User) *Enterprise {
	if u.Enterprise == nil {
		u.Enterprise = &Enterprise{}
	}
	return u.Enterprise
}

// str describes a plain string attribute. read must not allocate or change
// the user (planning reads every attribute of every user); write may create
// the sub-object the field lives in.
func str(read func(*User) string, write func(*User) *string, path string) userAttr {
	return userAttr{
		get:       read,
		set:       func(u *User, v string) { *write(u) = v },
		patchPath: path,
		value:     func(u *User) any { return read(u) },
		updatable: true,
	}
}

func top(field func(*User) *string, path string) userAttr {
	return str(func(u *User) string { return *field(u) }, field, path)
}

func nameField(field func(*Name) *string, path string) userAttr {
	return str(func(u *User) string {
		if u.Name == nil {
			return ""
		}
		return *field(u.Name)
	}, func(u *User) *string { return field(name(u)) }, path)
}

func entField(field func(*Enterprise) *string, path string) userAttr {
	return str(func(u *User) string {
		if u.Enterprise == nil {
			return ""
		}
		return *field(u.Enterprise)
	}, func(u *User) *string { return field(ent(u)) }, path)
}

// Slack's phone semantics are odd (reference §2.1): in a request,
// type "mobile" (or primary:true) sets Slack's primaryPhone and type "work"
// sets its mobilePhone; a response returns primaryPhone as {value, primary:true}
// and mobilePhone as {value, type:"mobile"}. We read back what we wrote.
func primaryPhone(u *User) string {
	for _, p := range u.PhoneNumbers {
		if p.Primary {
			return p.Value
		}
	}
	return ""
}

func secondaryPhone(u *User) string {
	for _, p := range u.PhoneNumbers {
		if !p.Primary && p.Type == "mobile" {
			return p.Value
		}
	}
	return ""
}

func phoneList(u *User) any {
	var out []MultiValue
	if v := primaryPhone(u); v != "" {
		out = append(out, MultiValue{Value: v, Type: "mobile", Primary: true})
	}
	if v := secondaryPhone(u); v != "" {
		out = append(out, MultiValue{Value: v, Type: "work"})
	}
	return out
}

func setPhone(u *User, primary bool, v string) {
	keep := u.PhoneNumbers[:0:0]
	for _, p := range u.PhoneNumbers {
		isPrimary := p.Primary
		isSecondary := !p.Primary && p.Type == "mobile"
		if (primary && isPrimary) || (!primary && isSecondary) {
			continue
		}
		keep = append(keep, p)
	}
	if v != "" {
		if primary {
			keep = append(keep, MultiValue{Value: v, Primary: true})
		} else {
			keep = append(keep, MultiValue{Value: v, Type: "mobile"})
		}
	}
	u.PhoneNumbers = keep
}

// PrimaryEmail is the address Slack treats as primary: primary:true, else
// type work, else the first.
func (u *User) PrimaryEmail() string {
	for _, e := range u.Emails {
		if e.Primary {
			return e.Value
		}
	}
	for _, e := range u.Emails {
		if e.Type == "work" {
			return e.Value
		}
	}
	if len(u.Emails) > 0 {
		return u.Emails[0].Value
	}
	return ""
}

// address reads and writes one field of Slack's single address. PATCH
// replaces the whole address, so its value holds every field.
func address(field func(*Address) *string) userAttr {
	return userAttr{
		get: func(u *User) string {
			if len(u.Addresses) == 0 {
				return ""
			}
			return *field(&u.Addresses[0])
		},
		set: func(u *User, v string) {
			if len(u.Addresses) == 0 {
				u.Addresses = []Address{{Type: "work", Primary: true}}
			}
			*field(&u.Addresses[0]) = v
		},
		patchPath: "addresses",
		value: func(u *User) any {
			a := Address{Type: "work", Primary: true}
			if len(u.Addresses) > 0 {
				a = u.Addresses[0]
				a.Type, a.Primary = "work", true
			}
			return []Address{a}
		},
		updatable: true,
	}
}

var userAttrs = map[string]userAttr{
	AttrStreetAddress: address(func(a *Address) *string { return &a.StreetAddress }),
	AttrLocality:      address(func(a *Address) *string { return &a.Locality }),
	AttrRegion:        address(func(a *Address) *string { return &a.Region }),
	AttrPostalCode:    address(func(a *Address) *string { return &a.PostalCode }),
	AttrCountry:       address(func(a *Address) *string { return &a.Country }),
	AttrRole: {
		get: func(u *User) string {
			if len(u.Roles) == 0 {
				return ""
			}
			return u.Roles[0].Value
		},
		set: func(u *User, v string) {
			u.Roles = nil
			if v != "" {
				u.Roles = Roles{{Value: v, Primary: true}}
			}
		},
		patchPath: "roles",
		value:     func(u *User) any { return []MultiValue{{Value: u.Roles[0].Value, Primary: true}} },
		updatable: true,
	},
	AttrUserName:          top(func(u *User) *string { return &u.UserName }, "userName"),
	AttrNickName:          top(func(u *User) *string { return &u.NickName }, "nickName"),
	AttrDisplayName:       top(func(u *User) *string { return &u.DisplayName }, "displayName"),
	AttrTitle:             top(func(u *User) *string { return &u.Title }, "title"),
	AttrTimezone:          top(func(u *User) *string { return &u.Timezone }, "timezone"),
	AttrLocale:            top(func(u *User) *string { return &u.Locale }, "locale"),
	AttrPreferredLanguage: top(func(u *User) *string { return &u.PreferredLanguage }, "preferredLanguage"),
	AttrUserType:          top(func(u *User) *string { return &u.UserType }, "userType"),
	AttrGivenName:         nameField(func(n *Name) *string { return &n.GivenName }, "name.givenName"),
	AttrFamilyName:        nameField(func(n *Name) *string { return &n.FamilyName }, "name.familyName"),
	AttrHonorificPrefix:   nameField(func(n *Name) *string { return &n.HonorificPrefix }, "name.honorificPrefix"),
	AttrDepartment:        entField(func(e *Enterprise) *string { return &e.Department }, AttrDepartment),
	AttrEmployeeNumber:    entField(func(e *Enterprise) *string { return &e.EmployeeNumber }, AttrEmployeeNumber),
	AttrCostCenter:        entField(func(e *Enterprise) *string { return &e.CostCenter }, AttrCostCenter),
	AttrOrganization:      entField(func(e *Enterprise) *string { return &e.Organization }, AttrOrganization),
	AttrDivision:          entField(func(e *Enterprise) *string { return &e.Division }, AttrDivision),
	AttrExternalID: {
		get: func(u *User) string { return u.ExternalID },
		set: func(u *User, v string) { u.ExternalID = v },
	},
	AttrActive: {
		get: func(u *User) string { return strconv.FormatBool(u.IsActive()) },
		set: func(u *User, v string) {
			b := strings.EqualFold(v, "true")
			u.Active = &b
		},
		patchPath: "active",
		value:     func(u *User) any { return u.IsActive() },
		updatable: true,
	},
	AttrWorkEmail: {
		get: func(u *User) string { return u.PrimaryEmail() },
		set: func(u *User, v string) {
			u.Emails = []MultiValue{{Value: v, Type: "work", Primary: true}}
		},
		patchPath: "emails",
		value:     func(u *User) any { return []MultiValue{{Value: u.PrimaryEmail(), Type: "work", Primary: true}} },
		updatable: true,
	},
	AttrMobilePhone: {
		get:       primaryPhone,
		set:       func(u *User, v string) { setPhone(u, true, v) },
		patchPath: "phoneNumbers",
		value:     phoneList,
		updatable: true,
	},
	AttrWorkPhone: {
		get:       secondaryPhone,
		set:       func(u *User, v string) { setPhone(u, false, v) },
		patchPath: "phoneNumbers",
		value:     phoneList,
		updatable: true,
	},
	AttrManager: {
		get: func(u *User) string {
			if u.Enterprise == nil || u.Enterprise.Manager == nil {
				return ""
			}
			return u.Enterprise.Manager.ManagerID
		},
		set: func(u *User, v string) {
			if v == "" {
				ent(u).Manager = nil
				return
			}
			ent(u).Manager = &Manager{ManagerID: v}
		},
		patchPath: AttrManager,
		value: func(u *User) any {
			return Manager{ManagerID: u.Enterprise.Manager.ManagerID}
		},
		reference: true,
		updatable: true,
	},
}

// UserAttributes lists every user attribute path slackprov can map, sorted.
func UserAttributes() []string {
	out := make([]string, 0, len(userAttrs))
	for p := range userAttrs {
		out = append(out, p)
	}
	sort.Strings(out)
	return out
}

// KnownUserAttribute reports whether path is a user attribute slackprov can write.
func KnownUserAttribute(path string) bool {
	_, ok := userAttrs[path]
	return ok
}

// IsReference reports whether the attribute's value names another user.
func IsReference(path string) bool { return userAttrs[path].reference }

// IsUpdatable reports whether Slack accepts updates of the attribute after create.
func IsUpdatable(path string) bool { return userAttrs[path].updatable }

// Get reads the attribute at path; unknown paths read as empty.
func (u *User) Get(path string) string {
	a, ok := userAttrs[path]
	if !ok {
		return ""
	}
	return a.get(u)
}

// Set writes the attribute at path; unknown paths are ignored (the mapping
// layer validates paths before anything is evaluated).
func (u *User) Set(path, value string) {
	if a, ok := userAttrs[path]; ok {
		a.set(u, value)
	}
}

// NewUser builds a create body from attribute values.
func NewUser(attrs map[string]string) *User {
	u := &User{Schemas: []string{SchemaUser}}
	for _, p := range sortedKeys(attrs) {
		u.Set(p, attrs[p])
	}
	if u.Enterprise != nil {
		u.Schemas = append(u.Schemas, SchemaEnterprise)
	}
	return u
}

// PatchFor builds the minimal v2 PATCH operations that move a user to the
// desired attribute values for the changed paths. desired holds every mapped
// value, because attributes that share a PATCH path (the two phone numbers)
// must be sent together or the replace would drop the other one.
func PatchFor(desired map[string]string, changed []string) []PatchOp {
	u := &User{}
	for _, p := range sortedKeys(desired) {
		u.Set(p, desired[p])
	}
	sort.Strings(changed)
	seen := map[string]bool{}
	var ops []PatchOp
	for _, p := range changed {
		a, ok := userAttrs[p]
		if !ok || !a.updatable || seen[a.patchPath] {
			continue
		}
		seen[a.patchPath] = true
		if desired[p] == "" && a.get(u) == "" && p != AttrActive && !keepsSharedValue(u, a) {
			ops = append(ops, PatchOp{Op: "remove", Path: a.patchPath})
			continue
		}
		ops = append(ops, PatchOp{Op: "replace", Path: a.patchPath, Value: a.value(u)})
	}
	return ops
}

// keepsSharedValue reports whether another attribute on the same PATCH path
// still has a value: removing phoneNumbers drops both numbers (and removing
// addresses the whole address), so clearing one must replace the list with
// the rest instead.
func keepsSharedValue(u *User, a userAttr) bool {
	for _, other := range userAttrs {
		if other.patchPath == a.patchPath && other.get(u) != "" {
			return true
		}
	}
	return false
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
