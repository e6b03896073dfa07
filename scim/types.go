// Package scim is a client for Slack's SCIM API (v2 first). It holds the wire
// types, the attribute paths the rest of slackprov speaks in, typed errors,
// paging, retries and client-side rate limiting.
package scim

import "encoding/json"

// Schema URNs used by Slack's SCIM v2 dialect.
const (
	SchemaUser       = "urn:ietf:params:scim:schemas:core:2.0:User"
	SchemaGroup      = "urn:ietf:params:scim:schemas:core:2.0:Group"
	SchemaEnterprise = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	SchemaListResp   = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	SchemaPatchOp    = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	SchemaError      = "urn:ietf:params:scim:api:messages:2.0:Error"
)

// User is a Slack SCIM user as sent and received. Slack answers with nulls for
// unset scalars; they decode to the zero value, which is what we compare against.
type User struct {
	Schemas           []string     `json:"schemas,omitempty"`
	ID                string       `json:"id,omitempty"`
	ExternalID        string       `json:"externalId,omitempty"`
	UserName          string       `json:"userName,omitempty"`
	NickName          string       `json:"nickName,omitempty"`
	Name              *Name        `json:"name,omitempty"`
	DisplayName       string       `json:"displayName,omitempty"`
	ProfileURL        string       `json:"profileUrl,omitempty"`
	Title             string       `json:"title,omitempty"`
	Timezone          string       `json:"timezone,omitempty"`
	Locale            string       `json:"locale,omitempty"`
	PreferredLanguage string       `json:"preferredLanguage,omitempty"`
	UserType          string       `json:"userType,omitempty"`
	Active            *bool        `json:"active,omitempty"`
	Emails            []MultiValue `json:"emails,omitempty"`
	PhoneNumbers      []MultiValue `json:"phoneNumbers,omitempty"`
	Addresses         []Address    `json:"addresses,omitempty"`
	Roles             Roles        `json:"roles,omitempty"`
	Enterprise        *Enterprise  `json:"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User,omitempty"`
	Groups            []Ref        `json:"groups,omitempty"`
	Meta              *Meta        `json:"meta,omitempty"`
}

// IsActive reports Slack's active flag; Slack omits nothing here in practice,
// but a missing flag means the account is usable.
func (u *User) IsActive() bool { return u.Active == nil || *u.Active }

// Name holds the only three name parts Slack stores.
type Name struct {
	GivenName       string `json:"givenName,omitempty"`
	FamilyName      string `json:"familyName,omitempty"`
	HonorificPrefix string `json:"honorificPrefix,omitempty"`
}

// MultiValue is one entry of emails, phoneNumbers and the like.
type MultiValue struct {
	Value   string `json:"value"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary,omitempty"`
}

// Address is Slack's one stored address (its custom profile fields City,
// Country, Zip…). Slack does not store type; it only picks the primary.
type Address struct {
	Type          string `json:"type,omitempty"`
	Primary       bool   `json:"primary,omitempty"`
	StreetAddress string `json:"streetAddress,omitempty"`
	Locality      string `json:"locality,omitempty"`
	Region        string `json:"region,omitempty"`
	PostalCode    string `json:"postalCode,omitempty"`
	Country       string `json:"country,omitempty"`
}

// Roles is Slack's one stored role. Slack accepts roles as objects or bare
// strings, so both are read.
type Roles []MultiValue

// UnmarshalJSON reads a list of role objects or bare strings.
func (r *Roles) UnmarshalJSON(data []byte) error {
	if string(data) == "[]" || string(data) == "null" {
		*r = nil // what almost every listed user has
		return nil
	}
	var raw []json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	out := make(Roles, 0, len(raw))
	for _, item := range raw {
		var v MultiValue
		if err := json.Unmarshal(item, &v.Value); err != nil {
			if err := json.Unmarshal(item, &v); err != nil {
				return err
			}
		}
		out = append(out, v)
	}
	*r = out
	return nil
}

// Enterprise is the enterprise extension. Slack always returns the whole object.
type Enterprise struct {
	EmployeeNumber string   `json:"employeeNumber,omitempty"`
	CostCenter     string   `json:"costCenter,omitempty"`
	Organization   string   `json:"organization,omitempty"`
	Division       string   `json:"division,omitempty"`
	Department     string   `json:"department,omitempty"`
	Manager        *Manager `json:"manager,omitempty"`
}

// Manager references another user; Slack accepts an id, primary email or
// userName in managerId. RFC 7643 servers use value instead; the generic
// dialect moves it to ManagerID and back.
type Manager struct {
	ManagerID string `json:"managerId,omitempty"`
	Value     string `json:"value,omitempty"`
}

// Ref is a reference to another resource, as in a user's groups or a group's members.
type Ref struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
}

// Meta is the read-only resource metadata.
type Meta struct {
	Created  string `json:"created,omitempty"`
	Location string `json:"location,omitempty"`
}

// Group is a Slack SCIM group (a user group on Business+, an IdP group on Grid).
type Group struct {
	Schemas     []string `json:"schemas,omitempty"`
	ID          string   `json:"id,omitempty"`
	ExternalID  string   `json:"externalId,omitempty"`
	DisplayName string   `json:"displayName"`
	Members     []Ref    `json:"members"`
	Meta        *Meta    `json:"meta,omitempty"`
}

// ListPage is one page of a list call, decoded in a single pass: a 100k-user
// org is 100 pages of 1000 users, and scanning each page twice (envelope,
// then every resource) was most of a full read's CPU.
type ListPage[T any] struct {
	Resources    []*T `json:"Resources"`
	TotalResults int  `json:"totalResults"`
	ItemsPerPage int  `json:"itemsPerPage"`
	StartIndex   int  `json:"startIndex"`
}

// PatchOp is one RFC 7644 operation. Slack supports add, replace and remove only.
type PatchOp struct {
	Op    string `json:"op"`
	Path  string `json:"path,omitempty"`
	Value any    `json:"value,omitempty"`
}

// PatchRequest is the v2 PATCH body.
type PatchRequest struct {
	Schemas    []string  `json:"schemas"`
	Operations []PatchOp `json:"Operations"`
}
