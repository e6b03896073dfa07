package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slackprov/slackprov/auth"
	"github.com/slackprov/slackprov/emulator/slackoauth"
	"github.com/slackprov/slackprov/emulator/slackscim"
)

// authWorld is a Slack stand-in (OAuth + SCIM emulators on one server), a
// config file pointing at it, and a record of everything printed, so tests
// can check that no token ever reaches the output.
type authWorld struct {
	t       *testing.T
	oauth   *slackoauth.Server
	slack   *slackscim.Org
	server  *httptest.Server
	port    int
	dir     string
	config  string
	profile string
	env     map[string]string

	mu      sync.Mutex
	clock   time.Time
	printed bytes.Buffer
	// beforeExchange, when set, runs before each oauth.v2.access call.
	beforeExchange func()
}

const authTestClientID = "9999.1111"

func newAuthWorld(t *testing.T, plan string) *authWorld {
	t.Helper()
	w := &authWorld{t: t, clock: time.Now(), env: map[string]string{}, profile: "default"}
	w.port = authFreePort(t)
	w.oauth = slackoauth.New(slackoauth.Options{
		ClientID:     authTestClientID,
		RedirectURLs: []string{fmt.Sprintf("http://localhost:%d/callback", w.port)},
		PKCE:         true,
		TeamID:       "T0ACME",
		TeamName:     "Acme",
		Now:          w.now,
	})
	// The SCIM side accepts exactly the tokens the OAuth side issued and has
	// not revoked or expired, as one Slack org would.
	w.slack = slackscim.New(slackscim.Options{AcceptToken: w.oauth.SCIMAuth(), Plan: plan, DisableRateLimits: true})
	mux := http.NewServeMux()
	mux.Handle("/oauth/", w.oauth)
	mux.HandleFunc("/api/", func(rw http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "oauth.v2.access") && w.beforeExchange != nil {
			w.beforeExchange()
		}
		w.oauth.ServeHTTP(rw, r)
	})
	mux.Handle("/scim/v2/", w.slack)
	mux.Handle("/scim/v1/", w.slack)
	w.server = httptest.NewServer(mux)
	t.Cleanup(w.server.Close)

	w.dir = t.TempDir()
	people := filepath.Join(w.dir, "people.json")
	authWrite(t, people, `{"users":[{"id":"u1","userPrincipalName":"ada@acme.test","mail":"ada@acme.test","givenName":"Ada","surname":"Lovelace","displayName":"Ada Lovelace","accountEnabled":true}],"groups":[]}`)
	w.config = filepath.Join(w.dir, "config.yaml")
	w.writeConfig("")
	return w
}

// writeConfig writes the config; extra is appended YAML (e.g. profiles).
func (w *authWorld) writeConfig(extra string) {
	authWrite(w.t, w.config, fmt.Sprintf(`slack:
  scim_url: %[1]s/scim/v2/
  api_url: %[1]s/api/
  authorize_url: %[1]s/oauth/v2/authorize
  client_id: "%[2]s"
  redirect_port: %[3]d
source:
  type: file
  file:
    path: people.json
state_dir: state
%[4]s`, w.server.URL, authTestClientID, w.port, extra))
}

func (w *authWorld) now() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.clock
}

func (w *authWorld) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.clock = w.clock.Add(d)
}

