package slackscim

import (
	"encoding/json"
	"slices"
	"strings"
)

// scimEditMode says which request is changing the user; some attributes
// behave differently on create, replace (PUT) and PATCH.
type scimEditMode int

const (
	scimCreate scimEditMode = iota
	scimReplace
	scimPatch
)

// scimUserEdit applies SCIM attribute operations to a draft user. Callers hold s.mu.
type scimUserEdit struct {
	s           *Org
	u           *scimUser
	mode        scimEditMode
	nameTouched bool
}

func scimFormat() *scimError { return scimBadRequest("invalid_attribute_format") }

// applyObject applies every attribute of a resource-shaped object. Keys are
// applied in sorted order so results never depend on map iteration. nickName
// mirrors userName, so when both are present userName alone counts.
func (e *scimUserEdit) applyObject(op string, obj map[string]any) *scimError {
	keys := make([]string, 0, len(obj))
	hasUserName := false
	for k := range obj {
		keys = append(keys, k)
		hasUserName = hasUserName || strings.EqualFold(k, "userName")
	}
	slices.Sort(keys)
	for _, k := range keys {
		if hasUserName && strings.EqualFold(k, "nickName") {
			continue
		}
		p, err := scimParsePath(k)
		if err != nil {
			return err
		}
		if err := e.apply(op, p, obj[k]); err != nil {
			return err
		}
	}
	return nil
}

func (e *scimUserEdit) apply(op string, p scimPath, v any) *scimError {
	switch p.ext {
	case scimEnterpriseURN:
		return e.applyEnterprise(op, p, v)
	case scimProfileURN:
		return e.applyProfile(op, p, v)
	case scimGuestURN:
		return e.applyGuest(op, p, v)
	}
	u := e.u
	if p.filter != nil || p.sub != "" {
		switch p.attr {
		case "name", "emails", "phonenumbers", "photos", "addresses", "address", "roles":
		default:
			return scimBadRequest("invalid_request_payload")
		}
	}
	switch p.attr {
	case "schemas", "id", "meta", "groups", "profileurl":
		// Read-only or server-managed: Slack ignores them in requests.
		return nil
	case "externalid":
		return e.applyExternalID(op, v)
	case "password":
		if e.mode == scimCreate {
			return nil // write-only initial password; never stored or returned here
		}
		return scimBadRequest("password_change_not_allowed")
	case "active":
		return e.applyActive(op, v)
	case "username", "nickname":
		return e.applyUserName(op, p.attr, v)
	case "displayname":
		return scimSetString(&u.DisplayName, op, v)
	case "title":
		return scimSetString(&u.Title, op, v)
	case "timezone":
		return scimSetString(&u.Timezone, op, v)
	case "usertype":
		return scimSetString(&u.UserType, op, v)
	case "preferredlanguage":
		return scimSetString(&u.PreferredLanguage, op, v)
	case "locale":
		return scimSetString(&u.Locale, op, v)
	case "name":
		return e.applyName(op, p, v)
	case "emails":
		return e.applyEmails(op, p, v)
	case "phonenumbers":
		return e.applyPhones(op, p, v)
	case "photos":
		return scimApplySingle(&u.Photo, "photos_invalid", op, p, v)
	case "addresses", "address":
		// "address" appears in Slack's own PATCH example; accepted as a synonym.
		return e.applyAddress(op, p, v)
	case "roles":
		return scimApplySingle(&u.Role, "roles_invalid", op, p, v)
	}
	return scimBadRequest("invalid_request_payload")
}

// applyExternalID: Slack stores externalId on create only; PUT and PATCH
// cannot change it.
func (e *scimUserEdit) applyExternalID(op string, v any) *scimError {
	if e.mode == scimCreate && op != "remove" {
		s, ok := scimStringValue(v)
		if !ok {
			return scimFormat()
		}
		e.u.ExternalID = scimDeref(s)
	}
	return nil
}

func (e *scimUserEdit) applyActive(op string, v any) *scimError {
	if op == "remove" {
		return scimBadRequest("invalid_request_payload")
	}
	b, ok := scimBoolValue(v)
	if !ok {
		return scimFormat()
	}
	e.u.Active = b
	return nil
}

