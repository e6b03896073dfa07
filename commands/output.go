package commands

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/term"
)

// table is rows of text with a header, printable as aligned text or CSV;
// JSON output uses the original values instead.
type table struct {
	header []string
	rows   [][]string
}

func (t *table) add(cells ...string) { t.rows = append(t.rows, cells) }

// write prints the table in the chosen format; value is what JSON prints.
func (t *table) write(w io.Writer, output string, value any) error {
	switch output {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(value)
	case "csv":
		return writeCSV(w, append([][]string{t.header}, t.rows...))
	case "text":
		_, err := io.WriteString(w, t.text(writerWidth(w)))
		return err
	}
	return fmt.Errorf("--output %q: use text, json or csv", output)
}

// tableGap is the space between columns.
const tableGap = 2

// text lays the table out in aligned columns. A cell may hold several
// lines (a folded list); its row then takes as many lines. With a width,
// the widest columns are cut (ending in …) until every line fits; 0 means
// no limit.
func (t *table) text(width int) string {
	cols := len(t.header)
	var lines [][]string
	for _, r := range append([][]string{t.header}, t.rows...) {
		lines = append(lines, unfold(r, cols)...)
	}
	widths := make([]int, cols)
	for _, r := range lines {
		for i, c := range r {
			widths[i] = max(widths[i], ansi.StringWidth(c))
		}
	}
	if width > 0 {
		fitColumns(widths, t.header, width)
	}
	var b strings.Builder
	for _, r := range lines {
		var line strings.Builder
		for i, c := range r {
			if ansi.StringWidth(c) > widths[i] {
				c = ansi.Truncate(c, widths[i], "…")
			}
			line.WriteString(c)
			if i < len(r)-1 {
				line.WriteString(strings.Repeat(" ", widths[i]-ansi.StringWidth(c)+tableGap))
			}
		}
		b.WriteString(strings.TrimRight(line.String(), " "))
		b.WriteByte('\n')
	}
	return b.String()
}

// unfold turns a row whose cells hold several lines into that many rows of
// cols cells, the later ones blank where a cell has no more lines.
func unfold(row []string, cols int) [][]string {
	split := make([][]string, cols)
	n := 1
	for i := 0; i < cols && i < len(row); i++ {
		split[i] = strings.Split(row[i], "\n")
		n = max(n, len(split[i]))
	}
	out := make([][]string, n)
	for l := range out {
		out[l] = make([]string, cols)
		for i := range cols {
			if l < len(split[i]) {
				out[l][i] = split[i][l]
			}
		}
	}
	return out
}

// fitColumns narrows the widest columns, one column at a time, until the
// row fits in width; no column gets narrower than its header or 8.
func fitColumns(widths []int, header []string, width int) {
	total := tableGap * (len(widths) - 1)
	for _, w := range widths {
		total += w
	}
	for total > width {
		widest := -1
		for i, w := range widths {
			if w > max(ansi.StringWidth(header[i]), 8) && (widest < 0 || w > widths[widest]) {
				widest = i
			}
		}
		if widest < 0 {
			return
		}
		widths[widest]--
		total--
	}
}

// writerWidth is the terminal width when w is a terminal, else 0.
func writerWidth(w io.Writer) int {
	f, ok := w.(*os.File)
	if !ok || !term.IsTerminal(f.Fd()) {
		return 0
	}
	width, _, err := term.GetSize(f.Fd())
	if err != nil {
		return 0
	}
	return width
}
