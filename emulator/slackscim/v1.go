package slackscim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
)

// Slack's SCIM 1.1 dialect (reference §1, §3.5, §4, §5.1) differs from v2 on
// the wire only: URNs, the partial-resource PATCH, error bodies and the
// discovery path. The emulator translates v1 requests into the v2 forms its
// handlers speak and v2 answers back into v1, so both versions share one
// org and one set of rules, as they do at Slack.
const (
	scimV1Core       = "urn:scim:schemas:core:1.0"
	scimV1Enterprise = "urn:scim:schemas:extension:enterprise:1.0"
	scimV1Profile    = "urn:scim:schemas:extension:slack:profile:1.0"
	scimV1Guest      = "urn:scim:schemas:extension:slack:guest:1.0"
)

// scimV1Extensions pairs each v1 extension URN with its v2 spelling.
var scimV1Extensions = [][2]string{
	{scimV1Enterprise, scimEnterpriseURN},
	{scimV1Profile, scimProfileURN},
	{scimV1Guest, scimGuestURN},
}

func scimFlag(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

// scimV1Request rewrites a v1 POST, PUT or PATCH body into its v2 form.
func scimV1Request(rt scimRoute, r *http.Request) *scimError {
	body, e := scimReadBody(r)
	if e != nil {
		return e
	}
	schemas, ok := scimGetCI(body, "schemas").([]any)
	if !ok || len(schemas) == 0 {
		return scimBadRequest("missing_schema_element")
	}
	if !scimListContains(schemas, scimV1Core) {
		return scimBadRequest("invalid_request_payload")
	}
	var out map[string]any
	if r.Method == http.MethodPatch {
		if out, e = scimV1Patch(body); e != nil {
			return e
		}
	} else {
		out = scimV1Resource(rt.resource, body)
	}
	data, err := json.Marshal(out)
	if err != nil {
		return scimBadRequest("invalid_request_payload")
	}
	r.Body = io.NopCloser(bytes.NewReader(data))
	r.ContentLength = int64(len(data))
	return nil
}

// scimV1Key is the v2 spelling of a top-level v1 key.
func scimV1Key(k string) string {
	for _, ext := range scimV1Extensions {
		if strings.EqualFold(k, ext[0]) {
			return ext[1]
		}
	}
	return k
}

// scimV1Resource renames extension keys and schema URNs to v2.
func scimV1Resource(resource string, body map[string]any) map[string]any {
	out := make(map[string]any, len(body))
	for k, v := range body {
		if strings.EqualFold(k, "schemas") {
			core := scimUserSchema
			if resource == "Groups" {
				core = scimGroupSchema
			}
			var list []any
			for _, s := range v.([]any) {
				name, _ := s.(string)
				if strings.EqualFold(name, scimV1Core) {
					name = core
				}
				list = append(list, scimV1Key(name))
			}
			out["schemas"] = list
			continue
		}
		out[scimV1Key(k)] = v
	}
	return out
}

// scimV1Path turns a v1 attribute name as meta.attributes lists it
// ("name.familyName", "urn:scim:schemas:extension:enterprise:1.0.department")
// into a v2 PATCH path.
func scimV1Path(p string) string {
	for _, ext := range scimV1Extensions {
		if len(p) > len(ext[0]) && strings.EqualFold(p[:len(ext[0])], ext[0]) && p[len(ext[0])] == '.' {
			return ext[1] + ":" + p[len(ext[0])+1:]
		}
	}
	return p
}

func scimV1Blank(v any) bool {
	s, ok := v.(string)
	return ok && s != "" && strings.TrimSpace(s) == ""
}

// scimV1Patch turns a v1 partial resource into PatchOp operations:
// meta.attributes removals first (SCIM 1.1 processes them before anything
// else), then every attribute present. Multi-valued entries marked
// operation:"delete" are removed one by one and the others added; a value of
// " " clears a singular attribute.
func scimV1Patch(body map[string]any) (map[string]any, *scimError) {
	var ops scimV1Ops
	if err := ops.metaRemovals(body); err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(body))
	for k := range body {
		switch strings.ToLower(k) {
		case "schemas", "meta", "id":
		default:
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	for _, k := range keys {
		key, v := scimV1Key(k), body[k]
		switch val := v.(type) {
		case []any:
			ops.multi(key, val)
		case map[string]any:
			sep := "."
			if key != k || strings.HasPrefix(key, "urn:") {
				sep = ":"
			}
			ops.complex(key, sep, val)
		default:
			ops.single(key, v)
		}
	}
	if len(ops) == 0 {
		return nil, scimBadRequest("invalid_request_payload")
	}
	return map[string]any{"schemas": []any{scimPatchSchema}, "Operations": []any(ops)}, nil
}

// scimV1Ops collects the PatchOp operations a v1 partial resource means.
type scimV1Ops []any

func (ops *scimV1Ops) add(name, path string, value any) {
	o := map[string]any{"op": name, "path": path}
	if value != nil {
		o["value"] = value
	}
	*ops = append(*ops, o)
}

// metaRemovals turns meta.attributes into removals.
func (ops *scimV1Ops) metaRemovals(body map[string]any) *scimError {
	meta, ok := scimGetCI(body, "meta").(map[string]any)
	if !ok {
		return nil
	}
	attrs := scimGetCI(meta, "attributes")
	if attrs == nil {
		return nil
	}
	list, ok := attrs.([]any)
	if !ok {
		return scimFormat()
	}
	for _, a := range list {
		name, ok := a.(string)
		if !ok || name == "" {
			return scimFormat()
		}
		ops.add("remove", scimV1Path(name), nil)
	}
	return nil
}

// multi: entries marked operation:"delete" are removed one by one, the
// others added in one operation.
func (ops *scimV1Ops) multi(key string, val []any) {
	var add []any
	for _, entry := range val {
		m, ok := entry.(map[string]any)
		if !ok {
			add = append(add, entry)
			continue
		}
		if o, _ := scimGetCI(m, "operation").(string); strings.EqualFold(o, "delete") {
			value, _ := scimGetCI(m, "value").(string)
			lit, _ := json.Marshal(value)
			ops.add("remove", key+"[value eq "+string(lit)+"]", nil)
			continue
		}
		clean := make(map[string]any, len(m))
		for mk, mv := range m {
			if !strings.EqualFold(mk, "operation") {
				clean[mk] = mv
			}
		}
		add = append(add, clean)
	}
	if len(add) > 0 {
		ops.add("add", key, add)
	}
}

// complex sets or clears each sub-attribute, in sorted order.
func (ops *scimV1Ops) complex(key, sep string, val map[string]any) {
	subs := make([]string, 0, len(val))
	for sk := range val {
		subs = append(subs, sk)
	}
	slices.Sort(subs)
	for _, sk := range subs {
		ops.single(key+sep+sk, val[sk])
	}
}

// single replaces a singular attribute; a value of " " clears it.
func (ops *scimV1Ops) single(path string, v any) {
	if scimV1Blank(v) {
		ops.add("remove", path, nil)
	} else {
		ops.add("replace", path, v)
	}
}

// scimV1Response rewrites a v2 answer (a resource, a list or the discovery
// document) into Slack's v1 shape.
func scimV1Response(body any) any {
	data, err := json.Marshal(body)
	if err != nil {
		return body
	}
	var m map[string]any
	if json.Unmarshal(data, &m) != nil {
		return body
	}
	if res, ok := m["Resources"].([]any); ok {
		for i, r := range res {
			if rm, ok := r.(map[string]any); ok {
				res[i] = scimV1Rename(rm)
			}
		}
		m["schemas"] = []any{scimV1Core}
		return m
	}
	return scimV1Rename(m)
}

func scimV1Rename(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		for _, ext := range scimV1Extensions {
			if k == ext[1] {
				k = ext[0]
			}
		}
		out[k] = v
	}
	if list, ok := m["schemas"].([]any); ok {
		schemas := []any{scimV1Core}
		for _, s := range list {
			for _, ext := range scimV1Extensions {
				if s == ext[1] {
					schemas = append(schemas, ext[0])
				}
			}
		}
		out["schemas"] = schemas
	}
	return out
}
