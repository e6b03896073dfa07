package views

import (
	"testing"
	"time"

	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/provision/provisiontest"
)

// The views are tested on plans the engine builds, so what they show is
// what a run would show.

var (
	compileMapping = provisiontest.Mapping
	defaults       = provisiontest.Defaults
	person         = provisiontest.Person
	synced         = provisiontest.Synced
)

func build(t *testing.T, in provision.Input) *provision.Plan {
	t.Helper()
	in.MaxDeactivations = 50
	in.Now = time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	return provision.Build(in)
}
