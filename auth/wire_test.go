package auth

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/wire"
	"github.com/slackprov/slackprov/wire/wiretest"
)

// Every Web API call carries a secret, so a plain-http API URL elsewhere is
// refused before anything is sent.
func TestWebAPINeverInClear(t *testing.T) {
	rec := &wiretest.Network{}
	c := &Client{APIURL: "http://slack.example/api/", ClientID: "1.2", HTTPClient: rec.Client()}
	ctx := context.Background()
	for name, call := range map[string]func() error{
		"exchange": func() error {
			_, err := c.Exchange(ctx, "code", "verifier", "http://localhost:53682/callback")
			return err
		},
		"test":   func() error { _, err := c.Test(ctx, "xoxp-secret"); return err },
		"revoke": func() error { return c.Revoke(ctx, "xoxp-secret") },
	} {
		err := call()
		if !errors.Is(err, wire.ErrCleartext) || !strings.Contains(err.Error(), "http://slack.example/api/") {
			t.Errorf("%s: err = %v, want the cleartext rule naming the URL", name, err)
		}
	}
	if len(rec.Requests()) != 0 {
		t.Fatalf("requests sent: %v", rec.Requests())
	}
}

// A token with a newline is refused when it is loaded, naming where it
// came from and never showing it.
func TestProviderRefusesATokenWithANewline(t *testing.T) {
	s := NewStore("default", StoreOptions{Getenv: env(map[string]string{EnvToken: "xoxp-1\n2"}), Keyring: newMemKeyring()})
	p := NewTokenProvider(s, &Client{APIURL: "https://slack.com/api/"})
	_, err := p.Token(context.Background())
	if !errors.Is(err, wire.ErrBadToken) || !strings.Contains(err.Error(), EnvToken) || strings.Contains(err.Error(), "xoxp") {
		t.Fatalf("err = %v", err)
	}
}
