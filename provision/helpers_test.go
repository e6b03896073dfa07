package provision

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/slackprov/slackprov/directory"
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

func company(users, groups int) *directory.Snapshot {
	snap := &directory.Snapshot{}
	for i := 0; i < users; i++ {
		u := person(fmt.Sprintf("id-%05d", i), "Person", fmt.Sprintf("N%05d", i))
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
