package file

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/slackprov/slackprov/directory"
)

// jsonReader walks the top level of a file held in memory. Elements of
// "users" and "groups" are validated in place and decoded on their own, so
// one bad record fails alone and an oversized one is never copied.
type jsonReader struct {
	name  string
	data  []byte
	lines lineCounter

	// What the read has found so far.
	snap              *directory.Snapshot
	userIDs, groupIDs []idLine
	present           map[string]bool // user keys, in their canonical spelling
}

func parseJSON(name string, data []byte) (*directory.Snapshot, error) {
	r := &jsonReader{name: name, data: data, lines: lineCounter{data: data}}
	return r.read()
}

func (r *jsonReader) read() (*directory.Snapshot, error) {
	data := r.data
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, r.errAt(0, `file is empty; expected {"users": [...], "groups": [...]}`)
	}
	start := skipSpace(data, 0)
	if data[start] != '{' {
		return nil, r.shapeErr(start, `top level must be an object like {"users": [...], "groups": [...]}`)
	}
	r.snap, r.present = &directory.Snapshot{}, map[string]bool{}
	i, seenKeys, err := r.members(start)
	if err != nil {
		return nil, err
	}
	if !seenKeys["users"] {
		return nil, r.shapeErr(start, `no "users" key; an empty directory must say so with "users": []`)
	}
	if trailing := skipSpace(data, i); trailing < len(data) {
		if !json.Valid(data[trailing:valueEnd(data, trailing)]) {
			return nil, r.syntaxErr()
		}
		return nil, r.errAt(trailing, "unexpected data after the top-level object")
	}
	snap := r.snap
	snap.Problems = append(snap.Problems, duplicates(r.name, "user", r.userIDs)...)
	snap.Problems = append(snap.Problems, duplicates(r.name, "group", r.groupIDs)...)
	withhold(snap)
	snap.Vocabulary = vocabulary(r.present)
	return snap, nil
}

// members walks the top-level object that starts at start and returns the
// offset past it and the keys it holds.
func (r *jsonReader) members(start int) (int, map[string]bool, error) {
	data := r.data
	seenKeys := map[string]bool{}
	i := skipSpace(data, start+1)
	for first := true; ; first = false {
		if i < len(data) && data[i] == '}' {
			return i + 1, seenKeys, nil
		}
		if !first {
			if i >= len(data) || data[i] != ',' {
				return 0, nil, r.syntaxErr()
			}
			i = skipSpace(data, i+1)
		}
		if i >= len(data) || data[i] != '"' {
			return 0, nil, r.syntaxErr()
		}
		keyStart, keyEnd := i, stringEnd(data, i)
		key, err := unquote(data[keyStart:keyEnd])
		if err != nil {
			return 0, nil, r.syntaxErr()
		}
		i = skipSpace(data, keyEnd)
		if i >= len(data) || data[i] != ':' {
			return 0, nil, r.syntaxErr()
		}
		i = skipSpace(data, i+1)
		if seenKeys[key] {
			return 0, nil, r.errAt(keyStart, fmt.Sprintf("key %q appears twice at the top level", key))
		}
		seenKeys[key] = true
		if i, err = r.member(key, keyStart, i); err != nil {
			return 0, nil, err
		}
		i = skipSpace(data, i)
	}
}

// member reads the value of the top-level key that starts at i: the users,
// the groups, or an annotation ("@odata…", "$schema"), which is skipped.
func (r *jsonReader) member(key string, keyStart, i int) (int, error) {
	switch {
	case key == "users":
		return r.array(key, i, func(raw []byte, at, line int) {
			u, id, err := checked(r, raw, at, MaxUserRecordBytes, func(raw []byte) (directory.User, string, error) {
				return decodeUser(raw, r.present)
			})
			r.userIDs = append(r.userIDs, idLine{id, line})
			if err != nil {
				r.snap.Problems = append(r.snap.Problems, directory.RecordError{File: r.name, Line: line, ID: id, Kind: "user", Err: err})
				return
			}
			r.snap.Users = append(r.snap.Users, u)
		})
	case key == "groups":
		return r.array(key, i, func(raw []byte, at, line int) {
			g, id, err := checked(r, raw, at, MaxGroupRecordBytes, decodeGroup)
			r.groupIDs = append(r.groupIDs, idLine{id, line})
			if err != nil {
				r.snap.Problems = append(r.snap.Problems, directory.RecordError{File: r.name, Line: line, ID: id, Kind: "group", Err: err})
				return
			}
			r.snap.Groups = append(r.snap.Groups, g)
		})
	case strings.HasPrefix(key, "@") || strings.HasPrefix(key, "$"):
		if i >= len(r.data) {
			return 0, r.syntaxErr()
		}
		end := valueEnd(r.data, i)
		if !json.Valid(r.data[i:end]) {
			return 0, r.syntaxErr()
		}
		return end, nil
	}
	return 0, r.errAt(keyStart, fmt.Sprintf(`unknown top-level key %q; expected "users" and "groups"`, key))
}

