// Package notify tells people that provisioning needs them: by email
// (SMTP through go-mail) and by webhook (a Slack incoming webhook or any
// URL taking JSON). It repeats a problem only when it changes or after a
// quiet period, and scrubs every secret it knows of from what it sends.
package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"
)

// Event is what a notification is about; the config's notify.events
// chooses which of them are sent.
type Event string

// The events slackprov notifies about.
const (
	EventFailure     Event = "failure"     // operations failed in Slack or while planning
	EventQuarantine  Event = "quarantine"  // the profile stopped writing (most operations failing)
	EventSafetyStop  Event = "safety_stop" // a safety check stopped a cycle
	EventCredentials Event = "credentials" // Slack or the directory refused our credentials
)

// Events lists every event, in the order the docs show them.
var Events = []Event{EventFailure, EventQuarantine, EventSafetyStop, EventCredentials}

// ParseEvent accepts an event name as written in the config.
func ParseEvent(s string) (Event, error) {
	for _, e := range Events {
		if string(e) == s {
			return e, nil
		}
	}
	names := make([]string, len(Events))
	for i, e := range Events {
		names[i] = string(e)
	}
	return "", fmt.Errorf("unknown event %q; use %s", s, strings.Join(names, ", "))
}

// Failure is one object that failed and why.
type Failure struct {
	Object string `json:"object"`
	Reason string `json:"reason"`
}

// Message is one notification, before rendering.
type Message struct {
	Event    Event
	Profile  string
	Subject  string    // one line: what happened
	Summary  string    // a few sentences: what happened and its extent
	Failures []Failure // the objects concerned, if any
	Action   string    // what to do next
	Time     time.Time

	// Repeats counts the identical messages held back since this one
	// was last sent, and Since is when the series began; set by Notify.
	Repeats int
	Since   time.Time
}

// maxListed caps the failures a message lists; the rest are counted.
const maxListed = 20

// Text renders the message as plain text, the email body and the webhook's text.
func (m Message) Text() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s\n\n", m.Subject)
	if m.Summary != "" {
		fmt.Fprintf(&b, "%s\n\n", m.Summary)
	}
	for i, f := range m.Failures {
		if i == maxListed {
			fmt.Fprintf(&b, "- … and %d more\n", len(m.Failures)-maxListed)
			break
		}
		fmt.Fprintf(&b, "- %s: %s\n", f.Object, f.Reason)
	}
	if len(m.Failures) > 0 {
		b.WriteString("\n")
	}
	if m.Action != "" {
		fmt.Fprintf(&b, "What to do: %s\n\n", m.Action)
	}
	if m.Repeats > 0 {
		fmt.Fprintf(&b, "The same problem was seen %d more times since %s without a new notification.\n\n",
			m.Repeats, m.Since.UTC().Format(time.RFC3339))
	}
	fmt.Fprintf(&b, "Profile %q, event %s, %s.\n", m.Profile, m.Event, m.Time.UTC().Format(time.RFC3339))
	return b.String()
}

// key identifies "the same problem": its event, subject and failures,
// whatever the order the failures came in.
func (m Message) key() string {
	fs := make([]string, len(m.Failures))
	for i, f := range m.Failures {
		fs[i] = f.Object + "\x00" + f.Reason
	}
	sort.Strings(fs)
	h := sha256.New()
	fmt.Fprintf(h, "%s\x00%s\x00%s\x00%s", m.Profile, m.Event, m.Subject, strings.Join(fs, "\x01"))
	return hex.EncodeToString(h.Sum(nil))
}

// Config says where notifications go. Email and Webhook are optional;
// with neither set, Notify sends nothing.
type Config struct {
	Events  []Event // nil: every event
	Email   *EmailConfig
	Webhook *WebhookConfig
	// Quiet is how long an identical problem stays unannounced after it
	// was sent (default 24h): its repeats are counted and reported with
	// the next message of that series.
	Quiet time.Duration
	// Secrets are values that must never appear in a notification (the
	// Slack token, the directory's client secret); the SMTP password and
	// the webhook URL are added by New.
	Secrets []string
}

