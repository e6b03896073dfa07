package slackscim

import (
	"encoding/json"
	"strings"
)

// scimPath is a parsed SCIM PATCH path such as `emails[primary eq false].value`
// or `urn:…:enterprise:2.0:User:manager.managerId`. Names are lowercased:
// SCIM attribute names are case-insensitive.
type scimPath struct {
	ext    string           // extension URN, "" for core attributes
	attr   string           // top attribute; "" with ext set means the whole extension
	filter *scimValueFilter // the [attr eq value] part, if any
	sub    string           // sub-attribute after the dot, may itself be dotted
}

// scimValueFilter is the bracketed selector of a multi-valued attribute.
// Slack's examples only ever use eq.
type scimValueFilter struct {
	attr  string
	value string
}

var scimExtensionURNs = []string{scimEnterpriseURN, scimProfileURN, scimGuestURN}

func scimInvalidPath() *scimError {
	return scimBadRequest("invalid_request_payload")
}

// scimParsePath accepts extension paths with either ":" or "." before the
// attribute, as Slack's own examples mix both.
func scimParsePath(raw string) (scimPath, *scimError) {
	p := strings.TrimSpace(raw)
	lower := strings.ToLower(p)
	if strings.HasPrefix(lower, "urn:") {
		for _, urn := range append(scimExtensionURNs, scimUserSchema, scimGroupSchema) {
			if !strings.HasPrefix(lower, strings.ToLower(urn)) {
				continue
			}
			rest := p[len(urn):]
			if rest == "" {
				if urn == scimUserSchema || urn == scimGroupSchema {
					return scimPath{}, scimInvalidPath()
				}
				return scimPath{ext: urn}, nil
			}
			if rest[0] != ':' && rest[0] != '.' {
				continue
			}
			core, err := scimParseCorePath(rest[1:])
			if err != nil {
				return scimPath{}, err
			}
			if urn != scimUserSchema && urn != scimGroupSchema {
				core.ext = urn
			}
			return core, nil
		}
		return scimPath{}, scimInvalidPath()
	}
	return scimParseCorePath(p)
}

func scimParseCorePath(p string) (scimPath, *scimError) {
	if p == "" {
		return scimPath{}, scimInvalidPath()
	}
	var out scimPath
	name := p
	if i := strings.IndexAny(p, "[."); i >= 0 {
		name = p[:i]
		rest := p[i:]
		if rest[0] == '[' {
			end := strings.LastIndex(rest, "]")
			if end < 0 {
				return scimPath{}, scimInvalidPath()
			}
			f, err := scimParseValueFilter(rest[1:end])
			if err != nil {
				return scimPath{}, err
			}
			out.filter = f
			rest = rest[end+1:]
			if rest != "" && rest[0] != '.' {
				return scimPath{}, scimInvalidPath()
			}
		}
		if rest != "" {
			out.sub = strings.ToLower(rest[1:])
			if out.sub == "" {
				return scimPath{}, scimInvalidPath()
			}
		}
	}
	if name == "" {
		return scimPath{}, scimInvalidPath()
	}
	out.attr = strings.ToLower(name)
	return out, nil
}

// scimParseValueFilter reads `attr eq value` where value is a JSON string,
// a single-quoted string or a bare word (Slack's own members[value eq U123]).
func scimParseValueFilter(s string) (*scimValueFilter, *scimError) {
	attr, rest, ok := strings.Cut(strings.TrimSpace(s), " ")
	if !ok {
		return nil, scimInvalidPath()
	}
	op, value, ok := strings.Cut(strings.TrimSpace(rest), " ")
	if !ok || !strings.EqualFold(op, "eq") {
		return nil, scimInvalidPath()
	}
	value = strings.TrimSpace(value)
	switch {
	case len(value) >= 2 && value[0] == '"':
		var v string
		if err := json.Unmarshal([]byte(value), &v); err != nil {
			return nil, scimInvalidPath()
		}
		value = v
	case len(value) >= 2 && value[0] == '\'' && value[len(value)-1] == '\'':
		value = value[1 : len(value)-1]
	case value == "":
		return nil, scimInvalidPath()
	}
	return &scimValueFilter{attr: strings.ToLower(attr), value: value}, nil
}

// scimPatchOp is one RFC 7644 operation.
type scimPatchOp struct {
	op    string // lowercased: add, replace or remove
	path  scimPath
	whole bool // no path: value is an object of attributes
	value any
}

// scimParsePatch validates a PatchOp body. Entra capitalises op names, and
// RFC 7644 makes them case-insensitive, so "Replace" is accepted.
func scimParsePatch(body map[string]any) ([]scimPatchOp, *scimError) {
	schemas, ok := scimGetCI(body, "schemas").([]any)
	if !ok || len(schemas) == 0 {
		return nil, scimBadRequest("missing_schema_element")
	}
	if !scimListContains(schemas, scimPatchSchema) {
		return nil, scimBadRequest("invalid_request_payload")
	}
	rawOps, ok := scimGetCI(body, "Operations").([]any)
	if !ok || len(rawOps) == 0 {
		return nil, scimBadRequest("invalid_request_payload")
	}
	ops := make([]scimPatchOp, 0, len(rawOps))
	for _, raw := range rawOps {
		m, ok := raw.(map[string]any)
		if !ok {
			return nil, scimBadRequest("invalid_request_payload")
		}
		name, _ := scimGetCI(m, "op").(string)
		op := scimPatchOp{op: strings.ToLower(name), value: scimGetCI(m, "value")}
		switch op.op {
		case "add", "replace", "remove":
		default:
			return nil, scimBadRequest("invalid_request_payload")
		}
		path, _ := scimGetCI(m, "path").(string)
		if strings.TrimSpace(path) == "" {
			if op.op == "remove" {
				return nil, scimBadRequest("invalid_request_payload")
			}
			if _, isObj := op.value.(map[string]any); !isObj {
				return nil, scimBadRequest("invalid_request_payload")
			}
			op.whole = true
		} else {
			p, err := scimParsePath(path)
			if err != nil {
				return nil, err
			}
			op.path = p
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// scimGetCI looks a key up case-insensitively, as SCIM attribute names are.
func scimGetCI(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

func scimListContains(list []any, want string) bool {
	for _, v := range list {
		if s, ok := v.(string); ok && strings.EqualFold(s, want) {
			return true
		}
	}
	return false
}
