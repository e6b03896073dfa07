package commands

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/slackprov/slackprov/auth"
)

// The end-to-end test of issue 3: a real headless Chromium clicks through
// the emulator's consent page, the token lands in the real OS keychain,
// test-connection passes, logout revokes and removes it. CI sets both
// variables and runs it under dbus-run-session with gnome-keyring unlocked.
func authRequireBrowserAndKeychain(t *testing.T) string {
	t.Helper()
	chromium := os.Getenv("SLACKPROV_TEST_BROWSER")
	if chromium == "" || os.Getenv("SLACKPROV_TEST_KEYRING") != "1" {
		t.Skip("set SLACKPROV_TEST_BROWSER=/usr/bin/chromium and SLACKPROV_TEST_KEYRING=1 (under dbus-run-session with gnome-keyring unlocked) to run the real-browser, real-keychain test")
	}
	return chromium
}

// authChromium is one headless browser shared by a test's runs.
type authChromium struct {
	t   *testing.T
	ctx context.Context

	mu      sync.Mutex
	results []string // the text of each result page, or an error
}

func authStartChromium(t *testing.T, path string) *authChromium {
	t.Helper()
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.NoSandbox, chromedp.Headless, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true),
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx, chromedp.Navigate("about:blank")); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return &authChromium{t: t, ctx: ctx}
}

// opener returns an OpenBrowser that loads the consent page in a new tab,
// clicks button (#allow or #cancel), and records the page slackprov shows
// after the redirect. edit may rewrite the URL first.
func (c *authChromium) opener(button string, edit func(*url.URL)) func(string) error {
	return func(authURL string) error {
		if edit != nil {
			u, err := url.Parse(authURL)
			if err != nil {
				return err
			}
			edit(u)
			authURL = u.String()
		}
		go func() {
			tab, cancel := chromedp.NewContext(c.ctx)
			defer cancel()
			tab, cancelTimeout := context.WithTimeout(tab, 30*time.Second)
			defer cancelTimeout()
			var text string
			err := chromedp.Do(tab,
				chromedp.Navigate(authURL),
				chromedp.WaitVisible(button),
				chromedp.Click(button),
				chromedp.WaitVisible("#result"),
			)
			if err == nil {
				text, err = chromedp.Run(tab, chromedp.Text("#result"))
			}
			c.mu.Lock()
			defer c.mu.Unlock()
			if err != nil {
				c.results = append(c.results, "browser error: "+err.Error())
				return
			}
			c.results = append(c.results, text)
		}()
		return nil
	}
}

func (c *authChromium) lastResult() string {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		n := len(c.results)
		var last string
		if n > 0 {
			last = c.results[n-1]
		}
		c.mu.Unlock()
		if n > 0 {
			return last
		}
		time.Sleep(20 * time.Millisecond)
	}
	return "no page seen"
}

func (c *authChromium) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.results = nil
}

