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

// groupRound runs a /groups/delta round to its deltaLink. A big group's
// members arrive over several entries; they are merged by id. Members that
// are not users (nested groups, devices, contacts) are dropped: Entra does
// not flow nested groups.
func (s *Source) groupRound(ctx context.Context, first string) (string, map[string]*groupChange, []string, error) {
	changes := map[string]*groupChange{}
	var order []string
	link, err := s.graph.each(ctx, first, permGroups, func(raw json.RawMessage) error {
		var g struct {
			ID          string          `json:"id"`
			DisplayName *string         `json:"displayName"`
			Removed     json.RawMessage `json:"@removed"`
			Members     []struct {
				Type    string          `json:"@odata.type"`
				ID      string          `json:"id"`
				Removed json.RawMessage `json:"@removed"`
			} `json:"members@delta"`
		}
		if err := json.Unmarshal(raw, &g); err != nil {
			return fmt.Errorf("entra: a /groups/delta entry is not a group: %w", err)
		}
		ch := changes[g.ID]
		if ch == nil {
			ch = &groupChange{}
			changes[g.ID] = ch
			order = append(order, g.ID)
		}
		if g.Removed != nil {
			ch.removed = true
			return nil
		}
		ch.removed = false
		if g.DisplayName != nil {
			ch.name = g.DisplayName
		}
		for _, m := range g.Members {
			if m.Type != "" && !strings.EqualFold(m.Type, "#microsoft.graph.user") {
				continue
			}
			if m.Removed != nil {
				ch.dels = append(ch.dels, m.ID)
			} else {
				ch.adds = append(ch.adds, m.ID)
			}
		}
		return nil
	})
	return link, changes, order, err
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
	_, err = s.graph.each(ctx, u, permApps, func(raw json.RawMessage) error {
		var a struct {
			PrincipalID   string `json:"principalId"`
			PrincipalType string `json:"principalType"`
		}
		if err := json.Unmarshal(raw, &a); err != nil {
			return fmt.Errorf("entra: an appRoleAssignedTo entry is not an assignment: %w", err)
		}
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
	_, err := s.graph.each(ctx, s.graph.url("groups/"+esc+"/members", url.Values{"$select": {"id"}, "$top": {"999"}}), permGroups,
		func(raw json.RawMessage) error {
			var m struct {
				Type string `json:"@odata.type"`
				ID   string `json:"id"`
			}
			if err := json.Unmarshal(raw, &m); err != nil {
				return fmt.Errorf("entra: a member of group %s is not a directory object: %w", id, err)
			}
			if m.Type == "" || strings.EqualFold(m.Type, "#microsoft.graph.user") {
				st.Members = append(st.Members, m.ID)
			}
			return nil
		})
	return st, err
}

// fetchUser reads one user in full, manager included.
func (s *Source) fetchUser(ctx context.Context, id string) (parsedUser, error) {
	q := url.Values{"$select": {strings.Join(s.sel.props, ",")}}
	if s.sel.manager {
		q.Set("$expand", "manager($select=id)")
	}
	var raw json.RawMessage
	if err := s.graph.get(ctx, s.graph.url("users/"+url.PathEscape(id), q), permUsers, &raw); err != nil {
		return parsedUser{}, err
	}
	return parseUser(raw, s.sel, false)
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
