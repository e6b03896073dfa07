package file

import (
	"fmt"
	"unicode/utf8"
)

// Size limits, checked before a record is decoded, so that one absurd value
// (a 50 MB jobTitle) costs neither memory nor a place in the plan. Each is
// far above what a real directory holds: a user record is a few hundred
// bytes, and no Slack attribute takes more than a few hundred characters.
const (
	// MaxFileBytes is the largest directory file read: about a million
	// users. A larger file is refused before it is read.
	MaxFileBytes = 1 << 30
	// MaxUserRecordBytes is the largest user: a JSON object, or a CSV row.
	MaxUserRecordBytes = 64 << 10
	// MaxGroupRecordBytes is the largest group, members included: room for
	// some 400,000 member ids, well past Slack's 15,000-member groups.
	MaxGroupRecordBytes = 16 << 20
)

func tooLarge(n, limit int) error {
	return fmt.Errorf("record is %d bytes; slackprov reads records of up to %d bytes (docs/directory-file.md) — a value this long is a data error, fix it in the directory", n, limit)
}

func notUTF8(b byte, line, col int) error {
	return fmt.Errorf("line %d, column %d: byte 0x%02X is not UTF-8 text; save the file as UTF-8", line, col, b)
}

// invalidUTF8 is the offset of the first byte of b that is not UTF-8, or -1.
func invalidUTF8(b []byte) int {
	if utf8.Valid(b) {
		return -1
	}
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n == 1 {
			return i
		}
		i += n
	}
	return -1
}
