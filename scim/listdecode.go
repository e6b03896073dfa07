package scim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"slices"
	"strconv"
	"unicode/utf8"
)

// List pages are decoded by hand, in one pass over the bytes and without
// reflection: listing a 100k-user org is 100 pages of about a megabyte, and
// encoding/json spent most of that CPU validating each page and then walking
// it through reflection (docs/performance.md has the candidates measured).
// The result is what json.Unmarshal into a ListPage gives, errors included
// (listdecode_test.go compares the two on the emulator's pages and fuzzes
// them): keys match case-insensitively, null leaves the zero value, unknown
// members are skipped but must be valid JSON, and strings with escapes or
// invalid UTF-8 go through encoding/json itself.

// maxNesting is encoding/json's limit on nested arrays and objects.
const maxNesting = 10000

type pageReader struct {
	data []byte
	pos  int
	// recent keeps one copy of short values that repeat from user to user
	// (the schema URNs, an email's type, a department or title): a
	// million-user listing otherwise held a million copies of each.
	recent [256]string
}

// internMax is the longest value kept in recent; longer ones are ids and
// addresses, unique to their user.
const internMax = 64

var internSeed = maphash.MakeSeed()

// intern returns b as a string, the copy in recent when there is one.
func (r *pageReader) intern(b []byte) string {
	if len(b) > internMax {
		return string(b)
	}
	slot := &r.recent[maphash.Bytes(internSeed, b)%uint64(len(r.recent))]
	if *slot != string(b) {
		*slot = string(b)
	}
	return *slot
}

func (r *pageReader) errorf(format string, args ...any) error {
	return fmt.Errorf("decoding list page: offset %d: %s", r.pos, fmt.Sprintf(format, args...))
}

// peek skips whitespace and returns the next byte, 0 at the end.
func (r *pageReader) peek() byte {
	for r.pos < len(r.data) {
		switch c := r.data[r.pos]; c {
		case ' ', '\t', '\n', '\r':
			r.pos++
		default:
			return c
		}
	}
	return 0
}

func (r *pageReader) literal(lit string) error {
	if !bytes.HasPrefix(r.data[r.pos:], []byte(lit)) {
		return r.errorf("invalid literal, expected %s", lit)
	}
	r.pos += len(lit)
	return nil
}

// null consumes a null, if that is what comes next.
func (r *pageReader) null() (bool, error) {
	if r.peek() != 'n' {
		return false, nil
	}
	return true, r.literal("null")
}

// member moves to the next member of an object and returns its key; done
// reports the closing brace. first is true for the call right after '{'.
func (r *pageReader) member(first bool) (key []byte, done bool, err error) {
	c := r.peek()
	switch {
	case c == '}' && first:
		r.pos++
		return nil, true, nil
	case !first && c == '}':
		r.pos++
		return nil, true, nil
	case !first && c == ',':
		r.pos++
	case !first:
		return nil, false, r.errorf("expected , or } after an object member")
	}
	if r.peek() != '"' {
		return nil, false, r.errorf("expected a member name")
	}
	key, err = r.rawKey()
	if err != nil {
		return nil, false, err
	}
	if r.peek() != ':' {
		return nil, false, r.errorf("expected : after a member name")
	}
	r.pos++
	return key, false, nil
}

// element moves to the next element of an array; done reports the closing
// bracket.
func (r *pageReader) element(first bool) (done bool, err error) {
	c := r.peek()
	switch {
	case c == ']' && first:
		r.pos++
		return true, nil
	case first:
		return false, nil
	case c == ']':
		r.pos++
		return true, nil
	case c == ',':
		r.pos++
		return false, nil
	}
	return false, r.errorf("expected , or ] after an array element")
}

// open consumes c ('{' or '[') or fails with what was expected.
func (r *pageReader) open(c byte, what string) error {
	if r.peek() != c {
		return r.errorf("expected %s", what)
	}
	r.pos++
	return nil
}

