package commands

import (
	"encoding/json"
	"errors"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/auth"
)

// These tests use --insecure-storage or SLACKPROV_SLACK_TOKEN so that they
// run anywhere; auth_browser_test.go repeats the flow with the real keychain
// and a real browser.

func TestAuthorizeTestConnectionLogoutWithFileStorage(t *testing.T) {
	w := newAuthWorld(t, "")
	code, out, errOut := w.run("", authGoBrowser(t, "allow", nil), "authorize", "--insecure-storage")
	if code != 0 {
		t.Fatalf("authorize exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	file := filepath.Join(w.dir, "credentials", "default.json")
	for _, want := range []string{"Authorized slackprov for workspace Acme (T0ACME) as admin (U0EMUADMIN)", "Scopes: admin", "rotating", "plain-text file " + file} {
		if !strings.Contains(out, want) {
			t.Errorf("authorize output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "Storing the Slack token in plain text at "+file) {
		t.Errorf("no plain-text warning naming %s before writing:\n%s", file, errOut)
	}
	info, err := os.Stat(file)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v, mode %v", err, info)
	}

	code, out, errOut = w.run("", nil, "test-connection", "--output", "json")
	if code != 0 {
		t.Fatalf("test-connection exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	var rep struct {
		OK     bool
		Checks []struct{ ID, Name, Status, Detail, Fix string }
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("test-connection --output json is not JSON: %v\n%s", err, out)
	}
	if !rep.OK || len(rep.Checks) != 8 {
		t.Fatalf("report %+v", rep)
	}
	var ids []string
	for _, c := range rep.Checks {
		ids = append(ids, c.ID)
	}
	if got, want := strings.Join(ids, " "), "slack.token slack.auth_test slack.scope slack.scim slack.scim_version slack.scim_read slack.rate_limit source"; got != want {
		t.Errorf("check ids = %s, want %s", got, want)
	}
	for _, c := range rep.Checks {
		if c.Status != "pass" {
			t.Errorf("check %q: %s %s", c.Name, c.Status, c.Detail)
		}
	}
	if !strings.Contains(rep.Checks[0].Detail, "plain-text file") {
		t.Errorf("token check does not say where the token came from: %q", rep.Checks[0].Detail)
	}

	code, out, errOut = w.run("", nil, "logout")
	if code != 0 || !strings.Contains(out, "Revoked the token at Slack") || !strings.Contains(out, "Removed the token from the plain-text file") {
		t.Fatalf("logout exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if _, err := os.Stat(file); !os.IsNotExist(err) {
		t.Fatalf("token file survived logout: %v", err)
	}
	for _, tok := range w.oauth.IssuedTokens() {
		if w.oauth.ValidToken(tok) {
			t.Fatal("a token is still valid at Slack after logout")
		}
	}
	code, out, _ = w.run("", nil, "test-connection")
	if code != ExitAuth || !strings.Contains(out, "✗ Slack token found") || !strings.Contains(out, "slackprov authorize") {
		t.Fatalf("test-connection after logout: exit %d\n%s", code, out)
	}
	// With a keychain (CI runs one) nothing is stored anywhere now; without
	// one, the keychain's absence is what stops the token lookup.
	want := "OS keychain"
	if os.Getenv("SLACKPROV_TEST_KEYRING") == "1" {
		want = "not signed in to Slack (profile \"default\") — run `slackprov authorize`"
	}
	if code, _, errOut := w.run("", nil, "sync", "--dry-run"); code != ExitAuth || !strings.Contains(errOut, want) {
		t.Fatalf("sync after logout: exit %d, want %q in\n%s", code, want, errOut)
	}
	w.assertNoTokenPrinted()
}

func TestRotationAcrossExpiryInCommands(t *testing.T) {
	w := newAuthWorld(t, "")
	if code, out, errOut := w.run("", authGoBrowser(t, "allow", nil), "authorize", "--insecure-storage"); code != 0 {
		t.Fatalf("authorize exit %d\n%s\n%s", code, out, errOut)
	}
	// Every 5 hours for two days: each run finds the token near or past
	// expiry (12 h) and must refresh and store the new pair.
	for i := range 10 {
		w.advance(5 * time.Hour)
		if code, out, errOut := w.run("", nil, "test-connection"); code != 0 {
			t.Fatalf("run %d: exit %d\n%s\n%s", i, code, out, errOut)
		}
	}
	if w.oauth.Refreshes() < 3 {
		t.Fatalf("only %d refreshes over two days of 12-hour tokens", w.oauth.Refreshes())
	}
	w.assertLatestRefreshStored()
	w.assertNoTokenPrinted()
}

func TestAuthorizeFailures(t *testing.T) {
	tests := []struct {
		name     string
		browser  func(t *testing.T, w *authWorld) func(string) error
		setup    func(t *testing.T, w *authWorld) func()
		args     []string
		wantCode int
		want     string
	}{
		{
			name:     "cancel",
			browser:  func(t *testing.T, w *authWorld) func(string) error { return authGoBrowser(t, "cancel", nil) },
			wantCode: ExitAuth,
			want:     "cancelled in the browser",
		},
		{
			name: "wrong state",
			browser: func(t *testing.T, w *authWorld) func(string) error {
				return authGoBrowser(t, "allow", func(u *url.URL) {
					q := u.Query()
					q.Set("state", "forged")
					u.RawQuery = q.Encode()
				})
			},
			// A forged callback is ignored: the flow waits for the genuine
			// one, which never comes here.
			args:     []string{"--timeout", "2s"},
			wantCode: ExitError,
			want:     "timed out after 2s",
		},
		{
			name:    "expired code",
			browser: func(t *testing.T, w *authWorld) func(string) error { return authGoBrowser(t, "allow", nil) },
			setup: func(t *testing.T, w *authWorld) func() {
				w.beforeExchange = func() { w.advance(11 * time.Minute) }
				return func() { w.beforeExchange = nil }
			},
			wantCode: ExitAuth,
			want:     "older than 10 minutes",
		},
		{
			name:    "port in use",
			browser: func(t *testing.T, w *authWorld) func(string) error { return authGoBrowser(t, "allow", nil) },
			setup: func(t *testing.T, w *authWorld) func() {
				ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(w.port)))
				if err != nil {
					t.Fatal(err)
				}
				return func() { ln.Close() }
			},
			wantCode: ExitError,
			want:     "slack.redirect_port",
		},
		{
			name:     "timeout",
			browser:  func(t *testing.T, w *authWorld) func(string) error { return func(string) error { return nil } },
			args:     []string{"--timeout", "100ms"},
			wantCode: ExitError,
			want:     "timed out",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newAuthWorld(t, "")
			if tt.setup != nil {
				defer tt.setup(t, w)()
			}
			args := append([]string{"authorize", "--insecure-storage"}, tt.args...)
			code, out, errOut := w.run("", tt.browser(t, w), args...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant stderr to contain %q", code, tt.wantCode, out, errOut, tt.want)
			}
			if _, err := os.Stat(filepath.Join(w.dir, "credentials", "default.json")); !os.IsNotExist(err) {
				t.Fatalf("a failed authorize stored something: %v", err)
			}
		})
	}
}

// TestWithoutKeychain runs in a child process with no reachable session bus:
// go-keyring keeps one D-Bus connection per process, so the parent's
// environment cannot be changed under it.
func TestWithoutKeychain(t *testing.T) {
	if os.Getenv("SLACKPROV_TEST_NO_KEYCHAIN_CHILD") != "1" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestWithoutKeychain$", "-test.count=1")
		cmd.Env = append(os.Environ(), "SLACKPROV_TEST_NO_KEYCHAIN_CHILD=1", "DBUS_SESSION_BUS_ADDRESS=unix:path=/nonexistent/slackprov-test-bus")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("child test without a keychain failed: %v\n%s", err, out)
		}
		return
	}
	t.Run("authorize refuses before opening the browser", func(t *testing.T) {
		w := newAuthWorld(t, "")
		opened := false
		code, _, errOut := w.run("", func(string) error { opened = true; return nil }, "authorize")
		if code != ExitAuth {
			t.Fatalf("exit %d, want %d\n%s", code, ExitAuth, errOut)
		}
		for _, want := range []string{"SLACKPROV_SLACK_TOKEN", "--token-stdin", "--insecure-storage", filepath.Join(w.dir, "credentials", "default.json")} {
			if !strings.Contains(errOut, want) {
				t.Errorf("error does not offer %q:\n%s", want, errOut)
			}
		}
		if opened {
			t.Error("the browser was opened although the token could not have been kept")
		}
	})
	t.Run("sync says it in one line, once", func(t *testing.T) {
		w := newAuthWorld(t, "")
		code, _, errOut := w.run("", nil, "sync", "--dry-run")
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		if code != ExitAuth || len(lines) != 1 || strings.Count(errOut, "--insecure-storage") != 1 || !strings.Contains(errOut, "Fix: set SLACKPROV_SLACK_TOKEN") {
			t.Fatalf("exit %d, want one line with the fix:\n%s", code, errOut)
		}
	})
	t.Run("logout says the keychain is unreachable", func(t *testing.T) {
		w := newAuthWorld(t, "")
		code, out, errOut := w.run("", nil, "logout")
		if code != ExitAuth || !strings.Contains(errOut, "OS keychain") {
			t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
		}
	})
	t.Run("insecure storage still works", func(t *testing.T) {
		w := newAuthWorld(t, "")
		if code, out, errOut := w.run("", authGoBrowser(t, "allow", nil), "authorize", "--insecure-storage"); code != 0 {
			t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
		}
		if code, out, errOut := w.run("", nil, "test-connection"); code != 0 {
			t.Fatalf("test-connection with the file and no keychain: exit %d\n%s\n%s", code, out, errOut)
		}
		w.assertNoTokenPrinted()
	})
}

