package commands

import (
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
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
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		for _, r := range append([][]string{t.header}, t.rows...) {
			for i, c := range r {
				if i > 0 {
					fmt.Fprint(tw, "\t")
				}
				fmt.Fprint(tw, c)
			}
			fmt.Fprintln(tw)
		}
		return tw.Flush()
	}
	return fmt.Errorf("--output %q: use text, json or csv", output)
}
