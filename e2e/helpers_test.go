package e2e

import (
	"strings"
	"testing"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	. "github.com/slackprov/slackprov/provision"
)

// defaults is the built-in mapping, compiled.
func defaults(t testing.TB) *mapping.Compiled {
	t.Helper()
	c, err := mapping.Default().Compile()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// person is an enabled directory user with a work email.
func person(id, first, last string) directory.User {
	upn := strings.ToLower(first + "." + last + "@example.com")
	return directory.User{ID: id, UserPrincipalName: upn, Mail: upn, GivenName: first, Surname: last,
		DisplayName: first + " " + last, JobTitle: "Engineer", AccountEnabled: true}
}

// opsOf indexes a plan's operations by kind and directory id.
func opsOf(p *Plan) map[string]Operation {
	m := map[string]Operation{}
	for _, op := range p.Operations {
		m[string(op.Kind)+":"+op.SourceID] = op
	}
	return m
}