func TestBrowserAuthorizeKeychainTestConnectionLogout(t *testing.T) {
	browserPath := authRequireBrowserAndKeychain(t)
	w := newAuthWorld(t, "")
	// A unique profile keeps this test away from real entries in the keychain.
	w.profile = fmt.Sprintf("e2e-%d", time.Now().UnixNano())
	w.writeConfig("profiles:\n  " + w.profile + ": {}\n")
	store := auth.NewStore(w.profile, auth.StoreOptions{Getenv: func(string) string { return "" }})
	t.Cleanup(func() { _, _ = store.Delete(context.Background()) })
	browser := authStartChromium(t, browserPath)

	code, out, errOut := w.run("", browser.opener("#allow", nil), "authorize")
	if code != 0 {
		t.Fatalf("authorize exit %d\nstdout: %s\nstderr: %s\nbrowser: %s", code, out, errOut, browser.lastResult())
	}
	if page := browser.lastResult(); !strings.Contains(page, "slackprov is authorized") {
		t.Fatalf("browser shows %q after Allow", page)
	}
	if !strings.Contains(out, `the OS keychain (service "slackprov", account "`+w.profile+`")`) {
		t.Fatalf("authorize does not say the token is in the keychain:\n%s", out)
	}
	raw, err := auth.SystemKeyring{}.Get(auth.KeyringService, w.profile)
	if err != nil || raw == "" {
		t.Fatalf("no keychain entry after authorize: %v", err)
	}
	cred, src, err := store.Load(context.Background())
	if err != nil || src != auth.SourceKeychain || !w.oauth.ValidToken(cred.AccessToken) {
		t.Fatalf("keychain entry: source %s, err %v, valid at Slack %v", src, err, err == nil && w.oauth.ValidToken(cred.AccessToken))
	}

	code, out, errOut = w.run("", nil, "test-connection")
	if code != 0 || !strings.Contains(out, "All checks passed.") || !strings.Contains(out, "from the OS keychain") {
		t.Fatalf("test-connection exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}

	code, out, errOut = w.run("", nil, "logout")
	if code != 0 || !strings.Contains(out, "Revoked the token at Slack") || !strings.Contains(out, "Removed the token from the OS keychain") {
		t.Fatalf("logout exit %d\nstdout: %s\nstderr: %s", code, out, errOut)
	}
	if _, err := (auth.SystemKeyring{}).Get(auth.KeyringService, w.profile); !errors.Is(err, auth.ErrKeyringNotFound) {
		t.Fatalf("keychain entry survived logout: %v", err)
	}
	if w.oauth.ValidToken(cred.AccessToken) {
		t.Fatal("the access token is still valid at Slack after logout")
	}
	code, out, _ = w.run("", nil, "logout")
	if code != 0 || !strings.Contains(out, "nothing to do") {
		t.Fatalf("second logout: exit %d\n%s", code, out)
	}
	w.assertNoTokenPrinted()
}

func TestBrowserAuthorizeFailures(t *testing.T) {
	browserPath := authRequireBrowserAndKeychain(t)
	browser := authStartChromium(t, browserPath)
	forgeState := func(u *url.URL) {
		q := u.Query()
		q.Set("state", "forged")
		u.RawQuery = q.Encode()
	}
	tests := []struct {
		name     string
		button   string
		edit     func(*url.URL)
		args     []string
		setup    func(t *testing.T, w *authWorld) func()
		wantCode int
		want     string
		wantPage string
	}{
		{name: "cancel", button: "#cancel", wantCode: ExitAuth, want: "cancelled in the browser", wantPage: "Authorization failed"},
		{name: "wrong state is ignored until the timeout", button: "#allow", edit: forgeState, args: []string{"--timeout", "10s"},
			wantCode: ExitError, want: "timed out after 10s", wantPage: "Not this authorization"},
		{
			name: "expired code", button: "#allow", wantCode: ExitAuth, want: "older than 10 minutes", wantPage: "Authorization failed",
			setup: func(t *testing.T, w *authWorld) func() {
				w.beforeExchange = func() { w.advance(11 * time.Minute) }
				return func() { w.beforeExchange = nil }
			},
		},
		{
			name: "port in use", button: "#allow", wantCode: ExitError, want: "slack.redirect_port",
			setup: func(t *testing.T, w *authWorld) func() {
				ln, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(w.port)))
				if err != nil {
					t.Fatal(err)
				}
				return func() { ln.Close() }
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newAuthWorld(t, "")
			w.profile = fmt.Sprintf("e2e-fail-%d", time.Now().UnixNano())
			w.writeConfig("profiles:\n  " + w.profile + ": {}\n")
			if tt.setup != nil {
				defer tt.setup(t, w)()
			}
			browser.reset()
			code, out, errOut := w.run("", browser.opener(tt.button, tt.edit), append([]string{"authorize"}, tt.args...)...)
			if code != tt.wantCode || !strings.Contains(errOut, tt.want) {
				t.Fatalf("exit %d (want %d)\nstdout: %s\nstderr: %s\nwant %q", code, tt.wantCode, out, errOut, tt.want)
			}
			if tt.wantPage != "" {
				if page := browser.lastResult(); !strings.Contains(page, tt.wantPage) {
					t.Fatalf("browser shows %q, want %q", page, tt.wantPage)
				}
			}
			if _, err := (auth.SystemKeyring{}).Get(auth.KeyringService, w.profile); !errors.Is(err, auth.ErrKeyringNotFound) {
				t.Fatalf("a failed authorize left a keychain entry: %v", err)
			}
		})
	}
}