// Notifier sends notifications. It is safe for concurrent use.
type Notifier struct {
	cfg     Config
	senders []sender
	scrub   *scrubber
	now     func() time.Time

	mu     sync.Mutex
	series map[string]*series
}

type series struct {
	first, sent time.Time
	held        int
}

// sender delivers one rendered message over one channel.
type sender interface {
	name() string
	send(ctx context.Context, m Message) error
}

// New checks cfg and returns a Notifier for it.
func New(cfg Config) (*Notifier, error) {
	if cfg.Quiet <= 0 {
		cfg.Quiet = 24 * time.Hour
	}
	n := &Notifier{cfg: cfg, now: time.Now, series: map[string]*series{}}
	secrets := append([]string(nil), cfg.Secrets...)
	if e := cfg.Email; e != nil {
		s, err := newEmail(*e)
		if err != nil {
			return nil, fmt.Errorf("notify.email: %w", err)
		}
		n.senders = append(n.senders, s)
		secrets = append(secrets, e.Password)
	}
	if w := cfg.Webhook; w != nil {
		s, err := newWebhook(*w)
		if err != nil {
			return nil, fmt.Errorf("notify.webhook: %w", err)
		}
		n.senders = append(n.senders, s)
		secrets = append(secrets, w.URL)
	}
	n.scrub = newScrubber(secrets)
	return n, nil
}

// Configured reports whether n sends anywhere.
func (n *Notifier) Configured() bool { return n != nil && len(n.senders) > 0 }

// Wants reports whether the config asks for event.
func (n *Notifier) Wants(e Event) bool {
	if n == nil {
		return false
	}
	if n.cfg.Events == nil {
		return true
	}
	for _, w := range n.cfg.Events {
		if w == e {
			return true
		}
	}
	return false
}

// Notify sends m unless its event is not wanted or the identical problem
// was sent within the quiet period; it reports whether it sent.
func (n *Notifier) Notify(ctx context.Context, m Message) (bool, error) {
	if !n.Configured() || !n.Wants(m.Event) {
		return false, nil
	}
	now := n.now()
	if m.Time.IsZero() {
		m.Time = now
	}
	k := m.key()
	n.mu.Lock()
	s := n.series[k]
	if s != nil && now.Sub(s.sent) < n.cfg.Quiet {
		s.held++
		n.mu.Unlock()
		return false, nil
	}
	if s == nil {
		s = &series{first: now}
		n.series[k] = s
	}
	m.Repeats, m.Since = s.held, s.first
	s.held, s.sent = 0, now
	n.mu.Unlock()
	return true, n.Send(ctx, m)
}

// Send delivers m on every configured channel now, whatever the event
// filter and the quiet period say. Every channel is tried; the errors of
// those that failed are joined.
func (n *Notifier) Send(ctx context.Context, m Message) error {
	var errs []error
	for _, d := range n.Deliver(ctx, m) {
		if d.Err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", d.Channel, d.Err))
		}
	}
	return errors.Join(errs...)
}

// Delivery is the outcome of one channel.
type Delivery struct {
	Channel string
	Err     error // scrubbed of secrets
}

// Deliver sends m on every channel and reports each outcome (`slackprov
// notify test`).
func (n *Notifier) Deliver(ctx context.Context, m Message) []Delivery {
	if m.Time.IsZero() {
		m.Time = n.now()
	}
	m = n.scrub.message(m)
	out := make([]Delivery, 0, len(n.senders))
	for _, s := range n.senders {
		d := Delivery{Channel: s.name()}
		if err := s.send(ctx, m); err != nil {
			d.Err = errors.New(n.scrub.text(err.Error()))
		}
		out = append(out, d)
	}
	return out
}

// Channels names the configured channels, e.g. "email to a@b", "webhook".
func (n *Notifier) Channels() []string {
	var out []string
	for _, s := range n.senders {
		out = append(out, s.name())
	}
	return out
}
