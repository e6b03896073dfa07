package scim

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/slackprov/slackprov/schema"
)

// Schema URNs of Slack's SCIM 1.1 dialect (reference §1).
const (
	SchemaCoreV1       = "urn:scim:schemas:core:1.0"
	SchemaEnterpriseV1 = "urn:scim:schemas:extension:enterprise:1.0"
)

// v1 is Slack's SCIM 1.1: the same resources under v1 URNs, a PATCH that is
// a partial resource (with operation:"delete" entries and meta.attributes
// removals), and only the plural discovery path. Errors need no translation:
// parseError reads both body shapes.
type v1 struct{}

func (v1) listQuery(startIndex, count int, filter string) url.Values {
	return v2{}.listQuery(startIndex, count, filter)
}

func (v1) decodeUserList(body []byte) (*ListPage[User], error) {
	return decodeListPage(body, decodeUserV1)
}

func (v1) decodeGroupList(body []byte) (*ListPage[Group], error) {
	return decodeListPage(body, decodeGroup)
}

// encodeUser sends the v2-shaped user under v1 names: the enterprise
// extension moves to its v1 key and schemas list the v1 URNs.
func (v1) encodeUser(u *User) any {
	c := *u
	c.Schemas = nil
	m := toObject(&c)
	schemas := []string{SchemaCoreV1}
	if ent, ok := m[SchemaEnterprise]; ok {
		delete(m, SchemaEnterprise)
		m[SchemaEnterpriseV1] = ent
		schemas = append(schemas, SchemaEnterpriseV1)
	}
	m["schemas"] = schemas
	return m
}

// toObject turns a wire value into a JSON object's members.
func toObject(v any) map[string]any {
	data, err := json.Marshal(v)
	if err != nil {
		panic("scim: wire types always encode: " + err.Error())
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		panic("scim: wire types encode as objects: " + err.Error())
	}
	return m
}

func (v1) decodeUser(body []byte) (*User, error) {
	r := &pageReader{data: body}
	var u User
	if err := decodeUserV1(r, &u); err != nil {
		return nil, fmt.Errorf("decoding user: %w", err)
	}
	if r.peek(); r.pos < len(r.data) {
		return nil, fmt.Errorf("decoding user: %w", r.errorf("invalid character after top-level value"))
	}
	return &u, nil
}

func (v1) encodeGroup(g *Group) any {
	c := *g
	c.Schemas = []string{SchemaCoreV1}
	if c.Members == nil {
		c.Members = []Ref{}
	}
	return &c
}

func (v1) decodeGroup(body []byte) (*Group, error) { return v2{}.decodeGroup(body) }

// encodePatch writes the operations as one partial resource. Replacing a
// multi-valued attribute lists it in meta.attributes too, because a v1
// PATCH adds to multi-valued attributes and SCIM 1.1 applies the removals
// first.
func (v1) encodePatch(ops []PatchOp) any {
	res := map[string]any{}
	var removals []string
	entries := func(attr string) []any {
		list, _ := res[attr].([]any)
		return list
	}
	for _, op := range ops {
		switch {
		case op.Op == "remove" && strings.HasPrefix(op.Path, schema.Members+"["):
			res[schema.Members] = append(entries(schema.Members), map[string]any{"value": memberOf(op.Path), "operation": "delete"})
		case op.Op == "remove":
			removals = append(removals, v1AttrName(op.Path))
		case op.Path == schema.Members && op.Op == "add":
			refs, _ := op.Value.([]Ref)
			for _, r := range refs {
				res[schema.Members] = append(entries(schema.Members), r)
			}
		case op.Path == "emails" || op.Path == "phoneNumbers" || op.Path == "addresses" || op.Path == "roles" || op.Path == schema.Members:
			removals = append(removals, op.Path)
			res[op.Path] = op.Value
		default:
			setV1(res, op.Path, op.Value)
		}
	}
	schemas := []string{SchemaCoreV1}
	if _, ok := res[SchemaEnterpriseV1]; ok {
		schemas = append(schemas, SchemaEnterpriseV1)
	}
	res["schemas"] = schemas
	if len(removals) > 0 {
		res["meta"] = map[string]any{"attributes": removals}
	}
	return res
}

// memberOf reads the user id out of a memberPath.
func memberOf(path string) string {
	lit := strings.TrimSuffix(strings.TrimPrefix(path, schema.Members+"[value eq "), "]")
	var id string
	if json.Unmarshal([]byte(lit), &id) != nil {
		return lit
	}
	return id
}

// v1AttrName is how meta.attributes names an attribute: sub-attributes and
// extension attributes joined with a dot.
func v1AttrName(path string) string {
	if rest, ok := strings.CutPrefix(path, SchemaEnterprise+":"); ok {
		return SchemaEnterpriseV1 + "." + rest
	}
	return path
}

// setV1 places value at a v2 attribute path in a partial resource.
func setV1(res map[string]any, path string, value any) {
	parent, attr := "", path
	if rest, ok := strings.CutPrefix(path, SchemaEnterprise+":"); ok {
		parent, attr = SchemaEnterpriseV1, rest
	} else if p, sub, ok := strings.Cut(path, "."); ok {
		parent, attr = p, sub
	}
	if parent == "" {
		res[attr] = value
		return
	}
	obj, _ := res[parent].(map[string]any)
	if obj == nil {
		obj = map[string]any{}
		res[parent] = obj
	}
	obj[attr] = value
}

func (v1) memberPath(userID string) string { return v2{}.memberPath(userID) }

// SCIM 1.1 has only the plural.
func (v1) serviceProviderConfigPaths() []string { return []string{"ServiceProviderConfigs"} }