// TestAuthorizePasteBack covers both ways to the paste-back flow:
// --no-browser, and a browser that cannot be opened (pkg/browser's error),
// where authorize must not just wait for a callback that never comes.
func TestAuthorizePasteBack(t *testing.T) {
	for _, tc := range []struct {
		name    string
		args    []string
		browser func(t *testing.T) func(string) error
	}{
		{"no-browser", []string{"--no-browser"}, func(t *testing.T) func(string) error {
			return func(string) error { t.Error("--no-browser opened a browser"); return nil }
		}},
		{"browser cannot be opened", nil, func(*testing.T) func(string) error {
			return func(string) error { return errors.New(`exec: "xdg-open": executable file not found in $PATH`) }
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newAuthWorld(t, "")
			// Authorize once in the "remote browser" to learn where Slack
			// redirects, then paste that address. Stdin is read while the flow waits.
			pr, pw, err := os.Pipe()
			if err != nil {
				t.Fatal(err)
			}
			defer pr.Close()
			ios, _, out, errOut := TestStreams()
			ios.In = pr
			catcher := &authURLCatcher{w: errOut, found: make(chan string, 1)}
			ios.ErrOut = catcher
			go func() {
				defer pw.Close()
				authURL := <-catcher.found
				loc, err := authConsentLocation(authURL, "allow")
				if err != nil {
					t.Error(err)
					return
				}
				pw.WriteString(loc + "\n")
			}()
			f := &Factory{IO: ios, HTTPClient: w.server.Client(), Now: w.now, Getenv: func(k string) string { return w.env[k] },
				OpenBrowser: tc.browser(t)}
			args := append([]string{"slackprov", "--config", w.config, "authorize", "--insecure-storage", "--timeout", "1m"}, tc.args...)
			if code := Run(t.Context(), f, args); code != 0 || !strings.Contains(out.String(), "Authorized slackprov") {
				t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
			}
			if !strings.Contains(errOut.String(), "paste the URL") {
				t.Errorf("no paste-back instructions:\n%s", errOut)
			}
			w.printed.WriteString(out.String() + errOut.String())
			w.assertNoTokenPrinted()
		})
	}
}

