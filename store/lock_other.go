//go:build !unix

package store

// Lock is a no-op where flock(2) does not exist; run one sync per profile at
// a time there (the Windows build has no scheduler of its own).
func (s *Store) Lock() (unlock func(), err error) { return func() {}, nil }
