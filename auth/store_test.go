package auth

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// memKeyring is an in-memory Keyring for testing the Store's lookup order
// and fallbacks; the real Secret Service is exercised in keyring_real_test.go.
type memKeyring struct {
	mu      sync.Mutex
	entries map[string]string
	err     error         // returned by every call when set
	block   chan struct{} // calls wait on it when set
	sets    int
}

func newMemKeyring() *memKeyring { return &memKeyring{entries: map[string]string{}} }

func (k *memKeyring) wait() error {
	if k.block != nil {
		<-k.block
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.err
}

func (k *memKeyring) Get(service, account string) (string, error) {
	if err := k.wait(); err != nil {
		return "", err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.entries[service+"/"+account]
	if !ok {
		return "", ErrKeyringNotFound
	}
	return v, nil
}

func (k *memKeyring) Set(service, account, secret string) error {
	if err := k.wait(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.sets++
	k.entries[service+"/"+account] = secret
	return nil
}

func (k *memKeyring) Delete(service, account string) error {
	if err := k.wait(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.entries[service+"/"+account]; !ok {
		return ErrKeyringNotFound
	}
	delete(k.entries, service+"/"+account)
	return nil
}

func (k *memKeyring) setErr(err error) {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.err = err
}

var errNoDBus = errors.New(`exec: "dbus-launch": executable file not found in $PATH`)

func env(vals map[string]string) func(string) string {
	return func(k string) string { return vals[k] }
}

func TestStoreLoadOrder(t *testing.T) {
	ctx := context.Background()
	keyCred := &Credential{AccessToken: "keychain-token", TeamID: "T1"}
	fileCred := &Credential{AccessToken: "file-token"}
	tests := []struct {
		name       string
		env        string
		inKeychain bool
		inFile     bool
		keyErr     error
		wantToken  string
		wantSource Source
		wantErr    string
	}{
		{name: "env wins over everything", env: "env-token", inKeychain: true, inFile: true, wantToken: "env-token", wantSource: SourceEnv},
		{name: "keychain before file", inKeychain: true, inFile: true, wantToken: "keychain-token", wantSource: SourceKeychain},
		{name: "file when keychain is empty", inFile: true, wantToken: "file-token", wantSource: SourceFile},
		{name: "file when keychain is unreachable", inFile: true, keyErr: errNoDBus, wantToken: "file-token", wantSource: SourceFile},
		{name: "nothing stored", wantErr: "run `slackprov authorize`"},
		{name: "keychain unreachable and no file", keyErr: errNoDBus, wantErr: "no D-Bus session bus"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr := newMemKeyring()
			file := filepath.Join(t.TempDir(), "default.token.json")
			s := NewStore("default", StoreOptions{Getenv: env(map[string]string{EnvToken: tt.env}), InsecureFile: file, Keyring: kr})
			if tt.inKeychain {
				mustSave(t, s, keyCred, false)
			}
			if tt.inFile {
				if err := writeFileAtomic(file, []byte(`{"access_token":"`+fileCred.AccessToken+`"}`)); err != nil {
					t.Fatal(err)
				}
			}
			kr.setErr(tt.keyErr)
			cred, src, err := s.Load(ctx)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("Load error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cred.AccessToken != tt.wantToken || src != tt.wantSource {
				t.Fatalf("Load = %q from %s, want %q from %s", cred.AccessToken, src, tt.wantToken, tt.wantSource)
			}
		})
	}
}

func mustSave(t *testing.T, s *Store, c *Credential, insecure bool) {
	t.Helper()
	if _, _, err := s.Save(context.Background(), c, insecure); err != nil {
		t.Fatal(err)
	}
}

func TestKeychainErrorOffersTheAlternatives(t *testing.T) {
	kr := newMemKeyring()
	kr.setErr(errNoDBus)
	file := filepath.Join(t.TempDir(), "ops.token.json")
	s := NewStore("ops", StoreOptions{Getenv: env(nil), InsecureFile: file, Keyring: kr})
	_, _, err := s.Save(context.Background(), &Credential{AccessToken: "xoxp-secret"}, false)
	var ke *KeychainError
	if !errors.As(err, &ke) {
		t.Fatalf("Save error = %v, want a *KeychainError", err)
	}
	msg := err.Error()
	for _, want := range []string{EnvToken, "--token-stdin", "--insecure-storage", file, "no D-Bus session bus", `account "ops"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("error %q does not mention %q", msg, want)
		}
	}
	if strings.Contains(msg, "xoxp-secret") {
		t.Errorf("error leaks the token: %q", msg)
	}
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a failed keychain write fell back to the plain-text file (stat: %v)", err)
	}
}

func TestKeychainCallsAreBounded(t *testing.T) {
	kr := newMemKeyring()
	kr.block = make(chan struct{})
	defer close(kr.block)
	s := NewStore("default", StoreOptions{Getenv: env(nil), Keyring: kr, Timeout: 20 * time.Millisecond})
	_, _, err := s.Load(context.Background())
	if err == nil || !strings.Contains(err.Error(), "timed out") || !strings.Contains(err.Error(), "did not answer") {
		t.Fatalf("Load error = %v, want a timeout explained", err)
	}
}

func TestSaveInsecureWritesPrivateFileAndClearsKeychain(t *testing.T) {
	ctx := context.Background()
	kr := newMemKeyring()
	file := filepath.Join(t.TempDir(), "sub", "default.token.json")
	s := NewStore("default", StoreOptions{Getenv: env(nil), InsecureFile: file, Keyring: kr})
	mustSave(t, s, &Credential{AccessToken: "old"}, false)

	src, where, err := s.Save(ctx, &Credential{AccessToken: "new", RefreshToken: "r"}, true)
	if err != nil {
		t.Fatal(err)
	}
	if src != SourceFile || !strings.Contains(where, file) {
		t.Fatalf("Save = %s at %q, want file at %s", src, where, file)
	}
	info, err := os.Stat(file)
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm != 0o600 {
		t.Fatalf("file mode %04o, want 0600", perm)
	}
	if len(kr.entries) != 0 {
		t.Fatalf("keychain still holds %v after an insecure save", kr.entries)
	}
	cred, src, err := s.Load(ctx)
	if err != nil || cred.AccessToken != "new" || cred.RefreshToken != "r" || src != SourceFile {
		t.Fatalf("Load = %+v, %s, %v", cred, src, err)
	}

	// Going back to the keychain removes the plain-text copy.
	mustSave(t, s, &Credential{AccessToken: "secure"}, false)
	if _, err := os.Stat(file); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("plain-text file survived a keychain save: %v", err)
	}
}

func TestLoadRefusesWorldReadableFile(t *testing.T) {
	file := filepath.Join(t.TempDir(), "default.token.json")
	if err := os.WriteFile(file, []byte(`{"access_token":"t"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	s := NewStore("default", StoreOptions{Getenv: env(nil), InsecureFile: file, Keyring: newMemKeyring()})
	_, _, err := s.Load(context.Background())
	if err == nil || !strings.Contains(err.Error(), "chmod 600") {
		t.Fatalf("Load error = %v, want a chmod hint", err)
	}
}

func TestLoadAcceptsBareTokenEntry(t *testing.T) {
	kr := newMemKeyring()
	kr.entries[KeyringService+"/default"] = "xoxp-by-hand\n"
	s := NewStore("default", StoreOptions{Getenv: env(nil), Keyring: kr})
	cred, src, err := s.Load(context.Background())
	if err != nil || cred.AccessToken != "xoxp-by-hand" || src != SourceKeychain {
		t.Fatalf("Load = %+v, %s, %v", cred, src, err)
	}
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	t.Run("keychain and file", func(t *testing.T) {
		kr := newMemKeyring()
		file := filepath.Join(t.TempDir(), "default.token.json")
		s := NewStore("default", StoreOptions{Getenv: env(nil), InsecureFile: file, Keyring: kr})
		mustSave(t, s, &Credential{AccessToken: "k"}, false)
		if err := writeFileAtomic(file, []byte(`{"access_token":"f"}`)); err != nil {
			t.Fatal(err)
		}
		removed, err := s.Delete(ctx)
		if err != nil || len(removed) != 2 {
			t.Fatalf("Delete = %v, %v; want both places removed", removed, err)
		}
		if _, _, err := s.Load(ctx); !errors.Is(err, ErrNoCredential) {
			t.Fatalf("Load after Delete = %v, want ErrNoCredential", err)
		}
	})
	t.Run("file only with keychain unreachable", func(t *testing.T) {
		kr := newMemKeyring()
		kr.setErr(errNoDBus)
		file := filepath.Join(t.TempDir(), "default.token.json")
		s := NewStore("default", StoreOptions{Getenv: env(nil), InsecureFile: file, Keyring: kr})
		mustSave(t, s, &Credential{AccessToken: "f"}, true)
		removed, err := s.Delete(ctx)
		if err != nil || len(removed) != 1 {
			t.Fatalf("Delete = %v, %v; want the file removed and no error", removed, err)
		}
	})
	t.Run("keychain unreachable and nothing else", func(t *testing.T) {
		kr := newMemKeyring()
		kr.setErr(errNoDBus)
		s := NewStore("default", StoreOptions{Getenv: env(nil), Keyring: kr})
		var ke *KeychainError
		if _, err := s.Delete(ctx); !errors.As(err, &ke) {
			t.Fatalf("Delete error = %v, want a *KeychainError", err)
		}
	})
}

func TestCheckKeychain(t *testing.T) {
	kr := newMemKeyring()
	s := NewStore("default", StoreOptions{Getenv: env(nil), Keyring: kr})
	if err := s.CheckKeychain(context.Background()); err != nil {
		t.Fatalf("empty but reachable keychain: %v", err)
	}
	kr.setErr(errNoDBus)
	var ke *KeychainError
	if err := s.CheckKeychain(context.Background()); !errors.As(err, &ke) || !strings.Contains(err.Error(), "could not reach") {
		t.Fatalf("unreachable keychain: %v", err)
	}
}
