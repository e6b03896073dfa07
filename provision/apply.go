package provision

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/schema"
	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/store"
)

// ApplyOptions are Apply's dependencies.
type ApplyOptions struct {
	Client Slack
	Store  LinkStore
	RunID  int64
	// Workers is how many writes run at once; the client's rate limiter
	// paces them, so more workers only help hide latency. Default 4.
	Workers  int
	Now      func() time.Time
	Progress func(Event)
}

// Event reports one finished operation.
type Event struct {
	Op    Operation
	Done  int
	Total int
}

// ErrAuth wraps a credentials failure that stopped Apply: every later write
// would fail the same way.
var ErrAuth error = credentialsError("Slack refused the credentials")

// credentialsError is ErrAuth's type: it says Credentials() like every
// error about refused credentials (see IsCredentials).
type credentialsError string

func (e credentialsError) Error() string     { return string(e) }
func (e credentialsError) Credentials() bool { return true }

type applier struct {
	opts ApplyOptions

	mu        sync.Mutex
	userLinks map[string]string // directory id → Slack id
	linkedTo  map[string]string // Slack id → directory id
	done      int
	total     int
	authErr   error
	// redactor hides Redact()ed values in the errors Slack sends back.
	redactor mapping.Redactor
}

// Apply executes the plan's planned operations, phase by phase in plan order,
// recording a link as soon as each create succeeds and a provisioning-log row
// for every operation, so a run killed at any moment converges next time.
// One object's failure never stops the others; a credentials failure does.
// It returns the outcome, a copy of the plan with each operation's status
// and counts of what was done; the plan it was given is left as it was.
// The outcome is returned with the error too, unless nothing was attempted.
func Apply(ctx context.Context, plan *Plan, opts ApplyOptions) (*Plan, error) {
	if opts.Workers <= 0 {
		opts.Workers = 4
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	links, err := opts.Store.Links(ctx, string(KindUser))
	if err != nil {
		return nil, err
	}
	out := plan.Clone()
	a := &applier{opts: opts, userLinks: links, linkedTo: make(map[string]string, len(links)), redactor: out.Redactor()}
	for src, id := range links {
		a.linkedTo[id] = src
	}
	out.DryRun = false
	if err := a.recordMatches(ctx, out); err != nil {
		return nil, err
	}
	for _, phase := range phases(out) {
		a.total += len(phase)
	}
	for _, phase := range phases(out) {
		if err := a.runPhase(ctx, out, phase); err != nil {
			out.Recount()
			return out, err
		}
	}
	out.Recount()
	return out, nil
}

// Clone returns a copy of the plan that shares nothing Apply changes.
func (p *Plan) Clone() *Plan {
	c := *p
	c.Operations = make([]Operation, len(p.Operations))
	for i, op := range p.Operations {
		op.Changes = slices.Clone(op.Changes)
		op.Notes = slices.Clone(op.Notes)
		op.UserNameFallbacks = slices.Clone(op.UserNameFallbacks)
		op.Desired = maps.Clone(op.Desired)
		c.Operations[i] = op
	}
	c.Links = slices.Clone(p.Links)
	return &c
}

// recordMatches links every Slack object the plan matched without a link,
// before any write, so group members resolve through the same matches the
// plan used. It logs those links, and the objects that failed while planning,
// so the provisioning log alone tells an admin everything that needs
// attention. No request to Slack is involved.
func (a *applier) recordMatches(ctx context.Context, plan *Plan) error {
	var entries []store.LogEntry
	for i := range plan.Operations {
		if op := &plan.Operations[i]; op.Status == StatusFailed {
			entries = append(entries, a.entry(op))
		}
	}
	links := make([]store.Link, len(plan.Links))
	for i, l := range plan.Links {
		links[i] = store.Link{Kind: string(l.Kind), SourceID: l.SourceID, TargetID: l.TargetID}
		entries = append(entries, store.LogEntry{
			RunID: a.opts.RunID, Time: a.opts.Now().UTC(), Action: "link", Kind: string(l.Kind),
			SourceID: l.SourceID, TargetID: l.TargetID, Name: l.Name, Status: StatusOK,
			Changes: []store.Change{{Attribute: "matched_by", New: l.MatchedBy}},
		})
	}
	if err := a.opts.Store.SetLinks(ctx, links); err != nil {
		return fmt.Errorf("recording the Slack accounts the plan matched: %w; nothing was sent to Slack", err)
	}
	for _, l := range plan.Links {
		if l.Kind == KindUser {
			a.userLinks[l.SourceID] = l.TargetID
			a.linkedTo[l.TargetID] = l.SourceID
		}
	}
	return a.opts.Store.AppendLogs(ctx, entries)
}

// phases groups the indexes of planned operations into sequential steps:
// operations in one step are independent and may run concurrently.
func phases(plan *Plan) [][]int {
	type key struct {
		kind   Kind
		action Action
		level  int
	}
	var out [][]int
	var last key
	for i, op := range plan.Operations {
		if op.Status != StatusPlanned {
			continue
		}
		k := key{op.Kind, op.Action, op.Level}
		if len(out) == 0 || k != last {
			out = append(out, nil)
			last = k
		}
		out[len(out)-1] = append(out[len(out)-1], i)
	}
	return out
}

func (a *applier) runPhase(ctx context.Context, plan *Plan, idx []int) error {
	work := make(chan int)
	var wg sync.WaitGroup
	// Requests already sent finish even when the run is interrupted, so their
	// outcome is known and logged; only new dispatch stops.
	inflight := context.WithoutCancel(ctx)
	for w := 0; w < a.opts.Workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range work {
				a.run(inflight, &plan.Operations[i])
			}
		}()
	}
	for _, i := range idx {
		if ctx.Err() != nil || a.stopped() != nil {
			break
		}
		work <- i
	}
	close(work)
	wg.Wait()
	if err := a.stopped(); err != nil {
		return err
	}
	return ctx.Err()
}

