package directory

import "strings"

// FieldKind is the type of a User field's value.
type FieldKind uint8

const (
	// FieldString is text.
	FieldString FieldKind = iota
	// FieldBool is true or false (accountEnabled).
	FieldBool
	// FieldReference is another user's id (manager): Graph returns it
	// through $expand or manager@delta, not $select.
	FieldReference
)

// Field is one attribute User has a field for, named as Microsoft Graph
// names it. This table is the one list of them: the file reader reads its
// columns and keys by it, the Entra reader selects it from Graph, and
// User.Attr serves it to the mappings.
type Field struct {
	Name string
	Kind FieldKind
	// Alias is the name Entra's provisioning schema uses for the same
	// attribute (objectId, mobile), which mappings may use too; "" if none.
	Alias string
	index int
}

// userFields is indexed by the Field* constants below.
var userFields = [...]Field{
	{Name: "id", Alias: "objectId"},
	{Name: "userPrincipalName"},
	{Name: "mail"},
	{Name: "givenName"},
	{Name: "surname"},
	{Name: "displayName"},
	{Name: "jobTitle"},
	{Name: "department"},
	{Name: "mobilePhone", Alias: "mobile"},
	{Name: "employeeId"},
	{Name: "accountEnabled", Kind: FieldBool},
	{Name: "manager", Kind: FieldReference},
}

// Indexes of the fields other code names directly.
const (
	FieldID             = 0
	FieldAccountEnabled = 10
	FieldManager        = 11
)

// NumFields is how many fields User has, for arrays indexed by field.
const NumFields = len(userFields)

// Fields returns the field table, in Graph's usual order.
func Fields() []Field {
	out := make([]Field, len(userFields))
	for i := range userFields {
		out[i] = FieldAt(i)
	}
	return out
}

// FieldAt returns the field with index i.
func FieldAt(i int) Field {
	f := userFields[i]
	f.index = i
	return f
}

// Text returns the string value of a text or reference field of u.
func (f Field) Text(u *User) string { return *u.text(f.index) }

// SetText stores v in a text or reference field of u.
func (f Field) SetText(u *User, v string) { *u.text(f.index) = v }

// foldIndex finds a field by its Graph name, or its alias, in any case.
var foldIndex = func() map[string]int {
	m := map[string]int{}
	for i, f := range userFields {
		m[strings.ToLower(f.Name)] = i
		if f.Alias != "" {
			m[strings.ToLower(f.Alias)] = i
		}
	}
	return m
}()

// FieldNamed returns the index of the field called name, in any case (a
// CSV header or JSON key written by people). With aliases false only
// Graph's names count, so a file's "mobile" column stays a column of its own.
func FieldNamed(name string, aliases bool) (int, bool) {
	i, ok := exactField(name)
	if !ok {
		i, ok = foldIndex[strings.ToLower(name)]
	}
	if ok && !aliases && userFields[i].Name != name && !strings.EqualFold(userFields[i].Name, name) {
		return 0, false
	}
	return i, ok
}

// SoftDeleted is the attribute Entra computes for an assigned user: true
// when the account is disabled. Mappings read it like a field.
const SoftDeleted = "IsSoftDeleted"

// UserAttributeNames lists the attribute names Attr knows besides Extra:
// every field by its Graph name, and IsSoftDeleted.
func UserAttributeNames() []string {
	out := make([]string, 0, len(userFields)+1)
	for _, f := range userFields {
		out = append(out, f.Name)
	}
	return append(out, SoftDeleted)
}
