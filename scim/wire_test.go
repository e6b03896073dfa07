package scim

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/wire"
	"github.com/slackprov/slackprov/wire/wiretest"
)

func TestNoTokenOverPlainHTTPElsewhere(t *testing.T) {
	rec := &wiretest.Network{}
	_, err := New(Options{BaseURL: "http://slack.example:8080/scim/v2/", Token: "xoxp-secret", HTTPClient: rec.Client()})
	if !errors.Is(err, wire.ErrCleartext) || !strings.Contains(err.Error(), "http://slack.example:8080/scim/v2/") {
		t.Fatalf("err = %v, want the cleartext rule naming the URL", err)
	}
	if _, err := New(Options{BaseURL: "http://127.0.0.1:8080/scim/v2/", Token: "xoxp-secret"}); err != nil {
		t.Fatalf("loopback refused: %v", err)
	}
	if len(rec.Requests()) != 0 {
		t.Fatalf("requests sent: %v", rec.Requests())
	}
}

// A token with a newline (pasted with the token, say) is refused before any
// request and without retries, whichever way the client gets it.
func TestTokenWithAControlCharacterIsRefusedAtOnce(t *testing.T) {
	rec := &wiretest.Network{}
	hc := rec.Client()
	if _, err := New(Options{BaseURL: "https://api.slack.com/scim/v2/", Token: "xoxp-1\n", HTTPClient: hc}); !errors.Is(err, wire.ErrBadToken) {
		t.Fatalf("static token: err = %v", err)
	}
	var asked int
	c, err := New(Options{BaseURL: "https://api.slack.com/scim/v2/", HTTPClient: hc, TokenFunc: func(context.Context) (string, error) {
		asked++
		return "xoxp-1\r\n", nil
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.GetUser(context.Background(), "U1")
	if !errors.Is(err, wire.ErrBadToken) || !IsAuth(err) {
		t.Fatalf("err = %v, want a credentials error for the bad token", err)
	}
	if asked != 1 || len(rec.Requests()) != 0 {
		t.Fatalf("token asked %d times, requests sent %v; want 1 and none", asked, rec.Requests())
	}
}
