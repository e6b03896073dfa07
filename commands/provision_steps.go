package commands

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/slackprov/slackprov/directory"
	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/views"
)

// Verdicts of an on-demand step.
const (
	verdictOK   = "ok"
	verdictSkip = "skipped"
	verdictFail = "failed"
)

// provisionStep is one step of provisioning one user, as Entra's
// "provision on demand" shows it: what was done and what came of it.
type provisionStep struct {
	Title   string   `json:"step"`
	Verdict string   `json:"verdict"` // ok, skipped or failed
	Summary string   `json:"summary"`
	Details []string `json:"details,omitempty"`
}

// onDemand is everything the steps are computed from.
type onDemand struct {
	Key      string // what the admin typed
	Source   string // the source's description
	Read     int    // users the directory read returned
	User     *directory.User
	SourceID string // the directory id, also for a user the read did not return
	Mapping  *mapping.Compiled
	Plan     *provision.Plan
	Linked   string // the Slack id the store links the user to, if any
}

func (d *onDemand) readStep() provisionStep {
	s := provisionStep{Title: "Read from the directory"}
	if d.User == nil {
		s.Verdict = verdictFail
		s.Summary = fmt.Sprintf("%q is not among the %d users %s returns", d.Key, d.Read, d.Source)
		s.Details = []string{"the directory returns the users assigned to the Slack app (source.entra.scope) or, for a file, every user in it;",
			"check the spelling: USER is a directory id, userPrincipalName or mail"}
		if d.Linked != "" {
			s.Details = append(s.Details, fmt.Sprintf("directory user %s is linked to Slack user %s: it is unassigned or deleted", d.SourceID, d.Linked))
		}
		return s
	}
	u := d.User
	s.Verdict = verdictOK
	s.Summary = fmt.Sprintf("found %s in %s", u.ID, d.Source)
	s.Details = []string{fmt.Sprintf("userPrincipalName %s, mail %s, accountEnabled %t", orNone(u.UserPrincipalName), orNone(u.Mail), u.AccountEnabled)}
	return s
}

func orNone(s string) string {
	if s == "" {
		return "(none)"
	}
	return s
}

func (d *onDemand) scopeStep() provisionStep {
	s := provisionStep{Title: "Scope"}
	if d.User == nil {
		s.Verdict, s.Summary = verdictSkip, "not assigned: nothing to evaluate"
		return s
	}
	c := d.Mapping
	secret := c.Redactor()
	results := c.ExplainUserScope(d.User)
	switch {
	case len(results) == 0:
		s.Verdict, s.Summary = verdictOK, "in scope: assigned, and no scoping filters"
	case c.UserInScope(d.User):
		s.Verdict, s.Summary = verdictOK, "in scope: assigned, and a scoping filter holds"
	default:
		s.Verdict, s.Summary = verdictSkip, "out of scope: no scoping filter holds, so the user counts as soft-deleted (IsSoftDeleted True)"
	}
	s.Details = append(s.Details, scopeLines(results, secret)...)
	return s
}

// mappingStep shows each target value the mappings compute, on create or
// on update as the plan will use them.
func (d *onDemand) mappingStep() provisionStep {
	s := provisionStep{Title: "Mapping"}
	if d.User == nil {
		s.Verdict, s.Summary = verdictSkip, "nothing to map"
		return s
	}
	c := d.Mapping
	var o mapping.Object = d.User
	if !c.UserInScope(d.User) {
		o = mapping.SoftDeleted(d.User)
	}
	create := d.Linked == "" && d.op(provision.KindUser) != nil && d.op(provision.KindUser).Action == provision.ActionCreate
	r := c.EvalUser(o, create)
	red := c.Redactor()
	width := 0
	for _, a := range c.UserAttributes() {
		width = max(width, len(views.ShortAttribute(a.Target)))
	}
	for _, a := range c.UserAttributes() {
		v, ok := r.Values[a.Target]
		shown := "(not sent)"
		if ok {
			shown = fmt.Sprintf("%q", red.Value(a.Target, v))
		}
		s.Details = append(s.Details, fmt.Sprintf("%-*s  %s", width, views.ShortAttribute(a.Target), shown))
	}
	s.Verdict, s.Summary = verdictOK, fmt.Sprintf("%d attributes mapped (values as sent on %s)", len(r.Values), map[bool]string{true: "create", false: "update"}[create])
	for _, p := range r.Problems {
		if p.Severity == mapping.SeverityError {
			s.Verdict = verdictFail
		}
		s.Details = append(s.Details, fmt.Sprintf("%s %s (%s): %s", p.Severity, p.Code, p.Target, red.Text(p.Message, r.Values)))
	}
	return s
}

// op is the plan's operation on the user (kind user) or nil.
func (d *onDemand) op(kind provision.Kind) *provision.Operation {
	for i := range d.Plan.Operations {
		op := &d.Plan.Operations[i]
		if op.Kind == kind && (kind != provision.KindUser || op.SourceID == d.SourceID) {
			return op
		}
	}
	return nil
}

func (d *onDemand) matchStep() provisionStep {
	s := provisionStep{Title: "Match", Verdict: verdictOK}
	for _, l := range d.Plan.Links {
		if l.Kind == provision.KindUser && l.SourceID == d.SourceID {
			s.Summary = fmt.Sprintf("Slack user %s (%s), matched by %s; the run links them", l.TargetID, l.Name, l.MatchedBy)
			return s
		}
	}
	op := d.op(provision.KindUser)
	switch {
	case d.Linked != "" && (op == nil || op.MatchedBy == "" || op.MatchedBy == "link"):
		s.Summary = fmt.Sprintf("Slack user %s, linked by an earlier run", d.Linked)
	case op != nil && op.MatchedBy != "":
		s.Summary = fmt.Sprintf("Slack user %s (%s), matched by %s", op.TargetID, op.Name(), op.MatchedBy)
	case op != nil && op.Action == provision.ActionCreate:
		s.Summary = "no Slack account matches by the mapping's matching attributes: a new one is created"
	default:
		s.Verdict, s.Summary = verdictSkip, "no Slack account, and none is created"
	}
	return s
}

// actionStep shows the plan: this user's operation with its attribute
// diff, and the groups whose membership changes.
func (d *onDemand) actionStep() provisionStep {
	s := provisionStep{Title: "Action"}
	n := 0
	for _, op := range d.Plan.Operations {
		if op.Status == provision.StatusPlanned {
			n++
		}
	}
	op := d.op(provision.KindUser)
	switch {
	case n == 0 && op != nil && op.Status == provision.StatusFailed:
		s.Verdict, s.Summary = verdictFail, fmt.Sprintf("cannot %s: %s", op.Action, op.Error)
	case n == 0:
		s.Verdict, s.Summary = verdictSkip, "none: Slack already matches the directory"
	default:
		var parts []string
		for _, o := range d.Plan.Operations {
			parts = append(parts, fmt.Sprintf("%s %s %s", o.Action, o.Kind, o.Name()))
		}
		s.Verdict, s.Summary = verdictOK, strings.Join(parts, ", ")
	}
	var buf bytes.Buffer
	if err := views.RenderText(&buf, d.Plan, views.RenderOptions{Verbose: true}); err == nil {
		for _, l := range strings.Split(strings.TrimRight(buf.String(), "\n"), "\n") {
			s.Details = append(s.Details, l)
		}
	}
	return s
}

// steps are the on-demand steps in order; the directory read decides
// whether the others have anything to judge.
func (d *onDemand) steps() []provisionStep {
	return []provisionStep{d.readStep(), d.scopeStep(), d.mappingStep(), d.matchStep(), d.actionStep()}
}