// scanString finds the end of the string starting at r.pos (a quote) and
// reports whether it can be taken as is: no escapes, valid UTF-8.
func (r *pageReader) scanString() (end int, plain bool, err error) {
	plain = true
	ascii := true
	i := r.pos + 1
	for i < len(r.data) {
		c := r.data[i]
		switch {
		case c == '"':
			if !ascii && plain {
				plain = utf8.Valid(r.data[r.pos+1 : i])
			}
			return i + 1, plain, nil
		case c == '\\':
			plain = false
			i += 2
			continue
		case c < 0x20:
			return 0, false, r.errorf("invalid character in string")
		case c >= utf8.RuneSelf:
			ascii = false
		}
		i++
	}
	return 0, false, r.errorf("unterminated string")
}

// string reads a string value; null reads as "".
func (r *pageReader) string() (string, error) {
	switch r.peek() {
	case 'n':
		return "", r.literal("null")
	case '"':
	default:
		return "", r.errorf("expected a string")
	}
	end, plain, err := r.scanString()
	if err != nil {
		return "", err
	}
	raw := r.data[r.pos:end]
	r.pos = end
	if plain {
		return r.intern(raw[1 : len(raw)-1]), nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", r.errorf("%v", err)
	}
	return s, nil
}

// rawKey reads a member name, without copying it when it needs no decoding.
func (r *pageReader) rawKey() ([]byte, error) {
	end, plain, err := r.scanString()
	if err != nil {
		return nil, err
	}
	raw := r.data[r.pos:end]
	r.pos = end
	if plain {
		return raw[1 : len(raw)-1], nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, r.errorf("%v", err)
	}
	return []byte(s), nil
}

// boolean reads true or false; null leaves *dst alone.
func (r *pageReader) boolean(dst *bool) error {
	switch r.peek() {
	case 'n':
		return r.literal("null")
	case 't':
		*dst = true
		return r.literal("true")
	case 'f':
		*dst = false
		return r.literal("false")
	}
	return r.errorf("expected true or false")
}

