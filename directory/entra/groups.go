package entra

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Least-privileged application permissions per call family.
const (
	permUsers  = "User.Read.All"
	permGroups = "GroupMember.Read.All"
	permApps   = "Application.Read.All"
)

// groupChange is what a /groups/delta round said about one group. In a
// first round adds is the whole direct user membership.
type groupChange struct {
	name    *string
	removed bool
	adds    []string
	dels    []string
}

// groupDelta is what a /groups/delta round said: each group's change, in
// first-seen order.
type groupDelta struct {
	changes map[string]*groupChange
	order   []string
}

// groupEntry is one /groups/delta entry. A big group's members arrive over
// several entries.
type groupEntry struct {
	ID          string          `json:"id"`
	DisplayName *string         `json:"displayName"`
	Removed     json.RawMessage `json:"@removed"`
	Members     []memberRef     `json:"members@delta"`
}

type memberRef struct {
	Type    string          `json:"@odata.type"`
	ID      string          `json:"id"`
	Removed json.RawMessage `json:"@removed"`
}

// isUser tells users from the other member kinds (nested groups, devices,
// contacts). Entra does not flow nested groups, so only users count.
func (m memberRef) isUser() bool {
	return m.Type == "" || strings.EqualFold(m.Type, "#microsoft.graph.user")
}

// fold merges one entry into the round, by group id.
func (d *groupDelta) fold(e *groupEntry) {
	if d.changes == nil {
		d.changes = map[string]*groupChange{}
	}
	ch := d.changes[e.ID]
	if ch == nil {
		ch = &groupChange{}
		d.changes[e.ID] = ch
		d.order = append(d.order, e.ID)
	}
	if e.Removed != nil {
		ch.removed = true
		return
	}
	ch.removed = false
	if e.DisplayName != nil {
		ch.name = e.DisplayName
	}
	for _, m := range e.Members {
		switch {
		case !m.isUser():
		case m.Removed != nil:
			ch.dels = append(ch.dels, m.ID)
		default:
			ch.adds = append(ch.adds, m.ID)
		}
	}
}

// groupRound runs a /groups/delta round to its deltaLink.
func (s *Source) groupRound(ctx context.Context, first string) (string, groupDelta, error) {
	var d groupDelta
	link, err := each(ctx, s.graph, first, permGroups, func(e *groupEntry) error {
		d.fold(e)
		return nil
	})
	return link, d, err
}

func (s *Source) groupsDeltaStart() string {
	return s.graph.url("groups/delta", url.Values{"$select": {"displayName,members"}})
}

func (s *Source) usersDeltaStart() string {
	sel := strings.Join(s.sel.props, ",")
	if s.sel.manager {
		sel += ",manager"
	}
	return s.graph.url("users/delta", url.Values{"$select": {sel}, "$deltatoken": {"latest"}})
}

// readAssignments lists the app's appRoleAssignedTo: one call per 999
// assignments. The appId alternate key saves looking up the service
// principal's object id first.
func (s *Source) readAssignments(ctx context.Context) (users, groups []string, err error) {
	u := s.graph.url("servicePrincipals(appId='"+s.opts.AppID+"')/appRoleAssignedTo",
		url.Values{"$select": {"principalId,principalType"}, "$top": {"999"}})
	_, err = each(ctx, s.graph, u, permApps, func(a *struct {
		PrincipalID   string `json:"principalId"`
		PrincipalType string `json:"principalType"`
	}) error {
		switch a.PrincipalType {
		case "User":
			users = append(users, a.PrincipalID)
		case "Group":
			groups = append(groups, a.PrincipalID)
		}
		return nil
	})
	if isNotFound(err) {
		return nil, nil, fmt.Errorf("entra: no enterprise application with appId %s in this tenant; check source.entra.app_id (Enterprise applications → Slack → Application ID): %w", s.opts.AppID, err)
	}
	return dedupe(users), dedupe(groups), err
}

// fetchGroup reads one group's name and direct user members (two calls, and
// one more per 999 members).
func (s *Source) fetchGroup(ctx context.Context, id string) (*groupState, error) {
	var g struct {
		DisplayName string `json:"displayName"`
	}
	esc := url.PathEscape(id)
	if err := s.graph.get(ctx, s.graph.url("groups/"+esc, url.Values{"$select": {"id,displayName"}}), permGroups, &g); err != nil {
		return nil, err
	}
	st := &groupState{Name: g.DisplayName, Members: []string{}}
	_, err := each(ctx, s.graph, s.graph.url("groups/"+esc+"/members", url.Values{"$select": {"id"}, "$top": {"999"}}), permGroups,
		func(m *memberRef) error {
			if m.isUser() {
				st.Members = append(st.Members, m.ID)
			}
			return nil
		})
	return st, err
}

func dedupe(ids []string) []string {
	seen := map[string]bool{}
	out := ids[:0:0]
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
