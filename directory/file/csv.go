package file

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"unicode/utf8"

	"github.com/slackprov/slackprov/directory"
)

// column is one CSV header cell: a field, an Extra name, or neither for
// an unnamed column, which is ignored.
type column struct {
	field int    // the directory field's index, else noField
	extra string // the header text of any other column
}

// noField marks a column that is not a directory field.
const noField = -1

func parseCSV(name string, data []byte) (*directory.Snapshot, error) {
	comma := delimiter(data)
	spans, err := csvRecords(name, data, byte(comma))
	if err != nil {
		return nil, err
	}
	spans, err = headerFirst(name, data, spans)
	if err != nil {
		return nil, err
	}
	bad, rest := setAside(data, spans[1:])
	r := csv.NewReader(rest)
	r.Comma = comma
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
	rows := &csvRows{name: name, data: data, comma: byte(comma), idCol: idCol, cols: cols, bad: bad, snap: &directory.Snapshot{}}
	if err := rows.read(r); err != nil {
		return nil, err
	}
	snap := rows.snap
	snap.Problems = append(snap.Problems, duplicates(name, "user", rows.ids)...)
	withhold(snap)
	present := map[string]bool{}
	for _, c := range cols {
		if c.field != noField {
			present[directory.FieldAt(c.field).Name] = true
		} else if c.extra != "" {
			present[c.extra] = true
		}
	}
	snap.Vocabulary = vocabulary(present)
	return snap, nil
}

// headerFirst drops the empty lines before the header, which the CSV
// reader skips too, and checks the header row's size and encoding.
func headerFirst(name string, data []byte, spans []span) ([]span, error) {
	for len(spans) > 0 && len(bytes.TrimRight(data[spans[0].start:spans[0].end], "\r\n")) == 0 {
		spans = spans[1:]
	}
	if len(spans) == 0 {
		return nil, &ParseError{File: name, Line: 1, Msg: `file is empty; expected a header row with an "id" column`}
	}
	if hdr := spans[0]; hdr.end-hdr.start > MaxUserRecordBytes {
		return nil, &ParseError{File: name, Line: hdr.line, Msg: "header row: " + tooLarge(hdr.end-hdr.start, MaxUserRecordBytes).Error()}
	} else if bad := invalidUTF8(data[hdr.start:hdr.end]); bad >= 0 {
		line, col := position(data, hdr.start+bad)
		return nil, &ParseError{File: name, Line: line, Column: col,
			Msg: fmt.Sprintf("byte 0x%02X in the header row is not UTF-8 text; save the file as UTF-8", data[hdr.start+bad])}
	}
	return spans, nil
}

// setAside fails the records that are too large or not UTF-8 alone: they
// never reach the CSV reader, which sees blank lines in their place, which
// it skips and which keep its line numbers right.
func setAside(data []byte, records []span) ([]badRecord, io.Reader) {
	lines := lineCounter{data: data}
	var bad []badRecord
	var parts []io.Reader
	from := 0
	for _, sp := range records {
		if err := spanLimits(data, sp, &lines); err != nil {
			bad = append(bad, badRecord{sp, err})
			parts = append(parts, bytes.NewReader(data[from:sp.start]), strings.NewReader(strings.Repeat("\n", bytes.Count(data[sp.start:sp.end], []byte("\n")))))
			from = sp.end
		}
	}
	return bad, io.MultiReader(append(parts, bytes.NewReader(data[from:]))...)
}

// csvRows reads the rows after the header into snap, in file order with
// the records set aside, and notes each record's id and line.
type csvRows struct {
	name  string
	data  []byte
	comma byte
	idCol int
	cols  []column
	bad   []badRecord
	snap  *directory.Snapshot
	ids   []idLine
}

func (c *csvRows) read(r *csv.Reader) error {
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			// A broken quote can swallow the rows after it; reading on
			// would silently lose people, so the whole file fails.
			return csvSyntaxErr(c.name, c.data, err)
		}
		line, _ := r.FieldPos(0)
		c.failBad(line)
		if blank(rec) {
			continue
		}
		id := ""
		if c.idCol < len(rec) {
			id = strings.TrimSpace(rec[c.idCol])
		}
		c.ids = append(c.ids, idLine{id, line})
		u, err := csvUser(rec, c.cols)
		if err != nil {
			c.snap.Problems = append(c.snap.Problems, directory.RecordError{File: c.name, Line: line, ID: id, Kind: "user", Err: err})
			continue
		}
		c.snap.Users = append(c.snap.Users, u)
	}
	c.failBad(math.MaxInt)
	return nil
}

