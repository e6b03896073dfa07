package file

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
)

// A byte that is not UTF-8 fails the record it is in, at its own line and
// column, and every other record is read.
func TestInvalidUTF8FailsOneRecord(t *testing.T) {
	var b strings.Builder
	b.WriteString("{\"users\": [\n") // line 1
	for i := 2; i <= 430; i++ {
		title := "Engineer"
		if i == 427 {
			title = "Ing\xe9nieur" // Latin-1 é
		}
		fmt.Fprintf(&b, "  {\"id\": \"u%d\", \"jobTitle\": \"%s\"},\n", i, title)
	}
	// A record over several lines: the bad byte is on its third line.
	b.WriteString("  {\"id\": \"multi\",\n   \"mail\": \"m@example.com\",\n   \"surname\": \"M\xfcller\"}\n]}\n")
	snap, err := Parse("p.json", []byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, snap.Problems, []problem{
		{427, "u427", "user", "line 427, column 34: byte 0xE9 is not UTF-8 text"},
		{431, "multi", "user", "line 433, column 17: byte 0xFC is not UTF-8 text"},
	})
	if len(snap.Users) != 428 {
		t.Errorf("%d users read, want the other 428", len(snap.Users))
	}

	csvData := "\nid,displayName,jobTitle\nu1,Zo\xeb Ng,Engineer\nu2,Ann,\"Two\nlines \xff\"\nu3,Bo,Chef\n"
	snap, err = Parse("p.csv", []byte(csvData))
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, snap.Problems, []problem{
		{3, "u1", "user", "line 3, column 6: byte 0xEB is not UTF-8 text"},
		{4, "u2", "user", "line 5, column 7: byte 0xFF is not UTF-8 text"},
	})
	if got := userIDs(snap.Users); !reflect.DeepEqual(got, []string{"u3"}) {
		t.Errorf("users = %v, want [u3] (on line 6, which the reader must still number right)", got)
	}
	if snap.Problems[0].Error() != "p.csv:3: user u1: line 3, column 6: byte 0xEB is not UTF-8 text; save the file as UTF-8" {
		t.Errorf("message = %q", snap.Problems[0].Error())
	}
}

// The CSV reader numbers the lines after a skipped record as the file does.
func TestCSVLinesAfterSkippedRecord(t *testing.T) {
	data := "id,accountEnabled\nu1,\xff\nu2,maybe\n"
	snap, err := Parse("p.csv", []byte(data))
	if err != nil {
		t.Fatal(err)
	}
	checkProblems(t, snap.Problems, []problem{
		{2, "u1", "user", "line 2, column 4: byte 0xFF is not UTF-8 text"},
		{3, "u2", "user", `want true or false, got "maybe"`},
	})
}

// A record over the size limit fails alone, named by line and id, without
// its value being copied.
func TestOversizeRecordFailsAlone(t *testing.T) {
	huge := strings.Repeat("x", 50<<20)
	jsonData := []byte("{\"users\": [\n  {\"id\": \"a\"},\n  {\"id\": \"big\", \"jobTitle\": \"" + huge + "\"},\n  {\"id\": \"c\"}\n],\n" +
		"\"groups\": [{\"id\": \"g\", \"members\": [\"" + strings.Repeat("m", MaxGroupRecordBytes) + "\"]}, {\"id\": \"h\", \"members\": [\"a\"]}]}")
	csvData := []byte("id,jobTitle\na,A\nbig," + huge + "\nc,C\n")
	huge = ""

	for _, tt := range []struct {
		name   string
		data   []byte
		groups []string
		want   []problem
	}{
		{"p.json", jsonData, []string{"h"}, []problem{
			{3, "big", "user", fmt.Sprintf("record is %d bytes; slackprov reads records of up to %d bytes", 50<<20+29, MaxUserRecordBytes)},
			{6, "g", "group", fmt.Sprintf("slackprov reads records of up to %d bytes", MaxGroupRecordBytes)},
		}},
		{"p.csv", csvData, nil, []problem{
			{3, "big", "user", fmt.Sprintf("record is %d bytes; slackprov reads records of up to %d bytes", 50<<20+5, MaxUserRecordBytes)},
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			snap, err := Parse(tt.name, tt.data)
			runtime.ReadMemStats(&after)
			if err != nil {
				t.Fatal(err)
			}
			checkProblems(t, snap.Problems, tt.want)
			if got := userIDs(snap.Users); !reflect.DeepEqual(got, []string{"a", "c"}) {
				t.Errorf("users = %v, want [a c]", got)
			}
			var groups []string
			for _, g := range snap.Groups {
				groups = append(groups, g.ID)
			}
			if !reflect.DeepEqual(groups, tt.groups) {
				t.Errorf("groups = %v, want %v", groups, tt.groups)
			}
			// Reading must not hold a copy of the 50 MB value: a few
			// buffers at most.
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 8<<20 {
				t.Errorf("parsing allocated %d MB; the oversize record was copied", alloc>>20)
			}
		})
	}
}

func TestFileOverLimitIsNotRead(t *testing.T) {
	path := filepath.Join(t.TempDir(), "people.json")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	// A sparse file: its size is checked, its content never read.
	if err := f.Truncate(MaxFileBytes + 1); err != nil {
		t.Fatal(err)
	}
	f.Close()
	_, err = New(path).Read(context.Background())
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("is over %d bytes, the most slackprov reads", MaxFileBytes)) {
		t.Errorf("error = %v", err)
	}
}
