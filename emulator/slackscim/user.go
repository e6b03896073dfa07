package slackscim

import (
	"slices"
	"time"
)

// scimUser is one Slack account. Nil pointers are unset values, which Slack
// returns as JSON null. Setters always replace pointers, never write through
// them, so a shallow copy plus copied slices is a safe clone.
type scimUser struct {
	ID, ExternalID string
	Created        time.Time

	UserName                                   string
	GivenName, FamilyName, HonorificPrefix     *string
	DisplayName                                *string
	Title, Timezone, UserType                  *string
	PreferredLanguage, Locale                  *string
	Active                                     bool
	Emails                                     []string // [0] primary, [1] optional secondary
	Photo                                      *string
	Address                                    *scimAddress
	PrimaryPhone, MobilePhone                  *string
	Role                                       *string
	EmployeeNumber, CostCenter, Organization   *string
	Division, Department, ManagerID, StartDate *string
	Guest                                      *scimGuest
}

type scimAddress struct {
	StreetAddress *string `json:"streetAddress"`
	Locality      *string `json:"locality"`
	Region        *string `json:"region"`
	PostalCode    *string `json:"postalCode"`
	Country       *string `json:"country"`
}

type scimGuest struct {
	Type       string  `json:"type"`
	Expiration *string `json:"expiration"`
}

func (u *scimUser) clone() *scimUser {
	c := *u
	c.Emails = slices.Clone(u.Emails)
	return &c
}

// shownDisplayName is what Slack shows: displayName, else the userName.
func (u *scimUser) shownDisplayName() string {
	if u.DisplayName != nil && *u.DisplayName != "" {
		return *u.DisplayName
	}
	return u.UserName
}

func (u *scimUser) primaryEmail() string {
	if len(u.Emails) == 0 {
		return ""
	}
	return u.Emails[0]
}

type scimMeta struct {
	Created  string `json:"created"`
	Location string `json:"location"`
}

type scimName struct {
	GivenName       *string `json:"givenName"`
	FamilyName      *string `json:"familyName"`
	HonorificPrefix *string `json:"honorificPrefix"`
}

type scimEmailOut struct {
	Value   string `json:"value"`
	Primary bool   `json:"primary"`
}

type scimValueOut struct {
	Value   *string `json:"value"`
	Type    string  `json:"type,omitempty"`
	Primary bool    `json:"primary,omitempty"`
}

type scimEnterpriseOut struct {
	EmployeeNumber *string        `json:"employeeNumber"`
	CostCenter     *string        `json:"costCenter"`
	Organization   *string        `json:"organization"`
	Division       *string        `json:"division"`
	Department     *string        `json:"department"`
	Manager        scimManagerOut `json:"manager"`
}

type scimManagerOut struct {
	ManagerID *string `json:"managerId"`
}

type scimProfileOut struct {
	StartDate *string `json:"startDate"`
}

type scimRef struct {
	Value   string `json:"value"`
	Display string `json:"display"`
}

// scimUserOut mirrors the field order and null-filled shape of Slack's sample
// v2 user (reference §2.5).
type scimUserOut struct {
	Schemas           []string          `json:"schemas"`
	ID                string            `json:"id"`
	ExternalID        string            `json:"externalId"`
	Meta              scimMeta          `json:"meta"`
	UserName          string            `json:"userName"`
	NickName          string            `json:"nickName"`
	Name              scimName          `json:"name"`
	DisplayName       string            `json:"displayName"`
	ProfileURL        string            `json:"profileUrl"`
	Title             *string           `json:"title"`
	Timezone          *string           `json:"timezone"`
	Active            bool              `json:"active"`
	Emails            []scimEmailOut    `json:"emails"`
	Photos            []scimValueOut    `json:"photos"`
	Addresses         []scimAddress     `json:"addresses"`
	PhoneNumbers      []scimValueOut    `json:"phoneNumbers"`
	UserType          *string           `json:"userType"`
	Roles             []scimValueOut    `json:"roles"`
	PreferredLanguage *string           `json:"preferredLanguage"`
	Locale            *string           `json:"locale"`
	Enterprise        scimEnterpriseOut `json:"urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"`
	Profile           scimProfileOut    `json:"urn:ietf:params:scim:schemas:extension:slack:profile:2.0:User"`
	Guest             *scimGuest        `json:"urn:ietf:params:scim:schemas:extension:slack:guest:2.0:User,omitempty"`
	Groups            []scimRef         `json:"groups"`
}

const scimTimeLayout = "2006-01-02T15:04:05-07:00"

