package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/notify/notifytest"
)

const (
	smtpPassword = "smtp-Pa55word-9f3"
	slackToken   = "xoxp-1234567890-abcdefABCDEF"
	entraSecret  = "entra-client-secret-XYZ123"
)

// failureMessage names a failed user and its reason, and carries every
// secret a careless caller could let through.
func failureMessage() Message {
	return Message{
		Event:   EventFailure,
		Profile: "prod",
		Subject: "2 operations failed in Slack",
		Summary: "Run 7 (incremental) applied 40 operations; 2 failed. Token " + slackToken + " was used.",
		Failures: []Failure{
			{Object: "ada@example.com", Reason: "Slack refused the email: already taken (409 Conflict)"},
			{Object: "bob@example.com", Reason: "rejected with Authorization: Bearer " + slackToken + " secret=" + entraSecret},
		},
		Action: "Fix the email in the directory; the next cycle retries.",
	}
}

func startHook(t *testing.T, status int) *notifytest.Webhook {
	h := notifytest.StartWebhook(t)
	h.Status = status
	return h
}

func newTestNotifier(t *testing.T, relay *notifytest.SMTP, hookURL string) *Notifier {
	t.Helper()
	n, err := New(Config{
		Email: &EmailConfig{To: []string{"it@example.com"}, From: "slackprov@example.com", Host: relay.Host, Port: relay.Port,
			TLS: TLSStartTLS, Username: relay.Username, Password: relay.Password, TLSConfig: relay.ClientTLS, Timeout: 10 * time.Second},
		Webhook: &WebhookConfig{URL: hookURL},
		Secrets: []string{slackToken, entraSecret},
	})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func assertNoSecret(t *testing.T, where, text string, secrets ...string) {
	t.Helper()
	notifytest.NoSecrets(t, where, text, append([]string{smtpPassword, slackToken, entraSecret, "Bearer xox"}, secrets...)...)
}

func TestEmailAndWebhookDeliverTheFactsWithoutSecrets(t *testing.T) {
	relay := notifytest.StartSMTP(t, "slackprov", smtpPassword)
	h := startHook(t, http.StatusOK)
	n := newTestNotifier(t, relay, h.URL+"/hook/T000/B000/XXXXsecretpath")
	sent, err := n.Notify(context.Background(), failureMessage())
	if err != nil || !sent {
		t.Fatalf("Notify = %v, %v", sent, err)
	}
	mails := relay.Wait(t, 1, 10*time.Second)
	m := mails[0]
	if !m.TLS || m.User != "slackprov" {
		t.Errorf("delivered without STARTTLS+AUTH: tls=%v user=%q", m.TLS, m.User)
	}
	if m.From != "slackprov@example.com" || len(m.To) != 1 || m.To[0] != "it@example.com" {
		t.Errorf("envelope from %q to %v", m.From, m.To)
	}
	for _, want := range []string{"Subject: slackprov: 2 operations failed in Slack", "ada@example.com", "already taken (409 Conflict)", "What to do: Fix the email"} {
		if !strings.Contains(m.Data, want) {
			t.Errorf("email lacks %q:\n%s", want, m.Data)
		}
	}
	assertNoSecret(t, "email", m.Data, "XXXXsecretpath")
	bodies := h.Bodies()
	if len(bodies) != 1 {
		t.Fatalf("webhook got %d posts, want 1", len(bodies))
	}
	var b jsonBody
	if err := json.Unmarshal([]byte(bodies[0]), &b); err != nil {
		t.Fatalf("webhook body is not JSON: %v\n%s", err, bodies[0])
	}
	if b.Event != EventFailure || b.Profile != "prod" || len(b.Failures) != 2 || b.Failures[0].Object != "ada@example.com" ||
		!strings.Contains(b.Failures[0].Reason, "already taken") || !strings.Contains(b.Text, "ada@example.com") {
		t.Errorf("webhook body lacks the facts: %+v", b)
	}
	assertNoSecret(t, "webhook", bodies[0], "XXXXsecretpath")
}

func TestSlackWebhookShape(t *testing.T) {
	h := startHook(t, http.StatusOK)
	w, err := newWebhook(WebhookConfig{URL: h.URL, Format: FormatSlack})
	if err != nil {
		t.Fatal(err)
	}
	m := failureMessage()
	m.Time = time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)
	if err := w.send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(h.Bodies()[0]), &body); err != nil {
		t.Fatal(err)
	}
	if len(body) != 1 || !strings.Contains(body["text"].(string), "ada@example.com") {
		t.Errorf("a Slack incoming webhook takes {\"text\": …}; got %v", body)
	}
	for raw, want := range map[string]string{"https://hooks.slack.com/services/T0/B0/X": FormatSlack, "https://alerts.example.com/in": FormatJSON} {
		w, err := newWebhook(WebhookConfig{URL: raw})
		if err != nil || w.format != want {
			t.Errorf("%s: format %q, %v; want %q", raw, w.format, err, want)
		}
	}
}

