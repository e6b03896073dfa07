// Package wire holds the rules a credential meets before it leaves this
// machine: it travels only over https, or over plain http to this machine
// itself, and it is a single clean header value. The Slack and Graph
// clients apply them where the token is attached, and the config loader
// where the URLs are read, so no path can send a token in clear.
package wire

import (
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strings"
	"unicode"
)

// ErrCleartext marks a refusal to send a credential over plain http to
// another machine. No option turns the rule off.
var ErrCleartext = errors.New("a token must not travel in clear: use https (plain http is allowed only to this machine: localhost, 127.0.0.0/8, ::1)")

// ErrBadToken marks a token holding a control character (a newline pasted
// with it, say): it can never be a valid header value, so it is refused at
// once rather than retried.
var ErrBadToken = errors.New("the token contains a newline or other control character")

// CleartextError names the URL refused by the rule.
type CleartextError struct{ URL string }

func (e *CleartextError) Error() string {
	return fmt.Sprintf("refusing %s: %v", e.URL, ErrCleartext)
}

func (e *CleartextError) Unwrap() error { return ErrCleartext }

// CheckURL refuses a URL a credential must not be sent to: anything but
// https, except plain http to a loopback host.
func CheckURL(u *url.URL) error {
	switch strings.ToLower(u.Scheme) {
	case "https":
		return nil
	case "http":
		if Loopback(u.Hostname()) {
			return nil
		}
	}
	return &CleartextError{URL: u.Redacted()}
}

// CheckRawURL is CheckURL for a URL still in text form.
func CheckRawURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%q is not a URL; expected https://…", raw)
	}
	return CheckURL(u)
}

// Loopback reports whether host names this machine: localhost,
// 127.0.0.0/8 or ::1. Other names could resolve anywhere.
func Loopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// CheckToken refuses a token that cannot be a header value. The error says
// where the bad character is, never what the token is.
func CheckToken(tok string) error {
	for i, r := range tok {
		if unicode.IsControl(r) {
			return fmt.Errorf("%w (character %d)", ErrBadToken, i+1)
		}
	}
	return nil
}

// Guard returns a copy of hc whose requests obey CheckURL, redirects
// included: a request to a plain-http host elsewhere fails before a byte
// is sent. A nil hc means a default client.
func Guard(hc *http.Client) *http.Client {
	var c http.Client
	if hc != nil {
		c = *hc
	}
	if _, ok := c.Transport.(guard); ok {
		return &c
	}
	next := c.Transport
	if next == nil {
		next = http.DefaultTransport
	}
	c.Transport = guard{next}
	return &c
}

type guard struct{ next http.RoundTripper }

func (g guard) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := CheckURL(req.URL); err != nil {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, err
	}
	return g.next.RoundTrip(req)
}
