package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// ErrNoCredential means no token is configured for the profile anywhere.
var ErrNoCredential = errors.New("not signed in to Slack")

// StoreOptions configures a Store. Zero values pick the real environment.
type StoreOptions struct {
	Getenv func(string) string // default os.Getenv
	// InsecureFile is the 0600 file used only with --insecure-storage
	// (and read back when it exists). Empty disables the file.
	InsecureFile string
	Timeout      time.Duration // bounds each keychain call; default DefaultKeyringTimeout
	Keyring      Keyring       // default SystemKeyring
}

// Store finds and keeps one profile's Slack credential. Lookup order:
// SLACKPROV_SLACK_TOKEN, the OS keychain, then the insecure file if present.
// It never writes plain text unless asked to.
type Store struct {
	profile string
	opts    StoreOptions
}

// NewStore returns the store for profile.
func NewStore(profile string, opts StoreOptions) *Store {
	if opts.Getenv == nil {
		opts.Getenv = os.Getenv
	}
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultKeyringTimeout
	}
	if opts.Keyring == nil {
		opts.Keyring = SystemKeyring{}
	}
	return &Store{profile: profile, opts: opts}
}

// Profile is the profile this store serves; it is also the keychain account.
func (s *Store) Profile() string { return s.profile }

// FilePath is where --insecure-storage keeps the token.
func (s *Store) FilePath() string { return s.opts.InsecureFile }

// Location describes where a token from src lives, for messages.
func (s *Store) Location(src Source) string {
	switch src {
	case SourceEnv:
		return "the " + EnvToken + " environment variable"
	case SourceKeychain:
		return fmt.Sprintf("the OS keychain (service %q, account %q)", KeyringService, s.profile)
	case SourceFile:
		return "the plain-text file " + s.opts.InsecureFile
	}
	return string(src)
}

// Load returns the credential to use and where it came from. A token in the
// environment wins; it carries no refresh token and no metadata.
func (s *Store) Load(ctx context.Context) (*Credential, Source, error) {
	if tok := strings.TrimSpace(s.opts.Getenv(EnvToken)); tok != "" {
		return &Credential{AccessToken: tok}, SourceEnv, nil
	}
	return s.LoadStored(ctx)
}

// LoadStored is Load without the environment: what slackprov itself stored.
func (s *Store) LoadStored(ctx context.Context) (*Credential, Source, error) {
	cred, kcErr := s.loadKeychain(ctx)
	if cred != nil {
		return cred, SourceKeychain, nil
	}
	if cred, err := s.loadFile(); err != nil || cred != nil {
		return cred, SourceFile, err
	}
	if kcErr != nil {
		return nil, "", kcErr
	}
	return nil, "", fmt.Errorf("%w (profile %q) — run `slackprov authorize`, or set %s", ErrNoCredential, s.profile, EnvToken)
}

func (s *Store) loadKeychain(ctx context.Context) (*Credential, error) {
	var secret string
	err := withTimeout(ctx, s.opts.Timeout, "read", func() error {
		var err error
		secret, err = s.opts.Keyring.Get(KeyringService, s.profile)
		return err
	})
	switch {
	case errors.Is(err, ErrKeyringNotFound):
		return nil, nil
	case err != nil:
		return nil, s.keychainErr("read", err)
	}
	cred, err := decodeCredential(secret)
	if err != nil {
		return nil, fmt.Errorf("%s holds something that is not a slackprov credential (%v): run `slackprov logout` and `slackprov authorize` again", s.Location(SourceKeychain), err)
	}
	return cred, nil
}

func (s *Store) loadFile() (*Credential, error) {
	if s.opts.InsecureFile == "" {
		return nil, nil
	}
	info, err := os.Stat(s.opts.InsecureFile)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("reading the Slack token file: %w", err)
	}
	if info.Mode().Perm()&0o077 != 0 {
		return nil, fmt.Errorf("the Slack token file %s is readable by others (mode %04o): run `chmod 600 %s`, or `slackprov logout` and authorize again",
			s.opts.InsecureFile, info.Mode().Perm(), s.opts.InsecureFile)
	}
	data, err := os.ReadFile(s.opts.InsecureFile)
	if err != nil {
		return nil, fmt.Errorf("reading the Slack token file: %w", err)
	}
	cred, err := decodeCredential(string(data))
	if err != nil {
		return nil, fmt.Errorf("the Slack token file %s is damaged (%v): run `slackprov logout` and `slackprov authorize` again", s.opts.InsecureFile, err)
	}
	return cred, nil
}

