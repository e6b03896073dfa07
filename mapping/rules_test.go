package mapping

import (
	"testing"

	"github.com/slackprov/slackprov/schema"
)

// Slack's rules belong to Slack; a generic SCIM target checks only what
// RFC 7643 requires.
func TestRules(t *testing.T) {
	m := &Mapping{Version: Version, Users: []Attribute{
		{Target: schema.UserName, Type: TypeDirect, Source: "userPrincipalName", Match: 1},
		{Target: schema.WorkEmail, Type: TypeDirect, Source: "userPrincipalName"},
		{Target: schema.DisplayName, Type: TypeDirect, Source: "displayName"},
	}, Groups: Default().Groups}
	tests := []struct {
		name  string
		rules Rules
		user  obj
		codes []string
	}{
		{"Slack: long userName, @ in displayName, no name", RulesSlack,
			user("userPrincipalName", "a.very.long.user.name@example.com", "displayName", "Ann @ HQ"),
			[]string{"long_username", "username_rewritten", "invalid_name_specials", "invalid_name_required"}},
		{"SCIM: the same user is fine", RulesSCIM,
			user("userPrincipalName", "a.very.long.user.name@example.com", "displayName", "Ann @ HQ"), nil},
		{"SCIM: a userName is required", RulesSCIM, user("displayName", "Ann"), []string{"required"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := m.CompileFor(tt.rules)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, p := range c.EvalUser(tt.user, true).Problems {
				got = append(got, p.Code)
			}
			if len(got) != len(tt.codes) {
				t.Fatalf("problems %v, want %v", got, tt.codes)
			}
			for i := range got {
				if got[i] != tt.codes[i] {
					t.Fatalf("problems %v, want %v", got, tt.codes)
				}
			}
		})
	}
}

// A generic SCIM app need not have emails; Slack must.
func TestEmailRequiredBySlackOnly(t *testing.T) {
	m := &Mapping{Version: Version, Users: []Attribute{{Target: schema.UserName, Type: TypeDirect, Source: "userPrincipalName", Match: 1}}}
	if _, err := m.CompileFor(RulesSlack); err == nil {
		t.Error("Slack rules compiled a mapping without a work email")
	}
	if _, err := m.CompileFor(RulesSCIM); err != nil {
		t.Errorf("SCIM rules refused a mapping without a work email: %v", err)
	}
}