func (a *applier) stopped() error {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.authErr
}

// run executes one operation and records its outcome.
func (a *applier) run(ctx context.Context, op *Operation) {
	var err error
	switch {
	case op.Kind == KindUser && op.Action == ActionCreate:
		err = a.createUser(ctx, op)
	case op.Kind == KindUser && (op.Action == ActionUpdate || op.Action == ActionReactivate):
		err = a.updateUser(ctx, op)
	case op.Kind == KindUser && op.Action == ActionDeactivate:
		err = a.opts.Client.DeactivateUser(ctx, op.TargetID)
	case op.Kind == KindGroup && op.Action == ActionCreate:
		err = a.createGroup(ctx, op)
	case op.Kind == KindGroup && op.Action == ActionUpdate:
		err = a.updateGroup(ctx, op)
	case op.Kind == KindGroup && op.Action == ActionDelete:
		err = a.deleteGroup(ctx, op)
	default:
		err = fmt.Errorf("unknown operation %s %s", op.Action, op.Kind)
	}
	op.Status = StatusOK
	var ns *notSentError
	if errors.As(err, &ns) {
		op.Status, op.Error = StatusSkipped, ns.reason
	} else if err != nil {
		op.Status = StatusFailed
		op.Error = a.redactor.Text(err.Error(), op.Desired)
		var se *scim.Error
		if errors.As(err, &se) {
			op.ErrorCode = se.Code
		}
		if scim.IsAuth(err) {
			a.mu.Lock()
			a.authErr = fmt.Errorf("%w: %w", ErrAuth, err)
			a.mu.Unlock()
		}
	}
	a.log(op)
	a.mu.Lock()
	a.done++
	ev := Event{Op: *op, Done: a.done, Total: a.total}
	a.mu.Unlock()
	if a.opts.Progress != nil {
		a.opts.Progress(ev)
	}
}

// notSentError is an operation that, at apply time, turned out to have no
// request to send: it is recorded as skipped, with why, never as applied.
type notSentError struct{ reason string }

func (e *notSentError) Error() string { return e.reason }

// log writes the provisioning-log row. It uses a context that survives an
// interrupt, so the outcome of a write that reached Slack is never lost.
func (a *applier) log(op *Operation) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(context.Background()), 10*time.Second)
	defer cancel()
	_, _ = a.opts.Store.AppendLog(ctx, a.entry(op))
}

func (a *applier) entry(op *Operation) store.LogEntry {
	changes := make([]store.Change, len(op.Changes))
	for i, c := range op.Changes {
		changes[i] = store.Change{Attribute: c.Attribute, Old: c.Old, New: c.New}
	}
	return store.LogEntry{
		RunID: a.opts.RunID, Time: a.opts.Now().UTC(), Action: string(op.Action), Kind: string(op.Kind),
		SourceID: op.SourceID, TargetID: op.TargetID, Name: op.Name(), Changes: changes,
		Status: op.Status, ErrorCode: op.ErrorCode, Error: op.Error,
	}
}

