// Package provisiontest builds the directories, Slack accounts and mappings
// the engine's tests, its end-to-end tests and the views' tests plan with.
package provisiontest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/scim"
)

// Person is an enabled directory user with a work email made of the names.
func Person(id, first, last string) directory.User {
	upn := strings.ToLower(first + "." + last + "@example.com")
	return directory.User{ID: id, UserPrincipalName: upn, Mail: upn, GivenName: first, Surname: last,
		DisplayName: first + " " + last, JobTitle: "Engineer", AccountEnabled: true}
}

// Company is a directory of users in four departments, each reporting to
// one of the first tenth, and groups holding every other groups-th user.
func Company(users, groups int) *directory.Snapshot {
	snap := &directory.Snapshot{}
	for i := 0; i < users; i++ {
		u := Person(fmt.Sprintf("id-%05d", i), "Person", fmt.Sprintf("N%05d", i))
		u.Department = []string{"Sales", "Engineering", "Support", "Finance"}[i%4]
		u.EmployeeID = fmt.Sprint(10000 + i)
		if i > 0 {
			u.Manager = fmt.Sprintf("id-%05d", (i-1)/10)
		}
		snap.Users = append(snap.Users, u)
	}
	for g := 0; g < groups; g++ {
		grp := directory.Group{ID: fmt.Sprintf("grp-%02d", g), DisplayName: fmt.Sprintf("Team %02d", g)}
		for i := g; i < users; i += groups * 2 {
			grp.Members = append(grp.Members, snap.Users[i].ID)
		}
		snap.Groups = append(snap.Groups, grp)
	}
	return snap
}

// Synced is the Slack account an earlier sync would have left for u.
func Synced(id string, u directory.User) *scim.User {
	active := u.AccountEnabled
	return &scim.User{ID: id, UserName: strings.Split(u.UserPrincipalName, "@")[0], ExternalID: u.ID, Active: &active,
		Emails: []scim.MultiValue{{Value: u.Mail, Primary: true}}, Name: &scim.Name{GivenName: u.GivenName, FamilyName: u.Surname},
		DisplayName: u.DisplayName, Title: u.JobTitle}
}

// Mapping parses and compiles a mapping file's YAML.
func Mapping(t testing.TB, yaml string) *mapping.Compiled {
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

// Defaults is the built-in mapping, compiled.
func Defaults(t testing.TB) *mapping.Compiled {
	t.Helper()
	c, err := mapping.Default().Compile()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
