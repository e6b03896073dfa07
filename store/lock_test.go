//go:build unix

package store

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestLockExcludesOtherProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	if os.Getenv("STORE_LOCK_CHILD") != "" {
		s, err := Open(context.Background(), os.Getenv("STORE_LOCK_CHILD"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Lock(); err != nil {
			os.Stdout.WriteString("LOCKED: " + err.Error())
		}
		return
	}
	s, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	unlock, err := s.Lock()
	if err != nil {
		t.Fatal(err)
	}
	child := func() string {
		cmd := exec.Command(os.Args[0], "-test.run", "^TestLockExcludesOtherProcesses$")
		cmd.Env = append(os.Environ(), "STORE_LOCK_CHILD="+path)
		out, _ := cmd.CombinedOutput()
		return string(out)
	}
	if out := child(); !strings.Contains(out, "LOCKED: another slackprov run (pid ") {
		t.Fatalf("second process got the lock: %s", out)
	}
	unlock()
	if out := child(); strings.Contains(out, "LOCKED") {
		t.Fatalf("lock not released: %s", out)
	}
}
