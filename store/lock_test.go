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

// A state.db.lock planted as a link in the state folder must not make
// slackprov write its PID over the file the link names.
func TestSymlinkedStateFilesAreRefused(t *testing.T) {
	for _, name := range []string{"state.db.lock", "state.db", "state.db-wal"} {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			target := filepath.Join(t.TempDir(), "precious")
			if err := os.WriteFile(target, []byte("keep me\n"), 0o600); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(dir, "state.db")
			if name == "state.db.lock" {
				s, err := Open(context.Background(), path)
				if err != nil {
					t.Fatal(err)
				}
				defer s.Close()
			}
			if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
				t.Fatal(err)
			}
			err := func() error {
				s, err := Open(context.Background(), path)
				if err != nil {
					return err
				}
				defer s.Close()
				unlock, err := s.Lock()
				if err == nil {
					unlock()
				}
				return err
			}()
			if err == nil || !strings.Contains(err.Error(), filepath.Join(dir, name)+" is a symbolic link") || !strings.Contains(err.Error(), "remove the link") {
				t.Fatalf("err = %v, want a refusal naming the link", err)
			}
			if got, _ := os.ReadFile(target); string(got) != "keep me\n" {
				t.Fatalf("the link's target was changed: %q", got)
			}
		})
	}
}

func TestStateDirWritableByOthersIsRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "shared")
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	_, err := Open(context.Background(), filepath.Join(dir, "state.db"))
	if err == nil || !strings.Contains(err.Error(), "chmod 700 "+dir) {
		t.Fatalf("err = %v, want a refusal saying chmod 700", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "state.db")); !os.IsNotExist(err) {
		t.Fatalf("state file created anyway: %v", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := Open(context.Background(), filepath.Join(dir, "state.db"))
	if err != nil {
		t.Fatalf("after chmod 700: %v", err)
	}
	s.Close()
}
