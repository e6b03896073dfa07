package scim

import (
	"context"
	"fmt"
	"strings"

	"github.com/slackprov/slackprov/schema"
)

// memberBatch is Slack's recommended ceiling of members per request; it
// accepts up to 15,000 but suggests 5,000.
const memberBatch = 5000

// ListGroups calls fn once for every group, in pages of 1000. It stops at the
// first error fn returns and returns that error unchanged.
func (c *Client) ListGroups(ctx context.Context, fn func(*Group) error) error {
	return listAll(ctx, c, "Groups", "", dialect.decodeGroupList, func(g *Group) string { return g.ID }, fn)
}

// GetGroup fetches one group with its members. A group that does not exist
// is an error for which IsNotFound is true.
func (c *Client) GetGroup(ctx context.Context, id string) (*Group, error) {
	if err := validID("group", id); err != nil {
		return nil, err
	}
	body, err := c.do(ctx, request{method: "GET", resource: "Groups", id: id})
	if err != nil {
		return nil, err
	}
	return c.decodeGroupAnswer("GET /Groups/"+id, body)
}

// CreateGroup creates g. Members beyond the first 5,000 are added in further
// batches after the create. If one of those fails, the created group is
// returned together with the error so the caller can record its id.
func (c *Client) CreateGroup(ctx context.Context, g *Group) (*Group, error) {
	first := *g
	var rest []Ref
	if len(g.Members) > memberBatch {
		first.Members, rest = g.Members[:memberBatch], g.Members[memberBatch:]
	}
	body, err := c.do(ctx, request{method: "POST", resource: "Groups", encode: func(d dialect) any { return d.encodeGroup(&first) }})
	if err != nil {
		return nil, err
	}
	created, err := c.decodeGroupAnswer("POST /Groups", body)
	if err != nil || len(rest) == 0 {
		return created, err
	}
	ids := make([]string, len(rest))
	for i, m := range rest {
		ids[i] = m.Value
	}
	if err := c.AddGroupMembers(ctx, created.ID, ids); err != nil {
		return created, fmt.Errorf("group %q was created with its first %d members, adding the other %d failed: %w",
			created.ID, memberBatch, len(rest), err)
	}
	created.Members = append(created.Members, rest...)
	return created, nil
}

// PatchGroup applies ops to the group and returns the updated group.
func (c *Client) PatchGroup(ctx context.Context, id string, ops []PatchOp) (*Group, error) {
	body, err := c.patchGroup(ctx, id, ops)
	if err != nil {
		return nil, err
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		return c.GetGroup(ctx, id)
	}
	return c.decodeGroupAnswer("PATCH /Groups/"+id, body)
}

func (c *Client) patchGroup(ctx context.Context, id string, ops []PatchOp) ([]byte, error) {
	if err := validID("group", id); err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("scim: PATCH /Groups/%s: no operations to send", id)
	}
	if c.usesPut() {
		g, err := c.GetGroup(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := applyGroupOps(g, ops); err != nil {
			return nil, err
		}
		return nil, c.putGroup(ctx, g)
	}
	return c.do(ctx, request{method: "PATCH", resource: "Groups", id: id,
		encode: func(d dialect) any { return d.encodePatch(ops) }})
}

// AddGroupMembers adds users to the group, at most 5,000 per request. On a
// failure, the batches before it have been applied; adding them again is
// harmless.
func (c *Client) AddGroupMembers(ctx context.Context, id string, userIDs []string) error {
	for start := 0; start < len(userIDs); start += memberBatch {
		batch := userIDs[start:min(start+memberBatch, len(userIDs))]
		refs := make([]Ref, len(batch))
		for i, u := range batch {
			refs[i] = Ref{Value: u}
		}
		if _, err := c.patchGroup(ctx, id, []PatchOp{{Op: "add", Path: schema.Members, Value: refs}}); err != nil {
			return fmt.Errorf("adding members %d-%d of %d: %w", start+1, start+len(batch), len(userIDs), err)
		}
	}
	return nil
}

// RemoveGroupMembers removes users from the group, one remove operation per
// member and at most 5,000 operations per request.
func (c *Client) RemoveGroupMembers(ctx context.Context, id string, userIDs []string) error {
	for start := 0; start < len(userIDs); start += memberBatch {
		batch := userIDs[start:min(start+memberBatch, len(userIDs))]
		ops := make([]PatchOp, len(batch))
		for i, u := range batch {
			ops[i] = PatchOp{Op: "remove", Path: c.endpoint().dialect.memberPath(u)}
		}
		if _, err := c.patchGroup(ctx, id, ops); err != nil {
			return fmt.Errorf("removing members %d-%d of %d: %w", start+1, start+len(batch), len(userIDs), err)
		}
	}
	return nil
}

// DeleteGroup deletes the group; its members' accounts are untouched. On
// Enterprise Grid the members stay in workspaces the group was connected to.
func (c *Client) DeleteGroup(ctx context.Context, id string) error {
	if err := validID("group", id); err != nil {
		return err
	}
	_, err := c.do(ctx, request{method: "DELETE", resource: "Groups", id: id})
	return err
}

func (c *Client) decodeGroupAnswer(call string, body []byte) (*Group, error) {
	g, err := c.endpoint().dialect.decodeGroup(body)
	if err != nil {
		return nil, fmt.Errorf("slack SCIM %s: %w", call, err)
	}
	return g, nil
}
