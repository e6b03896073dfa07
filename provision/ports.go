package provision

import (
	"context"
	"time"

	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/store"
)

// SlackReader is what planning and the saved-plan check read from Slack.
// *scim.Client satisfies it; the engine's tests use an in-memory fake.
type SlackReader interface {
	ListUsers(ctx context.Context, fn func(*scim.User) error) error
	ListGroups(ctx context.Context, fn func(*scim.Group) error) error
	GetUser(ctx context.Context, id string) (*scim.User, error)
	GetGroup(ctx context.Context, id string) (*scim.Group, error)
	FindUserByEmail(ctx context.Context, email string) (*scim.User, error)
	FindUserByUserName(ctx context.Context, userName string) (*scim.User, error)
}

// Slack is everything the engine does to Slack: it reads, and Apply writes.
type Slack interface {
	SlackReader
	CreateUser(ctx context.Context, u *scim.User) (*scim.User, error)
	PatchUser(ctx context.Context, id string, ops []scim.PatchOp) (*scim.User, error)
	DeactivateUser(ctx context.Context, id string) error
	CreateGroup(ctx context.Context, g *scim.Group) (*scim.Group, error)
	PatchGroup(ctx context.Context, id string, ops []scim.PatchOp) (*scim.Group, error)
	AddGroupMembers(ctx context.Context, id string, userIDs []string) error
	RemoveGroupMembers(ctx context.Context, id string, userIDs []string) error
	DeleteGroup(ctx context.Context, id string) error
}

// LinkStore is what Apply keeps in the state: links and the provisioning log.
type LinkStore interface {
	Links(ctx context.Context, kind string) (map[string]string, error)
	SetLink(ctx context.Context, kind, sourceID, targetID string) error
	SetLinks(ctx context.Context, links []store.Link) error
	DeleteLink(ctx context.Context, kind, sourceID string) error
	AppendLog(ctx context.Context, e store.LogEntry) (int64, error)
	AppendLogs(ctx context.Context, entries []store.LogEntry) error
}

// RunStore is what a whole run keeps in the state besides Apply's part:
// the lock, the run record, the binding to one org and directory, and the
// pending failures. *store.Store satisfies it.
type RunStore interface {
	LinkStore
	Lock() (unlock func(), err error)
	CloseAbandonedRuns(ctx context.Context) (int64, error)
	StartRun(ctx context.Context, dryRun bool, source string) (int64, error)
	SetRunMode(ctx context.Context, id int64, mode string) error
	MarkApplying(ctx context.Context, id int64, planID string) error
	FinishRun(ctx context.Context, id int64, status string, counts map[string]int, errMsg string) error
	LastAppliedRun(ctx context.Context) (*store.Run, error)
	RunForPlan(ctx context.Context, planID string) (*store.Run, error)
	Binding(ctx context.Context) (*store.Binding, error)
	Bind(ctx context.Context, b store.Binding) error
	Pending(ctx context.Context) ([]store.Pending, error)
	SavePending(ctx context.Context, failures []store.Pending, replace bool) error
	ResolvePending(ctx context.Context, kind string, sourceIDs []string) error
	SaveDuePending(ctx context.Context, failures []store.Pending, dueBy time.Time) error
	LiftQuarantine(ctx context.Context) (bool, error)
}

var (
	_ Slack    = (*scim.Client)(nil)
	_ RunStore = (*store.Store)(nil)
)