func TestAuthorizeTokenStdin(t *testing.T) {
	w := newAuthWorld(t, "")
	// Mint a token the way another machine would have.
	tok := authMintToken(t, w)
	code, out, errOut := w.run(tok+"\n", nil, "authorize", "--token-stdin", "--insecure-storage")
	if code != 0 || !strings.Contains(out, "Authorized slackprov for workspace Acme (T0ACME)") || !strings.Contains(out, "Scopes: admin") {
		t.Fatalf("exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if !strings.Contains(errOut, "rotating token") {
		t.Errorf("no warning that a rotating token cannot be renewed without its refresh token:\n%s", errOut)
	}
	code, _, errOut = w.run("", nil, "authorize", "--token-stdin", "--no-browser")
	if code != ExitError || !strings.Contains(errOut, "cannot be combined") {
		t.Fatalf("conflicting flags: exit %d\n%s", code, errOut)
	}
	code, _, errOut = w.run("xoxp-not-a-real-token\n", nil, "authorize", "--token-stdin", "--insecure-storage")
	if code != ExitAuth || !strings.Contains(errOut, "invalid_auth") {
		t.Fatalf("bad token: exit %d\n%s", code, errOut)
	}
	w.assertNoTokenPrinted()
}

func TestTestConnectionFailures(t *testing.T) {
	tests := []struct {
		name     string
		plan     string
		env      func(w *authWorld) map[string]string
		config   func(w *authWorld)
		wantCode int
		wantFail string
		want     string
	}{
		{
			name:     "no token anywhere",
			wantCode: ExitAuth, wantFail: nameToken, want: "slackprov authorize",
		},
		{
			name: "env token Slack rejects",
			env: func(w *authWorld) map[string]string {
				return map[string]string{auth.EnvToken: "xoxp-1-deadbeefdeadbeef"}
			},
			wantCode: ExitAuth, wantFail: nameAuthTest, want: "SLACKPROV_SLACK_TOKEN",
		},
		{
			name:     "plan without SCIM",
			plan:     "pro",
			env:      func(w *authWorld) map[string]string { return map[string]string{auth.EnvToken: authMintToken(w.t, w)} },
			wantCode: ExitAuth, wantFail: nameSCIM, want: "Business+ or Enterprise Grid",
		},
		{
			name: "directory file missing",
			env:  func(w *authWorld) map[string]string { return map[string]string{auth.EnvToken: authMintToken(w.t, w)} },
			config: func(w *authWorld) {
				os.Remove(filepath.Join(w.dir, "people.json"))
			},
			wantCode: ExitError, wantFail: nameSource, want: "people.json",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newAuthWorld(t, tt.plan)
			if tt.env != nil {
				w.env = tt.env(w)
			}
			if tt.config != nil {
				tt.config(w)
			}
			code, out, errOut := w.run("", nil, "test-connection")
			if code != tt.wantCode {
				t.Fatalf("exit %d, want %d\n%s\n%s", code, tt.wantCode, out, errOut)
			}
			var failLine string
			for _, line := range strings.Split(out, "\n") {
				if strings.HasPrefix(line, "✗ "+tt.wantFail) {
					failLine = line
				}
			}
			if failLine == "" || !strings.Contains(out, tt.want) || !strings.Contains(out, "fix:") {
				t.Fatalf("want a ✗ %q line mentioning %q with a fix:\n%s", tt.wantFail, tt.want, out)
			}
			if len(w.oauth.IssuedTokens()) > 0 {
				w.assertNoTokenPrinted()
			}
		})
	}
}
