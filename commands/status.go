package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/store"
)

// StatusOptions is everything `slackprov status` needs.
type StatusOptions struct {
	IO     *IOStreams
	Config *Config
	Now    func() time.Time
	Output string
}

func newStatusCmd(f *Factory, runF func(*StatusOptions) error) *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "show where provisioning stands: state, last runs, pending failures, read position",
		Description: `Reads only this profile's local state; it asks neither Slack nor the directory.

Examples:
  slackprov status
  slackprov status --output json | jq .pending`,
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Value: "text", Usage: "text or json"},
		},
		Action: func(c *cli.Context) error {
			cfg, err := f.Config()
			if err != nil {
				return err
			}
			opts := &StatusOptions{IO: f.IO, Config: cfg, Now: f.Now, Output: c.String("output")}
			if runF != nil {
				return runF(opts)
			}
			return statusRun(c.Context, opts)
		},
	}
}

// statusReport is `status --output json`, and what the text view shows.
type statusReport struct {
	Profile         string            `json:"profile"`
	StateFile       string            `json:"state_file"`
	Source          string            `json:"source"`
	SlackOrg        *statusOrg        `json:"slack_org"`
	Directory       string            `json:"directory,omitempty"`
	State           string            `json:"state"` // idle, running or quarantined
	Quarantine      *statusQuarantine `json:"quarantine"`
	Watch           *watchCycle       `json:"watch"`
	LastFull        *runSummary       `json:"last_full"`
	LastIncremental *runSummary       `json:"last_incremental"`
	LastRun         *runSummary       `json:"last_run"`
	Pending         []statusPending   `json:"pending"`
	ReadPosition    statusReadPos     `json:"read_position"`
	RateLimit       statusRateLimit   `json:"rate_limit"`
	Accounts        statusAccounts    `json:"accounts"`
	StoreBytes      int64             `json:"store_bytes"`
}

type statusOrg struct {
	ID    string    `json:"id"`
	Name  string    `json:"name,omitempty"`
	Bound time.Time `json:"bound"`
}

type statusQuarantine struct {
	Reason  string    `json:"reason"`
	Message string    `json:"message"`
	Since   time.Time `json:"since"`
	WayOut  string    `json:"way_out"`
}

type runSummary struct {
	ID              int64          `json:"id"`
	Mode            string         `json:"mode"`
	DryRun          bool           `json:"dry_run"`
	Status          string         `json:"status"`
	Started         time.Time      `json:"started"`
	Finished        *time.Time     `json:"finished"`
	DurationSeconds float64        `json:"duration_seconds"`
	Counts          map[string]int `json:"counts"`
	Error           string         `json:"error,omitempty"`
}

type statusPending struct {
	Kind        string    `json:"kind"`
	SourceID    string    `json:"source_id"`
	Name        string    `json:"name"`
	Action      string    `json:"action"`
	Reason      string    `json:"reason"`
	ErrorCode   string    `json:"error_code,omitempty"`
	Attempts    int       `json:"attempts"`
	FirstFailed time.Time `json:"first_failed"`
	LastFailed  time.Time `json:"last_failed"`
	NextRetry   time.Time `json:"next_retry"`
}

// statusReadPos is the directory read position: Kept says whether the
// source keeps one (Entra's delta links; a file is read whole each run).
type statusReadPos struct {
	Kept       bool       `json:"kept"`
	Since      *time.Time `json:"since"`
	AgeSeconds float64    `json:"age_seconds"`
}

// statusRateLimit is what the newest run that recorded it spent on Slack's
// rate limits: requests Slack refused with 429, and the time waited on the
// client's limiter and Retry-After (summed over workers). Recorded is false
// when no run recorded it.
type statusRateLimit struct {
	Recorded    bool    `json:"recorded"`
	RunID       int64   `json:"run_id,omitempty"`
	Refused     int     `json:"refused"`
	WaitSeconds float64 `json:"wait_seconds"`
}

// statusAccounts counts links; Unmanaged is the Slack accounts no assigned
// directory object maps to, as the newest full run counted them (nil when
// none recorded it).
type statusAccounts struct {
	LinkedUsers  int  `json:"linked_users"`
	LinkedGroups int  `json:"linked_groups"`
	Unmanaged    *int `json:"unmanaged"`
}

