// Package file reads a directory from a JSON or CSV file shaped like
// Microsoft Graph users and groups.
//
// JSON:
//
//	{"users":  [{"id": "...", "userPrincipalName": "...", "accountEnabled": true, ...}],
//	 "groups": [{"id": "...", "displayName": "...", "members": ["user id", ...]}]}
//
// "users" is required (it may be empty), "groups" optional. Top-level keys
// starting with "@" or "$" (such as "$schema") are ignored; any other key is an
// error, because a misspelt "users" must not read as an empty directory.
// "manager" may be a user id or Graph's expanded form {"id": "..."}, and group
// members may be ids or {"id": "..."} objects.
//
// CSV holds users only: a header row with the same column names, then one row
// per user. The delimiter is a comma, or a semicolon or tab when the header
// has no comma (as spreadsheet exports in many locales write). An empty
// accountEnabled cell means true: Graph always sends accountEnabled, so a
// blank can only mean nobody filled it in, and disabling on a blank would
// deactivate people by accident. Wholly blank rows are skipped.
//
// In both formats known attribute names match case-insensitively, and
// accountEnabled accepts true/false, 1/0 and yes/no in any case. Other
// attributes land in User.Extra as strings (JSON numbers and booleans as
// written; nested JSON objects and arrays are ignored) so mappings can use
// them.
//
// A syntax error, a top level of the wrong shape, or a CSV quote that is
// never closed fails the whole read with a *ParseError (file:line:col, where
// the problem starts). A single unusable user or group becomes a
// directory.RecordError and the rest is still read: that includes a record
// with bytes that are not UTF-8 (the message names the line and column of
// the first) and one over the size limits in limits.go, whose value is
// never copied. An id that appears in
// Problems is never also in Users or Groups: duplicated ids are reported at
// each repeat and every copy is withheld, since the engine cannot know which
// one is right.
package file

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"github.com/slackprov/slackprov/directory"
)

// Source reads a directory file on every Read, so edits between runs count.
type Source struct {
	path string
}

var _ directory.Source = (*Source)(nil)

// New returns a source for the file at path. The format follows the
// extension (.json or .csv); any other name is sniffed from the content.
func New(path string) *Source { return &Source{path: path} }

// Describe names the source for messages.
func (s *Source) Describe() string { return "file " + s.path }

// Read reads and parses the file.
func (s *Source) Read(ctx context.Context) (*directory.Snapshot, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := readCapped(s.path)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return Parse(s.path, data)
}

// readCapped reads the file unless it is over MaxFileBytes; the limit holds
// for files that grow while they are read, too.
func readCapped(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read directory file: %w", err)
	}
	defer f.Close()
	tooBig := fmt.Errorf("directory file %s is over %d bytes, the most slackprov reads (docs/directory-file.md); is it the right file?", path, MaxFileBytes)
	if fi, err := f.Stat(); err == nil && fi.Size() > MaxFileBytes {
		return nil, tooBig
	}
	data, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read directory file: %w", err)
	}
	if len(data) > MaxFileBytes {
		return nil, tooBig
	}
	return data, nil
}

// Parse parses data as the directory file called name; name picks the format
// and appears in error messages.
func Parse(name string, data []byte) (*directory.Snapshot, error) {
	// Positions are reported in the text after the BOM, as editors show it.
	data = bytes.TrimPrefix(data, []byte("\uFEFF"))
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return parseJSON(name, data)
	case ".csv":
		snap, err := parseCSV(name, data)
		var pe *ParseError
		if errors.As(err, &pe) && looksJSON(data) {
			pe.Msg += " (the file looks like JSON; name it .json)"
		}
		return snap, err
	}
	if looksJSON(data) {
		return parseJSON(name, data)
	}
	return parseCSV(name, data)
}

func looksJSON(data []byte) bool {
	trimmed := bytes.TrimLeft(data, " \t\r\n")
	return len(trimmed) > 0 && (trimmed[0] == '{' || trimmed[0] == '[')
}

// ParseError is a problem that makes the whole file unusable.
type ParseError struct {
	File   string
	Line   int // 1-based
	Column int // 1-based, in characters; 0 when unknown
	Msg    string
}

func (e *ParseError) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Column, e.Msg)
	}
	return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg)
}

// position converts a byte offset in data to a 1-based line and column.
func position(data []byte, offset int) (line, col int) {
	offset = min(max(offset, 0), len(data))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	lineStart := bytes.LastIndexByte(before, '\n') + 1
	return line, utf8.RuneCount(before[lineStart:]) + 1
}

// lineCounter answers line-of-offset queries for increasing offsets in
// linear total time, which matters for files with 100k users.
type lineCounter struct {
	data []byte
	off  int
	line int
}

func (c *lineCounter) lineAt(offset int) int {
	if c.line == 0 {
		c.line = 1
	}
	if offset < c.off {
		c.off, c.line = 0, 1
	}
	c.line += bytes.Count(c.data[c.off:offset], []byte("\n"))
	c.off = offset
	return c.line
}

// pos is lineAt with the 1-based column, in characters.
func (c *lineCounter) pos(offset int) (line, col int) {
	line = c.lineAt(offset)
	lineStart := bytes.LastIndexByte(c.data[:offset], '\n') + 1
	return line, utf8.RuneCount(c.data[lineStart:offset]) + 1
}
