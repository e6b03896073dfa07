package commands

import (
	"encoding/csv"
	"strings"
	"testing"
)

func TestWriteCSVNeutralisesFormulas(t *testing.T) {
	cases := []struct{ in, want string }{
		{"plain", "plain"},
		{"", ""},
		{`=HYPERLINK("http://evil.example")`, `"'=HYPERLINK(""http://evil.example"")"`},
		{"+1", `"'+1"`},
		{"-1", `"'-1"`},
		{"@SUM(A1)", `"'@SUM(A1)"`},
		{"\t=1", "\"'\t=1\""},
		{"\r=1", "\"'\r=1\""},
		{"a,b", `"a,b"`},
		{`say "hi"`, `"say ""hi"""`},
		{" lead", `" lead"`},
		{"x=1", "x=1"},
	}
	for _, c := range cases {
		var b strings.Builder
		if err := writeCSV(&b, [][]string{{c.in}}); err != nil {
			t.Fatal(err)
		}
		if got := strings.TrimSuffix(b.String(), "\n"); got != c.want {
			t.Errorf("cell %q: wrote %s, want %s", c.in, got, c.want)
		}
		// Whatever the escaping, a CSV reader gets the text back (with the
		// neutralising quote where one was added).
		rec, err := csv.NewReader(strings.NewReader(b.String())).Read()
		if c.in == "" {
			continue
		}
		if err != nil {
			t.Fatalf("cell %q: written CSV does not read back: %v", c.in, err)
		}
		if strings.TrimPrefix(rec[0], "'") != c.in {
			t.Errorf("cell %q read back as %q", c.in, rec[0])
		}
	}
}
