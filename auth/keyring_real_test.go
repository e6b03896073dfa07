package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"testing"
	"time"
)

// TestRealKeychain talks to the real Secret Service through go-keyring. CI
// runs it inside dbus-run-session with an unlocked gnome-keyring-daemon and
// SLACKPROV_TEST_KEYRING=1 (see test-recipes.md).
func TestRealKeychain(t *testing.T) {
	if os.Getenv("SLACKPROV_TEST_KEYRING") != "1" {
		t.Skip("set SLACKPROV_TEST_KEYRING=1 and run under dbus-run-session with gnome-keyring unlocked to test the real OS keychain")
	}
	ctx := context.Background()
	profile := fmt.Sprintf("test-%d", time.Now().UnixNano())
	s := NewStore(profile, StoreOptions{Getenv: env(nil)})
	t.Cleanup(func() { _, _ = s.Delete(ctx) })

	want := &Credential{AccessToken: "xoxe.xoxp-1-real", RefreshToken: "xoxe-1-real",
		ExpiresAt: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), TeamID: "T1", Scopes: []string{"admin"}, ClientID: "123.456"}
	src, where, err := s.Save(ctx, want, false)
	if err != nil {
		t.Fatalf("Save to the real keychain: %v", err)
	}
	if src != SourceKeychain || where == "" {
		t.Fatalf("Save = %s, %q", src, where)
	}
	raw, err := SystemKeyring{}.Get(KeyringService, profile)
	if err != nil || raw == "" {
		t.Fatalf("go-keyring cannot read the entry back directly: %v", err)
	}
	got, src, err := s.Load(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if src != SourceKeychain || got.AccessToken != want.AccessToken || got.RefreshToken != want.RefreshToken ||
		!got.ExpiresAt.Equal(want.ExpiresAt) || got.ClientID != want.ClientID || !got.HasScope("admin") {
		t.Fatalf("Load = %+v from %s, want %+v from keychain", got, src, want)
	}

	// A rotated pair replaces the old one in the same entry.
	rotated := *want
	rotated.AccessToken, rotated.RefreshToken = "xoxe.xoxp-1-next", "xoxe-1-next"
	if _, _, err := s.Save(ctx, &rotated, false); err != nil {
		t.Fatal(err)
	}
	if got, _, err := s.Load(ctx); err != nil || got.RefreshToken != "xoxe-1-next" {
		t.Fatalf("after rotation Load = %+v, %v", got, err)
	}

	removed, err := s.Delete(ctx)
	if err != nil || len(removed) != 1 {
		t.Fatalf("Delete = %v, %v", removed, err)
	}
	if _, err := (SystemKeyring{}).Get(KeyringService, profile); !errors.Is(err, ErrKeyringNotFound) {
		t.Fatalf("entry still in the keychain after Delete: %v", err)
	}
}

func TestRealKeychainEntraSecret(t *testing.T) {
	if os.Getenv("SLACKPROV_TEST_KEYRING") != "1" {
		t.Skip("set SLACKPROV_TEST_KEYRING=1 and run under dbus-run-session with gnome-keyring unlocked to test the real OS keychain")
	}
	ctx := context.Background()
	s := NewStore(fmt.Sprintf("entra-%d", time.Now().UnixNano()), StoreOptions{Getenv: env(nil)})
	if _, ok, err := s.LoadEntraSecret(ctx); ok || err != nil {
		t.Fatalf("a new profile has a secret? ok=%v err=%v", ok, err)
	}
	if err := s.SaveEntraSecret(ctx, "entra-test-secret"); err != nil {
		t.Fatal(err)
	}
	got, ok, err := s.LoadEntraSecret(ctx)
	if err != nil || !ok || got != "entra-test-secret" {
		t.Fatalf("LoadEntraSecret = %q %v %v", got, ok, err)
	}
	if deleted, err := s.DeleteEntraSecret(ctx); !deleted || err != nil {
		t.Fatalf("DeleteEntraSecret = %v %v", deleted, err)
	}
	if _, ok, _ := s.LoadEntraSecret(ctx); ok {
		t.Fatal("the secret survived its deletion")
	}
}