// renderUser builds the response body. groups are the user's memberships.
func (s *Org) renderUser(u *scimUser, base string, groups []scimRef) scimUserOut {
	out := scimUserOut{
		Schemas:           []string{scimUserSchema, scimEnterpriseURN, scimProfileURN},
		ID:                u.ID,
		ExternalID:        u.ExternalID,
		Meta:              scimMeta{Created: u.Created.Format(scimTimeLayout), Location: base + "Users/" + u.ID},
		UserName:          u.UserName,
		NickName:          u.UserName,
		Name:              scimName{GivenName: u.GivenName, FamilyName: u.FamilyName, HonorificPrefix: u.HonorificPrefix},
		DisplayName:       u.shownDisplayName(),
		ProfileURL:        s.profileURL(u.UserName),
		Title:             u.Title,
		Timezone:          u.Timezone,
		Active:            u.Active,
		Emails:            []scimEmailOut{},
		Photos:            []scimValueOut{},
		Addresses:         []scimAddress{},
		UserType:          u.UserType,
		Roles:             []scimValueOut{},
		PreferredLanguage: u.PreferredLanguage,
		Locale:            u.Locale,
		Enterprise: scimEnterpriseOut{
			EmployeeNumber: u.EmployeeNumber, CostCenter: u.CostCenter, Organization: u.Organization,
			Division: u.Division, Department: u.Department, Manager: scimManagerOut{ManagerID: u.ManagerID},
		},
		Profile: scimProfileOut{StartDate: u.StartDate},
		Guest:   u.Guest,
		Groups:  groups,
	}
	if out.Groups == nil {
		out.Groups = []scimRef{}
	}
	for i, e := range u.Emails {
		out.Emails = append(out.Emails, scimEmailOut{Value: e, Primary: i == 0})
	}
	if u.Photo != nil {
		out.Photos = append(out.Photos, scimValueOut{Value: u.Photo, Type: "photo"})
	}
	if u.Address != nil {
		out.Addresses = append(out.Addresses, *u.Address)
	}
	// Slack's odd phone semantics: the stored mobilePhone comes back typed
	// "mobile", the stored primaryPhone comes back as primary. Placeholder
	// entries with null values stay in the array.
	out.PhoneNumbers = []scimValueOut{
		{Value: u.MobilePhone, Type: "mobile"},
		{Value: u.PrimaryPhone, Primary: true},
	}
	if u.Role != nil {
		out.Roles = append(out.Roles, scimValueOut{Value: u.Role, Primary: true})
	}
	if u.Guest != nil {
		out.Schemas = append(out.Schemas, scimGuestURN)
	}
	return out
}

func (s *Org) profileURL(userName string) string {
	if s.opts.Plan == "enterprise" {
		return "https://emulator.enterprise.slack.com/team/" + userName
	}
	return "https://emulator.slack.com/team/" + userName
}

// UserSnapshot is a user as stored, for test inspection.
type UserSnapshot struct {
	ID, UserName, ExternalID string
	Emails                   []string // primary first
	Active                   bool
	Guest                    bool
	DisplayName              string // as shown: falls back to UserName
	GivenName, FamilyName    string
	Title                    string
	Department               string
	EmployeeNumber           string
	ManagerID                string
	PrimaryPhone             string
	MobilePhone              string
	Groups                   []string // group ids
}

// Users returns every user, deactivated ones included, in creation order.
func (s *Org) Users() []UserSnapshot {
	s.mu.Lock()
	defer s.mu.Unlock()
	memberships := s.membershipIndex()
	out := make([]UserSnapshot, 0, len(s.users))
	for _, u := range s.users {
		snap := UserSnapshot{
			ID: u.ID, UserName: u.UserName, ExternalID: u.ExternalID,
			Emails: slices.Clone(u.Emails), Active: u.Active, Guest: u.Guest != nil,
			DisplayName: u.shownDisplayName(), GivenName: scimDeref(u.GivenName), FamilyName: scimDeref(u.FamilyName),
			Title: scimDeref(u.Title), Department: scimDeref(u.Department), EmployeeNumber: scimDeref(u.EmployeeNumber),
			ManagerID: scimDeref(u.ManagerID), PrimaryPhone: scimDeref(u.PrimaryPhone), MobilePhone: scimDeref(u.MobilePhone),
		}
		for _, ref := range memberships[u.ID] {
			snap.Groups = append(snap.Groups, ref.Value)
		}
		out = append(out, snap)
	}
	return out
}

func scimDeref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}
