package entra

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/emulator/entraid"
	"github.com/slackprov/slackprov/emulator/sampledir"
)

func TestFullReadAssignedScope(t *testing.T) {
	e := newEnv(t, fixture())
	s := e.source(func(o *Options) {
		o.Select = []string{"userPrincipalName", "jobTitle", "manager", "city", "IsSoftDeleted"}
	})
	snap := e.read(s, false)

	if snap.Delta != nil {
		t.Errorf("first read: Delta = %+v, want nil (full snapshot)", snap.Delta)
	}
	if got, want := userIDs(snap.Users), []string{"u1", "u2", "u3", "u6"}; !reflect.DeepEqual(got, want) {
		t.Errorf("users = %v, want %v (u4 unassigned, u5 only in a nested group)", got, want)
	}
	u2 := findUser(snap.Users, "u2")
	if u2 == nil || u2.JobTitle != "Designer" || u2.Manager != "u1" || u2.Extra["city"] != "Oslo" || !u2.AccountEnabled {
		t.Errorf("u2 = %+v, want title, manager u1, city Oslo, enabled", u2)
	}
	if u6 := findUser(snap.Users, "u6"); u6 == nil || u6.AccountEnabled {
		t.Errorf("u6 = %+v, want present and disabled", u6)
	}
	want := []directory.Group{{ID: "g1", DisplayName: "Engineering", Members: []string{"u1", "u2"}}}
	if !reflect.DeepEqual(snap.Groups, want) {
		t.Errorf("groups = %+v, want %+v", snap.Groups, want)
	}
}

func TestFullReadScopeAll(t *testing.T) {
	e := newEnv(t, fixture())
	s := e.source(func(o *Options) { o.Scope = "all"; o.AppID = "" })
	snap := e.read(s, true)
	if got := userIDs(snap.Users); len(got) != 6 {
		t.Errorf("scope all: users = %v, want all 6", got)
	}
	if len(snap.Groups) != 2 {
		t.Errorf("scope all: groups = %+v, want both", snap.Groups)
	}
	must(t, e.em.DeleteUser("u4"))
	snap = e.read(s, true)
	if snap.Delta == nil || !reflect.DeepEqual(snap.Delta.RemovedUsers, []string{"u4"}) || len(snap.Users) != 0 {
		t.Errorf("after deleting u4: users %v, delta %+v; want only RemovedUsers [u4]", userIDs(snap.Users), snap.Delta)
	}
}

