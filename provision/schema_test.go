package provision

import (
	"slices"
	"testing"

	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/scim"
)

// mapping keeps its own list of Slack targets (it imports nothing); every
// target it accepts must be one the SCIM client can write, and back.
func TestMappingTargetsMatchSCIM(t *testing.T) {
	got, want := slices.Sorted(slices.Values(mapping.UserTargetPaths())), scim.UserAttributes()
	if !slices.Equal(got, want) {
		t.Errorf("mapping targets %v\nscim attributes %v", got, want)
	}
}
