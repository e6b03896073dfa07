package entra

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/directory"
)

// The scope arithmetic of an incremental read, without Graph: each case is
// the saved state, what the deltas and assignments say now, and what Graph
// answers for the users read whole.
func TestReconcile(t *testing.T) {
	eng := func(members ...string) *groupState { return &groupState{Name: "Engineering", Members: members} }
	ops := func(members ...string) *groupState { return &groupState{Name: "Ops", Members: members} }
	prevAssigned := func() *syncState {
		return &syncState{DirectUsers: []string{"u9"}, Groups: map[string]*groupState{"g1": eng("u1", "u2"), "g2": ops("u3")}}
	}
	name := func(s string) *string { return &s }
	type want struct {
		toRead        []string // groups read whole
		reads         []string // users returned, in order; "*" marks a read from Graph
		users         []string
		groups        []directory.Group
		removedUsers  []string
		removedGroups []string
	}
	tests := []struct {
		name    string
		in      deltaInput
		fetched map[string]directory.User // what Graph answers; an id missing here is 404
		want    want
	}{{
		name: "nothing changed",
		in:   deltaInput{prev: prevAssigned(), direct: []string{"u9"}, assigned: []string{"g1", "g2"}},
		want: want{},
	}, {
		name: "a changed user in scope comes from its delta entry; one out of scope is ignored",
		in: deltaInput{prev: prevAssigned(), direct: []string{"u9"}, assigned: []string{"g1", "g2"},
			users: delta(changed("u2", true), changed("u7", true))},
		want: want{reads: []string{"u2"}, users: []string{"u2"}},
	}, {
		name: "a changed user whose entry does not name the manager is read whole when mappings need it",
		in: deltaInput{prev: prevAssigned(), direct: []string{"u9"}, assigned: []string{"g1", "g2"}, needManager: true,
			users: delta(changed("u2", false), changed("u3", true))},
		fetched: map[string]directory.User{"u2": {ID: "u2"}},
		want:    want{reads: []string{"*u2", "u3"}, users: []string{"u2", "u3"}},
	}, {
		name:    "a direct assignment brings a user into scope; an unassigned one leaves",
		in:      deltaInput{prev: prevAssigned(), direct: []string{"u8"}, assigned: []string{"g1", "g2"}},
		fetched: map[string]directory.User{"u8": {ID: "u8"}},
		want:    want{reads: []string{"*u8"}, users: []string{"u8"}, removedUsers: []string{"u9"}},
	}, {
		name: "group membership changes: the new member is read, the old one leaves, the group is returned",
		in: deltaInput{prev: prevAssigned(), direct: []string{"u9"}, assigned: []string{"g1", "g2"},
			groups: gdelta(map[string]*groupChange{"g1": {adds: []string{"u4"}, dels: []string{"u1"}}})},
		fetched: map[string]directory.User{"u4": {ID: "u4"}},
		want: want{reads: []string{"*u4"}, users: []string{"u4"}, removedUsers: []string{"u1"},
			groups: []directory.Group{{ID: "g1", DisplayName: "Engineering", Members: []string{"u2", "u4"}}}},
	}, {
		name: "a member still assigned through another group stays",
		in: deltaInput{prev: &syncState{Groups: map[string]*groupState{"g1": eng("u1"), "g2": ops("u1")}}, assigned: []string{"g1", "g2"},
			groups: gdelta(map[string]*groupChange{"g1": {dels: []string{"u1"}}})},
		want: want{groups: []directory.Group{{ID: "g1", DisplayName: "Engineering", Members: []string{}}}},
	}, {
		name: "a renamed group is returned; an unassigned group and its only members leave",
		in: deltaInput{prev: prevAssigned(), direct: []string{"u9"}, assigned: []string{"g1"},
			groups: gdelta(map[string]*groupChange{"g1": {name: name("Platform")}})},
		want: want{removedUsers: []string{"u3"}, removedGroups: []string{"g2"},
			groups: []directory.Group{{ID: "g1", DisplayName: "Platform", Members: []string{"u1", "u2"}}}},
	}, {
		name: "a group deleted in Entra leaves scope although still assigned",
		in: deltaInput{prev: prevAssigned(), direct: []string{"u9"}, assigned: []string{"g1", "g2"},
			groups: gdelta(map[string]*groupChange{"g2": {removed: true}})},
		want: want{removedUsers: []string{"u3"}, removedGroups: []string{"g2"}},
	}, {
		name: "a newly assigned group is read whole, and its members are read",
		in: deltaInput{prev: prevAssigned(), direct: []string{"u9"}, assigned: []string{"g1", "g2", "g3"},
			read: map[string]*groupState{"g3": {Name: "Sales", Members: []string{"u2", "u5"}}}},
		fetched: map[string]directory.User{"u5": {ID: "u5"}},
		want: want{toRead: []string{"g3"}, reads: []string{"*u5"}, users: []string{"u5"},
			groups: []directory.Group{{ID: "g3", DisplayName: "Sales", Members: []string{"u2", "u5"}}}},
	}, {
		name: "a newly assigned group that is gone by the time it is read is skipped",
		in:   deltaInput{prev: prevAssigned(), direct: []string{"u9"}, assigned: []string{"g1", "g2", "g3"}},
		want: want{toRead: []string{"g3"}},
	}, {
		name: "a deleted user leaves its groups and the scope",
		in: deltaInput{prev: prevAssigned(), direct: []string{"u9"}, assigned: []string{"g1", "g2"},
			users: delta(deleted("u1"))},
		want: want{removedUsers: []string{"u1"},
			groups: []directory.Group{{ID: "g1", DisplayName: "Engineering", Members: []string{"u2"}}}},
	}, {
		name: "a user read whole that Graph no longer has leaves scope and its group's member list",
		in: deltaInput{prev: prevAssigned(), direct: []string{"u9"}, assigned: []string{"g1", "g2"},
			groups: gdelta(map[string]*groupChange{"g2": {adds: []string{"u6"}}})},
		want: want{reads: []string{"*u6"},
			groups: []directory.Group{{ID: "g2", DisplayName: "Ops", Members: []string{"u3"}}}},
	}, {
		name: "failed last time: an unchanged user in scope is read again, one out of scope is removed again, a group is returned",
		in: deltaInput{prev: prevAssigned(), direct: []string{"u9"}, assigned: []string{"g1", "g2"},
			retry: Retry{Users: []string{"u1", "u7", "u1"}, Groups: []string{"g2", "g8"}}},
		fetched: map[string]directory.User{"u1": {ID: "u1"}},
		want: want{reads: []string{"*u1"}, users: []string{"u1"}, removedUsers: []string{"u7"},
			groups: []directory.Group{{ID: "g2", DisplayName: "Ops", Members: []string{"u3"}}}},
	}, {
		name: "nested groups do not flow: the delta round drops non-user members",
		in: deltaInput{prev: prevAssigned(), direct: []string{"u9"}, assigned: []string{"g1", "g2"},
			groups: gdeltaOf(t, `{"id":"g2","members@delta":[{"@odata.type":"#microsoft.graph.group","id":"g5"},{"@odata.type":"#microsoft.graph.user","id":"u5"}]}`)},
		fetched: map[string]directory.User{"u5": {ID: "u5"}},
		want: want{reads: []string{"*u5"}, users: []string{"u5"},
			groups: []directory.Group{{ID: "g2", DisplayName: "Ops", Members: []string{"u3", "u5"}}}},
	}, {
		name: "scope all: changed users are returned, deleted and vanished ones removed, new groups taken from the delta",
		in: deltaInput{all: true, needManager: true,
			prev:   &syncState{Groups: map[string]*groupState{"g1": eng("u1", "u2")}},
			users:  delta(changed("u2", true), changed("u4", false), deleted("u1")),
			groups: gdelta(map[string]*groupChange{"g7": {name: name("New"), adds: []string{"u2", "u4", "u2"}}}),
			retry:  Retry{Users: []string{"u1", "u3"}}},
		fetched: map[string]directory.User{"u3": {ID: "u3"}},
		want: want{reads: []string{"u2", "*u4", "*u3"}, users: []string{"u2", "u3"}, removedUsers: []string{"u1", "u4"},
			groups: []directory.Group{{ID: "g1", DisplayName: "Engineering", Members: []string{"u2"}},
				{ID: "g7", DisplayName: "New", Members: []string{"u2"}}}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if got := groupsToRead(&in); !equalIDs(got, tt.want.toRead) {
				t.Errorf("groups read whole = %v, want %v", got, tt.want.toRead)
			}
			rec := reconcile(&in)
			var reads []string
			gone := map[string]bool{}
			for _, r := range rec.reads {
				if r.user != nil {
					reads = append(reads, r.id)
					continue
				}
				reads = append(reads, "*"+r.id)
				if _, ok := tt.fetched[r.id]; !ok {
					gone[r.id] = true
				}
			}
			if !equalIDs(reads, tt.want.reads) {
				t.Errorf("reads = %v, want %v", reads, tt.want.reads)
			}
			snap := rec.assemble(tt.fetched, gone)
			if got := userIDs(snap.Users); !equalIDs(got, tt.want.users) {
				t.Errorf("users = %v, want %v", got, tt.want.users)
			}
			if !equalGroups(snap.Groups, tt.want.groups) {
				t.Errorf("groups = %+v, want %+v", snap.Groups, tt.want.groups)
			}
			if !equalIDs(snap.Delta.RemovedUsers, tt.want.removedUsers) || !equalIDs(snap.Delta.RemovedGroups, tt.want.removedGroups) {
				t.Errorf("removed users %v, groups %v; want %v, %v", snap.Delta.RemovedUsers, snap.Delta.RemovedGroups,
					tt.want.removedUsers, tt.want.removedGroups)
			}
		})
	}
}

