package slackscim

import "maps"

// Stats counts the calls the emulator received. Tests and benchmarks use
// it to measure how many Slack calls a sync spent.
type Stats struct {
	// Requests counts every request by method and endpoint class, for example
	// "GET /Users", "PATCH /Users/{id}", "POST /Groups".
	Requests map[string]int
	Total    int
	Reads    int // GET requests
	Writes   int // POST, PUT, PATCH and DELETE requests, whatever their outcome
	// TooManyRequests counts every 429 returned: rate limits and resource locks.
	TooManyRequests int
	// Locked counts the 429s caused by a concurrent write to the same resource.
	Locked            int
	InjectedErrors    int // 500s from Faults.ErrorRate
	Dropped           int // connections closed before processing (Faults.DropRate)
	DroppedAfterWrite int // writes applied whose response was dropped
	AppliedWrites     int // writes that succeeded, including those dropped afterwards
}

// Stats returns a copy of the counters.
func (s *Org) Stats() Stats {
	s.statsMu.Lock()
	defer s.statsMu.Unlock()
	st := s.stats
	st.Requests = maps.Clone(s.stats.Requests)
	return st
}

// ResetStats zeroes the counters.
func (s *Org) ResetStats() {
	s.statsMu.Lock()
	s.stats = Stats{Requests: map[string]int{}}
	s.statsMu.Unlock()
}

func (s *Org) count(update func(*Stats)) {
	s.statsMu.Lock()
	update(&s.stats)
	s.statsMu.Unlock()
}
