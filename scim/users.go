package scim

import (
	"context"
	"fmt"
	"strings"

	"github.com/slackprov/slackprov/schema"
)

// ListUsers calls fn once for every user in the org, deactivated ones
// included, in pages of 1000. It stops at the first error fn returns and
// returns that error unchanged.
func (c *Client) ListUsers(ctx context.Context, fn func(*User) error) error {
	return listAll(ctx, c, "Users", "", dialect.decodeUserList, func(u *User) string { return u.ID }, fn)
}

// FindUsers returns every user matching a raw SCIM filter expression.
func (c *Client) FindUsers(ctx context.Context, filter string) ([]*User, error) {
	var out []*User
	if c.generic() && !c.profile.Filter {
		// The server cannot filter: every lookup lists everyone, and the
		// callers keep only the exact match.
		filter = ""
	}
	err := listAll(ctx, c, "Users", filter, dialect.decodeUserList, func(u *User) string { return u.ID },
		func(u *User) error { out = append(out, u); return nil })
	return out, err
}

// FindUserByUserName returns the user whose userName equals userName
// (case-insensitively, as Slack compares), or nil, nil when there is none.
func (c *Client) FindUserByUserName(ctx context.Context, userName string) (*User, error) {
	users, err := c.FindUsers(ctx, "userName eq "+quoteFilterString(userName))
	if err != nil {
		return nil, err
	}
	// Checking the answer guards against a server that ignores the filter and
	// returns everyone: linking the wrong account would be far worse than none.
	for _, u := range users {
		if schema.Same(schema.UserName, u.UserName, userName) {
			return u, nil
		}
	}
	return nil, nil
}

// Slack orgs have been seen accepting either spelling of the email filter
// attribute, and rejecting the other.
const (
	emailFilterPlural   = "emails"
	emailFilterSingular = "email"
)

// FindUserByEmail returns the user holding email (primary or secondary), or
// nil, nil when there is none. It filters on "emails" and, if Slack rejects
// that as a bad query, on "email", and remembers the spelling that worked.
func (c *Client) FindUserByEmail(ctx context.Context, email string) (*User, error) {
	attrs := []string{emailFilterPlural, emailFilterSingular}
	if c.generic() {
		// RFC 7644's spelling first; "emails" as Slack takes it second.
		attrs = []string{"emails.value", emailFilterPlural}
	}
	if known, _ := c.emailFilter.Load().(string); known != "" {
		attrs = []string{known}
	}
	for i, attr := range attrs {
		users, err := c.FindUsers(ctx, attr+" eq "+quoteFilterString(email))
		if err != nil {
			if i+1 < len(attrs) && isFilterProblem(err) {
				continue
			}
			return nil, err
		}
		c.emailFilter.Store(attr)
		for _, u := range users {
			for _, e := range u.Emails {
				if schema.Same(schema.WorkEmail, e.Value, email) {
					return u, nil
				}
			}
		}
		return nil, nil
	}
	return nil, nil
}

// GetUser fetches one user. A user that does not exist is an error for which
// IsNotFound is true.
func (c *Client) GetUser(ctx context.Context, id string) (*User, error) {
	if err := validID("user", id); err != nil {
		return nil, err
	}
	body, err := c.do(ctx, request{method: "GET", resource: "Users", id: id})
	if err != nil {
		return nil, err
	}
	return c.decodeUserAnswer("GET /Users/"+id, body)
}

// CreateUser creates u and returns the user as Slack stored it.
//
// If the answer to a create is lost (a dropped connection, a 5xx from a
// proxy) the create is retried, and the retry can fail with email_taken or
// username_taken because the first attempt did create the user. That error
// is returned as is, not hidden: the caller recovers by looking the user up
// by email or userName (Error.ExistingUserID names it when Slack does).
func (c *Client) CreateUser(ctx context.Context, u *User) (*User, error) {
	body, err := c.do(ctx, request{method: "POST", resource: "Users", encode: func(d dialect) any { return d.encodeUser(u) }})
	if err != nil {
		return nil, err
	}
	return c.decodeUserAnswer("POST /Users", body)
}

// PatchUser applies ops to the user and returns the updated user.
func (c *Client) PatchUser(ctx context.Context, id string, ops []PatchOp) (*User, error) {
	if err := validID("user", id); err != nil {
		return nil, err
	}
	if len(ops) == 0 {
		return nil, fmt.Errorf("scim: PATCH /Users/%s: no operations to send", id)
	}
	if c.usesPut() {
		u, err := c.GetUser(ctx, id)
		if err != nil {
			return nil, err
		}
		if err := applyUserOps(u, ops); err != nil {
			return nil, err
		}
		return c.putUser(ctx, u)
	}
	body, err := c.do(ctx, request{method: "PATCH", resource: "Users", id: id,
		encode: func(d dialect) any { return d.encodePatch(ops) }})
	if err != nil {
		return nil, err
	}
	if len(strings.TrimSpace(string(body))) == 0 {
		// Slack answers with the user; a server that answers 204 instead
		// still owes the caller the result.
		return c.GetUser(ctx, id)
	}
	return c.decodeUserAnswer("PATCH /Users/"+id, body)
}

// DeactivateUser deactivates the user. On Slack that is DELETE
// /Users/{id}, which never deletes accounts; on a generic target it is
// active:false, and DELETE only when its profile says DELETE deactivates.
// ReactivateUser undoes it.
func (c *Client) DeactivateUser(ctx context.Context, id string) error {
	if err := validID("user", id); err != nil {
		return err
	}
	if c.generic() && !c.profile.DeleteDeactivates {
		_, err := c.PatchUser(ctx, id, []PatchOp{{Op: "replace", Path: schema.Active, Value: false}})
		return err
	}
	_, err := c.do(ctx, request{method: "DELETE", resource: "Users", id: id})
	return err
}

// ReactivateUser sets active:true on a deactivated user.
func (c *Client) ReactivateUser(ctx context.Context, id string) (*User, error) {
	return c.PatchUser(ctx, id, []PatchOp{{Op: "replace", Path: schema.Active, Value: true}})
}

func (c *Client) decodeUserAnswer(call string, body []byte) (*User, error) {
	u, err := c.endpoint().dialect.decodeUser(body)
	if err != nil {
		return nil, fmt.Errorf("slack SCIM %s: %w", call, err)
	}
	return u, nil
}
