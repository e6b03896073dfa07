package file

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/slackprov/slackprov/directory"
)

// column is one CSV header cell: a known attribute, an Extra name, or ""
// for an unnamed column, which is ignored.
type column struct {
	field string // Graph name of a known attribute, else ""
	extra string // the header text of any other column
}

func parseCSV(name string, data []byte) (*directory.Snapshot, error) {
	r := csv.NewReader(bytes.NewReader(data))
	r.Comma = delimiter(data)
	r.FieldsPerRecord = -1 // a short or long row is that row's problem, not the file's

	header, err := r.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ParseError{File: name, Line: 1, Msg: `file is empty; expected a header row with an "id" column`}
	}
	if err != nil {
		return nil, csvSyntaxErr(name, data, err)
	}
	cols, idCol, err := columns(name, header)
	if err != nil {
		return nil, err
	}

	snap := &directory.Snapshot{}
	var ids []idLine
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// A broken quote can swallow the rows after it; reading on
			// would silently lose people, so the whole file fails.
			return nil, csvSyntaxErr(name, data, err)
		}
		line, _ := r.FieldPos(0)
		if blank(rec) {
			continue
		}
		id := ""
		if idCol < len(rec) {
			id = strings.TrimSpace(rec[idCol])
		}
		ids = append(ids, idLine{id, line})
		u, err := csvUser(rec, cols)
		if err != nil {
			snap.Problems = append(snap.Problems, directory.RecordError{File: name, Line: line, ID: id, Kind: "user", Err: err})
			continue
		}
		snap.Users = append(snap.Users, u)
	}
	snap.Problems = append(snap.Problems, duplicates(name, "user", ids)...)
	withhold(snap)
	present := map[string]bool{}
	for _, c := range cols {
		present[c.field+c.extra] = c.field+c.extra != ""
	}
	snap.Vocabulary = vocabulary(present)
	return snap, nil
}

// delimiter picks ';' or tab when the header row has no comma but has one of
// those, as spreadsheet exports in many locales write.
func delimiter(data []byte) rune {
	first, _, _ := bytes.Cut(data, []byte("\n"))
	switch {
	case bytes.IndexByte(first, ',') >= 0:
		return ','
	case bytes.IndexByte(first, ';') >= 0:
		return ';'
	case bytes.IndexByte(first, '\t') >= 0:
		return '\t'
	}
	return ','
}

func columns(name string, header []string) (cols []column, idCol int, err error) {
	idCol = -1
	where := map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		c := column{}
		key := h
		if f, ok := lookupField(h); ok {
			c.field, key = fieldOrder[f], fieldOrder[f]
		} else {
			c.extra = h
		}
		if h != "" {
			if prev, dup := where[key]; dup {
				return nil, 0, &ParseError{File: name, Line: 1,
					Msg: fmt.Sprintf("column %q appears twice (columns %d and %d); keep one", key, prev+1, i+1)}
			}
			where[key] = i
		}
		if c.field == "id" {
			idCol = i
		}
		cols = append(cols, c)
	}
	if idCol < 0 {
		return nil, 0, &ParseError{File: name, Line: 1,
			Msg: fmt.Sprintf(`no "id" column in the header row (found: %s); every user needs a stable id`, strings.Join(header, ", "))}
	}
	return cols, idCol, nil
}

func csvUser(rec []string, cols []column) (directory.User, error) {
	u := directory.User{AccountEnabled: true}
	if len(rec) != len(cols) {
		return u, fmt.Errorf("row has %d fields but the header has %d; check for an unquoted delimiter in a value", len(rec), len(cols))
	}
	var bad problems
	for i, c := range cols {
		v := strings.TrimSpace(rec[i])
		switch {
		case c.field == "accountEnabled":
			if v == "" {
				continue // see the package doc: blank means enabled
			}
			b, err := parseBool(v)
			if err != nil {
				bad.add("%v", err)
			}
			u.AccountEnabled = b
		case c.field != "":
			setString(&u, c.field, v)
		case c.extra != "" && v != "":
			if u.Extra == nil {
				u.Extra = map[string]string{}
			}
			u.Extra[c.extra] = v
		}
	}
	if u.ID == "" {
		bad.add("missing id")
	}
	return u, bad.err()
}

func blank(rec []string) bool {
	for _, f := range rec {
		if strings.TrimSpace(f) != "" {
			return false
		}
	}
	return true
}

func csvSyntaxErr(name string, data []byte, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		// encoding/csv counts columns in bytes; editors count characters.
		lines := bytes.SplitN(data, []byte("\n"), pe.Line+1)
		col := pe.Column
		if pe.Line >= 1 && pe.Line <= len(lines) && col >= 1 {
			text := lines[pe.Line-1]
			col = utf8.RuneCount(text[:min(col-1, len(text))]) + 1
		}
		return &ParseError{File: name, Line: pe.Line, Column: col, Msg: pe.Err.Error()}
	}
	return &ParseError{File: name, Line: 1, Msg: err.Error()}
}
