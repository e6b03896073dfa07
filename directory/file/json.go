package file

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/slackprov/slackprov/directory"
)

// jsonReader walks the top level with a streaming decoder so that every
// user and group can be decoded, and fail, on its own.
type jsonReader struct {
	name  string
	data  []byte
	dec   *json.Decoder
	lines lineCounter
}

func parseJSON(name string, data []byte) (*directory.Snapshot, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	r := &jsonReader{name: name, data: data, dec: dec, lines: lineCounter{data: data}}
	return r.read()
}

func (r *jsonReader) read() (*directory.Snapshot, error) {
	snap := &directory.Snapshot{}
	if len(bytes.TrimSpace(r.data)) == 0 {
		return nil, r.errAt(0, `file is empty; expected {"users": [...], "groups": [...]}`)
	}
	start := r.next()
	tok, err := r.dec.Token()
	if err != nil {
		return nil, r.syntaxErr(err)
	}
	if tok != json.Delim('{') {
		return nil, r.errAt(start, `top level must be an object like {"users": [...], "groups": [...]}`)
	}
	var userIDs, groupIDs []idLine
	seenKeys := map[string]bool{}
	present := map[string]bool{}
	for r.dec.More() {
		keyStart := r.next()
		tok, err := r.dec.Token()
		if err != nil {
			return nil, r.syntaxErr(err)
		}
		key := tok.(string) // the decoder only yields string keys inside an object
		if seenKeys[key] {
			return nil, r.errAt(keyStart, fmt.Sprintf("key %q appears twice at the top level", key))
		}
		seenKeys[key] = true
		switch {
		case key == "users":
			err = r.array(key, func(raw []byte, line int) {
				u, id, err := decodeUser(raw, present)
				userIDs = append(userIDs, idLine{id, line})
				if err != nil {
					snap.Problems = append(snap.Problems, directory.RecordError{File: r.name, Line: line, ID: id, Kind: "user", Err: err})
					return
				}
				snap.Users = append(snap.Users, u)
			})
		case key == "groups":
			err = r.array(key, func(raw []byte, line int) {
				g, id, err := decodeGroup(raw)
				groupIDs = append(groupIDs, idLine{id, line})
				if err != nil {
					snap.Problems = append(snap.Problems, directory.RecordError{File: r.name, Line: line, ID: id, Kind: "group", Err: err})
					return
				}
				snap.Groups = append(snap.Groups, g)
			})
		case strings.HasPrefix(key, "@") || strings.HasPrefix(key, "$"):
			var skip json.RawMessage
			if err := r.dec.Decode(&skip); err != nil {
				return nil, r.syntaxErr(err)
			}
		default:
			return nil, r.errAt(keyStart, fmt.Sprintf(`unknown top-level key %q; expected "users" and "groups"`, key))
		}
		if err != nil {
			return nil, err
		}
	}
	if _, err := r.dec.Token(); err != nil { // the closing '}'
		return nil, r.syntaxErr(err)
	}
	if !seenKeys["users"] {
		return nil, r.errAt(start, `no "users" key; an empty directory must say so with "users": []`)
	}
	trailing := r.next()
	if _, err := r.dec.Token(); err != io.EOF {
		if err != nil {
			return nil, r.syntaxErr(err)
		}
		return nil, r.errAt(trailing, "unexpected data after the top-level object")
	}
	snap.Problems = append(snap.Problems, duplicates(r.name, "user", userIDs)...)
	snap.Problems = append(snap.Problems, duplicates(r.name, "group", groupIDs)...)
	withhold(snap)
	snap.Vocabulary = vocabulary(present)
	return snap, nil
}

// array decodes the array value of key element by element.
func (r *jsonReader) array(key string, each func(raw []byte, line int)) error {
	start := r.next()
	tok, err := r.dec.Token()
	if err != nil {
		return r.syntaxErr(err)
	}
	if tok != json.Delim('[') {
		return r.errAt(start, fmt.Sprintf("%q must be an array, not %s", key, describeToken(tok)))
	}
	for r.dec.More() {
		elemStart := r.next()
		var raw json.RawMessage
		if err := r.dec.Decode(&raw); err != nil {
			return r.syntaxErr(err)
		}
		each(raw, r.lines.lineAt(elemStart))
	}
	if _, err := r.dec.Token(); err != nil { // the closing ']'
		return r.syntaxErr(err)
	}
	return nil
}

// next is the offset of the next token: past whitespace and the separators
// the decoder has not consumed yet.
func (r *jsonReader) next() int {
	i := int(r.dec.InputOffset())
	for i < len(r.data) {
		switch r.data[i] {
		case ' ', '\t', '\r', '\n', ',', ':':
			i++
			continue
		}
		break
	}
	return i
}

func (r *jsonReader) errAt(offset int, msg string) error {
	line, col := position(r.data, offset)
	return &ParseError{File: r.name, Line: line, Column: col, Msg: msg}
}

// syntaxErr locates a decoder error. The streaming decoder's offsets are
// relative to whatever it was decoding last, so the file is validated again
// in one piece, which yields the absolute offset.
func (r *jsonReader) syntaxErr(err error) error {
	if errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) {
		return r.errAt(len(r.data), "unexpected end of file; the JSON is cut short")
	}
	var whole json.RawMessage
	var se *json.SyntaxError
	if errors.As(json.Unmarshal(r.data, &whole), &se) {
		// Offset counts the offending byte as read.
		return r.errAt(int(se.Offset)-1, se.Error())
	}
	return r.errAt(r.next(), err.Error())
}

// describeToken names a top-level value the decoder returned as a token.
func describeToken(tok json.Token) string {
	switch v := tok.(type) {
	case json.Delim:
		if v == '{' {
			return "an object"
		}
		return "an array"
	case string:
		if len(v) <= 40 {
			return fmt.Sprintf("string %q", v)
		}
		return "a string"
	case json.Number:
		return "number " + v.String()
	case bool:
		return fmt.Sprintf("boolean %t", v)
	}
	return "null"
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
func decodeUser(raw json.RawMessage, present map[string]bool) (u directory.User, id string, err error) {
	if raw[0] != '{' {
		return u, "", fmt.Errorf("user must be an object, not %s", describe(raw))
	}
	var bad problems
	u.AccountEnabled = true // absent or null: see the package doc
	var seen [len(fieldOrder)]string
	eachMember(raw, func(rawKey, v []byte) {
		key, _ := unquote(rawKey)
		field, known := lookupField(key)
		name := key
		if known {
			name = fieldOrder[field]
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
		switch fieldOrder[field] {
		case "accountEnabled":
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
		case "manager":
			m, err := idRef("manager", v)
			if err != nil {
				bad.add("%v", err)
			}
			u.Manager = m
		default:
			s, err := stringValue(fieldOrder[field], v)
			if err != nil {
				bad.add("%v", err)
			}
			setString(&u, fieldOrder[field], s)
		}
	})
	if seen[fieldID] == "" {
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