// number consumes a JSON number and returns its text.
func (r *pageReader) number() ([]byte, error) {
	start := r.pos
	d := r.data
	i := r.pos
	if i < len(d) && d[i] == '-' {
		i++
	}
	digits := func() int {
		n := 0
		for i < len(d) && d[i] >= '0' && d[i] <= '9' {
			i++
			n++
		}
		return n
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case digits() == 0:
		return nil, r.errorf("invalid number")
	}
	if i < len(d) && d[i] == '.' {
		i++
		if digits() == 0 {
			return nil, r.errorf("invalid number")
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if digits() == 0 {
			return nil, r.errorf("invalid number")
		}
	}
	r.pos = i
	return d[start:i], nil
}

// integer reads a whole number into *dst; null leaves it alone.
func (r *pageReader) integer(dst *int) error {
	if isNull, err := r.null(); isNull || err != nil {
		return err
	}
	if c := r.peek(); c != '-' && (c < '0' || c > '9') {
		return r.errorf("expected a number")
	}
	text, err := r.number()
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(string(text))
	if err != nil {
		return r.errorf("number %s is not an int", text)
	}
	*dst = n
	return nil
}

// skip consumes one value of any kind, checking that it is valid JSON.
func (r *pageReader) skip(depth int) error {
	if depth > maxNesting {
		return r.errorf("exceeded max depth")
	}
	switch c := r.peek(); {
	case c == '{':
		r.pos++
		for first := true; ; first = false {
			_, done, err := r.member(first)
			if err != nil || done {
				return err
			}
			if err := r.skip(depth + 1); err != nil {
				return err
			}
		}
	case c == '[':
		r.pos++
		for first := true; ; first = false {
			done, err := r.element(first)
			if err != nil || done {
				return err
			}
			if err := r.skip(depth + 1); err != nil {
				return err
			}
		}
	case c == '"':
		end, plain, err := r.scanString()
		if err != nil {
			return err
		}
		if !plain { // its escapes must be valid
			var s string
			if err := json.Unmarshal(r.data[r.pos:end], &s); err != nil {
				return r.errorf("%v", err)
			}
		}
		r.pos = end
		return nil
	case c == 't':
		return r.literal("true")
	case c == 'f':
		return r.literal("false")
	case c == 'n':
		return r.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		_, err := r.number()
		return err
	case r.pos >= len(r.data):
		return r.errorf("unexpected end of JSON input")
	}
	return r.errorf("invalid character %q looking for a value", r.data[r.pos])
}

// fieldName returns the name in names that key spells, matching exactly
// first and then case-insensitively as encoding/json does; "" when none.
func fieldName(key []byte, names []string) string {
	for _, n := range names {
		if string(key) == n {
			return n
		}
	}
	for _, n := range names {
		if bytes.EqualFold(key, []byte(n)) {
			return n
		}
	}
	return ""
}

// decodeListPage reads a ListResponse whose Resources are read by resource.
func decodeListPage[T any](body []byte, resource func(*pageReader, *T) error) (*ListPage[T], error) {
	r := &pageReader{data: body}
	p := &ListPage[T]{}
	isNull, err := r.null()
	if err != nil {
		return nil, err
	}
	if !isNull {
		if err := r.open('{', "a list response object"); err != nil {
			return nil, err
		}
		for first := true; ; first = false {
			key, done, err := r.member(first)
			if err != nil {
				return nil, err
			}
			if done {
				break
			}
			switch fieldName(key, listFields) {
			case "Resources":
				err = decodeResources(r, p, resource)
			case "totalResults":
				err = r.integer(&p.TotalResults)
			case "itemsPerPage":
				err = r.integer(&p.ItemsPerPage)
			case "startIndex":
				err = r.integer(&p.StartIndex)
			default:
				err = r.skip(1)
			}
			if err != nil {
				return nil, err
			}
		}
	}
	if r.peek(); r.pos < len(r.data) {
		return nil, r.errorf("invalid character after top-level value")
	}
	return p, nil
}

var listFields = []string{"Resources", "totalResults", "itemsPerPage", "startIndex"}

func decodeResources[T any](r *pageReader, p *ListPage[T], resource func(*pageReader, *T) error) error {
	if isNull, err := r.null(); isNull || err != nil {
		p.Resources = nil
		return err
	}
	if err := r.open('[', "an array of resources"); err != nil {
		return err
	}
	p.Resources = make([]*T, 0, 16)
	for first := true; ; first = false {
		done, err := r.element(first)
		if err != nil || done {
			return err
		}
		isNull, err := r.null()
		if err != nil {
			return err
		}
		if isNull {
			p.Resources = append(p.Resources, nil)
			continue
		}
		v := new(T)
		if err := resource(r, v); err != nil {
			return err
		}
		p.Resources = append(p.Resources, v)
	}
}

// field moves to the next member of an object and returns its name as
// spelled in names, "" for a member the caller must skip, or done at the
// closing brace. first is true right after the opening brace.
func (r *pageReader) field(first bool, names []string) (name string, done bool, err error) {
	key, done, err := r.member(first)
	if err != nil || done {
		return "", done, err
	}
	return fieldName(key, names), false, nil
}

// openObject consumes '{', or a null, which it reports.
func (r *pageReader) openObject() (isNull bool, err error) {
	if isNull, err := r.null(); isNull || err != nil {
		return isNull, err
	}
	return false, r.open('{', "an object")
}

// openArray consumes '[', or a null, which it reports.
func (r *pageReader) openArray() (isNull bool, err error) {
	if isNull, err := r.null(); isNull || err != nil {
		return isNull, err
	}
	return false, r.open('[', "an array")
}

// stringInto reads a string; null leaves *dst alone, as encoding/json does.
func (r *pageReader) stringInto(dst *string) error {
	if r.peek() == 'n' {
		return r.literal("null")
	}
	s, err := r.string()
	if err == nil {
		*dst = s
	}
	return err
}

// The readers below take their per-member work as plain functions, not
// closures, so reading a million users allocates nothing but the values.

// members reads the members of an object whose '{' is consumed: set reads
// the value of each member named in names; the others are skipped.
func members[T any](r *pageReader, v *T, names []string, set func(*pageReader, *T, string) error) error {
	for first := true; ; first = false {
		name, done, err := r.field(first, names)
		if err != nil || done {
			return err
		}
		if name == "" {
			err = r.skip(1)
		} else {
			err = set(r, v, name)
		}
		if err != nil {
			return err
		}
	}
}

// objectInto reads an object into *dst, allocating it if nil, and into the
// existing value otherwise, as encoding/json does when a member repeats;
// null sets nil.
func objectInto[T any](r *pageReader, dst **T, names []string, set func(*pageReader, *T, string) error) error {
	isNull, err := r.openObject()
	if isNull || err != nil {
		*dst = nil
		return err
	}
	if *dst == nil {
		*dst = new(T)
	}
	return members(r, *dst, names, set)
}

// element reads an array element that is an object; null leaves the zero
// value.
func element[T any](r *pageReader, v *T, names []string, set func(*pageReader, *T, string) error) error {
	isNull, err := r.openObject()
	if isNull || err != nil {
		return err
	}
	return members(r, v, names, set)
}

// arrayInto reads an array, each element with elem; null sets nil and an
// empty array an empty, non-nil slice, as encoding/json does.
func arrayInto[T any](r *pageReader, dst *[]T, elem func(*pageReader, *T) error) error {
	isNull, err := r.openArray()
	if isNull || err != nil {
		*dst = nil
		return err
	}
	out := []T{}
	for first := true; ; first = false {
		done, err := r.element(first)
		if err != nil {
			return err
		}
		if done {
			*dst = out
			return nil
		}
		// Decoded in place: a local passed to elem would escape.
		var zero T
		out = append(out, zero)
		if err := elem(r, &out[len(out)-1]); err != nil {
			return err
		}
	}
}

var (
	userFields = []string{"id", "userName", "active", "emails", "name", "displayName", "title", "externalId",
		SchemaEnterprise, "phoneNumbers", "nickName", "profileUrl", "timezone", "locale", "preferredLanguage",
		"userType", "groups", "meta", "schemas", "addresses", "roles"}
	// userFieldsV1 is userFields with SCIM 1.1's enterprise URN.
	userFieldsV1     = v1UserFields()
	nameFields       = []string{"givenName", "familyName", "honorificPrefix"}
	multiValueFields = []string{"value", "type", "primary"}
	addressFields    = []string{"type", "primary", "streetAddress", "locality", "region", "postalCode", "country"}
	enterpriseFields = []string{"employeeNumber", "costCenter", "organization", "division", "department", "manager"}
	managerFields    = []string{"managerId", "value"}
	refFields        = []string{"value", "display"}
	metaFields       = []string{"created", "location"}
	groupFields      = []string{"id", "displayName", "members", "externalId", "meta", "schemas"}
)

func v1UserFields() []string {
	out := slices.Clone(userFields)
	out[slices.Index(out, SchemaEnterprise)] = SchemaEnterpriseV1
	return out
}

func decodeUser(r *pageReader, u *User) error { return decodeUserWith(r, u, userFields) }

func decodeUserV1(r *pageReader, u *User) error { return decodeUserWith(r, u, userFieldsV1) }

func decodeUserWith(r *pageReader, u *User, fields []string) error {
	if err := r.open('{', "a user object"); err != nil {
		return err
	}
	return members(r, u, fields, setUser)
}

func decodeGroup(r *pageReader, g *Group) error {
	if err := r.open('{', "a group object"); err != nil {
		return err
	}
	return members(r, g, groupFields, setGroup)
}

func setUser(r *pageReader, u *User, name string) error {
	switch name {
	case "active":
		return r.optionalBool(&u.Active)
	case "emails":
		return arrayInto(r, &u.Emails, readMultiValue)
	case "phoneNumbers":
		return arrayInto(r, &u.PhoneNumbers, readMultiValue)
	case "addresses":
		return arrayInto(r, &u.Addresses, readAddress)
	case "roles":
		return readRoles(r, &u.Roles)
	case "name":
		return objectInto(r, &u.Name, nameFields, setName)
	case SchemaEnterprise, SchemaEnterpriseV1:
		return objectInto(r, &u.Enterprise, enterpriseFields, setEnterprise)
	case "groups":
		return arrayInto(r, &u.Groups, readRef)
	case "meta":
		return objectInto(r, &u.Meta, metaFields, setMeta)
	case "schemas":
		return arrayInto(r, &u.Schemas, readString)
	}
	return r.stringInto(userString(u, name))
}

// userString is the string field of u that name holds.
func userString(u *User, name string) *string {
	switch name {
	case "id":
		return &u.ID
	case "userName":
		return &u.UserName
	case "displayName":
		return &u.DisplayName
	case "title":
		return &u.Title
	case "externalId":
		return &u.ExternalID
	case "nickName":
		return &u.NickName
	case "profileUrl":
		return &u.ProfileURL
	case "timezone":
		return &u.Timezone
	case "locale":
		return &u.Locale
	case "preferredLanguage":
		return &u.PreferredLanguage
	}
	return &u.UserType
}

// optionalBool reads a bool into *dst, allocating it if nil; null sets nil.
func (r *pageReader) optionalBool(dst **bool) error {
	if isNull, err := r.null(); isNull || err != nil {
		*dst = nil
		return err
	}
	if *dst == nil {
		*dst = new(bool)
	}
	return r.boolean(*dst)
}

func readString(r *pageReader, s *string) error {
	v, err := r.string()
	*s = v
	return err
}

func setName(r *pageReader, n *Name, name string) error {
	switch name {
	case "givenName":
		return r.stringInto(&n.GivenName)
	case "familyName":
		return r.stringInto(&n.FamilyName)
	}
	return r.stringInto(&n.HonorificPrefix)
}

func setEnterprise(r *pageReader, e *Enterprise, name string) error {
	switch name {
	case "employeeNumber":
		return r.stringInto(&e.EmployeeNumber)
	case "costCenter":
		return r.stringInto(&e.CostCenter)
	case "organization":
		return r.stringInto(&e.Organization)
	case "division":
		return r.stringInto(&e.Division)
	case "department":
		return r.stringInto(&e.Department)
	}
	return objectInto(r, &e.Manager, managerFields, setManager)
}

// setManager reads Slack's managerId, or RFC 7643's value.
func setManager(r *pageReader, m *Manager, name string) error {
	if name == "value" {
		return r.stringInto(&m.Value)
	}
	return r.stringInto(&m.ManagerID)
}

func setMeta(r *pageReader, m *Meta, name string) error {
	if name == "created" {
		return r.stringInto(&m.Created)
	}
	return r.stringInto(&m.Location)
}

func readMultiValue(r *pageReader, m *MultiValue) error {
	return element(r, m, multiValueFields, setMultiValue)
}

func setMultiValue(r *pageReader, m *MultiValue, name string) error {
	switch name {
	case "value":
		return r.stringInto(&m.Value)
	case "type":
		return r.stringInto(&m.Type)
	}
	return r.boolean(&m.Primary)
}

func readAddress(r *pageReader, a *Address) error {
	return element(r, a, addressFields, setAddress)
}

func setAddress(r *pageReader, a *Address, name string) error {
	switch name {
	case "primary":
		return r.boolean(&a.Primary)
	case "type":
		return r.stringInto(&a.Type)
	case "streetAddress":
		return r.stringInto(&a.StreetAddress)
	case "locality":
		return r.stringInto(&a.Locality)
	case "region":
		return r.stringInto(&a.Region)
	case "postalCode":
		return r.stringInto(&a.PostalCode)
	}
	return r.stringInto(&a.Country)
}

// readRoles reads roles as Roles.UnmarshalJSON does: objects or bare
// strings, and an empty list as nil.
func readRoles(r *pageReader, dst *Roles) error {
	if err := arrayInto(r, (*[]MultiValue)(dst), readRole); err != nil {
		return err
	}
	if len(*dst) == 0 {
		*dst = nil
	}
	return nil
}

func readRole(r *pageReader, m *MultiValue) error {
	if r.peek() == '"' {
		return r.stringInto(&m.Value)
	}
	return readMultiValue(r, m)
}

func readRef(r *pageReader, ref *Ref) error { return element(r, ref, refFields, setRef) }

func setRef(r *pageReader, ref *Ref, name string) error {
	if name == "value" {
		return r.stringInto(&ref.Value)
	}
	return r.stringInto(&ref.Display)
}

func setGroup(r *pageReader, g *Group, name string) error {
	switch name {
	case "id":
		return r.stringInto(&g.ID)
	case "displayName":
		return r.stringInto(&g.DisplayName)
	case "externalId":
		return r.stringInto(&g.ExternalID)
	case "members":
		return arrayInto(r, &g.Members, readRef)
	case "meta":
		return objectInto(r, &g.Meta, metaFields, setMeta)
	}
	return arrayInto(r, &g.Schemas, readString)
}
