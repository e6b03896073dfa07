package commands

import (
	"context"
	"encoding/json"
	"time"

	"github.com/slackprov/slackprov/store"
)

// statusWatchKey is the store key a running `watch` keeps its cycle in
// (the watch–status contract): written by watch, only read here.
const statusWatchKey = "watch.cycle"

// Watch phases status distinguishes; the others (read, plan, apply) mean a
// cycle is running.
const (
	watchIdle    = "idle"
	watchStopped = "stopped"
)

// watchCycle is the value under statusWatchKey.
type watchCycle struct {
	PID      int       `json:"pid"`
	RunID    int64     `json:"run_id"`
	Mode     string    `json:"mode"`
	Phase    string    `json:"phase"`
	Done     int       `json:"done"`
	Total    int       `json:"total"`
	Started  time.Time `json:"started"`
	Next     time.Time `json:"next"`
	Interval string    `json:"interval"`
}

// readWatchCycle returns the cycle watch last recorded, or nil when watch
// never ran or left something unreadable (status must still answer).
func readWatchCycle(ctx context.Context, st *store.Store) (*watchCycle, error) {
	raw, ok, err := st.Get(ctx, statusWatchKey)
	if err != nil || !ok {
		return nil, err
	}
	var w watchCycle
	if json.Unmarshal([]byte(raw), &w) != nil {
		return nil, nil
	}
	return &w, nil
}
