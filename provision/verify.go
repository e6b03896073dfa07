package provision

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/slackprov/slackprov/schema"
	"github.com/slackprov/slackprov/scim"
)

// before records, for every operation that writes an existing Slack object,
// a digest of that object as the plan saw it.
func (p *planner) before() {
	groups := make(map[string]*scim.Group, len(p.in.SlackGroups))
	for _, g := range p.in.SlackGroups {
		groups[g.ID] = g
	}
	for i := range p.plan.Operations {
		op := &p.plan.Operations[i]
		if op.Status != StatusPlanned || op.TargetID == "" {
			continue
		}
		switch op.Kind {
		case KindUser:
			if u := p.byID(op.TargetID); u != nil {
				op.Before = userDigest(u, op, p.plan)
			}
		case KindGroup:
			if g := groups[op.TargetID]; g != nil {
				op.Before = groupDigest(g)
			}
		}
	}
}

// userDigest covers what the operation reads or writes: its mapped
// attributes and the active flag, compared as Slack compares them. Redact()ed
// attributes stay out, so the digest in a saved plan says nothing about them.
func userDigest(u *scim.User, op *Operation, plan *Plan) string {
	r := plan.Redactor()
	attrs := make([]string, 0, len(op.Desired))
	for a := range op.Desired {
		if !r.Redacted(a) {
			attrs = append(attrs, a)
		}
	}
	sort.Strings(attrs)
	var b strings.Builder
	b.WriteString("active=" + strconv.FormatBool(u.IsActive()))
	for _, a := range attrs {
		v := u.Get(a)
		if schema.Caseless(a) {
			v = schema.Fold(v)
		}
		b.WriteString("\x00" + a + "=" + v)
	}
	return digest(b.String())
}

func groupDigest(g *scim.Group) string {
	ids := make([]string, len(g.Members))
	for i, m := range g.Members {
		ids[i] = m.Value
	}
	sort.Strings(ids)
	return digest(g.DisplayName + "\x00" + strings.Join(ids, ","))
}

func digest(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:12])
}

// Stale re-reads every existing Slack object the plan will write and lists
// those that changed since the plan was made, or are gone: applying the
// plan to them would undo or miss someone's change. A few objects are read
// one by one; many, by listing everything in pages of 1000.
func Stale(ctx context.Context, c SlackReader, plan *Plan) ([]string, error) {
	var ops []*Operation
	for i := range plan.Operations {
		if op := &plan.Operations[i]; op.Status == StatusPlanned && op.TargetID != "" {
			ops = append(ops, op)
		}
	}
	if len(ops) == 0 {
		return nil, nil
	}
	users := map[string]*scim.User{}
	groups := map[string]*scim.Group{}
	if len(ops) > listThreshold {
		us, gs, err := ReadSlack(ctx, c)
		if err != nil {
			return nil, err
		}
		for _, u := range us {
			users[u.ID] = u
		}
		for _, g := range gs {
			groups[g.ID] = g
		}
	} else {
		for _, op := range ops {
			var err error
			switch op.Kind {
			case KindUser:
				var u *scim.User
				if u, err = c.GetUser(ctx, op.TargetID); err == nil {
					users[u.ID] = u
				}
			case KindGroup:
				var g *scim.Group
				if g, err = c.GetGroup(ctx, op.TargetID); err == nil {
					groups[g.ID] = g
				}
			}
			if err != nil && !scim.IsNotFound(err) {
				return nil, fmt.Errorf("re-reading Slack %s %s (%s): %w", op.Kind, op.TargetID, op.Name(), err)
			}
		}
	}
	var stale []string
	for _, op := range ops {
		now := ""
		switch op.Kind {
		case KindUser:
			if u := users[op.TargetID]; u != nil {
				now = userDigest(u, op, plan)
			}
		case KindGroup:
			if g := groups[op.TargetID]; g != nil {
				now = groupDigest(g)
			}
		}
		switch {
		case now == "":
			stale = append(stale, fmt.Sprintf("%s %s (%s): gone from Slack", op.Kind, op.Name(), op.TargetID))
		case now != op.Before:
			stale = append(stale, fmt.Sprintf("%s %s (%s): changed in Slack since the plan was made", op.Kind, op.Name(), op.TargetID))
		}
	}
	return stale, nil
}

// listThreshold is where listing the org costs fewer requests than reading
// each object the plan writes.
const listThreshold = 200
