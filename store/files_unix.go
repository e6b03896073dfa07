//go:build unix

package store

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// openPrivate opens a state file without following a symbolic link: in a
// folder others could once write to, a planted link would make slackprov
// write its state or PID over whatever file the link names.
func openPrivate(path string, flag int) (*os.File, error) {
	f, err := os.OpenFile(path, flag|syscall.O_NOFOLLOW, 0o600)
	// Linux and macOS say ELOOP for a link; FreeBSD says EMLINK.
	if errors.Is(err, syscall.ELOOP) || errors.Is(err, syscall.EMLINK) {
		return nil, symlinkError(path)
	}
	if err != nil {
		return nil, err
	}
	if info, err := f.Stat(); err != nil || !info.Mode().IsRegular() {
		f.Close()
		return nil, fmt.Errorf("%s is not a regular file; remove it (slackprov recreates it)", path)
	}
	return f, nil
}

// checkPrivateDir refuses a state folder that group or others may write to:
// anyone who can write there can replace the state or plant links in it.
func checkPrivateDir(dir string) error {
	info, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("state directory %s: %w", dir, err)
	}
	if perm := info.Mode().Perm(); perm&0o022 != 0 {
		return fmt.Errorf("state directory %s is writable by group or others (mode %04o), so another user could replace slackprov's state: run `chmod 700 %s`, or set state_dir to a private folder", dir, perm, dir)
	}
	return nil
}
