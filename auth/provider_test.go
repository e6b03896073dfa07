package auth

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/slackoauth"
)

// authorizeInto runs the PKCE flow against the emulator and stores the result.
func authorizeInto(t *testing.T, e *emuEnv, s *Store) *Credential {
	t.Helper()
	f := e.flow("")
	f.OpenBrowser = browser("allow", &pageRecorder{})
	cred, err := f.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	mustSave(t, s, cred, false)
	return cred
}

func TestProviderRefreshesAcrossExpiry(t *testing.T) {
	ctx := context.Background()
	e := startEmulator(t, slackoauth.Options{TokenTTL: time.Hour})
	kr := newMemKeyring()
	s := NewStore("default", StoreOptions{Getenv: env(nil), Keyring: kr})
	authorizeInto(t, e, s)
	p := NewTokenProvider(s, e.client(""))
	var warnings []string
	p.Warn = func(m string) { warnings = append(warnings, m) }

	// A long sync: a call every 7 minutes for 4 hours, four token lifetimes.
	for i := range 35 {
		tok, err := p.Token(ctx)
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if _, err := e.client("").Test(ctx, tok); err != nil {
			t.Fatalf("call %d at %s: token rejected: %v", i, e.clock.Now().Format(time.Kitchen), err)
		}
		e.clock.Advance(7 * time.Minute)
	}
	if n := e.oauth.Refreshes(); n < 4 {
		t.Fatalf("%d refreshes over four token lifetimes, want at least 4", n)
	}
	stored, _, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	issued := e.oauth.IssuedTokens()
	if latest := issued[len(issued)-1]; stored.RefreshToken != latest {
		t.Fatal("the stored refresh token is not the latest one issued")
	}
	if len(warnings) > 0 {
		t.Fatalf("unexpected warnings: %v", warnings)
	}
}

func TestProviderConcurrentUse(t *testing.T) {
	ctx := context.Background()
	e := startEmulator(t, slackoauth.Options{TokenTTL: time.Hour})
	s := NewStore("default", StoreOptions{Getenv: env(nil), Keyring: newMemKeyring()})
	authorizeInto(t, e, s)
	p := NewTokenProvider(s, e.client(""))
	e.clock.Advance(58 * time.Minute)
	var wg sync.WaitGroup
	tokens := make([]string, 8)
	for i := range tokens {
		wg.Go(func() {
			tok, err := p.Token(ctx)
			if err != nil {
				t.Error(err)
			}
			tokens[i] = tok
		})
	}
	wg.Wait()
	if n := e.oauth.Refreshes(); n != 1 {
		t.Fatalf("%d refreshes for 8 concurrent callers, want 1", n)
	}
	for _, tok := range tokens {
		if tok != tokens[0] || !e.oauth.ValidToken(tok) {
			t.Fatal("concurrent callers got different or invalid tokens")
		}
	}
}

func TestProviderAdoptsPairRotatedByAnotherProcess(t *testing.T) {
	ctx := context.Background()
	e := startEmulator(t, slackoauth.Options{TokenTTL: time.Hour})
	s := NewStore("default", StoreOptions{Getenv: env(nil), Keyring: newMemKeyring()})
	authorizeInto(t, e, s)
	p1, p2 := NewTokenProvider(s, e.client("")), NewTokenProvider(s, e.client(""))
	if _, err := p2.Token(ctx); err != nil { // p2 caches the first pair
		t.Fatal(err)
	}
	e.clock.Advance(58 * time.Minute)
	t1, err := p1.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t2, err := p2.Token(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if t1 != t2 || e.oauth.Refreshes() != 1 {
		t.Fatalf("second process refreshed again (%d refreshes) instead of adopting the stored pair", e.oauth.Refreshes())
	}
}

func TestProviderCrashBetweenRefreshAndStore(t *testing.T) {
	ctx := context.Background()
	e := startEmulator(t, slackoauth.Options{TokenTTL: time.Hour, RefreshGrace: 2 * time.Minute})
	kr := newMemKeyring()
	s := NewStore("default", StoreOptions{Getenv: env(nil), Keyring: kr})
	authorizeInto(t, e, s)

	// Process 1 refreshes, but the keychain write fails: the process keeps
	// working with the new pair and warns, and the old pair stays stored.
	p1 := NewTokenProvider(s, e.client(""))
	if _, err := p1.Token(ctx); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(56 * time.Minute)
	kr.setErr(errors.New("org.freedesktop.DBus.Error.NoReply"))
	var warned []string
	p1.Warn = func(m string) { warned = append(warned, m) }
	tok, err := p1.Token(ctx)
	if err != nil || !e.oauth.ValidToken(tok) {
		t.Fatalf("after a failed store the run cannot go on: %v", err)
	}
	if len(warned) != 1 || !strings.Contains(warned[0], "could not be stored") {
		t.Fatalf("warnings %q", warned)
	}
	kr.setErr(nil)

	// Process 2 starts within the grace period with the old pair: it works.
	e.clock.Advance(time.Minute)
	p2 := NewTokenProvider(s, e.client(""))
	tok2, err := p2.Token(ctx)
	if err != nil || !e.oauth.ValidToken(tok2) {
		t.Fatalf("restart within the grace period: %v", err)
	}
	stored, _, _ := s.Load(ctx)
	issued := e.oauth.IssuedTokens()
	if stored.RefreshToken != issued[len(issued)-1] {
		t.Fatal("the restart did not store the pair it refreshed to")
	}
}

func TestProviderRefreshTooLate(t *testing.T) {
	ctx := context.Background()
	e := startEmulator(t, slackoauth.Options{TokenTTL: time.Hour, RefreshGrace: time.Minute})
	s := NewStore("default", StoreOptions{Getenv: env(nil), Keyring: newMemKeyring()})
	cred := authorizeInto(t, e, s)
	// Someone used the refresh token long ago and lost the answer.
	if _, err := e.client("").Refresh(ctx, cred); err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(2 * time.Hour)
	_, err := NewTokenProvider(s, e.client("")).Token(ctx)
	if !IsAPIError(err, "invalid_refresh_token") || !strings.Contains(err.Error(), "the OS keychain") ||
		!strings.Contains(err.Error(), "slackprov authorize") {
		t.Fatalf("Token error = %v, want invalid_refresh_token naming the keychain and authorize", err)
	}
}

func TestProviderEnvTokenIsNeverRefreshed(t *testing.T) {
	e := startEmulator(t, slackoauth.Options{})
	s := NewStore("default", StoreOptions{Getenv: env(map[string]string{EnvToken: " xoxp-from-env "}), Keyring: newMemKeyring()})
	p := NewTokenProvider(s, e.client(""))
	tok, err := p.Token(context.Background())
	if err != nil || tok != "xoxp-from-env" || !strings.Contains(p.Location(), EnvToken) {
		t.Fatalf("Token = %q, %v (location %q)", tok, err, p.Location())
	}
}