func TestIncrementalChanges(t *testing.T) {
	type want struct {
		users         []string
		groups        []directory.Group
		removedUsers  []string
		removedGroups []string
	}
	cases := []struct {
		name   string
		change func(em *entraid.Tenant) error
		want   want
		check  func(t *testing.T, snap *directory.Snapshot)
	}{
		{name: "no change", change: func(*entraid.Tenant) error { return nil }},
		{name: "title change", change: func(em *entraid.Tenant) error {
			return em.UpdateUser("u1", func(u *entraid.User) { u.JobTitle = "Staff Engineer" })
		}, want: want{users: []string{"u1"}}, check: func(t *testing.T, snap *directory.Snapshot) {
			if u := findUser(snap.Users, "u1"); u.JobTitle != "Staff Engineer" || u.Mail != "u1@contoso.com" {
				t.Errorf("u1 = %+v, want the new title and every other attribute", u)
			}
		}},
		{name: "manager change", change: func(em *entraid.Tenant) error {
			return em.UpdateUser("u3", func(u *entraid.User) { u.Manager = "u2" })
		}, want: want{users: []string{"u3"}}, check: func(t *testing.T, snap *directory.Snapshot) {
			if u := findUser(snap.Users, "u3"); u.Manager != "u2" {
				t.Errorf("u3 manager = %q, want u2", u.Manager)
			}
		}},
		{name: "disable", change: func(em *entraid.Tenant) error { return em.DisableUser("u2") },
			want: want{users: []string{"u2"}}, check: func(t *testing.T, snap *directory.Snapshot) {
				if u := findUser(snap.Users, "u2"); u.AccountEnabled || u.Manager != "u1" {
					t.Errorf("u2 = %+v, want disabled with its manager kept", u)
				}
			}},
		{name: "unassign user", change: func(em *entraid.Tenant) error { return em.Unassign("u3") },
			want: want{removedUsers: []string{"u3"}}},
		{name: "new assignment", change: func(em *entraid.Tenant) error { return em.AssignUser("u4") },
			want: want{users: []string{"u4"}}},
		{name: "member added to assigned group", change: func(em *entraid.Tenant) error { return em.AddMember("g1", "u4") },
			want: want{users: []string{"u4"}, groups: []directory.Group{{ID: "g1", DisplayName: "Engineering", Members: []string{"u1", "u2", "u4"}}}}},
		{name: "member removed from assigned group", change: func(em *entraid.Tenant) error { return em.RemoveMember("g1", "u2") },
			want: want{removedUsers: []string{"u2"}, groups: []directory.Group{{ID: "g1", DisplayName: "Engineering", Members: []string{"u1"}}}}},
		{name: "directly assigned user leaves group stays", change: func(em *entraid.Tenant) error {
			if err := em.AssignUser("u2"); err != nil {
				return err
			}
			return em.RemoveMember("g1", "u2")
		}, want: want{groups: []directory.Group{{ID: "g1", DisplayName: "Engineering", Members: []string{"u1"}}}}},
		{name: "user deleted", change: func(em *entraid.Tenant) error { return em.DeleteUser("u1") },
			want: want{removedUsers: []string{"u1"}, groups: []directory.Group{{ID: "g1", DisplayName: "Engineering", Members: []string{"u2"}}}}},
		{name: "user purged", change: func(em *entraid.Tenant) error { return em.PurgeUser("u3") },
			want: want{removedUsers: []string{"u3"}}},
		{name: "nested group member does not flow", change: func(em *entraid.Tenant) error { return em.AddMember("g2", "u4") }},
		{name: "unassigned user changes", change: func(em *entraid.Tenant) error {
			return em.UpdateUser("u4", func(u *entraid.User) { u.JobTitle = "Boss" })
		}},
		{name: "group renamed", change: func(em *entraid.Tenant) error { return em.RenameGroup("g1", "Eng") },
			want: want{groups: []directory.Group{{ID: "g1", DisplayName: "Eng", Members: []string{"u1", "u2"}}}}},
		{name: "group assigned", change: func(em *entraid.Tenant) error { return em.AssignGroup("g2") },
			want: want{users: []string{"u5"}, groups: []directory.Group{{ID: "g2", DisplayName: "Nested group", Members: []string{"u5"}}}}},
		{name: "group unassigned", change: func(em *entraid.Tenant) error { return em.Unassign("g1") },
			want: want{removedUsers: []string{"u1", "u2"}, removedGroups: []string{"g1"}}},
		{name: "group deleted", change: func(em *entraid.Tenant) error { return em.DeleteGroup("g1") },
			want: want{removedUsers: []string{"u1", "u2"}, removedGroups: []string{"g1"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, fixture())
			s := e.source(func(o *Options) { o.Select = []string{"userPrincipalName", "mail", "jobTitle", "manager"} })
			e.read(s, true)
			must(t, tc.change(e.em))
			snap := e.read(s, true)
			if snap.Delta == nil {
				t.Fatalf("incremental read returned a full snapshot; notices %v", snap.Notices)
			}
			got := want{users: userIDs(snap.Users), groups: snap.Groups,
				removedUsers: snap.Delta.RemovedUsers, removedGroups: snap.Delta.RemovedGroups}
			w := tc.want
			if w.users == nil {
				w.users = []string{}
			}
			if !equalIDs(got.users, w.users) || !equalIDs(got.removedUsers, w.removedUsers) ||
				!equalIDs(got.removedGroups, w.removedGroups) || !equalGroups(got.groups, w.groups) {
				t.Errorf("got  users %v groups %+v removed users %v groups %v\nwant users %v groups %+v removed users %v groups %v",
					got.users, got.groups, got.removedUsers, got.removedGroups, w.users, w.groups, w.removedUsers, w.removedGroups)
			}
			if tc.check != nil {
				tc.check(t, snap)
			}
			// The next run sees nothing new.
			again := e.read(s, true)
			if len(again.Users)+len(again.Groups)+len(again.Delta.RemovedUsers)+len(again.Delta.RemovedGroups) != 0 {
				t.Errorf("a second incremental read repeated changes: %+v %+v", again, again.Delta)
			}
		})
	}
}

func equalIDs(a, b []string) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

func equalGroups(a, b []directory.Group) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

func TestCommitGatesTheWatermark(t *testing.T) {
	e := newEnv(t, fixture())
	s := e.source(nil)
	e.read(s, false) // a dry run: no Commit
	if snap := e.read(s, false); snap.Delta != nil {
		t.Fatal("a read after an uncommitted one was incremental; the dry run moved the watermark")
	}
	e.read(s, true)
	must(t, e.em.UpdateUser("u1", func(u *entraid.User) { u.JobTitle = "CTO" }))
	first := e.read(s, false) // applied but not committed (e.g. refused plan)
	second := e.read(s, true)
	if !reflect.DeepEqual(userIDs(first.Users), []string{"u1"}) || !reflect.DeepEqual(userIDs(second.Users), []string{"u1"}) {
		t.Errorf("an uncommitted change must come again: first %v, second %v", userIDs(first.Users), userIDs(second.Users))
	}
	full := e.source(func(o *Options) { o.Full = true })
	if snap := e.read(full, false); snap.Delta != nil || len(snap.Users) != 4 {
		t.Errorf("Full: delta %+v, %d users; want a full snapshot of 4", snap.Delta, len(snap.Users))
	}
}

