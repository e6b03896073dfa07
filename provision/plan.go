// Package provision is slackprov's engine: it turns a directory snapshot and
// a Slack listing into a Plan (scope → map → match → diff), renders it, and
// Apply executes it. Nothing else in slackprov writes to Slack.
package provision

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"strconv"
	"time"

	"github.com/slackprov/slackprov/mapping"
)

// Action is what an operation does to one Slack object.
type Action string

// Actions, in the order Apply runs them; deactivations always come last.
const (
	ActionCreate     Action = "create"
	ActionReactivate Action = "reactivate"
	ActionUpdate     Action = "update"
	ActionDelete     Action = "delete"
	ActionDeactivate Action = "deactivate"
)

// Kind is the type of object an operation touches.
type Kind string

// Kinds.
const (
	KindUser  Kind = "user"
	KindGroup Kind = "group"
)

// Operation statuses.
const (
	StatusPlanned = "planned"
	StatusOK      = "ok"
	StatusFailed  = "failed"
	StatusSkipped = "skipped"
)

// Change is one attribute's move from old to new.
type Change struct {
	Attribute string `json:"attribute"`
	Old       string `json:"old"`
	New       string `json:"new"`
}

// Operation is one write Apply will make, with everything it needs, so a
// saved plan can be applied later by another process.
type Operation struct {
	Action      Action   `json:"action"`
	Kind        Kind     `json:"kind"`
	SourceID    string   `json:"source_id"`
	TargetID    string   `json:"target_id,omitempty"`
	UserName    string   `json:"user_name,omitempty"`
	DisplayName string   `json:"display_name,omitempty"`
	Changes     []Change `json:"changes,omitempty"`
	Status      string   `json:"status"`
	Error       string   `json:"error,omitempty"`
	ErrorCode   string   `json:"error_code,omitempty"`
	MatchedBy   string   `json:"matched_by,omitempty"`
	// Notes say what the mapping did that the admin should know, such as a
	// userName shortened to Slack's 21 characters.
	Notes []string `json:"notes,omitempty"`
	// Reason says why a user is deactivated (Reason* constants).
	Reason string `json:"reason,omitempty"`

	// Desired is every mapped value for a user create, update or reactivation;
	// PATCH needs the values that share a path with a changed one.
	Desired map[string]string `json:"desired,omitempty"`
	// ManagerSourceID names a manager whose Slack id is only known once an
	// earlier create in the same apply has run.
	ManagerSourceID string `json:"manager_source_id,omitempty"`
	// UserNameFallbacks are a create's later SelectUniqueValue userName
	// candidates that no account the plan saw and no other create holds:
	// apply tries them in turn when Slack says the chosen one was taken
	// since the plan was made.
	UserNameFallbacks []string `json:"user_name_fallbacks,omitempty"`
	// Level orders creates so managers exist before their reports.
	Level int `json:"level,omitempty"`

	// Group membership, as directory user ids (resolved to Slack ids at apply
	// time, since members may be created by this very plan) and as Slack ids
	// for removals.
	AddMembers    []string `json:"add_members,omitempty"`
	RemoveMembers []string `json:"remove_members,omitempty"`

	// Retried marks an object that failed in an earlier run and is tried again.
	Retried bool `json:"retried,omitempty"`
	// Before is a digest of the Slack object as the plan saw it; apply
	// re-reads the object and refuses the plan when it no longer matches.
	Before string `json:"before,omitempty"`
}

// Link is a Slack object the plan matched to a directory object without a
// link in the store yet (an account that existed before slackprov, or one
// whose create a crash cut short). Recording it is part of the run, so
// group membership and later runs resolve through it.
type Link struct {
	Kind      Kind   `json:"kind"`
	SourceID  string `json:"source_id"`
	TargetID  string `json:"target_id"`
	Name      string `json:"name,omitempty"`
	MatchedBy string `json:"matched_by"`
}

// Name is how the object is shown to people.
func (o *Operation) Name() string {
	if o.Kind == KindGroup {
		return o.DisplayName
	}
	if o.UserName != "" {
		return o.UserName
	}
	return o.SourceID
}

// Why a user is deactivated.
const (
	ReasonDisabled   = "disabled in the directory"
	ReasonOutOfScope = "out of scope of the scoping filters"
	// ReasonRemoved: the source no longer returns the user. Graph does not
	// say whether the assignment went or the account was deleted.
	ReasonRemoved = "unassigned or deleted in the directory"
)

// Unmanaged is a Slack account no assigned directory object maps to. It is
// reported, never changed.
type Unmanaged struct {
	ID       string `json:"id"`
	UserName string `json:"user_name"`
	Email    string `json:"email,omitempty"`
	Active   bool   `json:"active"`
}

// Counts holds per-action counts for one kind.
type Counts struct {
	Create     int `json:"create"`
	Update     int `json:"update"`
	Deactivate int `json:"deactivate"`
	Reactivate int `json:"reactivate"`
	Delete     int `json:"delete"`
	Unchanged  int `json:"unchanged"`
	Failed     int `json:"failed"`
	// NotRun counts operations an interrupted apply never started.
	NotRun int `json:"not_run,omitempty"`
}

