// Package mapping holds slackprov's attribute mappings: which directory
// attribute (or constant, or Entra-style expression) feeds which Slack SCIM
// attribute, the YAML file format they are kept in, the expression language
// and the Slack-side checks run on every mapped value.
package mapping

import (
	"fmt"
	"strings"

	"github.com/slackprov/slackprov/schema"
)

// Type says where a target attribute's value comes from.
type Type string

// The four mapping types of Entra's attribute-mapping blade.
const (
	TypeDirect     Type = "direct"
	TypeConstant   Type = "constant"
	TypeExpression Type = "expression"
	// TypeNone leaves the target alone except that Default is sent on create.
	TypeNone Type = "none"
)

// Apply says when a mapping flows.
type Apply string

// Entra's "Apply this mapping" choices.
const (
	ApplyAlways   Apply = "always"
	ApplyOnCreate Apply = "on_create"
)

// Attribute maps one target (Slack SCIM) attribute.
type Attribute struct {
	// Target is the SCIM path, e.g. `emails[type eq "work"].value`.
	Target string
	Type   Type
	// Source is the directory attribute of a direct mapping.
	Source string
	// Value is the string of a constant mapping.
	Value string
	// Expression is an Entra-syntax expression.
	Expression string
	// Default is sent when the value is null, on create only (as in Entra).
	Default string
	// Apply is ApplyAlways when empty.
	Apply Apply
	// Match is the matching precedence; 0 means not a matching attribute,
	// otherwise lower numbers are tried first.
	Match int
	// Line and Column locate the entry in its file; 0 for built-ins.
	Line, Column int
}

// OnCreate reports whether the attribute flows only when the object is created.
func (a Attribute) OnCreate() bool { return a.Apply == ApplyOnCreate }

// Mapping is a complete set of user and group mappings.
type Mapping struct {
	Version int
	Users   []Attribute
	Groups  []Attribute
	// UserScope and GroupScope are the scoping filters: an object is in
	// scope when any filter holds, or when there are none.
	UserScope  []Filter
	GroupScope []Filter
	// UserSwitches and GroupSwitches are Entra's per-object-type switches
	// (enabled, and the create / update / delete target object actions).
	UserSwitches, GroupSwitches Switches
	// File is where the mapping was loaded from; "" for built-ins.
	File string
}

// Version is the only file-format version this package reads and writes.
const Version = 1

// Default returns the built-in Slack mapping. Entra does not publish the
// source side of its Slack gallery mapping, so this follows Microsoft's
// generic SCIM defaults, adjusted for Slack: userName is derived the way
// Slack would rewrite it and made to fit and be unique (so it is chosen on
// create, and accounts are matched by email), and displayName flows only
// on create (Entra's 2020 change for Slack).
func Default() *Mapping {
	m := &Mapping{
		Version: Version,
		Users: []Attribute{
			{Target: schema.UserName, Type: TypeExpression, Expression: DefaultUserNameExpression(), Apply: ApplyOnCreate},
			{Target: schema.WorkEmail, Type: TypeDirect, Source: "mail", Match: 1},
			{Target: schema.DisplayName, Type: TypeDirect, Source: "displayName", Apply: ApplyOnCreate},
			{Target: schema.GivenName, Type: TypeDirect, Source: "givenName"},
			{Target: schema.FamilyName, Type: TypeDirect, Source: "surname"},
			{Target: schema.Title, Type: TypeDirect, Source: "jobTitle"},
			{Target: schema.Active, Type: TypeExpression, Expression: `Switch([IsSoftDeleted], , "False", "True", "True", "False")`},
			{Target: schema.MobilePhone, Type: TypeDirect, Source: "mobilePhone"},
			{Target: schema.Department, Type: TypeDirect, Source: "department"},
			{Target: schema.EmployeeNumber, Type: TypeDirect, Source: "employeeId"},
			{Target: schema.Manager, Type: TypeDirect, Source: "manager"},
			{Target: schema.ExternalID, Type: TypeDirect, Source: "id", Apply: ApplyOnCreate},
		},
		Groups: []Attribute{
			{Target: schema.DisplayName, Type: TypeDirect, Source: "displayName", Match: 1},
			{Target: schema.ExternalID, Type: TypeDirect, Source: "id", Apply: ApplyOnCreate},
		},
	}
	for _, list := range [][]Attribute{m.Users, m.Groups} {
		for i := range list {
			if list[i].Apply == "" {
				list[i].Apply = ApplyAlways
			}
		}
	}
	return m
}

// DefaultUserNameExpression gives every user a userName Slack accepts: the
// one Slack would make of the userPrincipalName, shortened to Slack's 21
// characters; when that is taken, shortened to 19 with _2 … _5 added.
func DefaultUserNameExpression() string {
	c := []string{fmt.Sprintf("SlackUserName([userPrincipalName], %d)", MaxUserNameLength)}
	for i := 2; i <= 5; i++ {
		c = append(c, fmt.Sprintf(`Append(SlackUserName([userPrincipalName], %d), "_%d")`, MaxUserNameLength-2, i))
	}
	return "SelectUniqueValue(" + strings.Join(c, ", ") + ")"
}
