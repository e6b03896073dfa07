package views

import (
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/scim"
)

// The views are tested on plans the engine builds, so what they show is
// what a run would show.

// compileMapping parses and compiles a mapping file's YAML.
func compileMapping(t *testing.T, yaml string) *mapping.Compiled {
	t.Helper()
	m, err := mapping.Parse("map.yaml", []byte(yaml))
	if err != nil {
		t.Fatal(err)
	}
	c, err := m.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func person(id, first, last string) directory.User {
	upn := strings.ToLower(first + "." + last + "@example.com")
	return directory.User{ID: id, UserPrincipalName: upn, Mail: upn, GivenName: first, Surname: last,
		DisplayName: first + " " + last, JobTitle: "Engineer", AccountEnabled: true}
}

// synced returns the Slack user an earlier sync would have left for u.
func synced(id string, u directory.User) *scim.User {
	active := u.AccountEnabled
	return &scim.User{ID: id, UserName: strings.Split(u.UserPrincipalName, "@")[0], ExternalID: u.ID, Active: &active,
		Emails: []scim.MultiValue{{Value: u.Mail, Primary: true}}, Name: &scim.Name{GivenName: u.GivenName, FamilyName: u.Surname},
		DisplayName: u.DisplayName, Title: u.JobTitle}
}

func build(t *testing.T, in provision.Input) *provision.Plan {
	t.Helper()
	in.MaxDeactivations = 50
	in.Now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	return provision.Build(in)
}
