package commands

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime/quotedprintable"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/entraid"
	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/notify/notifytest"
	"github.com/slackprov/slackprov/store"
)

// noSecrets fails when text carries the Slack token, the Entra secret or
// the SMTP password.
func noSecrets(t *testing.T, where, text string, more ...string) {
	t.Helper()
	notifytest.NoSecrets(t, where, text, append([]string{EmulatorToken, watchEntraSecret, watchSMTPPassword, "Bearer "}, more...)...)
}

// The sample directory holds users Slack refuses by design: the
// notification names each of them with the reason, by email (STARTTLS,
// AUTH) and by webhook. Later cycles send only what changed: once the
// failures wait for their next retry (store.RetryDelay), nothing more.
func TestWatchNotifiesFailures(t *testing.T) {
	w := newWatchWorld(t, slackscim.Options{}, 40)
	// displayName goes through Redact(): the sample's display names with
	// an "@", which Slack refuses, must not appear in a notification.
	w.cfg.Mappings = filepath.Join(t.TempDir(), "mappings.yaml")
	if err := os.WriteFile(w.cfg.Mappings, []byte(redactedDisplayNames), 0o600); err != nil {
		t.Fatal(err)
	}
	var hidden []string
	for _, id := range w.tenant.UserIDs() {
		if u, _ := w.tenant.User(id); strings.Contains(u.DisplayName, "@") {
			hidden = append(hidden, u.DisplayName)
		}
	}
	if len(hidden) == 0 {
		t.Fatal("the sample has no display name with an @ any more; pick another refused value to redact")
	}
	w.start(300 * time.Millisecond)
	st := w.state()
	mails := w.relay.Wait(t, 1, 60*time.Second)
	failed, err := st.Log(context.Background(), store.LogFilter{RunID: 1, Status: "failed"})
	if err != nil || len(failed) == 0 {
		t.Fatalf("the first cycle logged no failures (%v); the sample should hold some", err)
	}
	m := mails[0]
	if !m.TLS || m.User != "slackprov" {
		t.Errorf("mail delivered without STARTTLS and AUTH: %+v", m)
	}
	decoded, err := io.ReadAll(quotedprintable.NewReader(strings.NewReader(m.Data)))
	if err != nil {
		t.Fatalf("the email is not quoted-printable: %v", err)
	}
	body := string(decoded)
	for _, e := range failed[:min(len(failed), 20)] {
		if !strings.Contains(body, e.Name) || !strings.Contains(body, firstWords(e.Error)) {
			t.Errorf("the email does not name %s with its reason %q:\n%s", e.Name, e.Error, body)
		}
	}
	noSecrets(t, "email", body, hidden...)
	if !strings.Contains(body, "[Redact]") {
		t.Errorf("the email does not show the refused display name as [Redact]:\n%s", body)
	}
	// The loop notifies before it starts the next cycle: once the third
	// has finished, the first two cycles' notifications are all in.
	waitFor(t, 30*time.Second, "three cycles", func() bool { return len(finishedRuns(t, st)) >= 3 })
	settled := len(w.hook.Bodies())
	waitFor(t, 30*time.Second, "three more cycles", func() bool { return len(finishedRuns(t, st)) >= 6 })
	posts := w.hook.Bodies()
	if len(posts) != settled || len(w.relay.Mails()) != settled {
		t.Errorf("cycles with nothing new sent %d more webhook posts (%d emails in all)", len(posts)-settled, len(w.relay.Mails()))
	}
	seen := map[string]bool{}
	for _, p := range posts {
		var hook struct {
			Event    string            `json:"event"`
			Failures []json.RawMessage `json:"failures"`
		}
		if json.Unmarshal([]byte(p), &hook) != nil || hook.Event != "failure" || len(hook.Failures) == 0 {
			t.Fatalf("webhook post %s", p)
		}
		key := fmt.Sprint(hook.Failures)
		if seen[key] {
			t.Errorf("the same failures were posted twice: %s", p)
		}
		seen[key] = true
		noSecrets(t, "webhook", p, hidden...)
	}
}

