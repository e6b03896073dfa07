package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Webhook body formats.
const (
	FormatSlack = "slack" // a Slack incoming webhook: {"text": …}
	FormatJSON  = "json"  // the message's fields, with "text" too
)

// WebhookConfig is where webhook notifications are posted.
type WebhookConfig struct {
	URL string
	// Format is slack or json; empty chooses slack for hooks.slack.com
	// and json elsewhere.
	Format string
	Client *http.Client // default: 30s timeout
}

type webhook struct {
	url    string
	format string
	client *http.Client
}

func newWebhook(c WebhookConfig) (*webhook, error) {
	u, err := url.Parse(c.URL)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return nil, errors.New("url: expected an https:// URL such as a Slack incoming webhook")
	}
	// The URL of a Slack webhook is its credential: it must not travel in clear.
	if u.Scheme == "http" && !loopbackHost(u.Hostname()) {
		return nil, fmt.Errorf("url: http:// is allowed only for this machine, not %s; use https://", u.Hostname())
	}
	format := c.Format
	switch format {
	case "":
		format = FormatJSON
		if strings.EqualFold(u.Hostname(), "hooks.slack.com") {
			format = FormatSlack
		}
	case FormatSlack, FormatJSON:
	default:
		return nil, fmt.Errorf("format %q: use slack or json", c.Format)
	}
	client := c.Client
	if client == nil {
		client = &http.Client{Timeout: 30 * time.Second}
	}
	return &webhook{url: c.URL, format: format, client: client}, nil
}

func (w *webhook) name() string { return "webhook (" + w.format + ")" }

// jsonBody is the plain JSON shape: the facts as fields, and the text a
// person reads (Slack-compatible receivers show "text").
type jsonBody struct {
	Text     string    `json:"text"`
	Event    Event     `json:"event"`
	Profile  string    `json:"profile"`
	Subject  string    `json:"subject"`
	Summary  string    `json:"summary,omitempty"`
	Failures []Failure `json:"failures,omitempty"`
	Action   string    `json:"action,omitempty"`
	Repeats  int       `json:"repeats,omitempty"`
	Since    string    `json:"since,omitempty"`
	Time     string    `json:"time"`
}

func (w *webhook) body(m Message) ([]byte, error) {
	if w.format == FormatSlack {
		return json.Marshal(map[string]string{"text": m.Text()})
	}
	b := jsonBody{Text: m.Text(), Event: m.Event, Profile: m.Profile, Subject: m.Subject, Summary: m.Summary,
		Failures: m.Failures, Action: m.Action, Repeats: m.Repeats, Time: m.Time.UTC().Format(time.RFC3339)}
	if m.Repeats > 0 {
		b.Since = m.Since.UTC().Format(time.RFC3339)
	}
	return json.Marshal(b)
}

func (w *webhook) send(ctx context.Context, m Message) error {
	body, err := w.body(m)
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, w.url, bytes.NewReader(body))
	if err != nil {
		return errors.New("the webhook URL does not form a request; check notify.webhook.url")
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := w.client.Do(req)
	if err != nil {
		// A *url.Error quotes the URL, which is the webhook's credential.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("post: %w", err)
	}
	defer resp.Body.Close()
	text, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("the receiver answered %s: %s", resp.Status, strings.TrimSpace(string(text)))
	}
	return nil
}