// applyUserName sets userName from userName or nickName, which mirror each
// other; each has its own error for a value too long.
func (e *scimUserEdit) applyUserName(op, attr string, v any) *scimError {
	if op == "remove" {
		return scimBadRequest("username_required")
	}
	raw, ok := v.(string)
	if !ok {
		return scimFormat()
	}
	tooLong := "long_username"
	if attr == "nickname" {
		tooLong = "long_nickname"
	}
	name, err := scimNormalizeUserName(raw, tooLong)
	if err != nil {
		return err
	}
	e.u.UserName = name
	return nil
}

// scimStringValue reads a nullable string; numbers are accepted as their text
// (phone numbers and employee numbers often arrive unquoted). "" means unset.
func scimStringValue(v any) (*string, bool) {
	var s string
	switch x := v.(type) {
	case nil:
		return nil, true
	case string:
		s = x
	case json.Number:
		s = x.String()
	default:
		return nil, false
	}
	if s == "" {
		return nil, true
	}
	return &s, true
}

// scimBoolValue accepts JSON booleans and the "True"/"False" strings Entra sends.
func scimBoolValue(v any) (bool, bool) {
	switch x := v.(type) {
	case bool:
		return x, true
	case string:
		switch strings.ToLower(x) {
		case "true":
			return true, true
		case "false":
			return false, true
		}
	}
	return false, false
}

func scimSetString(dst **string, op string, v any) *scimError {
	if op == "remove" {
		*dst = nil
		return nil
	}
	s, ok := scimStringValue(v)
	if !ok {
		return scimFormat()
	}
	*dst = s
	return nil
}

func (e *scimUserEdit) applyName(op string, p scimPath, v any) *scimError {
	e.nameTouched = true
	u := e.u
	fields := map[string]**string{
		"givenname": &u.GivenName, "familyname": &u.FamilyName, "honorificprefix": &u.HonorificPrefix,
	}
	if p.sub != "" {
		dst, ok := fields[p.sub]
		if !ok {
			return scimBadRequest("invalid_request_payload")
		}
		return scimSetString(dst, op, v)
	}
	if op == "remove" {
		u.GivenName, u.FamilyName, u.HonorificPrefix = nil, nil, nil
		return nil
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return scimFormat()
	}
	for k, val := range obj {
		dst, ok := fields[strings.ToLower(k)]
		if !ok {
			return scimBadRequest("invalid_request_payload")
		}
		if err := scimSetString(dst, op, val); err != nil {
			return err
		}
	}
	return nil
}

// scimMultiIn is one entry of a multi-valued attribute in a request.
type scimMultiIn struct {
	value   any
	typ     string
	primary bool
	fields  map[string]any
}

// scimParseMulti reads a multi-valued attribute given as an array, a single
// object or a bare string (Slack accepts roles as bare strings).
func scimParseMulti(v any, invalid string) ([]scimMultiIn, *scimError) {
	one := func(x any) (scimMultiIn, bool) {
		switch m := x.(type) {
		case string:
			return scimMultiIn{value: m}, true
		case map[string]any:
			in := scimMultiIn{value: scimGetCI(m, "value"), fields: m}
			in.typ, _ = scimGetCI(m, "type").(string)
			in.typ = strings.ToLower(in.typ)
			in.primary, _ = scimBoolValue(scimGetCI(m, "primary"))
			return in, true
		}
		return scimMultiIn{}, false
	}
	switch x := v.(type) {
	case nil:
		return nil, nil
	case []any:
		out := make([]scimMultiIn, 0, len(x))
		for _, item := range x {
			in, ok := one(item)
			if !ok {
				return nil, scimBadRequest(invalid)
			}
			out = append(out, in)
		}
		return out, nil
	default:
		in, ok := one(x)
		if !ok {
			return nil, scimBadRequest(invalid)
		}
		return []scimMultiIn{in}, nil
	}
}

// scimPrimaryIndex picks the entry Slack keeps as primary: primary:true, else
// type "work" when preferWork, else the first.
func scimPrimaryIndex(in []scimMultiIn, preferWork bool) int {
	for i, x := range in {
		if x.primary {
			return i
		}
	}
	if preferWork {
		for i, x := range in {
			if x.typ == "work" {
				return i
			}
		}
	}
	return 0
}

