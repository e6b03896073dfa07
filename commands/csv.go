package commands

import (
	"bufio"
	"io"
	"strings"
)

// writeCSV writes rows as RFC 4180 CSV, with every cell that a spreadsheet
// would run as a formula neutralised the way OWASP recommends: a value
// from the directory such as =HYPERLINK("http://evil.example") must reach
// an auditor's spreadsheet as text. Every CSV slackprov writes goes
// through here.
func writeCSV(w io.Writer, rows [][]string) error {
	bw := bufio.NewWriter(w)
	for _, row := range rows {
		for i, cell := range row {
			if i > 0 {
				bw.WriteByte(',')
			}
			writeCell(bw, cell)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}

// formulaStart holds the characters that make a spreadsheet read a cell as
// a formula (OWASP, "CSV Injection").
const formulaStart = "=+-@\t\r"

func writeCell(bw *bufio.Writer, cell string) {
	formula := cell != "" && strings.IndexByte(formulaStart, cell[0]) >= 0
	if formula {
		cell = "'" + cell
	}
	if !formula && !strings.ContainsAny(cell, ",\"\r\n") && !strings.HasPrefix(cell, " ") {
		bw.WriteString(cell)
		return
	}
	bw.WriteByte('"')
	bw.WriteString(strings.ReplaceAll(cell, `"`, `""`))
	bw.WriteByte('"')
}
