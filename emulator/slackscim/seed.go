package slackscim

import (
	"encoding/json"
	"fmt"
	"os"
)

// Seed is the initial content of an emulated org.
type Seed struct {
	Users  []SeedUser  `json:"users"`
	Groups []SeedGroup `json:"groups"`
}

// SeedUser is one pre-existing Slack account. Seeds pass the same validation
// as POST /Users, so every seeded account is one Slack could hold: userName and
// email are required, and GivenName or FamilyName must be non-blank.
type SeedUser struct {
	ID             string `json:"id,omitempty"` // optional; generated when empty
	UserName       string `json:"userName"`
	Email          string `json:"email"`
	GivenName      string `json:"givenName,omitempty"`
	FamilyName     string `json:"familyName,omitempty"`
	DisplayName    string `json:"displayName,omitempty"`
	Title          string `json:"title,omitempty"`
	Active         *bool  `json:"active,omitempty"` // nil means active
	ExternalID     string `json:"externalId,omitempty"`
	Department     string `json:"department,omitempty"`
	EmployeeNumber string `json:"employeeNumber,omitempty"`
	ManagerID      string `json:"managerId,omitempty"` // id, email or userName of another seeded user
}

// SeedGroup is one pre-existing group. Members are user ids or userNames.
type SeedGroup struct {
	ID          string   `json:"id,omitempty"`
	DisplayName string   `json:"displayName"`
	ExternalID  string   `json:"externalId,omitempty"`
	Members     []string `json:"members,omitempty"`
}

// LoadSeed reads a seed from a JSON file and checks that Slack would
// accept every user and group in it.
func LoadSeed(path string) (*Seed, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read Slack seed: %w", err)
	}
	var seed Seed
	if err := json.Unmarshal(data, &seed); err != nil {
		return nil, fmt.Errorf("parse Slack seed %s: %w (expected {\"users\":[…],\"groups\":[…]})", path, err)
	}
	// The plan is not known here, so groups are checked against the largest
	// size any plan allows; New applies the plan's own limit.
	scratch := newOrg(Options{DisableRateLimits: true, GroupMemberMax: scimMaxMembersPerRequest})
	if err := scratch.applySeed(&seed); err != nil {
		return nil, fmt.Errorf("Slack seed %s: %w", path, err)
	}
	return &seed, nil
}

// applySeed creates the seed's users and groups through the normal write
// paths. Managers are resolved after all users exist, so order is free.
// Inactive users are deactivated last, as if after joining their groups:
// Slack refuses to add deactivated users, but keeps existing members.
func (s *Org) applySeed(seed *Seed) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	var inactive []*scimUser
	for i, su := range seed.Users {
		if su.ID != "" {
			if !scimValidUserID(su.ID) || s.usersByID[su.ID] != nil {
				return fmt.Errorf("user %d (%s): id %q is not a free Slack user id (U or W plus uppercase letters and digits)", i+1, su.UserName, su.ID)
			}
		}
		u, err := s.createUser(su.body(), su.ID)
		if err != nil {
			return fmt.Errorf("user %d (%s): Slack would refuse it: %s", i+1, su.UserName, err.detail)
		}
		if su.Active != nil && !*su.Active {
			inactive = append(inactive, u)
		}
	}
	for _, su := range seed.Users {
		if su.ManagerID == "" {
			continue
		}
		u := s.byUserName[scimMustNormalize(su.UserName)]
		manager := s.resolveUserRef(su.ManagerID)
		u.ManagerID = &manager
	}
	for i, sg := range seed.Groups {
		members := make([]any, 0, len(sg.Members))
		for _, m := range sg.Members {
			id := m
			if u := s.byUserName[scimMustNormalize(m)]; u != nil && s.usersByID[m] == nil {
				id = u.ID
			}
			members = append(members, map[string]any{"value": id})
		}
		body := map[string]any{"schemas": []any{scimGroupSchema}, "displayName": sg.DisplayName,
			"externalId": sg.ExternalID, "members": members}
		if sg.ID != "" && s.groupsByID[sg.ID] != nil {
			return fmt.Errorf("group %d (%s): id %q is used twice", i+1, sg.DisplayName, sg.ID)
		}
		if _, err := s.createGroup(body, sg.ID); err != nil {
			return fmt.Errorf("group %d (%s): Slack would refuse it: %s", i+1, sg.DisplayName, err.detail)
		}
	}
	for _, u := range inactive {
		u.Active = false
	}
	return nil
}

// scimMustNormalize is for userNames that already passed validation.
func scimMustNormalize(raw string) string {
	name, _ := scimNormalizeUserName(raw, "long_username")
	return name
}

func (su SeedUser) body() map[string]any {
	body := map[string]any{
		"schemas":  []any{scimUserSchema, scimEnterpriseURN},
		"userName": su.UserName,
		"emails":   []any{map[string]any{"value": su.Email, "primary": true}},
		"name":     map[string]any{"givenName": su.GivenName, "familyName": su.FamilyName},
	}
	optional := map[string]string{"displayName": su.DisplayName, "title": su.Title, "externalId": su.ExternalID}
	for k, v := range optional {
		if v != "" {
			body[k] = v
		}
	}
	ent := map[string]any{}
	if su.Department != "" {
		ent["department"] = su.Department
	}
	if su.EmployeeNumber != "" {
		ent["employeeNumber"] = su.EmployeeNumber
	}
	if len(ent) > 0 {
		body[scimEnterpriseURN] = ent
	}
	return body
}