func TestRepeatedProblemIsSummarisedNotResent(t *testing.T) {
	h := startHook(t, http.StatusOK)
	n, err := New(Config{Webhook: &WebhookConfig{URL: h.URL}, Quiet: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)
	n.now = func() time.Time { return now }
	ctx := context.Background()
	steps := []struct {
		advance time.Duration
		msg     Message
		sent    bool
	}{
		{0, failureMessage(), true},
		{2 * time.Minute, failureMessage(), false},
		{2 * time.Minute, reversed(failureMessage()), false}, // same failures, another order
		{2 * time.Minute, Message{Event: EventFailure, Profile: "prod", Subject: "1 operation failed in Slack", Failures: []Failure{{"eve@example.com", "409"}}}, true},
		{time.Hour, failureMessage(), true},
	}
	for i, s := range steps {
		now = now.Add(s.advance)
		sent, err := n.Notify(ctx, s.msg)
		if err != nil || sent != s.sent {
			t.Fatalf("step %d: sent=%v err=%v, want sent=%v", i, sent, err, s.sent)
		}
	}
	bodies := h.Bodies()
	var last jsonBody
	if err := json.Unmarshal([]byte(bodies[len(bodies)-1]), &last); err != nil {
		t.Fatal(err)
	}
	if last.Repeats != 2 || last.Since != "2026-11-26T06:00:00Z" || !strings.Contains(last.Text, "seen 2 more times") {
		t.Errorf("the resent message should count the 2 held back since 06:00: %+v", last)
	}
}

func reversed(m Message) Message {
	m.Failures = []Failure{m.Failures[1], m.Failures[0]}
	return m
}

func TestEventFilter(t *testing.T) {
	h := startHook(t, http.StatusOK)
	n, err := New(Config{Webhook: &WebhookConfig{URL: h.URL}, Events: []Event{EventQuarantine}})
	if err != nil {
		t.Fatal(err)
	}
	if sent, _ := n.Notify(context.Background(), failureMessage()); sent {
		t.Error("a failure was sent though events lists only quarantine")
	}
	if sent, err := n.Notify(context.Background(), Message{Event: EventQuarantine, Subject: "quarantined"}); !sent || err != nil {
		t.Errorf("quarantine: sent=%v err=%v", sent, err)
	}
	if len(h.Bodies()) != 1 {
		t.Errorf("webhook got %d posts, want 1", len(h.Bodies()))
	}
}

func TestDeliveryErrorsKeepSecrets(t *testing.T) {
	relay := notifytest.StartSMTP(t, "slackprov", "the-right-password")
	h := startHook(t, http.StatusForbidden)
	n, err := New(Config{
		Email: &EmailConfig{To: []string{"it@example.com"}, From: "slackprov@example.com", Host: relay.Host, Port: relay.Port,
			Username: "slackprov", Password: smtpPassword, TLSConfig: relay.ClientTLS, Timeout: 10 * time.Second},
		Webhook: &WebhookConfig{URL: h.URL + "/XXXXsecretpath"},
	})
	if err != nil {
		t.Fatal(err)
	}
	err = n.Send(context.Background(), failureMessage())
	if err == nil {
		t.Fatal("a wrong SMTP password and a 403 from the webhook went unnoticed")
	}
	msg := err.Error()
	if !strings.Contains(msg, "email to it@example.com") || !strings.Contains(msg, "403") {
		t.Errorf("the error should name both failed channels: %s", msg)
	}
	assertNoSecret(t, "error", msg, "XXXXsecretpath")
	if len(relay.Mails()) != 0 {
		t.Error("the relay accepted mail with a wrong password")
	}
	closed := httptest.NewServer(http.NotFoundHandler())
	closed.Close()
	n, _ = New(Config{Webhook: &WebhookConfig{URL: closed.URL + "/services/T0/B0/XXXXsecretpath"}})
	err = n.Send(context.Background(), failureMessage())
	if err == nil || strings.Contains(err.Error(), "XXXXsecretpath") {
		t.Errorf("an unreachable webhook: %v (the URL must not be quoted)", err)
	}
}

func TestStartTLSIsRequired(t *testing.T) {
	relay := notifytest.StartSMTP(t, "slackprov", smtpPassword)
	n, err := New(Config{Email: &EmailConfig{To: []string{"it@example.com"}, From: "s@example.com", Host: relay.Host, Port: relay.Port,
		Username: "slackprov", Password: smtpPassword, Timeout: 10 * time.Second}})
	if err != nil {
		t.Fatal(err)
	}
	// Without the test CA the certificate is unknown: go-mail must not fall
	// back to a clear connection and send the password.
	if err := n.Send(context.Background(), failureMessage()); err == nil || len(relay.Mails()) != 0 {
		t.Errorf("sent over an unverified connection: err=%v, mails=%d", err, len(relay.Mails()))
	}
}

func TestEmailConfigChecks(t *testing.T) {
	base := EmailConfig{To: []string{"a@example.com"}, From: "b@example.com", Host: "smtp.example.com"}
	tests := []struct {
		name string
		edit func(*EmailConfig)
		want string
	}{
		{"ok", func(*EmailConfig) {}, ""},
		{"no recipient", func(c *EmailConfig) { c.To = nil }, "to: name at least one"},
		{"no from", func(c *EmailConfig) { c.From = "" }, "from:"},
		{"clear to a remote relay", func(c *EmailConfig) { c.TLS = TLSNone }, "only for a relay on this machine"},
		{"clear to loopback", func(c *EmailConfig) { c.TLS, c.Host = TLSNone, "127.0.0.1" }, ""},
		{"unknown tls", func(c *EmailConfig) { c.TLS = "ssl" }, `smtp.tls: "ssl": use starttls, tls or none`},
		{"user without password", func(c *EmailConfig) { c.Username = "u" }, "smtp.password_env: a username"},
		{"bad port", func(c *EmailConfig) { c.Port = 70000 }, "not a port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := base
			tt.edit(&c)
			err := c.Check()
			if (err == nil) != (tt.want == "") || err != nil && !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Check() = %v, want %q", err, tt.want)
			}
		})
	}
	if _, err := newWebhook(WebhookConfig{URL: "http://hooks.example.com/x"}); err == nil {
		t.Error("a webhook over http:// to another machine was accepted")
	}
}

func TestScrubShapes(t *testing.T) {
	s := newScrubber([]string{"short", "registered-secret-value"})
	in := "token xoxb-1-2-abc, xoxe.xoxp-1-abc, Bearer abc.def, ?client_secret=s3cr3t&x=1, https://hooks.slack.com/services/T/B/X registered-secret-value short"
	got := s.text(in)
	for _, leak := range []string{"xoxb-1", "xoxp-1", "abc.def", "s3cr3t", "services/T/B/X", "registered-secret-value"} {
		if strings.Contains(got, leak) {
			t.Errorf("scrubbed text still holds %q: %s", leak, got)
		}
	}
	if !strings.Contains(got, "short") {
		t.Errorf("a 5-letter value is not treated as a secret: %s", got)
	}
}
