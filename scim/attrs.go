package scim

import (
	"slices"
	"sort"
	"strconv"

	"github.com/slackprov/slackprov/schema"
)

// userAttr is how one vocabulary path reads from a User (to compare with
// the desired value), writes into one (a create body), and becomes a PATCH.
type userAttr struct {
	get func(*User) string
	set func(*User, string)
	// patchPath is the path a v2 PATCH uses; attributes that share one
	// (the two phone numbers, the address fields) are sent together.
	patchPath string
	// patch builds the PATCH value from the desired values of every
	// attribute on patchPath; empty reports that none of them has one, so
	// the path is removed instead.
	patch func(desired map[string]string) (value any, empty bool)
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

// str describes a plain string attribute at path, which is also its PATCH
// path. read must not allocate or change the user (planning reads every
// attribute of every user); write may create the sub-object the field
// lives in.
func str(read func(*User) string, write func(*User) *string, path string) userAttr {
	return userAttr{
		get:       read,
		set:       func(u *User, v string) { *write(u) = v },
		patchPath: path,
		patch: func(desired map[string]string) (any, bool) {
			v := desired[path]
			return v, v == ""
		},
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

// phoneList is the PATCH value of both numbers: replacing phoneNumbers
// with one would drop the other.
func phoneList(desired map[string]string) (any, bool) {
	var out []MultiValue
	if v := desired[schema.MobilePhone]; v != "" {
		out = append(out, MultiValue{Value: v, Type: "mobile", Primary: true})
	}
	if v := desired[schema.WorkPhone]; v != "" {
		out = append(out, MultiValue{Value: v, Type: "work"})
	}
	return out, len(out) == 0
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

// addressParts are the fields of Slack's one address, by vocabulary path.
var addressParts = []struct {
	path  string
	field func(*Address) *string
}{
	{schema.StreetAddress, func(a *Address) *string { return &a.StreetAddress }},
	{schema.Locality, func(a *Address) *string { return &a.Locality }},
	{schema.Region, func(a *Address) *string { return &a.Region }},
	{schema.PostalCode, func(a *Address) *string { return &a.PostalCode }},
	{schema.Country, func(a *Address) *string { return &a.Country }},
}

// addressValue is the PATCH value of the address: PATCH replaces it whole,
// so it holds every field.
func addressValue(desired map[string]string) (any, bool) {
	a := Address{Type: "work", Primary: true}
	empty := true
	for _, f := range addressParts {
		v := desired[f.path]
		*f.field(&a) = v
		empty = empty && v == ""
	}
	return []Address{a}, empty
}

// address reads and writes one field of Slack's single address.
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
		patch:     addressValue,
	}
}

// multi describes an attribute Slack keeps as a one-element list.
func multi(get func(*User) string, set func(*User, string), patchPath string, item func(string) MultiValue, path string) userAttr {
	return userAttr{get: get, set: set, patchPath: patchPath, patch: func(desired map[string]string) (any, bool) {
		v := desired[path]
		return []MultiValue{item(v)}, v == ""
	}}
}

var userAttrs = func() map[string]userAttr {
	m := map[string]userAttr{
		schema.Role: multi(func(u *User) string {
			if len(u.Roles) == 0 {
				return ""
			}
			return u.Roles[0].Value
		}, func(u *User, v string) {
			u.Roles = nil
			if v != "" {
				u.Roles = Roles{{Value: v, Primary: true}}
			}
		}, "roles", func(v string) MultiValue { return MultiValue{Value: v, Primary: true} }, schema.Role),
		schema.WorkEmail: multi((*User).PrimaryEmail, func(u *User, v string) {
			u.Emails = []MultiValue{{Value: v, Type: "work", Primary: true}}
		}, "emails", func(v string) MultiValue { return MultiValue{Value: v, Type: "work", Primary: true} }, schema.WorkEmail),
		schema.UserName:          top(func(u *User) *string { return &u.UserName }, schema.UserName),
		schema.NickName:          top(func(u *User) *string { return &u.NickName }, schema.NickName),
		schema.DisplayName:       top(func(u *User) *string { return &u.DisplayName }, schema.DisplayName),
		schema.Title:             top(func(u *User) *string { return &u.Title }, schema.Title),
		schema.Timezone:          top(func(u *User) *string { return &u.Timezone }, schema.Timezone),
		schema.Locale:            top(func(u *User) *string { return &u.Locale }, schema.Locale),
		schema.PreferredLanguage: top(func(u *User) *string { return &u.PreferredLanguage }, schema.PreferredLanguage),
		schema.UserType:          top(func(u *User) *string { return &u.UserType }, schema.UserType),
		schema.ExternalID:        top(func(u *User) *string { return &u.ExternalID }, schema.ExternalID),
		schema.GivenName:         nameField(func(n *Name) *string { return &n.GivenName }, schema.GivenName),
		schema.FamilyName:        nameField(func(n *Name) *string { return &n.FamilyName }, schema.FamilyName),
		schema.HonorificPrefix:   nameField(func(n *Name) *string { return &n.HonorificPrefix }, schema.HonorificPrefix),
		schema.Department:        entField(func(e *Enterprise) *string { return &e.Department }, schema.Department),
		schema.EmployeeNumber:    entField(func(e *Enterprise) *string { return &e.EmployeeNumber }, schema.EmployeeNumber),
		schema.CostCenter:        entField(func(e *Enterprise) *string { return &e.CostCenter }, schema.CostCenter),
		schema.Organization:      entField(func(e *Enterprise) *string { return &e.Organization }, schema.Organization),
		schema.Division:          entField(func(e *Enterprise) *string { return &e.Division }, schema.Division),
		schema.Active: {
			get: func(u *User) string { return strconv.FormatBool(u.IsActive()) },
			set: func(u *User, v string) {
				b, _ := schema.ParseBool(v)
				u.Active = &b
			},
			patchPath: schema.Active,
			// A boolean is never removed: only true or false is sent.
			patch: func(desired map[string]string) (any, bool) {
				b, _ := schema.ParseBool(desired[schema.Active])
				return b, false
			},
		},
		schema.MobilePhone: {get: primaryPhone, set: func(u *User, v string) { setPhone(u, true, v) }, patchPath: "phoneNumbers", patch: phoneList},
		schema.WorkPhone:   {get: secondaryPhone, set: func(u *User, v string) { setPhone(u, false, v) }, patchPath: "phoneNumbers", patch: phoneList},
		schema.Manager: {
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
			patchPath: schema.Manager,
			patch: func(desired map[string]string) (any, bool) {
				v := desired[schema.Manager]
				return Manager{ManagerID: v}, v == ""
			},
		},
	}
	for _, f := range addressParts {
		m[f.path] = address(f.field)
	}
	return m
}()

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
func IsReference(path string) bool {
	a, ok := schema.UserAttribute(path)
	return ok && a.Kind == schema.Reference
}

// IsUpdatable reports whether Slack accepts updates of the attribute after create.
func IsUpdatable(path string) bool {
	a, ok := schema.UserAttribute(path)
	return ok && !a.Fixed
}

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
// desired attribute values for the changed paths, straight from the values.
// desired holds every mapped value, because attributes that share a PATCH
// path (the two phone numbers, the address fields) are sent together: a
// replace with one alone would drop the others.
func PatchFor(desired map[string]string, changed []string) []PatchOp {
	changed = slices.Sorted(slices.Values(changed))
	seen := map[string]bool{}
	var ops []PatchOp
	for _, p := range changed {
		a, ok := userAttrs[p]
		if !ok || !IsUpdatable(p) || seen[a.patchPath] {
			continue
		}
		seen[a.patchPath] = true
		if v, empty := a.patch(desired); !empty {
			ops = append(ops, PatchOp{Op: "replace", Path: a.patchPath, Value: v})
			continue
		}
		ops = append(ops, PatchOp{Op: "remove", Path: a.patchPath})
	}
	return ops
}

func sortedKeys(m map[string]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
