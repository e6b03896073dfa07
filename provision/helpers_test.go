package provision

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/provision/provisiontest"
)

// mustApply applies the plan and returns the outcome; Apply leaves the
// plan it is given untouched, which it checks too.
func mustApply(t *testing.T, ctx context.Context, plan *Plan, opts ApplyOptions) *Plan {
	t.Helper()
	before, _ := json.Marshal(plan)
	out, err := Apply(ctx, plan, opts)
	if err != nil {
		t.Fatal(err)
	}
	if after, _ := json.Marshal(plan); string(after) != string(before) {
		t.Fatal("Apply changed the plan it was given")
	}
	return out
}

// company is provisiontest.Company, by the name these tests use.
func company(users, groups int) *directory.Snapshot { return provisiontest.Company(users, groups) }

// userOps counts the plan's planned user operations by action.
func userOps(p *Plan) map[Action]int {
	out := map[Action]int{}
	for _, op := range p.Operations {
		if op.Kind == KindUser && op.Status == StatusPlanned {
			out[op.Action]++
		}
	}
	return out
}