// redactedDisplayNames is the built-in mapping with displayName redacted.
const redactedDisplayNames = `version: 1
users:
  - target: userName
    expression: SelectUniqueValue(SlackUserName([userPrincipalName], 21), Append(SlackUserName([userPrincipalName], 19), "_2"))
    apply: on_create
  - target: emails[type eq "work"].value
    source: mail
    match: 1
  - target: displayName
    expression: Redact([displayName])
    apply: on_create
  - target: name.givenName
    source: givenName
  - target: name.familyName
    source: surname
  - target: title
    expression: Trim([jobTitle])
  - target: active
    expression: Switch([IsSoftDeleted], , "False", "True", "True", "False")
  - target: externalId
    source: id
    apply: on_create
groups:
  - target: displayName
    source: displayName
    match: 1
  - target: externalId
    source: id
    apply: on_create
`

func firstWords(s string) string {
	if len(s) > 30 {
		return s[:30]
	}
	return s
}

// Revoked credentials quarantine the profile, send one notification and
// make /healthz unhealthy; reads go on without writing; a sync that
// succeeds afterwards lifts the quarantine.
func TestWatchQuarantinesRevokedCredentials(t *testing.T) {
	w := newWatchWorld(t, slackscim.Options{}, 20)
	rw := w.start(300 * time.Millisecond)
	st := w.state()
	// The sample's failures are notified in the first cycles, then wait
	// for their next retry.
	waitFor(t, 60*time.Second, "three cycles", func() bool { return len(finishedRuns(t, st)) >= 3 })
	mailsBefore, postsBefore := len(w.relay.Mails()), len(w.hook.Bodies())

	w.revoked.Store(true)
	if err := w.tenant.UpdateUser(w.tenant.UserIDs()[0], func(u *entraid.User) { u.Department = "Moved" }); err != nil {
		t.Fatal(err)
	}
	var q *store.Quarantine
	waitFor(t, 30*time.Second, "a quarantine", func() bool { q, _ = st.Quarantine(context.Background()); return q != nil })
	if q.Reason != store.QuarantineCredentials {
		t.Errorf("quarantine %+v, want reason credentials", q)
	}
	runs := len(finishedRuns(t, st))
	waitFor(t, 30*time.Second, "three cycles in quarantine", func() bool { return len(finishedRuns(t, st)) >= runs+3 })
	mails, posts := w.relay.Mails()[mailsBefore:], w.hook.Bodies()[postsBefore:]
	if len(mails) != 1 || len(posts) != 1 || !strings.Contains(posts[0], `"event":"credentials"`) {
		t.Fatalf("%d emails and %d webhook posts after the revocation, want one each: %v", len(mails), len(posts), posts)
	}
	noSecrets(t, "email", mails[0].Data)
	noSecrets(t, "webhook", posts[0])
	if code, h := healthz(t, rw.addr); code != 503 || !strings.Contains(h.Reason, "quarantined: credentials") {
		t.Errorf("/healthz %d %+v, want 503 naming the quarantine", code, h)
	}
	if err := rw.stop(t); err != nil {
		t.Fatal(err)
	}

	w.revoked.Store(false)
	ios, _, _, errOut := TestStreams()
	hc := w.graph.Client()
	err := syncRun(context.Background(), &SyncOptions{IO: ios, Config: &w.cfg, HTTPClient: hc, Now: time.Now,
		Token: staticToken{EmulatorToken, "test"}, Yes: true, Output: "json", MaxDeactivations: 100, Workers: 4, EntraSecret: watchEntraSecret})
	var ops interface{ Error() string }
	if err != nil && !errors.As(err, &ops) {
		t.Fatalf("sync: %v\n%s", err, errOut)
	}
	// The sample's users Slack refuses by design still fail (exit 1), but
	// the sync applied its whole plan: that lifts the quarantine.
	if q, _ := st.Quarantine(context.Background()); q != nil {
		t.Errorf("a sync that applied its plan left the quarantine: %+v", q)
	}
}
