package file

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestSourceRead(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "people.json")
	if err := os.WriteFile(path, []byte(`{"users": [{"id": "a"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	src := New(path)
	if got := src.Describe(); got != "file "+path {
		t.Errorf("Describe() = %q", got)
	}
	snap, err := src.Read(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Users) != 1 || snap.Users[0].ID != "a" {
		t.Errorf("users = %+v", snap.Users)
	}

	// Each Read sees the file as it is now.
	if err := os.WriteFile(path, []byte(`{"users": [{"id": "a"}, {"id": "b"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	snap, err = src.Read(context.Background())
	if err != nil || len(snap.Users) != 2 {
		t.Errorf("second Read = %+v, %v", snap, err)
	}

	_, err = New(filepath.Join(dir, "missing.json")).Read(context.Background())
	if !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), "missing.json") {
		t.Errorf("missing file error = %v", err)
	}

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := src.Read(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("Read with a cancelled context = %v", err)
	}
}

func TestPosition(t *testing.T) {
	data := []byte("ab\nçé\r\nx")
	tests := []struct{ offset, line, col int }{
		{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 2}, {7, 2, 3}, {9, 3, 1}, {10, 3, 2}, {99, 3, 2}, {-1, 1, 1},
	}
	for _, tt := range tests {
		line, col := position(data, tt.offset)
		if line != tt.line || col != tt.col {
			t.Errorf("position(%d) = %d:%d, want %d:%d", tt.offset, line, col, tt.line, tt.col)
		}
	}
	c := lineCounter{data: data}
	for _, tt := range []struct{ offset, line int }{{0, 1}, {3, 2}, {9, 3}, {4, 2}, {10, 3}} {
		if got := c.lineAt(tt.offset); got != tt.line {
			t.Errorf("lineAt(%d) = %d, want %d", tt.offset, got, tt.line)
		}
	}
}

// benchDirectory builds a Graph-shaped file of n users without depending on
// the emulator's generator.
func benchDirectory(n int) []byte {
	var b strings.Builder
	b.WriteString("{\"users\": [\n")
	for i := range n {
		if i > 0 {
			b.WriteString(",\n")
		}
		fmt.Fprintf(&b, `  {"id": "%08x-0000-4000-8000-%012x", "userPrincipalName": "user%d@example.com", "mail": "user%d@example.com", `+
			`"givenName": "Zoë", "surname": "Nguyễn %d", "displayName": "Zoë Nguyễn %d", "jobTitle": "Engineer", `+
			`"department": "R&D", "mobilePhone": "+4915112345%03d", "employeeId": "E%06d", "accountEnabled": %t, `+
			`"manager": "%08x-0000-4000-8000-%012x", "officeLocation": "Berlin"}`,
			i, i, i, i, i, i, i%1000, i, i%33 != 0, i/10, i/10)
	}
	b.WriteString("\n], \"groups\": [{\"id\": \"g1\", \"displayName\": \"All\", \"members\": [")
	for i := range n {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, `"%08x-0000-4000-8000-%012x"`, i, i)
	}
	b.WriteString("]}]}\n")
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	data := benchDirectory(100_000)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		snap, err := Parse("bench.json", data)
		if err != nil {
			b.Fatal(err)
		}
		if len(snap.Users) != 100_000 || len(snap.Problems) != 0 {
			b.Fatalf("%d users, %d problems", len(snap.Users), len(snap.Problems))
		}
	}
}

func TestBenchDirectoryParses(t *testing.T) {
	snap, err := Parse("bench.json", benchDirectory(50))
	if err != nil {
		t.Fatal(err)
	}
	if len(snap.Users) != 50 || len(snap.Problems) != 0 || len(snap.Groups) != 1 || len(snap.Groups[0].Members) != 50 {
		t.Errorf("users %d, problems %v, groups %d", len(snap.Users), snap.Problems, len(snap.Groups))
	}
}
