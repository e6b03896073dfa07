package provision

import (
	"context"
	"fmt"

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
	var groups []*scim.Group
	if err := c.ListGroups(ctx, func(g *scim.Group) error {
		groups = append(groups, g)
		return nil
	}); err != nil {
		return nil, nil, fmt.Errorf("listing Slack groups: %w", err)
	}
	return users, groups, nil
}
