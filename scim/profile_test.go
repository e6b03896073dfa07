package scim

import "testing"

func TestProfileSupports(t *testing.T) {
	p := &Profile{UserAttributes: map[string]bool{
		"userName": true, "name": true, "name.givenName": true, "emails": true, "emails.value": true,
		SchemaEnterprise + ":department": true,
	}}
	tests := []struct {
		path string
		want bool
	}{
		{AttrUserName, true},
		{AttrGivenName, true},
		{AttrFamilyName, false},
		{AttrWorkEmail, true},
		{AttrMobilePhone, false},
		{AttrDepartment, true},
		{AttrManager, false},
		{AttrExternalID, true}, // common to every resource, never listed
		{AttrTitle, false},
	}
	for _, tt := range tests {
		if got := p.Supports(tt.path); got != tt.want {
			t.Errorf("Supports(%q) = %v, want %v", tt.path, got, tt.want)
		}
	}
	if !(&Profile{}).Supports(AttrTitle) {
		t.Error("with no schemas read, every attribute must count as supported")
	}
}
