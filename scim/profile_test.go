package scim

import (
	"testing"

	"github.com/slackprov/slackprov/schema"
)

func TestProfileSupports(t *testing.T) {
	p := &Profile{UserAttributes: map[string]bool{
		"userName": true, "name": true, "name.givenName": true, "emails": true, "emails.value": true,
		SchemaEnterprise + ":department": true,
	}}
	tests := []struct {
		path string
		want bool
	}{
		{schema.UserName, true},
		{schema.GivenName, true},
		{schema.FamilyName, false},
		{schema.WorkEmail, true},
		{schema.MobilePhone, false},
		{schema.Department, true},
		{schema.Manager, false},
		{schema.ExternalID, true}, // common to every resource, never listed
		{schema.Title, false},
	}
	for _, tt := range tests {
		if got := p.Supports(tt.path); got != tt.want {
			t.Errorf("Supports(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
	if !(&Profile{}).Supports(schema.Title) {
		t.Error("with no schemas read, every attribute must count as supported")
	}
}