// scimEntryString is the string value of a multi-valued entry; with a
// sub-attribute path (".value") the PATCH value itself is the string.
func scimEntryString(p scimPath, v any) (*string, bool) {
	if p.sub == "value" {
		return scimStringValue(v)
	}
	if m, ok := v.(map[string]any); ok {
		return scimStringValue(scimGetCI(m, "value"))
	}
	return scimStringValue(v)
}

// scimApplySingle sets a multi-valued attribute Slack keeps as one string
// (photos, roles): the primary entry's value, nil when removed or emptied.
// code is the error Slack answers for a malformed value.
func scimApplySingle(dst **string, code, op string, p scimPath, v any) *scimError {
	if op == "remove" {
		*dst = nil
		return nil
	}
	if p.filter != nil || p.sub != "" {
		s, ok := scimEntryString(p, v)
		if !ok {
			return scimBadRequest(code)
		}
		*dst = s
		return nil
	}
	in, err := scimParseMulti(v, code)
	if err != nil {
		return err
	}
	if len(in) == 0 {
		*dst = nil // an empty array clears it, as hackclub does for avatars
		return nil
	}
	s, ok := scimStringValue(in[scimPrimaryIndex(in, false)].value)
	if !ok {
		return scimBadRequest(code)
	}
	*dst = s
	return nil
}

var scimAddressFields = []string{"streetaddress", "locality", "region", "postalcode", "country"}

func scimAddressField(a *scimAddress, name string) **string {
	switch name {
	case "streetaddress":
		return &a.StreetAddress
	case "locality":
		return &a.Locality
	case "region":
		return &a.Region
	case "postalcode":
		return &a.PostalCode
	case "country":
		return &a.Country
	}
	return nil
}

// applyAddress keeps Slack's single address. type only picks the primary
// entry and is not stored.
func (e *scimUserEdit) applyAddress(op string, p scimPath, v any) *scimError {
	u := e.u
	next := &scimAddress{}
	if u.Address != nil {
		*next = *u.Address
	}
	if p.sub != "" {
		dst := scimAddressField(next, p.sub)
		if dst == nil {
			return scimBadRequest("invalid_request_payload")
		}
		if err := scimSetString(dst, op, v); err != nil {
			return scimBadRequest("addresses_invalid")
		}
		u.Address = next
		return nil
	}
	if op == "remove" {
		u.Address = nil
		return nil
	}
	in, err := scimParseMulti(v, "addresses_invalid")
	if err != nil {
		return err
	}
	if len(in) == 0 {
		u.Address = nil
		return nil
	}
	entry := in[scimPrimaryIndex(in, false)]
	if entry.fields == nil {
		return scimBadRequest("addresses_invalid")
	}
	if op == "replace" {
		next = &scimAddress{}
	}
	for _, name := range scimAddressFields {
		val := scimGetCI(entry.fields, name)
		if val == nil {
			continue
		}
		if err := scimSetString(scimAddressField(next, name), op, val); err != nil {
			return scimBadRequest("addresses_invalid")
		}
	}
	u.Address = next
	return nil
}

func (e *scimUserEdit) applyProfile(op string, p scimPath, v any) *scimError {
	u := e.u
	switch {
	case p.attr == "startdate" && p.sub == "":
		return scimSetString(&u.StartDate, op, v)
	case p.attr == "" && op == "remove":
		u.StartDate = nil
		return nil
	case p.attr == "":
		obj, ok := v.(map[string]any)
		if !ok {
			return scimFormat()
		}
		for k, val := range obj {
			if !strings.EqualFold(k, "startDate") {
				return scimBadRequest("invalid_request_payload")
			}
			if err := scimSetString(&u.StartDate, op, val); err != nil {
				return err
			}
		}
		return nil
	}
	return scimBadRequest("invalid_request_payload")
}

