package commands

import (
	"errors"
	"fmt"
	"net/http"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/slackprov/slackprov/notify"
)

// NotifyConfig is the notify section: which events to announce and where.
type NotifyConfig struct {
	Events  []string             `yaml:"events"`
	Email   *NotifyEmailConfig   `yaml:"email"`
	Webhook *NotifyWebhookConfig `yaml:"webhook"`
}

// NotifyEmailConfig is notify.email.
type NotifyEmailConfig struct {
	To   []string   `yaml:"to"`
	From string     `yaml:"from"`
	SMTP SMTPConfig `yaml:"smtp"`
}

// SMTPConfig is the relay; the password comes from the environment
// variable password_env names, never from the file.
type SMTPConfig struct {
	Host        string `yaml:"host"`
	Port        int    `yaml:"port"`
	TLS         string `yaml:"tls"`
	Username    string `yaml:"username"`
	PasswordEnv string `yaml:"password_env"`
}

// NotifyWebhookConfig is notify.webhook. A Slack webhook's URL is its
// credential, so it may come from the environment (url_env) instead.
type NotifyWebhookConfig struct {
	URL    string `yaml:"url"`
	URLEnv string `yaml:"url_env"`
	Format string `yaml:"format"`
}

// Set reports whether the section sends anywhere.
func (n NotifyConfig) Set() bool { return n.Email != nil || n.Webhook != nil }

// validate checks what can be checked without the environment; it
// returns the key at fault, below notify, with the error.
func (n NotifyConfig) validate() (string, error) {
	for i, e := range n.Events {
		if _, err := notify.ParseEvent(e); err != nil {
			return fmt.Sprintf("events[%d]", i), err
		}
	}
	if len(n.Events) > 0 && !n.Set() {
		return "events", errors.New("events are listed but neither email nor webhook is set, so nothing would be sent")
	}
	if e := n.Email; e != nil {
		if key, err := e.validate(); err != nil {
			return "email." + key, err
		}
	}
	if w := n.Webhook; w != nil {
		if (w.URL == "") == (w.URLEnv == "") {
			return "webhook", errors.New("set one of url (the webhook's address) or url_env (the variable holding it)")
		}
		if w.URL != "" {
			if _, err := notify.New(notify.Config{Webhook: &notify.WebhookConfig{URL: w.URL, Format: w.Format}}); err != nil {
				return "webhook.url", errors.New(strings.TrimPrefix(err.Error(), "notify.webhook: url: "))
			}
		}
	}
	return "", nil
}

func (e NotifyEmailConfig) validate() (string, error) {
	switch {
	case len(e.To) == 0:
		return "to", errors.New("name at least one address, e.g. [it-alerts@example.com]")
	case e.From == "":
		return "from", errors.New("name the sender address, e.g. slackprov@example.com")
	case e.SMTP.Username != "" && e.SMTP.PasswordEnv == "":
		return "smtp.password_env", errors.New("a username is set: name the environment variable holding the SMTP password (the password never goes in this file)")
	}
	var ce *notify.ConfigError
	if err := e.notifyConfig("placeholder").Check(); errors.As(err, &ce) {
		return ce.Key, errors.New(ce.Msg)
	}
	return "", nil
}

func (e NotifyEmailConfig) notifyConfig(password string) notify.EmailConfig {
	return notify.EmailConfig{To: e.To, From: e.From, Host: e.SMTP.Host, Port: e.SMTP.Port, TLS: e.SMTP.TLS,
		Username: e.SMTP.Username, Password: password}
}

// NotifierDeps are what building a Notifier takes from outside the config.
type NotifierDeps struct {
	Getenv     func(string) string
	HTTPClient *http.Client
	Secrets    []string // values that must never appear in a message
	// MailTLS overrides the SMTP TLS settings (tests: the relay's CA).
	MailTLS *notify.EmailConfig
}

// notifier builds the configured notifier; nil when the section is empty.
func (n NotifyConfig) notifier(d NotifierDeps) (*notify.Notifier, error) {
	if !n.Set() {
		return nil, nil
	}
	cfg := notify.Config{Secrets: d.Secrets}
	for _, e := range n.Events {
		ev, _ := notify.ParseEvent(e)
		cfg.Events = append(cfg.Events, ev)
	}
	if e := n.Email; e != nil {
		password := ""
		if v := e.SMTP.PasswordEnv; v != "" {
			if password = d.Getenv(v); password == "" {
				return nil, fmt.Errorf("notify.email.smtp.password_env names %s, which is not set in this environment; set it to the SMTP password", v)
			}
		}
		ec := e.notifyConfig(password)
		if d.MailTLS != nil {
			ec.TLSConfig, ec.Timeout = d.MailTLS.TLSConfig, d.MailTLS.Timeout
		}
		cfg.Email = &ec
	}
	if w := n.Webhook; w != nil {
		url := w.URL
		if w.URLEnv != "" {
			if url = d.Getenv(w.URLEnv); url == "" {
				return nil, fmt.Errorf("notify.webhook.url_env names %s, which is not set in this environment; set it to the webhook URL", w.URLEnv)
			}
		}
		cfg.Webhook = &notify.WebhookConfig{URL: url, Format: w.Format, Client: d.HTTPClient}
	}
	return notify.New(cfg)
}

// configWhere is "file:line" for a dotted key as the profile sees it: the
// profile's own section when it sets the key, else the top level.
func configWhere(path string, data []byte, profile, dotted string) string {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return path
	}
	root := doc.Content[0]
	parts := strings.Split(dotted, ".")
	if profile != "default" {
		if n := findKey(root, "profiles", profile); n != nil {
			if line := deepestLine(n, parts); line > 0 {
				return fmt.Sprintf("%s:%d (profile %s)", path, line, profile)
			}
		}
	}
	if line := deepestLine(root, parts); line > 0 {
		return fmt.Sprintf("%s:%d", path, line)
	}
	return path
}

// deepestLine is the line of the deepest key of parts found under n
// ("events[1]" selects a list item), or 0 when the first is absent.
func deepestLine(n *yaml.Node, parts []string) int {
	line := 0
	for _, p := range parts {
		name, idx := p, -1
		if i := strings.IndexByte(p, '['); i > 0 {
			name = p[:i]
			fmt.Sscanf(p[i:], "[%d]", &idx)
		}
		k, v := lookupKey(n, name)
		if k == nil {
			return line
		}
		line, n = k.Line, v
		if idx >= 0 && v.Kind == yaml.SequenceNode && idx < len(v.Content) {
			line, n = v.Content[idx].Line, v.Content[idx]
		}
	}
	return line
}

func findKey(n *yaml.Node, names ...string) *yaml.Node {
	for _, name := range names {
		if _, n = lookupKey(n, name); n == nil {
			return nil
		}
	}
	return n
}

func lookupKey(n *yaml.Node, name string) (key, value *yaml.Node) {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil, nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == name {
			return n.Content[i], n.Content[i+1]
		}
	}
	return nil, nil
}
