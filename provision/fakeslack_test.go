package provision

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/slackprov/slackprov/scim"
)

// fakeSlack is an in-memory Slack behind the engine's Slack interface: it
// keeps users and groups, refuses a second account with an email or
// userName, and can refuse every request as a revoked token would.
type fakeSlack struct {
	mu     sync.Mutex
	users  map[string]*scim.User
	groups map[string]*scim.Group
	next   int
	// revoked makes every call fail with Slack's 401.
	revoked bool
	// writes counts the requests that would change Slack.
	writes int
	// refuseCreate names a directory id (externalId) whose create Slack
	// refuses as invalid.
	refuseCreate string
}

func newFakeSlack() *fakeSlack {
	return &fakeSlack{users: map[string]*scim.User{}, groups: map[string]*scim.Group{}}
}

var _ Slack = (*fakeSlack)(nil)

func (f *fakeSlack) refuse() error {
	if f.revoked {
		return &scim.Error{Status: 401, Code: scim.CodeInvalidAuthentication, Detail: "invalid_authentication"}
	}
	return nil
}

func clone[T any](v *T) *T {
	data, _ := json.Marshal(v)
	var out T
	_ = json.Unmarshal(data, &out)
	return &out
}

func (f *fakeSlack) ListUsers(ctx context.Context, fn func(*scim.User) error) error {
	f.mu.Lock()
	if err := f.refuse(); err != nil {
		f.mu.Unlock()
		return err
	}
	var users []*scim.User
	for _, u := range f.users {
		users = append(users, clone(u))
	}
	f.mu.Unlock()
	sort.Slice(users, func(i, j int) bool { return users[i].ID < users[j].ID })
	for _, u := range users {
		if err := fn(u); err != nil {
			return err
		}
	}
	return nil
}

func (f *fakeSlack) ListGroups(ctx context.Context, fn func(*scim.Group) error) error {
	f.mu.Lock()
	if err := f.refuse(); err != nil {
		f.mu.Unlock()
		return err
	}
	var groups []*scim.Group
	for _, g := range f.groups {
		groups = append(groups, clone(g))
	}
	f.mu.Unlock()
	sort.Slice(groups, func(i, j int) bool { return groups[i].ID < groups[j].ID })
	for _, g := range groups {
		if err := fn(g); err != nil {
			return err
		}
	}
	return nil
}

func notFound(kind, id string) error {
	return &scim.Error{Status: 404, Code: "not_found", Detail: kind + " " + id + " not found"}
}

func (f *fakeSlack) GetUser(ctx context.Context, id string) (*scim.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.refuse(); err != nil {
		return nil, err
	}
	if u := f.users[id]; u != nil {
		return clone(u), nil
	}
	return nil, notFound("user", id)
}

func (f *fakeSlack) GetGroup(ctx context.Context, id string) (*scim.Group, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.refuse(); err != nil {
		return nil, err
	}
	if g := f.groups[id]; g != nil {
		return clone(g), nil
	}
	return nil, notFound("group", id)
}

func (f *fakeSlack) find(match func(*scim.User) bool) (*scim.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.refuse(); err != nil {
		return nil, err
	}
	for _, u := range f.users {
		if match(u) {
			return clone(u), nil
		}
	}
	return nil, nil
}

func (f *fakeSlack) FindUserByEmail(ctx context.Context, email string) (*scim.User, error) {
	return f.find(func(u *scim.User) bool { return holdsEmail(u, email) })
}

func (f *fakeSlack) FindUserByUserName(ctx context.Context, userName string) (*scim.User, error) {
	return f.find(func(u *scim.User) bool { return strings.EqualFold(u.UserName, userName) })
}

func (f *fakeSlack) CreateUser(ctx context.Context, u *scim.User) (*scim.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	if err := f.refuse(); err != nil {
		return nil, err
	}
	if u.ExternalID != "" && u.ExternalID == f.refuseCreate {
		return nil, &scim.Error{Status: 400, Code: "invalid_syntax", Detail: "invalid_syntax: a value Slack does not take"}
	}
	for _, o := range f.users {
		switch {
		case holdsEmail(o, u.PrimaryEmail()):
			return nil, &scim.Error{Status: 409, Code: scim.CodeEmailTaken, ExistingUserID: o.ID}
		case strings.EqualFold(o.UserName, u.UserName):
			return nil, &scim.Error{Status: 409, Code: scim.CodeUsernameTaken}
		}
	}
	f.next++
	c := clone(u)
	c.ID = fmt.Sprintf("U%04d", f.next)
	if c.Active == nil {
		active := true
		c.Active = &active
	}
	f.users[c.ID] = c
	return clone(c), nil
}