// The reconciliation copies the saved groups: a read that is never
// committed must not change the state the next read starts from.
func TestReconcileLeavesTheSavedStateAlone(t *testing.T) {
	prev := &syncState{Groups: map[string]*groupState{"g1": {Name: "G", Members: []string{"u1", "u2"}}}}
	in := deltaInput{prev: prev, assigned: []string{"g1"}, users: delta(deleted("u1")),
		groups: gdelta(map[string]*groupChange{"g1": {adds: []string{"u3"}}})}
	reconcile(&in)
	if got := prev.Groups["g1"].Members; !reflect.DeepEqual(got, []string{"u1", "u2"}) {
		t.Errorf("saved members = %v, want [u1 u2]", got)
	}
}

func TestGraphUserDecodesOnce(t *testing.T) {
	sel := planSelect([]string{"city", "extensionAttribute3", "telephoneNumber", "manager"})
	var p page[graphUserExtra]
	raw := `{"value":[
		{"id":"u1","mail":"a@x.com","accountEnabled":false,"city":"Oslo","businessPhones":["+47 1","+47 2"],
		 "onPremisesExtensionAttributes":{"ExtensionAttribute3":"E3"},"manager":{"id":"m1"},"jobTitle":7},
		"not a user",
		{"id":"u2","@removed":{"reason":"changed"}},
		{"id":"u3","manager@delta":[{"id":"m1","@removed":{}},{"id":"m2"}],"accountEnabled":"false"}]}`
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatal(err)
	}
	u1, known := p.Value[0].directoryUser(sel, false)
	want := directory.User{ID: "u1", Mail: "a@x.com", Manager: "m1",
		Extra: map[string]string{"city": "Oslo", "extensionAttribute3": "E3", "telephoneNumber": "+47 1"}}
	if !known || !reflect.DeepEqual(u1, want) {
		t.Errorf("u1 = %+v (manager known %v), want %+v", u1, known, want)
	}
	if err := p.Value[1].err; err == nil || !strings.Contains(err.Error(), "not \"not a user\"") {
		t.Errorf("a string item: err = %v, want one naming what it is", err)
	}
	if p.Value[2].wire.Removed == nil || p.Value[2].wire.ID != "u2" {
		t.Errorf("removed entry = %+v", p.Value[2])
	}
	u3, known := p.Value[3].directoryUser(sel, true)
	if !known || u3.Manager != "m2" || !u3.AccountEnabled {
		t.Errorf("u3 = %+v (manager known %v), want manager m2 from the delta, enabled unless accountEnabled is false", u3, known)
	}
	if _, known := p.Value[0].directoryUser(sel, true); known {
		t.Error("a delta entry without manager@delta must not claim to know the manager")
	}
}

func delta(entries ...func(*userDelta)) userDelta {
	var d userDelta
	for _, e := range entries {
		e(&d)
	}
	return d
}

func changed(id string, managerKnown bool) func(*userDelta) {
	return func(d *userDelta) { d.add(id, &changedUser{user: directory.User{ID: id}, managerKnown: managerKnown}) }
}

func deleted(id string) func(*userDelta) { return func(d *userDelta) { d.add(id, nil) } }

func gdelta(changes map[string]*groupChange) groupDelta {
	d := groupDelta{changes: changes}
	for id := range changes {
		d.order = append(d.order, id)
	}
	return d
}

// gdeltaOf folds /groups/delta entries as Graph sends them.
func gdeltaOf(t *testing.T, entries ...string) groupDelta {
	var d groupDelta
	for _, raw := range entries {
		var e groupEntry
		if err := json.Unmarshal([]byte(raw), &e); err != nil {
			t.Fatal(err)
		}
		d.fold(&e)
	}
	return d
}