func (a *applier) link(src string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.userLinks[src]
}

func (a *applier) setLink(kind Kind, src, id string) error {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(context.Background()), 10*time.Second)
	defer cancel()
	if err := a.opts.Store.SetLink(ctx, string(kind), src, id); err != nil {
		return fmt.Errorf("Slack %s %s was written but its link could not be saved (%v); the next run will find it by externalId", kind, id, err)
	}
	if kind == KindUser {
		a.mu.Lock()
		a.userLinks[src] = id
		a.linkedTo[id] = src
		a.mu.Unlock()
	}
	return nil
}

func (a *applier) createUser(ctx context.Context, op *Operation) error {
	desired := a.withManager(op)
	var tried []string
	for {
		u, err := a.opts.Client.CreateUser(ctx, scim.NewUser(desired))
		if err == nil {
			op.TargetID = u.ID
			return a.setLink(KindUser, op.SourceID, u.ID)
		}
		if !scim.IsCode(err, scim.CodeEmailTaken, scim.CodeUsernameTaken) {
			return err
		}
		err = a.adopt(ctx, op, desired, err)
		var taken *userNameTakenError
		if !errors.As(err, &taken) {
			return err
		}
		tried = append(tried, a.redactor.Value(schema.UserName, taken.userName))
		if len(op.UserNameFallbacks) == 0 {
			taken.tried = tried
			return taken
		}
		// Someone took the chosen candidate since the plan was made: the
		// next one free then is tried, and Slack refuses it too if taken.
		next := op.UserNameFallbacks[0]
		op.UserNameFallbacks = op.UserNameFallbacks[1:]
		op.Notes = append(op.Notes, fmt.Sprintf("%s: %q was taken by Slack account %s by the time it was created, so %q was used",
			schema.UserName, a.redactor.Value(schema.UserName, taken.userName), taken.holder.ID, a.redactor.Value(schema.UserName, next)))
		desired[schema.UserName] = next
		op.Desired[schema.UserName] = next
		if op.UserName != "" {
			op.UserName = next
		}
		for i := range op.Changes {
			if op.Changes[i].Attribute == schema.UserName {
				op.Changes[i].New = a.redactor.Value(schema.UserName, next)
			}
		}
	}
}

// userNameTakenError is a create refused because another person's Slack
// account holds the userName.
type userNameTakenError struct {
	userName string
	holder   *scim.User
	// tried lists every candidate refused, when there were several.
	tried []string
}

func (e *userNameTakenError) Error() string {
	if len(e.tried) > 1 {
		return fmt.Sprintf("userNames %s are all taken by other Slack accounts (the last, %q, by %s (%s)) since the plan was made; run sync again to choose among the remaining candidates, or add candidates to the userName mapping",
			strings.Join(e.tried, ", "), e.userName, e.holder.ID, e.holder.PrimaryEmail())
	}
	return fmt.Sprintf("userName %q is taken by Slack account %s (%s), which is not this directory user's; change the userName mapping or rename that account",
		e.userName, e.holder.ID, e.holder.PrimaryEmail())
}

// holdsEmail reports whether u has email among its addresses.
func holdsEmail(u *scim.User, email string) bool {
	if email == "" {
		return false
	}
	for _, e := range u.Emails {
		if schema.Same(schema.WorkEmail, e.Value, email) {
			return true
		}
	}
	return false
}

