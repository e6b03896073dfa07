//go:build !unix

package commands

import "os"

// processAlive reports whether a process with this pid exists; where
// signals cannot probe it, finding the process is the test.
func processAlive(pid int) bool {
	if pid <= 0 {
		return false
	}
	_, err := os.FindProcess(pid)
	return err == nil
}
