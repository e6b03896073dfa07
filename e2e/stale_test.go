package e2e

import (
	"context"
	"fmt"
	"strings"
	"testing"

	. "github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/scim"
)

// Stale finds the objects that changed in Slack after the plan was made,
// whether it reads them one by one or lists the whole org.
func TestStaleFindsChangedTargets(t *testing.T) { forVersions(t, testStaleFindsChangedTargets) }

func testStaleFindsChangedTargets(t *testing.T, version string) {
	// 210 is past the 200 writes from which Stale lists the org instead.
	for _, n := range []int{3, 210} {
		t.Run(fmt.Sprint(n, " users"), func(t *testing.T) {
			r := newRigAs(t, version, 1000, nil)
			snap := company(n, 2)
			r.sync(snap)
			for i := range snap.Users {
				snap.Users[i].JobTitle = "Promoted"
			}
			plan := r.plan(snap)
			if stale, err := Stale(context.Background(), r.client, plan); err != nil || len(stale) != 0 {
				t.Fatalf("fresh plan: stale %v, %v", stale, err)
			}
			target := opsOf(plan)["user:"+snap.Users[1].ID]
			if _, err := r.client.PatchUser(context.Background(), target.TargetID,
				[]scim.PatchOp{{Op: "replace", Path: "title", Value: "Edited in Slack"}}); err != nil {
				t.Fatal(err)
			}
			stale, err := Stale(context.Background(), r.client, plan)
			if err != nil {
				t.Fatal(err)
			}
			if len(stale) != 1 || !strings.Contains(stale[0], target.UserName) {
				t.Errorf("stale = %v, want only %s", stale, target.UserName)
			}
		})
	}
}
