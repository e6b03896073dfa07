package scim

import (
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// dialect is everything that differs between Slack's SCIM versions on the
// wire: body shapes, schema URNs, list parameters and discovery paths. The
// client speaks in the v2-shaped types of this package; a v1 dialect would
// translate them to and from SCIM 1.1 here and nowhere else.
type dialect interface {
	listQuery(startIndex, count int, filter string) url.Values
	decodeUserList(body []byte) (*ListPage[User], error)
	decodeGroupList(body []byte) (*ListPage[Group], error)
	encodeUser(u *User) any
	decodeUser(body []byte) (*User, error)
	encodeGroup(g *Group) any
	decodeGroup(body []byte) (*Group, error)
	encodePatch(ops []PatchOp) any
	// memberPath addresses one member of a group in a PATCH path.
	memberPath(userID string) string
	serviceProviderConfigPaths() []string
}

type v2 struct{}

func (v2) listQuery(startIndex, count int, filter string) url.Values {
	q := url.Values{}
	q.Set("startIndex", strconv.Itoa(startIndex))
	q.Set("count", strconv.Itoa(count))
	if filter != "" {
		q.Set("filter", filter)
	}
	return q
}

func (v2) decodeUserList(body []byte) (*ListPage[User], error) {
	return decodeListPage(body, decodeUser)
}

func (v2) decodeGroupList(body []byte) (*ListPage[Group], error) {
	return decodeListPage(body, decodeGroup)
}

// encodeUser stamps the schemas Slack requires (missing_schema_element
// otherwise) without changing the caller's value.
func (v2) encodeUser(u *User) any {
	c := *u
	c.Schemas = slices.Clone(u.Schemas)
	if !slices.Contains(c.Schemas, SchemaUser) {
		c.Schemas = append(c.Schemas, SchemaUser)
	}
	if c.Enterprise != nil && !slices.Contains(c.Schemas, SchemaEnterprise) {
		c.Schemas = append(c.Schemas, SchemaEnterprise)
	}
	return &c
}

func (v2) decodeUser(body []byte) (*User, error) {
	var u User
	if err := json.Unmarshal(body, &u); err != nil {
		return nil, fmt.Errorf("decoding user: %w", err)
	}
	return &u, nil
}

// encodeGroup stamps the group schema and sends an empty member list rather
// than null: Slack requires members.
func (v2) encodeGroup(g *Group) any {
	c := *g
	c.Schemas = slices.Clone(g.Schemas)
	if !slices.Contains(c.Schemas, SchemaGroup) {
		c.Schemas = append(c.Schemas, SchemaGroup)
	}
	if c.Members == nil {
		c.Members = []Ref{}
	}
	return &c
}

func (v2) decodeGroup(body []byte) (*Group, error) {
	var g Group
	if err := json.Unmarshal(body, &g); err != nil {
		return nil, fmt.Errorf("decoding group: %w", err)
	}
	return &g, nil
}

func (v2) encodePatch(ops []PatchOp) any {
	return &PatchRequest{Schemas: []string{SchemaPatchOp}, Operations: ops}
}

func (v2) memberPath(userID string) string {
	return "members[value eq " + quoteFilterString(userID) + "]"
}

// Slack's v2 table lists the singular; its Java SDK calls the plural.
func (v2) serviceProviderConfigPaths() []string {
	return []string{"ServiceProviderConfig", "ServiceProviderConfigs"}
}

// quoteFilterString writes s as a JSON string literal, which is what SCIM
// filters expect; HTML escaping is off so "&" and "<" stay readable.
func quoteFilterString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // encoding a string cannot fail
	return strings.TrimSuffix(b.String(), "\n")
}
