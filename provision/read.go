package provision

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/scim"
)

// ReadSlack lists every Slack user and group, in pages of 1000.
func ReadSlack(ctx context.Context, c SlackReader) ([]*scim.User, []*scim.Group, error) {
	var users []*scim.User
	if err := c.ListUsers(ctx, func(u *scim.User) error {
		users = append(users, u)
		return nil
	}); err != nil {
		return nil, nil, fmt.Errorf("listing Slack users: %w", err)
	}
	groups, err := listGroups(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	return users, groups, nil
}

func listGroups(ctx context.Context, c SlackReader) ([]*scim.Group, error) {
	var groups []*scim.Group
	if err := c.ListGroups(ctx, func(g *scim.Group) error {
		groups = append(groups, g)
		return nil
	}); err != nil {
		return nil, fmt.Errorf("listing Slack groups: %w", err)
	}
	return groups, nil
}

// ReadSlackFor reads only the Slack objects an incremental snapshot may
// change: one read per changed or removed user (by link, else by the
// mapping's matching attributes), for a user with no account the
// SelectUniqueValue candidates up to the first free one, and the groups it
// names. An unchanged directory means no Slack call at all.
func ReadSlackFor(ctx context.Context, c SlackReader, snap *directory.Snapshot, userLinks, groupLinks map[string]string, m *mapping.Compiled) ([]*scim.User, []*scim.Group, error) {
	seen := map[string]bool{}
	var users []*scim.User
	keep := func(u *scim.User) {
		if u != nil && !seen[u.ID] {
			seen[u.ID] = true
			users = append(users, u)
		}
	}
	byLink := func(src string) (bool, error) {
		id, ok := userLinks[src]
		if !ok {
			return false, nil
		}
		u, err := c.GetUser(ctx, id)
		if scim.IsNotFound(err) {
			return false, nil
		}
		if err != nil {
			return false, fmt.Errorf("reading Slack user %s (directory user %s): %w", id, src, err)
		}
		keep(u)
		return true, nil
	}
	find := func(attr, v string) (*scim.User, error) {
		var u *scim.User
		var err error
		switch attr {
		case scim.AttrWorkEmail:
			u, err = c.FindUserByEmail(ctx, v)
		case scim.AttrUserName:
			u, err = c.FindUserByUserName(ctx, v)
		}
		if err != nil {
			return nil, fmt.Errorf("looking up %s %q in Slack: %w", attr, v, err)
		}
		return u, nil
	}
	var unmatched []*directory.User
	// What matched users hold may look taken to the planner too.
	reserved := map[string]map[string]bool{scim.AttrUserName: {}, scim.AttrWorkEmail: {}}
	for i := range snap.Users {
		du := &snap.Users[i]
		found, err := byLink(du.ID)
		if err != nil {
			return nil, nil, err
		}
		vals := m.EvalUser(du, false).Values
		for _, attr := range []string{scim.AttrUserName, scim.AttrWorkEmail} {
			if v := vals[attr]; v != "" {
				reserved[attr][strings.ToLower(v)] = true
			}
		}
		if found {
			continue
		}
		for _, attr := range m.UserMatching() {
			if vals[attr] == "" {
				continue
			}
			u, err := find(attr, vals[attr])
			if err != nil {
				return nil, nil, err
			}
			if u != nil {
				keep(u)
				found = true
				break
			}
		}
		if !found {
			unmatched = append(unmatched, du)
		}
	}
	if err := readCandidates(unmatched, reserved, m, find, keep); err != nil {
		return nil, nil, err
	}
	for _, src := range snap.Delta.RemovedUsers {
		if _, err := byLink(src); err != nil {
			return nil, nil, err
		}
	}
	if len(snap.Groups) == 0 && len(snap.Delta.RemovedGroups) == 0 {
		return users, nil, nil
	}
	// Groups are few; one listing matches new ones by name and verifies the rest.
	groups, err := listGroups(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	return users, groups, nil
}

// readCandidates asks Slack about the SelectUniqueValue candidates of the
// users an incremental read found no account for (the creates), so that the
// planner, which picks the first candidate no Slack account holds, picks
// what it would pick knowing every account. A full read knows them all
// already. Users go in the planner's order (by id); for each, candidates
// are looked up until one is neither in Slack nor possibly chosen by an
// earlier user of this read (reserved, which starts with what matched users
// hold). The planner treats as taken at most what Slack and reserved hold, so
// every candidate it can reach has been looked up.
func readCandidates(users []*directory.User, reserved map[string]map[string]bool, m *mapping.Compiled, find func(attr, v string) (*scim.User, error), keep func(*scim.User)) error {
	sort.Slice(users, func(i, j int) bool { return users[i].ID < users[j].ID })
	for _, du := range users {
		if !m.UserInScope(du) {
			continue
		}
		res := m.EvalUser(du, true)
		if !activeValue(res.Values) {
			continue
		}
		for target, taken := range reserved {
			cands, ok := res.Candidates[target]
			if !ok {
				if v := res.Values[target]; v != "" {
					taken[strings.ToLower(v)] = true
				}
				continue
			}
			for _, v := range cands {
				key := strings.ToLower(v)
				u, err := find(target, v)
				if err != nil {
					return err
				}
				free := u == nil && !taken[key]
				keep(u)
				taken[key] = true
				if free {
					break
				}
			}
		}
	}
	return nil
}