// PatchUser applies replace and remove operations at the user's JSON
// paths: top-level, dotted (name.givenName) and the enterprise extension's.
func (f *fakeSlack) PatchUser(ctx context.Context, id string, ops []scim.PatchOp) (*scim.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	if err := f.refuse(); err != nil {
		return nil, err
	}
	u := f.users[id]
	if u == nil {
		return nil, notFound("user", id)
	}
	var doc map[string]any
	data, _ := json.Marshal(u)
	_ = json.Unmarshal(data, &doc)
	for _, op := range ops {
		patchPath(doc, op)
	}
	data, _ = json.Marshal(doc)
	var out scim.User
	if err := json.Unmarshal(data, &out); err != nil {
		return nil, &scim.Error{Status: 400, Code: "invalid_syntax", Detail: err.Error()}
	}
	f.users[id] = &out
	return clone(&out), nil
}

func patchPath(doc map[string]any, op scim.PatchOp) {
	container, attr := doc, op.Path
	if i := strings.LastIndex(op.Path, ":"); i >= 0 {
		container, attr = child(doc, op.Path[:i]), op.Path[i+1:]
	} else if i := strings.Index(op.Path, "."); i >= 0 {
		container, attr = child(doc, op.Path[:i]), op.Path[i+1:]
	}
	if op.Op == "remove" {
		delete(container, attr)
		return
	}
	var v any
	data, _ := json.Marshal(op.Value)
	_ = json.Unmarshal(data, &v)
	container[attr] = v
}

func child(doc map[string]any, key string) map[string]any {
	m, ok := doc[key].(map[string]any)
	if !ok {
		m = map[string]any{}
		doc[key] = m
	}
	return m
}

func (f *fakeSlack) DeactivateUser(ctx context.Context, id string) error {
	_, err := f.PatchUser(ctx, id, []scim.PatchOp{{Op: "replace", Path: "active", Value: false}})
	return err
}

func (f *fakeSlack) CreateGroup(ctx context.Context, g *scim.Group) (*scim.Group, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	if err := f.refuse(); err != nil {
		return nil, err
	}
	for _, o := range f.groups {
		if strings.EqualFold(o.DisplayName, g.DisplayName) {
			return nil, &scim.Error{Status: 409, Code: "name_taken"}
		}
	}
	f.next++
	c := clone(g)
	c.ID = fmt.Sprintf("S%04d", f.next)
	f.groups[c.ID] = c
	return clone(c), nil
}

// group runs fn on a stored group, counting a write.
func (f *fakeSlack) group(id string, fn func(*scim.Group)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	if err := f.refuse(); err != nil {
		return err
	}
	g := f.groups[id]
	if g == nil {
		return notFound("group", id)
	}
	fn(g)
	return nil
}

func (f *fakeSlack) PatchGroup(ctx context.Context, id string, ops []scim.PatchOp) (*scim.Group, error) {
	var out *scim.Group
	err := f.group(id, func(g *scim.Group) {
		for _, op := range ops {
			if op.Path == "displayName" {
				g.DisplayName, _ = op.Value.(string)
			}
		}
		out = clone(g)
	})
	return out, err
}

func (f *fakeSlack) AddGroupMembers(ctx context.Context, id string, userIDs []string) error {
	return f.group(id, func(g *scim.Group) {
		for _, u := range userIDs {
			g.Members = append(g.Members, scim.Ref{Value: u})
		}
	})
}

func (f *fakeSlack) RemoveGroupMembers(ctx context.Context, id string, userIDs []string) error {
	drop := map[string]bool{}
	for _, u := range userIDs {
		drop[u] = true
	}
	return f.group(id, func(g *scim.Group) {
		kept := g.Members[:0]
		for _, m := range g.Members {
			if !drop[m.Value] {
				kept = append(kept, m)
			}
		}
		g.Members = kept
	})
}

func (f *fakeSlack) DeleteGroup(ctx context.Context, id string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.writes++
	if err := f.refuse(); err != nil {
		return err
	}
	if f.groups[id] == nil {
		return notFound("group", id)
	}
	delete(f.groups, id)
	return nil
}