// decodeCredential reads a stored entry. A bare token (stored by hand with
// secret-tool, say) is accepted as an access token without metadata.
func decodeCredential(secret string) (*Credential, error) {
	secret = strings.TrimSpace(secret)
	if secret == "" {
		return nil, errors.New("the entry is empty")
	}
	if !strings.HasPrefix(secret, "{") {
		return &Credential{AccessToken: secret}, nil
	}
	var c Credential
	if err := json.Unmarshal([]byte(secret), &c); err != nil {
		return nil, errors.New("the entry is not valid JSON")
	}
	if c.AccessToken == "" {
		return nil, errors.New("the entry has no access token")
	}
	return &c, nil
}

// CheckKeychain reports whether the OS keychain answers, so a command can
// refuse before an authorization whose token it could not keep.
func (s *Store) CheckKeychain(ctx context.Context) error {
	err := withTimeout(ctx, s.opts.Timeout, "read", func() error {
		_, err := s.opts.Keyring.Get(KeyringService, s.profile)
		return err
	})
	if err == nil || errors.Is(err, ErrKeyringNotFound) {
		return nil
	}
	return s.keychainErr("reach", err)
}

// Save stores cred in the keychain, or in the insecure file when insecure is
// set, and returns where it went. The pair is one value, so a reader sees
// either the old pair or the new one, never a mix. After a successful write
// the other place is cleared, so exactly one copy is ever read.
func (s *Store) Save(ctx context.Context, cred *Credential, insecure bool) (Source, string, error) {
	data, err := json.Marshal(cred)
	if err != nil {
		return "", "", fmt.Errorf("encoding the credential: %w", err)
	}
	if insecure {
		if s.opts.InsecureFile == "" {
			return "", "", errors.New("no path for the plain-text token file is configured")
		}
		if err := writeFileAtomic(s.opts.InsecureFile, data); err != nil {
			return "", "", fmt.Errorf("writing the Slack token file: %w", err)
		}
		// A keychain we cannot reach holds nothing we could read back anyway.
		_ = withTimeout(ctx, s.opts.Timeout, "delete", func() error {
			return s.opts.Keyring.Delete(KeyringService, s.profile)
		})
		return SourceFile, s.Location(SourceFile), nil
	}
	err = withTimeout(ctx, s.opts.Timeout, "write", func() error {
		return s.opts.Keyring.Set(KeyringService, s.profile, string(data))
	})
	if err != nil {
		return "", "", s.keychainErr("write", err)
	}
	if s.opts.InsecureFile != "" {
		if err := os.Remove(s.opts.InsecureFile); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return SourceKeychain, s.Location(SourceKeychain), fmt.Errorf("the token is in the keychain, but the old plain-text copy %s could not be removed: %w; delete it by hand", s.opts.InsecureFile, err)
		}
	}
	return SourceKeychain, s.Location(SourceKeychain), nil
}

// Delete removes the stored credential from the keychain and the file and
// returns the places it was removed from. A keychain that cannot be reached
// is an error only when there was no file to delete either.
func (s *Store) Delete(ctx context.Context) ([]string, error) {
	var removed []string
	fileRemoved := false
	if s.opts.InsecureFile != "" {
		err := os.Remove(s.opts.InsecureFile)
		switch {
		case err == nil:
			fileRemoved = true
			removed = append(removed, s.Location(SourceFile))
		case !errors.Is(err, fs.ErrNotExist):
			return nil, fmt.Errorf("deleting the Slack token file: %w", err)
		}
	}
	err := withTimeout(ctx, s.opts.Timeout, "delete", func() error {
		return s.opts.Keyring.Delete(KeyringService, s.profile)
	})
	switch {
	case err == nil:
		removed = append(removed, s.Location(SourceKeychain))
	case errors.Is(err, ErrKeyringNotFound):
	case !fileRemoved:
		return removed, s.keychainErr("delete", err)
	}
	return removed, nil
}

func (s *Store) keychainErr(op string, err error) error {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return &KeychainError{Op: op, Account: s.profile, Err: err, FilePath: s.opts.InsecureFile}
}

// writeFileAtomic writes data to a temporary 0600 file beside path and
// renames it into place, so a crash leaves either the old file or the new one.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(path)+".*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