// array walks the array value of key that starts at i, handing each element
// to each with its offset and line, and returns the offset past the array.
// Elements are checked with json.Valid, which neither allocates nor copies.
func (r *jsonReader) array(key string, i int, each func(raw []byte, at, line int)) (int, error) {
	data := r.data
	if i >= len(data) {
		return 0, r.syntaxErr()
	}
	if data[i] != '[' {
		end := valueEnd(data, i)
		if !json.Valid(data[i:end]) {
			return 0, r.syntaxErr()
		}
		return 0, r.errAt(i, fmt.Sprintf("%q must be an array, not %s", key, describe(data[i:end])))
	}
	i = skipSpace(data, i+1)
	for first := true; ; first = false {
		if i < len(data) && data[i] == ']' {
			return i + 1, nil
		}
		if !first {
			if i >= len(data) || data[i] != ',' {
				return 0, r.syntaxErr()
			}
			i = skipSpace(data, i+1)
		}
		if i >= len(data) {
			return 0, r.syntaxErr()
		}
		end := valueEnd(data, i)
		if !json.Valid(data[i:end]) {
			return 0, r.syntaxErr()
		}
		each(data[i:end], i, r.lines.lineAt(i))
		i = skipSpace(data, end)
	}
}

// checked decodes one record with decode, unless it is over limit bytes or
// not UTF-8: then only its id is read, so a 50 MB value is never copied.
func checked[T any](r *jsonReader, raw []byte, at, limit int, decode func([]byte) (T, string, error)) (T, string, error) {
	if err := r.recordLimits(raw, at, limit); err != nil {
		var zero T
		return zero, recordID(raw), err
	}
	return decode(raw)
}

// recordID reads the "id" of a record that will not be decoded.
func recordID(raw []byte) string {
	id := ""
	if raw[0] == '{' {
		eachMember(raw, func(key, v []byte) {
			if bytes.EqualFold(key, []byte(`"id"`)) && v[0] == '"' {
				id, _ = unquote(v)
			}
		})
	}
	return strings.ToValidUTF8(id, "\uFFFD")
}

// recordLimits fails a record over limit bytes, or one that is not UTF-8,
// naming where the first bad byte is.
func (r *jsonReader) recordLimits(raw []byte, at, limit int) error {
	if len(raw) > limit {
		return tooLarge(len(raw), limit)
	}
	if bad := invalidUTF8(raw); bad >= 0 {
		line, col := r.lines.pos(at + bad)
		return notUTF8(raw[bad], line, col)
	}
	return nil
}

func (r *jsonReader) errAt(offset int, msg string) error {
	line, col := position(r.data, offset)
	return &ParseError{File: r.name, Line: line, Column: col, Msg: msg}
}

// shapeErr reports a top level of the wrong shape at offset, unless the
// JSON is broken before it: the syntax error is the one to fix first.
func (r *jsonReader) shapeErr(offset int, msg string) error {
	if se := r.syntax(); se != nil && int(se.Offset)-1 < offset {
		return r.syntaxErr()
	}
	return r.errAt(offset, msg)
}

// syntax validates the whole file, which yields the absolute offset of its
// first syntax error (nil when there is none).
func (r *jsonReader) syntax() *json.SyntaxError {
	var se *json.SyntaxError
	var whole json.RawMessage
	if errors.As(json.Unmarshal(r.data, &whole), &se) {
		return se
	}
	return nil
}

// syntaxErr locates the first syntax error of the file.
func (r *jsonReader) syntaxErr() error {
	se := r.syntax()
	switch {
	case se == nil:
		return r.errAt(len(r.data), "the JSON does not have the shape {\"users\": [...], \"groups\": [...]}")
	case int(se.Offset) >= len(r.data) && strings.HasPrefix(se.Error(), "unexpected end"):
		return r.errAt(len(r.data), "unexpected end of file; the JSON is cut short")
	}
	// Offset counts the offending byte as read.
	return r.errAt(int(se.Offset)-1, se.Error())
}

// describe names the JSON type of a value for messages, quoting short
// scalars.
func describe(raw []byte) string {
	raw = bytes.TrimLeft(raw, " \t\r\n")
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 'n':
		return "null"
	case '"':
		if s, err := unquote(raw); err == nil && len(s) <= 40 {
			return fmt.Sprintf("string %q", s)
		}
		return "a string"
	}
	kind := "number"
	if raw[0] == 't' || raw[0] == 'f' {
		kind = "boolean"
	}
	end := len(raw)
	if i := bytes.IndexAny(raw, ",}] \t\r\n"); i >= 0 {
		end = i
	}
	if end > 40 {
		return kind
	}
	return kind + " " + string(raw[:end])
}

// unquote decodes a JSON string, skipping the decoder for the common case
// of no escapes (the input is known to be valid UTF-8 JSON).
func unquote(v []byte) (string, error) {
	if len(v) >= 2 && v[0] == '"' && v[len(v)-1] == '"' && bytes.IndexByte(v, '\\') < 0 {
		return string(v[1 : len(v)-1]), nil
	}
	var s string
	err := json.Unmarshal(v, &s)
	return s, err
}

