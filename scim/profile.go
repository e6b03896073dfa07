package scim

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/slackprov/slackprov/schema"
)

// Profile describes what a generic SCIM 2.0 service provider supports. Slack
// needs none: its rules are fixed (reference slack-api.md). For any other app
// the client starts from the cautious RFC 7644 reading below and Discover
// refines it from the server's own /ServiceProviderConfig and /Schemas.
type Profile struct {
	// Filter: the server answers filter= on GET /Users. Without it, lookups
	// list every user and compare locally.
	Filter bool
	// Patch: path-based PATCH (RFC 7644 §3.5.2). Without it, every update,
	// membership change and deactivation is a GET and a full PUT.
	Patch bool
	// PageSize is the count asked for per list page.
	PageSize int
	// DeleteDeactivates says the app documents DELETE /Users as a
	// deactivation, as Slack does. Only then is DELETE sent; otherwise
	// deactivating is active:false and accounts are never deleted.
	DeleteDeactivates bool
	// UserAttributes are the attribute paths the server's User schemas
	// declare (top-level names, "name.givenName", "<extension URN>:attr");
	// nil when /Schemas was not served, meaning unknown.
	UserAttributes map[string]bool
	// Discovered lists what Discover read, for test-connection to show.
	Discovered []string
}

// DefaultProfile is what the client assumes of a SCIM 2.0 server before
// discovery: PATCH and filters are optional in RFC 7644, so neither is used.
func DefaultProfile() Profile { return Profile{PageSize: 100} }

// Supports reports whether the server's schemas declare the attribute that a
// mapping target path writes; true when the schemas are unknown.
func (p *Profile) Supports(path string) bool {
	if p.UserAttributes == nil || path == schema.ExternalID {
		// externalId is common to every resource (RFC 7643 §3.1), so
		// schemas do not list it.
		return true
	}
	if rest, ok := strings.CutPrefix(path, SchemaEnterprise+":"); ok {
		return p.UserAttributes[SchemaEnterprise+":"+rest]
	}
	i := strings.IndexAny(path, "[.")
	if i < 0 {
		return p.UserAttributes[path]
	}
	top := path[:i]
	if path[i] == '.' && p.hasSubAttributes(top) {
		return p.UserAttributes[path]
	}
	return p.UserAttributes[top]
}

// hasSubAttributes reports whether the schemas list sub-attributes of top.
func (p *Profile) hasSubAttributes(top string) bool {
	for a := range p.UserAttributes {
		if strings.HasPrefix(a, top+".") {
			return true
		}
	}
	return false
}

// Discover reads the server's /ServiceProviderConfig and /Schemas into the
// client's profile. Either may be missing (both are optional in practice);
// what is not served keeps the cautious default. Slack clients skip it.
func (c *Client) Discover(ctx context.Context) (*Profile, error) {
	if c.profile == nil {
		return nil, fmt.Errorf("scim: discovery applies to generic SCIM targets, not Slack")
	}
	p := *c.profile
	p.Discovered = nil
	if cfg, err := c.ServiceProviderConfig(ctx); err == nil {
		var spc struct {
			Patch  *struct{ Supported bool } `json:"patch"`
			Filter *struct {
				Supported  bool `json:"supported"`
				MaxResults int  `json:"maxResults"`
			} `json:"filter"`
		}
		data, _ := json.Marshal(cfg)
		if json.Unmarshal(data, &spc) == nil {
			if spc.Patch != nil {
				p.Patch = spc.Patch.Supported
			}
			if spc.Filter != nil {
				p.Filter = spc.Filter.Supported
				if spc.Filter.MaxResults > 0 {
					p.PageSize = min(spc.Filter.MaxResults, pageSize)
				}
			}
			p.Discovered = append(p.Discovered, "ServiceProviderConfig")
		}
	} else if !wrongPath(err) {
		return nil, err
	}
	attrs, err := c.schemaAttributes(ctx)
	switch {
	case err == nil:
		p.UserAttributes = attrs
		p.Discovered = append(p.Discovered, "Schemas")
	case !wrongPath(err):
		return nil, err
	}
	c.profile = &p
	return &p, nil
}

// schemaPage is one page of a /Schemas answer: a ListResponse, or a bare
// array as some servers send.
type schemaPage struct {
	Resources []struct {
		ID         string       `json:"id"`
		Attributes []schemaAttr `json:"attributes"`
	} `json:"Resources"`
	TotalResults int `json:"totalResults"`
}

type schemaAttr struct {
	Name          string       `json:"name"`
	SubAttributes []schemaAttr `json:"subAttributes"`
}

