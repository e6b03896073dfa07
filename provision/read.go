package provision

import (
	"context"
	"fmt"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/scim"
)

// ReadSlack lists every Slack user and group, in pages of 1000.
func ReadSlack(ctx context.Context, c *scim.Client) ([]*scim.User, []*scim.Group, error) {
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

func listGroups(ctx context.Context, c *scim.Client) ([]*scim.Group, error) {
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
// mapping's matching attributes), and the groups it names. An unchanged
// directory means no Slack call at all.
func ReadSlackFor(ctx context.Context, c *scim.Client, snap *directory.Snapshot, userLinks, groupLinks map[string]string, m *mapping.Compiled) ([]*scim.User, []*scim.Group, error) {
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
	for i := range snap.Users {
		du := &snap.Users[i]
		found, err := byLink(du.ID)
		if err != nil || found {
			if err != nil {
				return nil, nil, err
			}
			continue
		}
		vals := m.EvalUser(du, false).Values
		for _, attr := range m.UserMatching() {
			v := vals[attr]
			if v == "" {
				continue
			}
			var u *scim.User
			switch attr {
			case scim.AttrWorkEmail:
				u, err = c.FindUserByEmail(ctx, v)
			case scim.AttrUserName:
				u, err = c.FindUserByUserName(ctx, v)
			}
			if err != nil {
				return nil, nil, fmt.Errorf("looking up %s %q in Slack: %w", attr, v, err)
			}
			if u != nil {
				keep(u)
				break
			}
		}
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
