package commands

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/slackprov/slackprov/notify"
	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/store"
)

// record feeds the metrics and the health report.
func (w *watcher) record(o cycleOutcome, pending int) {
	m := w.metrics
	mode := store.RunIncremental
	if o.full {
		mode = store.RunFull
	}
	if o.res != nil && o.res.Mode != "" {
		mode = o.res.Mode
	}
	m.cycles.WithLabelValues(mode, o.outcome()).Inc()
	m.cycleDuration.Set(o.took.Seconds())
	m.requests.WithLabelValues("graph").Add(float64(o.graph))
	if pending >= 0 {
		m.pending.Set(float64(pending))
	}
	if r := o.res; r != nil {
		for k, n := range r.Tally {
			if k.Status != provision.StatusPlanned {
				m.operations.WithLabelValues(string(k.Kind), string(k.Action), k.Status).Add(float64(n))
			}
		}
		m.rateWait.Add(r.Traffic.Waited.Seconds())
		m.requests.WithLabelValues("slack").Add(float64(r.Traffic.Requests))
	}
	if o.class == provision.ClassNone && o.quarantine == nil {
		m.lastSuccess.Set(float64(w.opts.Now().Unix()))
	}
	if o.class != provision.ClassOther && o.class != provision.ClassInterrupted {
		w.health.cycleDone(quarantineText(o.quarantine))
	}
	if o.quarantine != nil {
		m.quarantined.Set(1)
	} else {
		m.quarantined.Set(0)
	}
}

func quarantineText(q *store.Quarantine) string {
	if q == nil {
		return ""
	}
	return q.Reason + ": " + q.Message
}

// judge decides on quarantine and notifications after a cycle that ran.
func (w *watcher) judge(ctx context.Context, o cycleOutcome) {
	if o.quarantine != nil {
		return // already quarantined: it stays until resume or a good sync
	}
	switch o.class {
	case provision.ClassCredentials:
		w.quarantine(ctx, store.QuarantineCredentials, o, notify.EventCredentials,
			"The credentials were refused; provisioning is quarantined",
			"Check the token with `slackprov test-connection`; authorize again (`slackprov authorize`) or renew the directory's secret, then run `slackprov resume`.")
	case provision.ClassSafety:
		w.quarantine(ctx, store.QuarantineSafetyStop, o, notify.EventSafetyStop,
			"A safety check stopped provisioning; the profile is quarantined",
			"Read the plan with `slackprov sync --dry-run`. If it is right, stop the watch and run `slackprov sync --max-deactivations N`; otherwise fix the directory, then run `slackprov resume`.")
	case provision.ClassOpsFailed:
		w.notifyFailures(ctx, o)
	}
	w.countBadCycles(ctx, o)
}

// countBadCycles quarantines after failCycles consecutive writing cycles in
// which most operations failed; a cycle with too few operations to judge
// leaves the count as it was.
func (w *watcher) countBadCycles(ctx context.Context, o cycleOutcome) {
	if o.res == nil {
		return
	}
	attempted, failed := 0, 0
	for k, n := range o.res.Tally {
		switch k.Status {
		case provision.StatusFailed:
			failed += n
			attempted += n
		case provision.StatusOK:
			attempted += n
		}
	}
	if attempted < failMinOps {
		return
	}
	if float64(failed) <= failShare*float64(attempted) {
		w.badCycles = 0
		return
	}
	if w.badCycles++; w.badCycles >= failCycles {
		w.badCycles = 0
		w.quarantine(ctx, store.QuarantineFailures, o, notify.EventQuarantine,
			fmt.Sprintf("Most operations failed in %d consecutive cycles; provisioning is quarantined", failCycles),
			"See `slackprov logs --status failed` for the reasons; fix them (the mappings, the directory data, Slack's side), then run `slackprov resume`.")
	}
}

// quarantine records the quarantine and sends one notification about it.
func (w *watcher) quarantine(ctx context.Context, reason string, o cycleOutcome, ev notify.Event, subject, action string) {
	msg := subject
	if o.err != nil {
		msg = o.err.Error()
	} else if o.res != nil && o.res.Err != nil {
		msg = o.res.Err.Error()
	}
	wctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := w.st.SetQuarantine(wctx, reason, msg); err != nil {
		w.log.warn("quarantine not recorded", "error", err.Error())
	}
	w.health.setQuarantine(reason + ": " + msg)
	w.metrics.quarantined.Set(1)
	w.log.warn("quarantined", "reason", reason, "error", msg)
	w.send(wctx, notify.Message{Event: ev, Profile: w.opts.Config.Profile, Subject: subject,
		Summary:  "Reads continue and writes to Slack stop until the cause is fixed. Cause: " + msg,
		Failures: failuresOf(o.res), Action: action})
}

func (w *watcher) notifyFailures(ctx context.Context, o cycleOutcome) {
	fs := failuresOf(o.res)
	if len(fs) == 0 {
		return
	}
	noun := "operations"
	if len(fs) == 1 {
		noun = "operation"
	}
	w.send(ctx, notify.Message{Event: notify.EventFailure, Profile: w.opts.Config.Profile,
		Subject:  fmt.Sprintf("%d %s failed", len(fs), noun),
		Summary:  fmt.Sprintf("Run %d (%s) could not provision the objects below. They stay pending and later cycles retry them at growing intervals.", o.res.RunID, o.res.Mode),
		Failures: fs,
		Action:   fmt.Sprintf("See `slackprov logs --status failed --run %d`; fix what the reason names (directory data, mappings, or Slack's side).", o.res.RunID)})
}

func failuresOf(r *provision.Result) []notify.Failure {
	if r == nil {
		return nil
	}
	out := make([]notify.Failure, 0, len(r.Failures))
	for _, f := range r.Failures {
		reason := f.Reason
		if f.Code != "" && !strings.Contains(reason, f.Code) {
			reason += " (" + f.Code + ")"
		}
		out = append(out, notify.Failure{Object: fmt.Sprintf("%s %s (%s)", f.Kind, f.Name, f.Action), Reason: reason})
	}
	return out
}

func (w *watcher) send(ctx context.Context, m notify.Message) {
	if !w.notifier.Configured() {
		return
	}
	sent, err := w.notifier.Notify(context.WithoutCancel(ctx), m)
	switch {
	case err != nil:
		w.log.warn("notification not delivered", "event", string(m.Event), "error", err.Error())
	case sent:
		w.log.info("notified", "event", string(m.Event), "channels", strings.Join(w.notifier.Channels(), "; "))
	}
}