// Run count keys status reads beyond the per-action counts.
const (
	countUnmanaged        = "user.unmanaged"
	countRateLimitRefused = "rate_limit.refused"
	countRateLimitMilli   = "rate_limit.wait_ms"
)

func statusRun(ctx context.Context, opts *StatusOptions) error {
	if opts.Output != "text" && opts.Output != "json" {
		return fmt.Errorf("--output %q: use text or json", opts.Output)
	}
	rep, err := gatherStatus(ctx, opts.Config, opts.Now())
	if err != nil {
		return err
	}
	if opts.Output == "json" {
		enc := json.NewEncoder(opts.IO.Out)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	width := min(opts.IO.TerminalWidth(), 80)
	if width <= 0 {
		width = 80
	}
	_, err = fmt.Fprint(opts.IO.Out, renderStatus(rep, opts.Now(), statusStyles(opts.IO), width))
	return err
}

// gatherStatus reads everything status shows from the state file. A
// profile without one yet is idle with nothing recorded; no file is created.
func gatherStatus(ctx context.Context, cfg *Config, now time.Time) (*statusReport, error) {
	path := filepath.Join(cfg.StateDir, "state.db")
	rep := &statusReport{Profile: cfg.Profile, StateFile: path, Source: cfg.Source.Type, State: "idle", Pending: []statusPending{}}
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return rep, nil
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	defer st.Close()
	for _, gather := range []func(context.Context, *store.Store, *statusReport, time.Time) error{
		gatherBinding, gatherState, gatherRuns, gatherPending, gatherAccounts,
	} {
		if err := gather(ctx, st, rep, now); err != nil {
			return nil, err
		}
	}
	rep.StoreBytes = fileSizes(path, path+"-wal")
	return rep, nil
}

func gatherBinding(ctx context.Context, st *store.Store, rep *statusReport, _ time.Time) error {
	b, err := st.Binding(ctx)
	if err != nil || b == nil {
		return err
	}
	rep.SlackOrg = &statusOrg{ID: b.SlackOrg, Name: b.SlackOrgName, Bound: b.Bound}
	rep.Directory = b.Directory
	return nil
}

// gatherState decides idle, running or quarantined. Quarantine wins: a
// watch that keeps running while quarantined only reads.
func gatherState(ctx context.Context, st *store.Store, rep *statusReport, now time.Time) error {
	q, err := st.Quarantine(ctx)
	if err != nil {
		return err
	}
	w, err := readWatchCycle(ctx, st)
	if err != nil {
		return err
	}
	if w != nil && w.Phase != watchStopped && processAlive(w.PID) {
		rep.Watch = w
	}
	last, err := st.LastRun(ctx)
	if err != nil {
		return err
	}
	switch {
	case q != nil:
		rep.State = "quarantined"
		rep.Quarantine = &statusQuarantine{Reason: q.Reason, Message: q.Message, Since: q.Since, WayOut: quarantineWayOut(q.Reason)}
	case rep.Watch != nil && rep.Watch.Phase != watchIdle:
		rep.State = "running"
	case last != nil && last.Status == store.RunRunning && last.Finished.IsZero() && runHolderAlive(st):
		rep.State = "running"
	}
	return nil
}

// quarantineWayOut says how a quarantine of this reason ends.
func quarantineWayOut(reason string) string {
	switch reason {
	case store.QuarantineCredentials:
		return "run `slackprov authorize` again (or fix the directory's credentials), check with `slackprov test-connection`, then `slackprov resume`"
	case store.QuarantineSafetyStop:
		return "read `slackprov sync --dry-run`; if the deactivations are right, raise safety.max_deactivations or run `slackprov sync` yourself, else fix the directory; then `slackprov resume`"
	case store.QuarantineFailures:
		return "see `slackprov logs --status failed` and `slackprov status`, fix the cause, then `slackprov resume`"
	}
	return "`slackprov resume` lifts it; a successful `slackprov sync` does too"
}

// gatherRuns finds the newest full and incremental runs, and the rate-limit
// waits and unmanaged count the newest run that recorded them counted.
func gatherRuns(ctx context.Context, st *store.Store, rep *statusReport, now time.Time) error {
	runs, err := st.Runs(ctx, 500)
	if err != nil {
		return err
	}
	for i := range runs {
		r := &runs[i]
		if rep.LastRun == nil {
			rep.LastRun = summariseRun(r)
		}
		switch {
		case r.DryRun:
		case r.Mode == store.RunFull && rep.LastFull == nil:
			rep.LastFull = summariseRun(r)
		case r.Mode == store.RunIncremental && rep.LastIncremental == nil:
			rep.LastIncremental = summariseRun(r)
		}
		if n, ok := r.Counts[countUnmanaged]; ok && rep.Accounts.Unmanaged == nil {
			rep.Accounts.Unmanaged = &n
		}
		if _, ok := r.Counts[countRateLimitRefused]; ok && !rep.RateLimit.Recorded {
			rep.RateLimit = statusRateLimit{Recorded: true, RunID: r.ID, Refused: r.Counts[countRateLimitRefused],
				WaitSeconds: float64(r.Counts[countRateLimitMilli]) / 1000}
		}
	}
	return gatherReadPosition(ctx, st, rep, runs, now)
}

// gatherReadPosition: the read position moves when a writing run settles,
// so its age is the age of the newest such run that finished well.
func gatherReadPosition(ctx context.Context, st *store.Store, rep *statusReport, runs []store.Run, now time.Time) error {
	_, kept, err := st.Get(ctx, entraStateKey)
	if err != nil || !kept {
		return err
	}
	rep.ReadPosition.Kept = true
	for _, r := range runs {
		if !r.DryRun && r.Status == store.RunOK && (r.Mode == store.RunFull || r.Mode == store.RunIncremental || r.Mode == "") && !r.Finished.IsZero() {
			since := r.Finished
			rep.ReadPosition.Since = &since
			rep.ReadPosition.AgeSeconds = now.Sub(since).Seconds()
			return nil
		}
	}
	return nil
}

// entraStateKey is the store key the Entra source keeps its read state
// under (directory/entra/state.go); its presence means a read position.
const entraStateKey = "entra.state"

func summariseRun(r *store.Run) *runSummary {
	s := &runSummary{ID: r.ID, Mode: r.Mode, DryRun: r.DryRun, Status: r.Status, Started: r.Started, Counts: r.Counts, Error: r.Error}
	if s.Counts == nil {
		s.Counts = map[string]int{}
	}
	if !r.Finished.IsZero() {
		fin := r.Finished
		s.Finished = &fin
		s.DurationSeconds = r.Finished.Sub(r.Started).Seconds()
	}
	return s
}

func gatherPending(ctx context.Context, st *store.Store, rep *statusReport, _ time.Time) error {
	pending, err := st.Pending(ctx)
	if err != nil {
		return err
	}
	for _, p := range pending {
		rep.Pending = append(rep.Pending, statusPending{Kind: p.Kind, SourceID: p.SourceID, Name: p.Name, Action: p.Action,
			Reason: p.Error, ErrorCode: p.ErrorCode, Attempts: p.Attempts, FirstFailed: p.FirstFailed, LastFailed: p.LastFailed, NextRetry: p.NextRetry})
	}
	return nil
}

func gatherAccounts(ctx context.Context, st *store.Store, rep *statusReport, _ time.Time) error {
	users, err := st.Links(ctx, "user")
	if err != nil {
		return err
	}
	groups, err := st.Links(ctx, "group")
	if err != nil {
		return err
	}
	rep.Accounts.LinkedUsers, rep.Accounts.LinkedGroups = len(users), len(groups)
	return nil
}

func fileSizes(paths ...string) int64 {
	var n int64
	for _, p := range paths {
		if info, err := os.Stat(p); err == nil {
			n += info.Size()
		}
	}
	return n
}

// runHolderAlive reports whether the process that last took the state's
// run lock is alive, so a run recorded as running is really live and not
// one whose process died. It reads the pid the lock file keeps rather than
// taking the lock, which would refuse a sync starting at that moment.
func runHolderAlive(st *store.Store) bool {
	raw, err := os.ReadFile(st.Path() + ".lock")
	if err != nil {
		return false
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	return err == nil && processAlive(pid)
}