func (c *Counts) add(a Action) {
	switch a {
	case ActionCreate:
		c.Create++
	case ActionUpdate:
		c.Update++
	case ActionDeactivate:
		c.Deactivate++
	case ActionReactivate:
		c.Reactivate++
	case ActionDelete:
		c.Delete++
	}
}

// Changes is the number of writes the counts stand for.
func (c Counts) Changes() int { return c.Create + c.Update + c.Deactivate + c.Reactivate + c.Delete }

// Plan is a plain value: the dry run prints it, --plan-out saves it, apply
// executes it.
type Plan struct {
	Version   int       `json:"version"`
	ID        string    `json:"id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Source    string    `json:"source"`
	// What the plan was computed against: apply refuses it anywhere else.
	SlackOrg  string `json:"slack_org,omitempty"`
	Directory string `json:"directory,omitempty"`
	// AfterRun is the state's last applying run when the plan was made; a
	// later one means the plan is out of date.
	AfterRun int64 `json:"after_run"`
	// DirectoryUsers is how many users the read returned; Incremental says
	// the read held only changes. The safety checks need both.
	DirectoryUsers int         `json:"directory_users"`
	Incremental    bool        `json:"incremental,omitempty"`
	DryRun         bool        `json:"dry_run"`
	Users          Counts      `json:"users"`
	Groups         Counts      `json:"groups"`
	Operations     []Operation `json:"operations"`
	Links          []Link      `json:"links,omitempty"`
	Unmanaged      []Unmanaged `json:"unmanaged,omitempty"`
	// Refused is set when a safety check stops the plan from being applied;
	// Refusal holds why as values, for the plan just made.
	Refused string   `json:"refused,omitempty"`
	Refusal *Refusal `json:"-"`
	// Redacted lists the attributes whose values are never shown (Redact()).
	Redacted []string `json:"redacted,omitempty"`
	// SwitchedOff lists the mapping's switched-off actions and what they
	// held back.
	SwitchedOff []SwitchedOff `json:"switched_off,omitempty"`
	// MemberNames maps the directory and Slack ids in group member changes
	// to user names, so people read names rather than ids.
	MemberNames map[string]string `json:"member_names,omitempty"`
}

// Redactor hides the values of the plan's Redact() mappings wherever the
// plan is shown, saved or logged; a loaded plan hides them as a fresh one does.
func (p *Plan) Redactor() mapping.Redactor { return mapping.NewRedactor(p.Redacted) }

// PlanVersion is the saved-plan format version. Version 2 records what the
// plan was computed against; plans of version 1 cannot be checked.
const PlanVersion = 2

// NewPlanID returns a random id that names one plan.
func NewPlanID() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// HasChanges reports whether applying the plan would write to Slack.
func (p *Plan) HasChanges() bool {
	for _, op := range p.Operations {
		if op.Status == StatusPlanned {
			return true
		}
	}
	return false
}

// Recount rebuilds the per-action counts from the operations; unchanged
// counts are kept, since they have no operations. Once applied, a plan
// counts what was done: an interrupted apply leaves operations that never
// ran, and those are counted as not run, not as done.
func (p *Plan) Recount() {
	users := Counts{Unchanged: p.Users.Unchanged}
	groups := Counts{Unchanged: p.Groups.Unchanged}
	for _, op := range p.Operations {
		c := &users
		if op.Kind == KindGroup {
			c = &groups
		}
		switch {
		case op.Status == StatusFailed:
			c.Failed++
		case op.Status == StatusSkipped, op.Status == StatusPlanned && !p.DryRun:
			c.NotRun++
		default:
			c.add(op.Action)
		}
	}
	p.Users, p.Groups = users, groups
}

// Save writes the plan as JSON, atomically.
func (p *Plan) Save(path string) error {
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("saving plan: %w", err)
	}
	return os.Rename(tmp, path)
}

// LoadPlan reads a plan saved by Save.
func LoadPlan(path string) (*Plan, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("reading plan: %w", err)
	}
	var p Plan
	if err := json.Unmarshal(data, &p); err != nil {
		return nil, fmt.Errorf("%s: not a slackprov plan: %v", path, err)
	}
	if p.Version != PlanVersion {
		return nil, fmt.Errorf("%s: plan format %d, this slackprov reads %d; plan again", path, p.Version, PlanVersion)
	}
	return &p, nil
}

// UnmarshalJSON reads a change from a saved plan or from RenderJSON's
// output, where values may be null or booleans.
func (c *Change) UnmarshalJSON(data []byte) error {
	var raw struct {
		Attribute string `json:"attribute"`
		Old       any    `json:"old"`
		New       any    `json:"new"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	text := func(v any) string {
		switch v := v.(type) {
		case nil:
			return ""
		case string:
			return v
		case bool:
			return strconv.FormatBool(v)
		default:
			return fmt.Sprint(v)
		}
	}
	c.Attribute, c.Old, c.New = raw.Attribute, text(raw.Old), text(raw.New)
	return nil
}
