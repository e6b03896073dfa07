//go:build !unix

package store

import "os"

// openPrivate opens a state file, refusing a symbolic link in its place.
// Without O_NOFOLLOW the check comes just before the open.
func openPrivate(path string, flag int) (*os.File, error) {
	if info, err := os.Lstat(path); err == nil && info.Mode()&os.ModeSymlink != 0 {
		return nil, symlinkError(path)
	}
	return os.OpenFile(path, flag, 0o600)
}

// checkPrivateDir has nothing to check where permissions are ACLs rather
// than mode bits (Windows): the user profile folder is private already.
func checkPrivateDir(string) error { return nil }
