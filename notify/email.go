package notify

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"time"

	"github.com/wneessen/go-mail"
)

// TLS modes for the SMTP connection.
const (
	TLSStartTLS = "starttls" // plain connection upgraded by STARTTLS, which is required (port 587)
	TLSImplicit = "tls"      // TLS from the first byte (port 465)
	TLSNone     = "none"     // no encryption: only for a relay on this machine
)

// EmailConfig is the SMTP relay and the addresses.
type EmailConfig struct {
	To       []string
	From     string
	Host     string
	Port     int    // default: 587 for starttls and none, 465 for tls
	TLS      string // starttls (default), tls or none
	Username string // empty: no AUTH
	Password string
	// TLSConfig overrides the TLS settings (a private CA); its ServerName
	// defaults to Host.
	TLSConfig *tls.Config
	Timeout   time.Duration // per delivery; default 30s
}

type email struct {
	cfg  EmailConfig
	opts []mail.Option
}

func newEmail(c EmailConfig) (*email, error) {
	if err := c.Check(); err != nil {
		return nil, err
	}
	if c.Timeout <= 0 {
		c.Timeout = 30 * time.Second
	}
	tc := &tls.Config{MinVersion: tls.VersionTLS12}
	if c.TLSConfig != nil {
		tc = c.TLSConfig.Clone()
	}
	if tc.ServerName == "" {
		tc.ServerName = c.Host
	}
	opts := []mail.Option{mail.WithTimeout(c.Timeout), mail.WithTLSConfig(tc), mail.WithoutNoop()}
	switch c.TLS {
	case TLSImplicit:
		opts = append(opts, mail.WithSSL(), mail.WithPort(portOr(c.Port, 465)))
	case TLSNone:
		opts = append(opts, mail.WithTLSPolicy(mail.NoTLS), mail.WithPort(portOr(c.Port, 587)))
	default:
		opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory), mail.WithPort(portOr(c.Port, 587)))
	}
	if c.Username != "" {
		auth := mail.SMTPAuthAutoDiscover
		if c.TLS == TLSNone {
			// go-mail's PLAIN and LOGIN refuse a clear connection; check
			// has already limited that to this machine.
			auth = mail.SMTPAuthPlainNoEnc
		}
		opts = append(opts, mail.WithSMTPAuth(auth), mail.WithUsername(c.Username), mail.WithPassword(c.Password))
	}
	return &email{cfg: c, opts: opts}, nil
}

func portOr(p, def int) int {
	if p == 0 {
		return def
	}
	return p
}

// ConfigError is a setting that cannot work, named by its config key.
type ConfigError struct {
	Key string // below notify.email, e.g. "smtp.tls"
	Msg string
}

func (e *ConfigError) Error() string { return e.Key + ": " + e.Msg }

// Check refuses a config that cannot deliver or would send a password in
// clear; its errors are *ConfigError.
func (c EmailConfig) Check() error {
	bad := func(key, format string, args ...any) error { return &ConfigError{key, fmt.Sprintf(format, args...)} }
	switch {
	case len(c.To) == 0:
		return bad("to", "name at least one address")
	case c.From == "":
		return bad("from", "name the sender address")
	case c.Host == "":
		return bad("smtp.host", "name the SMTP relay")
	case c.Port < 0 || c.Port > 65535:
		return bad("smtp.port", "%d is not a port (1 to 65535)", c.Port)
	case c.Username != "" && c.Password == "":
		return bad("smtp.password_env", "a username (%s) but no password; set password_env to the variable holding it", c.Username)
	}
	switch c.TLS {
	case "", TLSStartTLS, TLSImplicit:
	case TLSNone:
		if !loopbackHost(c.Host) {
			return bad("smtp.tls", "none sends mail (and any password) in clear; it is allowed only for a relay on this machine, not %s — use starttls or tls", c.Host)
		}
	default:
		return bad("smtp.tls", "%q: use starttls, tls or none", c.TLS)
	}
	return nil
}

func loopbackHost(h string) bool {
	if strings.EqualFold(h, "localhost") {
		return true
	}
	ip := net.ParseIP(h)
	return ip != nil && ip.IsLoopback()
}

func (e *email) name() string { return "email to " + strings.Join(e.cfg.To, ", ") }

func (e *email) send(ctx context.Context, m Message) error {
	msg := mail.NewMsg()
	if err := msg.From(e.cfg.From); err != nil {
		return fmt.Errorf("from %q: %w", e.cfg.From, err)
	}
	if err := msg.To(e.cfg.To...); err != nil {
		return fmt.Errorf("to: %w", err)
	}
	msg.Subject("slackprov: " + m.Subject)
	msg.SetDateWithValue(m.Time)
	msg.SetMessageID()
	msg.SetBodyString(mail.TypeTextPlain, m.Text())
	client, err := mail.NewClient(e.cfg.Host, e.opts...)
	if err != nil {
		return fmt.Errorf("SMTP relay %s: %w", e.cfg.Host, err)
	}
	ctx, cancel := context.WithTimeout(ctx, e.cfg.Timeout)
	defer cancel()
	if err := client.DialAndSendWithContext(ctx, msg); err != nil {
		return fmt.Errorf("SMTP relay %s: %w", e.cfg.Host, err)
	}
	return nil
}
