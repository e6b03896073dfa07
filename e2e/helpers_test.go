package e2e

import (
	"testing"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	. "github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/provision/provisiontest"
)

func defaults(t testing.TB) *mapping.Compiled { return provisiontest.Defaults(t) }

func person(id, first, last string) directory.User { return provisiontest.Person(id, first, last) }

func company(users, groups int) *directory.Snapshot { return provisiontest.Company(users, groups) }

// opsOf indexes a plan's operations by kind and directory id.
func opsOf(p *Plan) map[string]Operation {
	m := map[string]Operation{}
	for _, op := range p.Operations {
		m[string(op.Kind)+":"+op.SourceID] = op
	}
	return m
}