// applyGuest turns a full member into a multi-channel guest or back. The
// handler reactivates users whose guest status changed, as Slack does.
func (e *scimUserEdit) applyGuest(op string, p scimPath, v any) *scimError {
	u := e.u
	if op == "remove" {
		switch p.attr {
		case "":
			u.Guest = nil
		case "expiration":
			if u.Guest != nil {
				g := *u.Guest
				g.Expiration = nil
				u.Guest = &g
			}
		default:
			return scimBadRequest("invalid_request_payload")
		}
		return nil
	}
	g := scimGuest{}
	if u.Guest != nil {
		g = *u.Guest
	}
	fields := map[string]any{}
	switch {
	case p.attr == "":
		obj, ok := v.(map[string]any)
		if !ok {
			return scimFormat()
		}
		for k, val := range obj {
			fields[strings.ToLower(k)] = val
		}
	case p.sub == "":
		fields[p.attr] = v
	default:
		return scimBadRequest("invalid_request_payload")
	}
	for k, val := range fields {
		switch k {
		case "type":
			g.Type, _ = val.(string)
		case "expiration":
			s, ok := scimStringValue(val)
			if !ok {
				return scimFormat()
			}
			g.Expiration = s
		default:
			return scimBadRequest("invalid_request_payload")
		}
	}
	// "multi" is the only guest type SCIM can provision.
	if g.Type != "multi" {
		return scimBadRequest("invalid_request_payload")
	}
	u.Guest = &g
	return nil
}

var scimEnterpriseFields = []string{"employeenumber", "costcenter", "organization", "division", "department", "manager"}

func (e *scimUserEdit) applyEnterprise(op string, p scimPath, v any) *scimError {
	u := e.u
	if p.attr == "" {
		if op == "remove" {
			u.EmployeeNumber, u.CostCenter, u.Organization, u.Division, u.Department, u.ManagerID = nil, nil, nil, nil, nil, nil
			return nil
		}
		obj, ok := v.(map[string]any)
		if !ok {
			return scimFormat()
		}
		for k, val := range obj {
			if err := e.applyEnterpriseAttr(op, strings.ToLower(k), "", val); err != nil {
				return err
			}
		}
		return nil
	}
	if p.filter != nil {
		return scimBadRequest("invalid_request_payload")
	}
	return e.applyEnterpriseAttr(op, p.attr, p.sub, v)
}

func (e *scimUserEdit) applyEnterpriseAttr(op, attr, sub string, v any) *scimError {
	u := e.u
	if attr == "manager" {
		return e.applyManager(op, sub, v)
	}
	if sub != "" || !slices.Contains(scimEnterpriseFields, attr) {
		return scimBadRequest("invalid_request_payload")
	}
	dst := map[string]**string{
		"employeenumber": &u.EmployeeNumber, "costcenter": &u.CostCenter, "organization": &u.Organization,
		"division": &u.Division, "department": &u.Department,
	}[attr]
	return scimSetString(dst, op, v)
}

// applyManager enforces that a manager object carries managerId
// (improper_enterprise_schema_format) and stores the manager's Slack id.
func (e *scimUserEdit) applyManager(op, sub string, v any) *scimError {
	u := e.u
	if op == "remove" {
		u.ManagerID = nil
		return nil
	}
	var id any
	switch {
	case sub == "managerid":
		id = v
	case sub != "":
		return scimBadRequest("invalid_request_payload")
	default:
		switch m := v.(type) {
		case nil:
			u.ManagerID = nil
			return nil
		case string:
			// Entra sends the manager reference as a bare string.
			id = m
		case map[string]any:
			var found bool
			for k, val := range m {
				if strings.EqualFold(k, "managerId") {
					id, found = val, true
				}
			}
			if !found {
				return scimBadRequest("improper_enterprise_schema_format")
			}
		default:
			return scimBadRequest("improper_enterprise_schema_format")
		}
	}
	s, ok := scimStringValue(id)
	if !ok {
		return scimBadRequest("improper_enterprise_schema_format")
	}
	if s != nil {
		resolved := e.s.resolveUserRef(*s)
		s = &resolved
	}
	u.ManagerID = s
	return nil
}

// resolveUserRef turns a Slack id, primary email or userName into the user's
// Slack id. Slack documents all three for managerId; an unknown reference is
// kept as given. Callers hold s.mu.
func (s *Org) resolveUserRef(ref string) string {
	if u := s.usersByID[ref]; u != nil {
		return u.ID
	}
	if u := s.byEmail[strings.ToLower(ref)]; u != nil {
		return u.ID
	}
	if u := s.byUserName[strings.ToLower(ref)]; u != nil {
		return u.ID
	}
	return ref
}