// schemaAttributes lists the attribute paths of the User schema and its
// enterprise extension from /Schemas, which servers may page like any list.
func (c *Client) schemaAttributes(ctx context.Context) (map[string]bool, error) {
	out := map[string]bool{}
	for start := 1; ; {
		r := request{method: "GET", resource: "Schemas", query: c.endpoint().dialect.listQuery(start, c.pageSize(), "")}
		body, err := c.do(ctx, r)
		if err != nil {
			return nil, err
		}
		var page schemaPage
		if err := json.Unmarshal(body, &page); err != nil {
			if json.Unmarshal(body, &page.Resources) != nil {
				return nil, fmt.Errorf("SCIM GET %s: %w", r.path(), err)
			}
			page.TotalResults = len(page.Resources)
		}
		for _, s := range page.Resources {
			prefix := ""
			switch s.ID {
			case SchemaUser:
			case SchemaEnterprise:
				prefix = SchemaEnterprise + ":"
			default:
				continue
			}
			for _, a := range s.Attributes {
				out[prefix+a.Name] = true
				for _, sub := range a.SubAttributes {
					out[prefix+a.Name+"."+sub.Name] = true
				}
			}
		}
		start += len(page.Resources)
		if len(page.Resources) == 0 || start > page.TotalResults {
			return out, nil
		}
	}
}

// Profile returns the generic target's profile, nil for Slack.
func (c *Client) Profile() *Profile { return c.profile }

func (c *Client) generic() bool { return c.profile != nil }

// usesPut reports whether updates go as a full PUT.
func (c *Client) usesPut() bool { return c.profile != nil && !c.profile.Patch }

func (c *Client) pageSize() int {
	if c.profile != nil && c.profile.PageSize > 0 {
		return c.profile.PageSize
	}
	return pageSize
}

// putUser replaces the user with u (GET-modify-PUT for servers without
// PATCH). Read-only attributes are left out of the body.
func (c *Client) putUser(ctx context.Context, u *User) (*User, error) {
	body := *u
	id := body.ID
	body.ID, body.Groups, body.Meta = "", nil, nil
	out, err := c.do(ctx, request{method: "PUT", resource: "Users", id: id,
		encode: func(d dialect) any { return d.encodeUser(&body) }})
	if err != nil {
		return nil, err
	}
	return c.decodeUserAnswer("PUT /Users/"+id, out)
}

func (c *Client) putGroup(ctx context.Context, g *Group) error {
	body := *g
	id := body.ID
	body.ID, body.Meta = "", nil
	_, err := c.do(ctx, request{method: "PUT", resource: "Groups", id: id,
		encode: func(d dialect) any { return d.encodeGroup(&body) }})
	return err
}

// applyUserOps applies the operations PatchFor and ReactivateUser build to
// u, for servers that only take a full PUT.
func applyUserOps(u *User, ops []PatchOp) error {
	for _, op := range ops {
		remove := op.Op == "remove"
		switch op.Path {
		case "emails", "phoneNumbers":
			var list []MultiValue
			if !remove {
				v, ok := op.Value.([]MultiValue)
				if !ok {
					return fmt.Errorf("scim: %s value %T is not a list of values", op.Path, op.Value)
				}
				list = v
			}
			if op.Path == "emails" {
				u.Emails = list
			} else {
				u.PhoneNumbers = list
			}
		case schema.Active:
			b, _ := op.Value.(bool)
			u.Active = &b
			if remove {
				u.Active = nil
			}
		case schema.Manager:
			if m, ok := op.Value.(Manager); ok && !remove {
				ent(u).Manager = &m
			} else {
				ent(u).Manager = nil
			}
		default:
			a, ok := userAttrs[op.Path]
			if !ok || a.patchPath != op.Path {
				return fmt.Errorf("scim: cannot apply %s %s without PATCH", op.Op, op.Path)
			}
			v, _ := op.Value.(string)
			a.set(u, v)
		}
	}
	return nil
}

// applyGroupOps applies displayName and membership operations to g.
func applyGroupOps(g *Group, ops []PatchOp) error {
	for _, op := range ops {
		switch {
		case op.Path == "displayName" && op.Op == "replace":
			g.DisplayName, _ = op.Value.(string)
		case op.Path == schema.Members && op.Op == "add":
			refs, _ := op.Value.([]Ref)
			have := map[string]bool{}
			for _, m := range g.Members {
				have[m.Value] = true
			}
			for _, r := range refs {
				if !have[r.Value] {
					g.Members = append(g.Members, Ref{Value: r.Value})
					have[r.Value] = true
				}
			}
		case op.Op == "remove" && strings.HasPrefix(op.Path, schema.Members+"["):
			drop := memberOf(op.Path)
			keep := g.Members[:0:0]
			for _, m := range g.Members {
				if m.Value != drop {
					keep = append(keep, Ref{Value: m.Value})
				}
			}
			g.Members = keep
		default:
			return fmt.Errorf("scim: cannot apply %s %s without PATCH", op.Op, op.Path)
		}
	}
	return nil
}