// decodeUser decodes one element of "users". id is returned whenever it is
// readable, even if err is not nil.
// decodeUser reads one user object and notes its keys, in their canonical
// spelling, in present.
func decodeUser(raw []byte, present map[string]bool) (u directory.User, id string, err error) {
	if raw[0] != '{' {
		return u, "", fmt.Errorf("user must be an object, not %s", describe(raw))
	}
	var bad problems
	u.AccountEnabled = true // absent or null: see the package doc
	var seen [directory.NumFields]string
	eachMember(raw, func(rawKey, v []byte) {
		key, _ := unquote(rawKey)
		field, known := directory.FieldNamed(key, false)
		name := key
		if known {
			name = directory.FieldAt(field).Name
		}
		if !present[name] {
			present[name] = true
		}
		if !known {
			if s, ok := extraValue(v); ok {
				if u.Extra == nil {
					u.Extra = map[string]string{}
				}
				u.Extra[key] = s
			}
			return
		}
		if prev := seen[field]; prev != "" {
			if prev == key {
				bad.add("%s appears twice; keep one", key)
			} else {
				bad.add("%s and %s are the same attribute; keep one", prev, key)
			}
			return
		}
		seen[field] = key
		switch f := directory.FieldAt(field); field {
		case directory.FieldAccountEnabled:
			switch v[0] {
			case 't', 'f':
				u.AccountEnabled = v[0] == 't'
			case 'n':
			case '"':
				s, _ := unquote(v)
				b, err := parseBool(s)
				if err != nil {
					bad.add("%v", err)
				}
				u.AccountEnabled = b
			default:
				bad.add("accountEnabled: want true or false, got %s", describe(v))
			}
		case directory.FieldManager:
			m, err := idRef(f.Name, v)
			if err != nil {
				bad.add("%v", err)
			}
			u.Manager = m
		default:
			s, err := stringValue(f.Name, v)
			if err != nil {
				bad.add("%v", err)
			}
			f.SetText(&u, s)
		}
	})
	if seen[directory.FieldID] == "" {
		bad.add("missing id")
	} else if u.ID == "" && !bad.has("id:") {
		bad.add("id is empty")
	}
	return u, u.ID, bad.err()
}

func stringValue(field string, v json.RawMessage) (string, error) {
	switch v[0] {
	case 'n':
		return "", nil
	case '"':
		s, err := unquote(v)
		if err != nil {
			return "", fmt.Errorf("%s: %v", field, err)
		}
		return s, nil
	}
	return "", fmt.Errorf("%s: want a string, got %s", field, describe(v))
}

// idRef reads an id written as a string or as Graph's expanded form
// {"id": "..."}.
func idRef(field string, v json.RawMessage) (string, error) {
	if v[0] != '{' {
		return stringValue(field, v)
	}
	var id []byte
	eachMember(v, func(key, val []byte) {
		if string(key) == `"id"` {
			id = val
		}
	})
	if id == nil {
		return "", fmt.Errorf(`%s: object has no "id"`, field)
	}
	return stringValue(field+".id", id)
}

// extraValue renders a scalar for User.Extra; null, objects and arrays are
// not kept.
func extraValue(v json.RawMessage) (string, bool) {
	switch v[0] {
	case 'n', '{', '[':
		return "", false
	case '"':
		s, err := unquote(v)
		return s, err == nil
	}
	return string(v), true // number or boolean, as written
}

// decodeGroup decodes one element of "groups".
func decodeGroup(raw []byte) (g directory.Group, id string, err error) {
	if raw[0] != '{' {
		return g, "", fmt.Errorf("group must be an object, not %s", describe(raw))
	}
	var bad problems
	hasID := false
	eachMember(raw, func(rawKey, v []byte) {
		key, _ := unquote(rawKey)
		switch strings.ToLower(key) {
		case "id":
			hasID = true
			s, err := stringValue("id", v)
			if err != nil {
				bad.add("%v", err)
			}
			g.ID = s
		case "displayname":
			s, err := stringValue("displayName", v)
			if err != nil {
				bad.add("%v", err)
			}
			g.DisplayName = s
		case "members":
			m, err := members(v)
			if err != nil {
				bad.add("%v", err)
			}
			g.Members = m
		}
	})
	if !hasID {
		bad.add("missing id")
	} else if g.ID == "" && !bad.has("id:") {
		bad.add("id is empty")
	}
	return g, g.ID, bad.err()
}

// members reads a member list of user ids or {"id": ...} objects, dropping
// repeats. Ids unknown to the file are kept; the engine decides about them.
func members(v json.RawMessage) ([]string, error) {
	if v[0] == 'n' {
		return nil, nil
	}
	if v[0] != '[' {
		return nil, fmt.Errorf("members: want an array of user ids, got %s", describe(v))
	}
	out := []string{}
	seen := map[string]bool{}
	var err error
	i := 0
	eachElement(v, func(e []byte) {
		if err == nil {
			var id string
			id, err = idRef(fmt.Sprintf("members[%d]", i), e)
			switch {
			case err != nil:
			case id == "":
				err = fmt.Errorf("members[%d]: empty id", i)
			case !seen[id]:
				seen[id] = true
				out = append(out, id)
			}
		}
		i++
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