// failBad records the records set aside that start before line.
func (c *csvRows) failBad(line int) {
	for len(c.bad) > 0 && c.bad[0].span.line < line {
		b := c.bad[0]
		c.bad = c.bad[1:]
		id := strings.ToValidUTF8(strings.TrimSpace(csvField(c.data[b.span.start:b.span.end], c.idCol, c.comma)), "\uFFFD")
		c.ids = append(c.ids, idLine{id, b.span.line})
		c.snap.Problems = append(c.snap.Problems, directory.RecordError{File: c.name, Line: b.span.line, ID: id, Kind: "user", Err: b.err})
	}
}

// span is one CSV record in the file: data[start:end], its line ending
// included, starting on line.
type span struct {
	start, end, line int
}

type badRecord struct {
	span span
	err  error
}

// csvRecords splits data into records as encoding/csv does: a newline ends a
// record unless it is inside a quoted field, and a quote opens a quoted field
// only at the start of a field. A quote that is never closed swallows the
// rest of the file, so it fails the whole file, reported where it opened.
func csvRecords(name string, data []byte, comma byte) ([]span, error) {
	var out []span
	line := 1
	for i := 0; i < len(data); {
		sp := span{start: i, line: line}
		fieldStart := true
	record:
		for i < len(data) {
			c := data[i]
			switch {
			case fieldStart && c == '"':
				open := i
				for i++; ; i++ {
					if i >= len(data) {
						ln, col := position(data, open)
						return nil, &ParseError{File: name, Line: ln, Column: col,
							Msg: `the quote that opens this field is never closed, so the rest of the file would be one value; close it or double the " inside the value`}
					}
					if data[i] == '\n' {
						line++
					}
					if data[i] == '"' {
						if i+1 < len(data) && data[i+1] == '"' {
							i++
							continue
						}
						break
					}
				}
				i++
				fieldStart = false
			case c == '\n':
				i++
				line++
				break record
			default:
				fieldStart = c == comma
				i++
			}
		}
		sp.end = i
		out = append(out, sp)
	}
	return out, nil
}

// spanLimits fails a record over MaxUserRecordBytes or not UTF-8.
func spanLimits(data []byte, sp span, lines *lineCounter) error {
	if n := sp.end - sp.start; n > MaxUserRecordBytes {
		return tooLarge(n, MaxUserRecordBytes)
	}
	if bad := invalidUTF8(data[sp.start:sp.end]); bad >= 0 {
		line, col := lines.pos(sp.start + bad)
		return notUTF8(data[sp.start+bad], line, col)
	}
	return nil
}

// csvField returns field i of a raw record, unquoted; "" if it has fewer
// fields. Only records that are never parsed go through here, for their id.
func csvField(rec []byte, i int, comma byte) string {
	field, j := 0, 0
	for j <= len(rec) {
		var val []byte
		if j < len(rec) && rec[j] == '"' {
			k := j + 1
			for k < len(rec) {
				if rec[k] == '"' {
					if k+1 < len(rec) && rec[k+1] == '"' {
						val = append(val, '"')
						k += 2
						continue
					}
					break
				}
				val = append(val, rec[k])
				k++
			}
			j = k + 1
			for j < len(rec) && rec[j] != comma && rec[j] != '\n' {
				j++
			}
		} else {
			k := j
			for k < len(rec) && rec[k] != comma && rec[k] != '\n' {
				k++
			}
			val = bytes.TrimSuffix(rec[j:k], []byte("\r"))
			j = k
		}
		if field == i {
			return string(val)
		}
		if j >= len(rec) || rec[j] != comma {
			return ""
		}
		field++
		j++
	}
	return ""
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
		c := column{field: noField}
		key := h
		if f, ok := directory.FieldNamed(h, false); ok {
			c.field = f
			key = directory.FieldAt(f).Name
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
		if c.field == directory.FieldID {
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
		case c.field == directory.FieldAccountEnabled:
			if v == "" {
				continue // see the package doc: blank means enabled
			}
			b, err := parseBool(v)
			if err != nil {
				bad.add("%v", err)
			}
			u.AccountEnabled = b
		case c.field != noField:
			directory.FieldAt(c.field).SetText(&u, v)
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
