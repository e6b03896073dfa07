package auth

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/slackoauth"
)

// fakeClock is a settable clock shared by the emulator and the client.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{t: time.Date(2026, 5, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// freePort finds a loopback port nobody listens on right now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

type emuEnv struct {
	oauth  *slackoauth.Server
	server *httptest.Server
	clock  *fakeClock
	port   int
}

func startEmulator(t *testing.T, opts slackoauth.Options) *emuEnv {
	t.Helper()
	clock := newFakeClock()
	port := freePort(t)
	if opts.ClientID == "" {
		opts.ClientID = "1234.5678"
	}
	if opts.RedirectURLs == nil {
		opts.RedirectURLs = []string{LoopbackRedirect(port)}
		opts.PKCE = true
	}
	opts.Now = clock.Now
	o := slackoauth.New(opts)
	srv := httptest.NewServer(o)
	t.Cleanup(srv.Close)
	return &emuEnv{oauth: o, server: srv, clock: clock, port: port}
}

func (e *emuEnv) client(secret string) *Client {
	return &Client{APIURL: e.server.URL + "/api/", ClientID: "1234.5678", ClientSecret: secret,
		HTTPClient: e.server.Client(), Now: e.clock.Now}
}

func (e *emuEnv) flow(secret string) *Flow {
	return &Flow{
		AuthorizeURL: e.server.URL + "/oauth/v2/authorize",
		Client:       e.client(secret),
		RedirectURL:  LoopbackRedirect(e.port),
		Timeout:      10 * time.Second,
	}
}

var (
	formRequestRE = regexp.MustCompile(`name="request" value="([^"]+)"`)
	formActionRE  = regexp.MustCompile(`action="([^"]+)"`)
)

// consent plays the browser on the emulator's consent page: it loads the
// page, clicks decision ("allow" or "cancel") and returns where Slack
// redirects, without following it.
func consent(authURL, decision string) (string, error) {
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authURL)
	if err != nil {
		return "", err
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	id, action := formRequestRE.FindSubmatch(body), formActionRE.FindSubmatch(body)
	if id == nil || action == nil {
		return "", fmt.Errorf("no consent form (HTTP %d): %s", resp.StatusCode, body)
	}
	base, _ := url.Parse(authURL)
	target, _ := base.Parse(string(action[1]))
	resp, err = noFollow.PostForm(target.String(), url.Values{"request": {string(id[1])}, "decision": {decision}})
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusFound || loc == "" {
		return "", fmt.Errorf("decision answered HTTP %d without a redirect", resp.StatusCode)
	}
	return loc, nil
}

// visit loads a URL like a browser and returns the status and page.
func visit(u string) (int, string, error) {
	resp, err := http.Get(u)
	if err != nil {
		return 0, "", err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), err
}

// pageRecorder keeps the last page the fake browser saw.
type pageRecorder struct {
	mu   sync.Mutex
	page string
}

func (p *pageRecorder) set(s string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.page = s
}

func (p *pageRecorder) get() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.page
}

// browser returns an OpenBrowser that clicks decision and follows the
// redirect back to the loopback server, recording the result page.
func browser(decision string, rec *pageRecorder) func(string) error {
	return func(authURL string) error {
		go func() {
			loc, err := consent(authURL, decision)
			if err != nil {
				rec.set("consent failed: " + err.Error())
				return
			}
			_, page, _ := visit(loc)
			rec.set(page)
		}()
		return nil
	}
}
