package entra

import (
	"fmt"
	"testing"

	"github.com/slackprov/slackprov/emulator/entraid"
	"github.com/slackprov/slackprov/emulator/sampledir"
)

// TestRequestCounts5000Users measures Graph calls for the three
// runs on the 5,000-user, 50-group sample tenant (groups assigned, users in
// no group assigned directly).
func TestRequestCounts5000Users(t *testing.T) {
	em := entraid.NewSample(entraid.Options{}, sampledir.JSON(sampledir.Options{Users: 5000, Groups: 50, Seed: 1}))
	e := newEnv(t, em)
	s := e.source(func(o *Options) {
		o.Select = []string{"userPrincipalName", "mail", "givenName", "surname", "displayName", "jobTitle",
			"department", "mobile", "employeeId", "manager", "IsSoftDeleted"}
	})

	full := e.read(s, true)
	st := em.Stats()
	t.Logf("full read: %d users, %d groups; %d Graph calls %v; %d token requests", len(full.Users), len(full.Groups), st.Graph, st.Requests, st.Token)
	if len(full.Users) != 5000 || len(full.Groups) != 50 {
		t.Fatalf("full read: %d users, %d groups; want 5000 and 50", len(full.Users), len(full.Groups))
	}
	if st.Token != 1 {
		t.Errorf("token requests = %d, want 1 (azidentity caches the token)", st.Token)
	}

	em.ResetStats()
	none := e.read(s, true)
	st = em.Stats()
	t.Logf("no-change incremental: %d Graph calls %v", st.Graph, st.Requests)
	if len(none.Users)+len(none.Groups)+len(none.Delta.RemovedUsers)+len(none.Delta.RemovedGroups) != 0 {
		t.Errorf("no-change incremental returned changes: %+v", none.Delta)
	}
	if st.Requests["GET /users/delta"] > 2 || st.Requests["GET /groups/delta"] > 2 {
		t.Errorf("no-change incremental: %v; want at most 2 calls per delta stream", st.Requests)
	}

	users := em.UserIDs()
	_, groups := em.Assigned()
	ids := func(i int) string { return users[i*97%len(users)] }
	var changes []func() error
	for i := range 6 {
		changes = append(changes, func() error {
			return em.UpdateUser(ids(i), func(u *entraid.User) { u.JobTitle = fmt.Sprintf("Title %d", i) })
		})
	}
	for i := 6; i < 10; i++ {
		changes = append(changes, func() error { return em.DisableUser(ids(i)) })
	}
	for i := 10; i < 13; i++ {
		changes = append(changes, func() error { return em.DeleteUser(ids(i)) })
	}
	newcomer := em.AddUser(entraid.User{UserPrincipalName: "new@example.com", DisplayName: "New Person", AccountEnabled: true})
	changes = append(changes,
		func() error { return em.AssignUser(newcomer) },
		func() error { return em.AddMember(groups[0], ids(13)) },
		func() error { return em.AddMember(groups[1], ids(14)) },
		func() error { return em.RemoveMember(groups[2], em.GroupMembers(groups[2])[0]) },
		func() error { return em.RenameGroup(groups[3], "Renamed") },
		func() error { return em.Unassign(groups[4]) },
		func() error {
			return em.UpdateUser(ids(15), func(u *entraid.User) { u.Manager = ids(16) })
		},
	)
	if len(changes) != 20 {
		t.Fatalf("%d changes, want 20", len(changes))
	}
	for _, c := range changes {
		must(t, c())
	}
	em.ResetStats()
	inc := e.read(s, true)
	st = em.Stats()
	t.Logf("20-change incremental: %d users, %d groups, %d removed users, %d removed groups; %d Graph calls %v",
		len(inc.Users), len(inc.Groups), len(inc.Delta.RemovedUsers), len(inc.Delta.RemovedGroups), st.Graph, st.Requests)
	if inc.Delta == nil || len(inc.Delta.RemovedGroups) != 1 || len(inc.Groups) < 4 {
		t.Errorf("20-change incremental: groups %d, delta %+v; want 4+ changed groups and 1 removed", len(inc.Groups), inc.Delta)
	}
}