// adopt recovers from a create that Slack refused because the account
// exists: a deactivated account keeps its email forever, and a create whose
// answer was lost has already happened. The existing account is linked and
// brought to the desired values, unless it belongs to someone else.
func (a *applier) adopt(ctx context.Context, op *Operation, desired map[string]string, createErr error) error {
	var se *scim.Error
	errors.As(createErr, &se)
	var existing *scim.User
	var err error
	if se != nil && se.ExistingUserID != "" {
		existing, err = a.opts.Client.GetUser(ctx, se.ExistingUserID)
	}
	if existing == nil && err == nil && desired[schema.WorkEmail] != "" {
		existing, err = a.opts.Client.FindUserByEmail(ctx, desired[schema.WorkEmail])
	}
	if existing == nil && err == nil && scim.IsCode(createErr, scim.CodeUsernameTaken) {
		existing, err = a.opts.Client.FindUserByUserName(ctx, desired[schema.UserName])
	}
	if err != nil {
		return fmt.Errorf("%v; looking up the existing account failed: %w", createErr, err)
	}
	if existing == nil {
		return createErr
	}
	// An account holding only the userName is someone else's, however Slack
	// named it; one with this user's email or externalId is this user's.
	if scim.IsCode(createErr, scim.CodeUsernameTaken) && existing.ExternalID != op.SourceID && !holdsEmail(existing, desired[schema.WorkEmail]) {
		return &userNameTakenError{userName: desired[schema.UserName], holder: existing}
	}
	a.mu.Lock()
	owner := a.linkedTo[existing.ID]
	a.mu.Unlock()
	if owner != "" && owner != op.SourceID {
		return fmt.Errorf("email %q already belongs to Slack account %s (%s), linked to directory user %s; fix the duplicate email in the directory",
			desired[schema.WorkEmail], existing.ID, existing.UserName, owner)
	}
	op.TargetID = existing.ID
	op.MatchedBy = "adopted after " + codeOf(createErr)
	if err := a.setLink(KindUser, op.SourceID, existing.ID); err != nil {
		return err
	}
	var changed []string
	var changes []Change
	for _, attr := range sortedAttrs(desired) {
		want := desired[attr]
		if attr == schema.ExternalID || attr == schema.Active || !scim.IsUpdatable(attr) {
			continue
		}
		if old := existing.Get(attr); !schema.Same(attr, old, want) {
			changed = append(changed, attr)
			changes = append(changes, Change{Attribute: attr, Old: old, New: want})
		}
	}
	// Report what was done: an existing account brought back or updated,
	// or, with nothing to change, the create whose answer was lost.
	switch {
	case !existing.IsActive() && activeValue(desired):
		op.Action = ActionReactivate
		changed = append(changed, schema.Active)
		changes = append([]Change{{Attribute: schema.Active, Old: "false", New: "true"}}, changes...)
	case len(changed) > 0:
		op.Action = ActionUpdate
	default:
		return nil
	}
	op.Changes = changes
	_, err = a.opts.Client.PatchUser(ctx, existing.ID, scim.PatchFor(desired, changed))
	return err
}

func codeOf(err error) string {
	var se *scim.Error
	if errors.As(err, &se) {
		return se.Code
	}
	return "conflict"
}

// withManager returns the desired values with a manager created earlier in
// this apply resolved to its Slack id.
func (a *applier) withManager(op *Operation) map[string]string {
	desired := make(map[string]string, len(op.Desired)+1)
	for k, v := range op.Desired {
		desired[k] = v
	}
	if op.ManagerSourceID != "" {
		if id := a.link(op.ManagerSourceID); id != "" {
			desired[schema.Manager] = id
		}
	}
	return desired
}

func (a *applier) updateUser(ctx context.Context, op *Operation) error {
	desired := a.withManager(op)
	var changed []string
	for _, c := range op.Changes {
		changed = append(changed, c.Attribute)
	}
	if op.Action == ActionReactivate {
		desired[schema.Active] = "true"
	}
	if op.ManagerSourceID != "" && desired[schema.Manager] == "" {
		changed = without(changed, schema.Manager)
	}
	ops := scim.PatchFor(desired, changed)
	if len(ops) == 0 {
		return &notSentError{"its manager has no Slack account yet (the manager's create failed); the next sync sets it"}
	}
	_, err := a.opts.Client.PatchUser(ctx, op.TargetID, ops)
	return err
}

func without(list []string, drop string) []string {
	out := list[:0:0]
	for _, s := range list {
		if s != drop {
			out = append(out, s)
		}
	}
	return out
}