func TestExpiredDeltaLinkFallsBackToFullRead(t *testing.T) {
	{
		em := fixture()
		e := newEnv(t, em)
		s := e.source(nil)
		e.read(s, true)
		must(t, em.DeleteUser("u3"))
		em.ExpireDeltaLinks()
		snap := e.read(s, true)
		if snap.Delta != nil {
			t.Fatalf("expired link: got an incremental snapshot")
		}
		if len(snap.Notices) != 1 || !strings.Contains(snap.Notices[0], "expired") || !strings.Contains(snap.Notices[0], "syncStateNotFound") {
			t.Errorf("notices = %q, want one saying the link expired (syncStateNotFound)", snap.Notices)
		}
		if got := userIDs(snap.Users); !reflect.DeepEqual(got, []string{"u1", "u2", "u6"}) {
			t.Errorf("users after fallback = %v", got)
		}
		if snap := e.read(s, true); snap.Delta == nil {
			t.Error("the read after the fallback should be incremental again")
		}
	}
}

func TestExpired400AlsoFallsBack(t *testing.T) {
	em := entraid.New(entraid.Options{ExpiredStatus: 400})
	em.AddUser(entraid.User{ID: "a", AccountEnabled: true})
	must(t, em.AssignUser("a"))
	e := newEnv(t, em)
	s := e.source(nil)
	e.read(s, true)
	em.ExpireDeltaLinks()
	if snap := e.read(s, true); snap.Delta != nil || len(snap.Notices) == 0 || !strings.Contains(snap.Notices[0], "400 syncStateNotFound") {
		t.Errorf("400 syncStateNotFound: delta %+v notices %q; want a full read and a notice", snap.Delta, snap.Notices)
	}
}

func TestThrottlingSlowsButLosesNothing(t *testing.T) {
	plain := newEnv(t, entraid.NewSample(entraid.Options{DeltaPageSize: 50, MembersPerDeltaEntry: 20}, sampledir.JSON(sampledir.Options{Users: 400, Groups: 8, Seed: 3})))
	want := plain.read(plain.source(nil), false)

	em := entraid.NewSample(entraid.Options{DeltaPageSize: 50, MembersPerDeltaEntry: 20}, sampledir.JSON(sampledir.Options{Users: 400, Groups: 8, Seed: 3}))
	em.SetThrottle(3, 20_000_000) // every 3rd request, Retry-After 0.020
	e := newEnv(t, em)
	got := e.read(e.source(nil), false)
	if !reflect.DeepEqual(got.Users, want.Users) || !reflect.DeepEqual(got.Groups, want.Groups) {
		t.Errorf("throttled read differs: %d users %d groups, want %d users %d groups", len(got.Users), len(got.Groups), len(want.Users), len(want.Groups))
	}
	st := em.Stats()
	if st.Throttled == 0 || len(e.sleeps) != st.Throttled {
		t.Errorf("throttled %d times, slept %d times; want a wait per 429", st.Throttled, len(e.sleeps))
	}
	for _, d := range e.sleeps {
		if d.Milliseconds() != 20 {
			t.Errorf("slept %v, want Retry-After's 20ms", d)
			break
		}
	}
}

func TestMissingPermissionIsNamed(t *testing.T) {
	em := fixture()
	em.SetPermissions("User.Read.All", "Application.Read.All")
	e := newEnv(t, em)
	_, err := e.source(nil).Read(context.Background())
	if err == nil || !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "GroupMember.Read.All") ||
		!strings.Contains(err.Error(), "Authorization_RequestDenied") {
		t.Fatalf("err = %v; want ErrAuth naming GroupMember.Read.All and Graph's code", err)
	}
}

func TestTransientGraphErrorIsNotAnExpiry(t *testing.T) {
	e := newEnv(t, fixture())
	s := e.source(nil)
	e.read(s, true)
	e.em.SetPermissions("User.Read.All", "GroupMember.Read.All")
	if _, err := s.Read(context.Background()); err == nil || !strings.Contains(err.Error(), "Application.Read.All") {
		t.Errorf("err = %v, want the missing Application.Read.All", err)
	}
}