// run executes slackprov with args and returns the exit code, stdout and stderr.
func (w *authWorld) run(stdin string, openBrowser func(string) error, args ...string) (int, string, string) {
	w.t.Helper()
	ios, in, out, errOut := TestStreams()
	in.WriteString(stdin)
	f := &Factory{
		IO:          ios,
		HTTPClient:  w.server.Client(),
		Now:         w.now,
		Getenv:      func(k string) string { return w.env[k] },
		OpenBrowser: openBrowser,
	}
	if openBrowser == nil {
		f.OpenBrowser = func(string) error { return fmt.Errorf("no browser in this test") }
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	full := append([]string{"slackprov", "--config", w.config, "--profile", w.profile}, args...)
	code := Run(ctx, f, full)
	w.mu.Lock()
	w.printed.WriteString(out.String())
	w.printed.WriteString(errOut.String())
	w.mu.Unlock()
	return code, out.String(), errOut.String()
}

// assertNoTokenPrinted greps everything printed so far for every token the
// emulator ever issued.
func (w *authWorld) assertNoTokenPrinted() {
	w.t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	all := w.printed.String()
	issued := w.oauth.IssuedTokens()
	if len(issued) == 0 {
		w.t.Fatal("the emulator issued no tokens: the leak check would prove nothing")
	}
	for _, tok := range issued {
		if strings.Contains(all, tok) {
			w.t.Fatalf("a token the emulator issued appears in the output")
		}
	}
	if authTokenShape.MatchString(all) {
		w.t.Fatal("the output contains something shaped like a Slack token")
	}
}

var authTokenShape = regexp.MustCompile(`xox[a-z]?[.-](xoxp-)?1-[0-9a-f]{8,}`)

var (
	authFormRequestRE = regexp.MustCompile(`name="request" value="([^"]+)"`)
	authFormActionRE  = regexp.MustCompile(`action="([^"]+)"`)
)

// authConsentLocation plays the browser on the emulator's consent page: it
// loads authURL, clicks decision and returns where Slack redirects.
func authConsentLocation(authURL, decision string) (string, error) {
	u, err := url.Parse(authURL)
	if err != nil {
		return "", err
	}
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(u.String())
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	id, action := authFormRequestRE.FindSubmatch(body), authFormActionRE.FindSubmatch(body)
	if id == nil || action == nil {
		return "", fmt.Errorf("no consent form (HTTP %d)", resp.StatusCode)
	}
	target, _ := u.Parse(string(action[1]))
	resp, err = noFollow.PostForm(target.String(), url.Values{"request": {string(id[1])}, "decision": {decision}})
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	return resp.Header.Get("Location"), nil
}

// authGoBrowser is an OpenBrowser that plays a browser with net/http: it clicks
// decision on the consent page and follows the redirect back to the
// loopback server. edit may rewrite the authorize URL first (wrong state).
func authGoBrowser(t *testing.T, decision string, edit func(*url.URL)) func(string) error {
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
			loc, err := authConsentLocation(authURL, decision)
			if err != nil {
				t.Error(err)
				return
			}
			if back, err := http.Get(loc); err == nil {
				io.Copy(io.Discard, back.Body)
				back.Body.Close()
			}
		}()
		return nil
	}
}

// authMintToken runs a PKCE authorization against the emulator directly and
// returns the access token, as if it had been created on another machine.
func authMintToken(t *testing.T, w *authWorld) string {
	t.Helper()
	flow := &auth.Flow{
		AuthorizeURL: w.server.URL + "/oauth/v2/authorize",
		Client:       &auth.Client{APIURL: w.server.URL + "/api/", ClientID: authTestClientID, HTTPClient: w.server.Client(), Now: w.now},
		RedirectURL:  auth.LoopbackRedirect(w.port),
		OpenBrowser:  authGoBrowser(t, "allow", nil),
		Timeout:      30 * time.Second,
	}
	cred, err := flow.Run(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	return cred.AccessToken
}

// authURLCatcher passes writes through and hands out the first authorize
// URL printed.
type authURLCatcher struct {
	mu    sync.Mutex
	w     io.Writer
	seen  strings.Builder
	found chan string
	sent  bool
}

func (c *authURLCatcher) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.seen.Write(p)
	if !c.sent {
		for _, f := range strings.Fields(c.seen.String()) {
			if strings.Contains(f, "/oauth/v2/authorize?") {
				c.sent = true
				c.found <- f
				break
			}
		}
	}
	return c.w.Write(p)
}

func authFreePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func authWrite(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

// assertLatestRefreshStored checks that the profile's --insecure-storage file
// holds the refresh token Slack issued last: the only one still valid.
func (w *authWorld) assertLatestRefreshStored() {
	w.t.Helper()
	data, err := os.ReadFile(filepath.Join(w.dir, "credentials", w.profile+".json"))
	if err != nil {
		w.t.Fatal(err)
	}
	var stored auth.Credential
	if err := json.Unmarshal(data, &stored); err != nil {
		w.t.Fatal(err)
	}
	issued := w.oauth.IssuedTokens()
	if stored.RefreshToken != issued[len(issued)-1] {
		w.t.Fatal("the stored refresh token is not the latest issued")
	}
}