// resolveMembers turns directory user ids into Slack ids; members whose
// create failed have none and are left for the next run.
func (a *applier) resolveMembers(srcs []string) []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	var ids []string
	for _, src := range srcs {
		if id := a.userLinks[src]; id != "" {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}

func (a *applier) createGroup(ctx context.Context, op *Operation) error {
	ids := a.resolveMembers(op.AddMembers)
	g := &scim.Group{Schemas: []string{scim.SchemaGroup}, DisplayName: op.DisplayName, ExternalID: op.Desired["externalId"], Members: []scim.Ref{}}
	for _, id := range ids {
		g.Members = append(g.Members, scim.Ref{Value: id})
	}
	created, err := a.opts.Client.CreateGroup(ctx, g)
	if err != nil {
		if !nameTaken(err) {
			return err
		}
		return a.adoptGroup(ctx, op, ids, err)
	}
	op.TargetID = created.ID
	// Members whose create failed have their own failed operation; the next
	// run adds them to the group.
	return a.setLink(KindGroup, op.SourceID, created.ID)
}

// nameTaken reports a group create refused because the name exists. Slack's
// answer for it is not documented: a 409, or a code that says so.
func nameTaken(err error) bool {
	var se *scim.Error
	if !errors.As(err, &se) {
		return false
	}
	code := strings.ToLower(se.Code + " " + se.Detail)
	return se.Status == 409 || strings.Contains(code, "taken") || strings.Contains(code, "already exists")
}

// adoptGroup recovers from a group create refused because the name is taken:
// most often a create whose answer was lost has already happened. The
// group is linked and given the missing members, unless it belongs to
// another directory group.
func (a *applier) adoptGroup(ctx context.Context, op *Operation, ids []string, createErr error) error {
	groups, err := listGroups(ctx, a.opts.Client)
	if err != nil {
		return fmt.Errorf("%v; looking up the existing group failed: %w", createErr, err)
	}
	var existing *scim.Group
	for _, g := range groups {
		if strings.EqualFold(g.DisplayName, op.DisplayName) {
			existing = g
			break
		}
	}
	if existing == nil {
		return createErr
	}
	links, err := a.opts.Store.Links(ctx, string(KindGroup))
	if err != nil {
		return err
	}
	for src, id := range links {
		if id == existing.ID && src != op.SourceID {
			return fmt.Errorf("group name %q is taken by Slack group %s, linked to directory group %s; rename one of them in the directory",
				op.DisplayName, existing.ID, src)
		}
	}
	if existing.ExternalID != "" && existing.ExternalID != op.SourceID {
		return fmt.Errorf("group name %q is taken by Slack group %s, which belongs to directory object %s (its externalId); rename one of them",
			op.DisplayName, existing.ID, existing.ExternalID)
	}
	op.TargetID = existing.ID
	op.MatchedBy = "adopted after " + codeOf(createErr)
	if err := a.setLink(KindGroup, op.SourceID, existing.ID); err != nil {
		return err
	}
	have := map[string]bool{}
	for _, m := range existing.Members {
		have[m.Value] = true
	}
	var missing []string
	for _, id := range ids {
		if !have[id] {
			missing = append(missing, id)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return a.opts.Client.AddGroupMembers(ctx, existing.ID, missing)
}

func (a *applier) updateGroup(ctx context.Context, op *Operation) error {
	sent := false
	for _, c := range op.Changes {
		if c.Attribute != "displayName" {
			continue
		}
		if _, err := a.opts.Client.PatchGroup(ctx, op.TargetID, []scim.PatchOp{{Op: "replace", Path: "displayName", Value: c.New}}); err != nil {
			return err
		}
		sent = true
	}
	ids := a.resolveMembers(op.AddMembers)
	if len(ids) > 0 {
		if err := a.opts.Client.AddGroupMembers(ctx, op.TargetID, ids); err != nil {
			return err
		}
		sent = true
	}
	if len(op.RemoveMembers) > 0 {
		if err := a.opts.Client.RemoveGroupMembers(ctx, op.TargetID, op.RemoveMembers); err != nil {
			return err
		}
		sent = true
	}
	if !sent {
		return &notSentError{fmt.Sprintf("none of the %d members to add has a Slack account (their creates failed); the next sync adds them", len(op.AddMembers))}
	}
	return nil
}

func (a *applier) deleteGroup(ctx context.Context, op *Operation) error {
	err := a.opts.Client.DeleteGroup(ctx, op.TargetID)
	if err != nil && !scim.IsNotFound(err) {
		return err
	}
	dctx, cancel := context.WithTimeout(context.WithoutCancel(context.Background()), 10*time.Second)
	defer cancel()
	return a.opts.Store.DeleteLink(dctx, string(KindGroup), op.SourceID)
}
