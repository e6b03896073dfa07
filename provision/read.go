package provision

import (
	"context"
	"fmt"
	"sort"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/schema"
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
	r := &slackReader{ctx: ctx, c: c, links: userLinks, seen: map[string]bool{}}
	unmatched, reserved, err := r.changedUsers(snap.Users, m)
	if err != nil {
		return nil, nil, err
	}
	if err := readCandidates(unmatched, reserved, m, r.find, r.keep); err != nil {
		return nil, nil, err
	}
	for _, src := range snap.Delta.RemovedUsers {
		if _, err := r.byLink(src); err != nil {
			return nil, nil, err
		}
	}
	if len(snap.Groups) == 0 && len(snap.Delta.RemovedGroups) == 0 {
		return r.users, nil, nil
	}
	// Groups are few; one listing matches new ones by name and verifies the rest.
	groups, err := listGroups(ctx, c)
	if err != nil {
		return nil, nil, err
	}
	return r.users, groups, nil
}

// slackReader collects the Slack users an incremental read finds, each once.
type slackReader struct {
	ctx   context.Context
	c     SlackReader
	links map[string]string
	seen  map[string]bool
	users []*scim.User
}

func (r *slackReader) keep(u *scim.User) {
	if u != nil && !r.seen[u.ID] {
		r.seen[u.ID] = true
		r.users = append(r.users, u)
	}
}

// byLink reads the account linked to a directory user; false when there is
// no link or the account is gone.
func (r *slackReader) byLink(src string) (bool, error) {
	id, ok := r.links[src]
	if !ok {
		return false, nil
	}
	u, err := r.c.GetUser(r.ctx, id)
	if scim.IsNotFound(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading Slack user %s (directory user %s): %w", id, src, err)
	}
	r.keep(u)
	return true, nil
}

// find asks Slack for the account a unique attribute's value finds.
func (r *slackReader) find(attr, v string) (*scim.User, error) {
	if _, ok := matchKey(attr, v); !ok {
		return nil, nil
	}
	lookup := r.c.FindUserByUserName
	if attr == schema.WorkEmail {
		lookup = r.c.FindUserByEmail
	}
	u, err := lookup(r.ctx, v)
	if err != nil {
		return nil, fmt.Errorf("looking up %s %q in Slack: %w", attr, v, err)
	}
	return u, nil
}

// changedUsers reads the account of each changed directory user and returns
// the users it found none for, with the userNames and emails that every
// changed user holds now (which may look taken to the planner too).
func (r *slackReader) changedUsers(users []directory.User, m *mapping.Compiled) ([]*directory.User, map[nameKey]bool, error) {
	var unmatched []*directory.User
	reserved := map[nameKey]bool{}
	for i := range users {
		du := &users[i]
		found, err := r.byLink(du.ID)
		if err != nil {
			return nil, nil, err
		}
		vals := m.EvalUser(du, false).Values
		for _, attr := range uniqueAttrs {
			if k, ok := matchKey(attr, vals[attr]); ok {
				reserved[k] = true
			}
		}
		for _, attr := range m.UserMatching() {
			if found {
				break
			}
			u, err := r.find(attr, vals[attr])
			if err != nil {
				return nil, nil, err
			}
			r.keep(u)
			found = u != nil
		}
		if !found {
			unmatched = append(unmatched, du)
		}
	}
	return unmatched, reserved, nil
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
func readCandidates(users []*directory.User, reserved map[nameKey]bool, m *mapping.Compiled, find func(attr, v string) (*scim.User, error), keep func(*scim.User)) error {
	sort.Slice(users, func(i, j int) bool { return users[i].ID < users[j].ID })
	for _, du := range users {
		if !m.UserInScope(du) {
			continue
		}
		res := m.EvalUser(du, true)
		if !activeValue(res.Values) {
			continue
		}
		for _, target := range uniqueAttrs {
			cands, ok := res.Candidates[target]
			if !ok {
				if k, ok := matchKey(target, res.Values[target]); ok {
					reserved[k] = true
				}
				continue
			}
			for _, v := range cands {
				u, err := find(target, v)
				if err != nil {
					return err
				}
				k, _ := matchKey(target, v)
				free := u == nil && !reserved[k]
				keep(u)
				reserved[k] = true
				if free {
					break
				}
			}
		}
	}
	return nil
}
