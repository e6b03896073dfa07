package auth

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/slackoauth"
)

func TestFlowPKCELoopbackAllow(t *testing.T) {
	e := startEmulator(t, slackoauth.Options{TeamName: "Acme"})
	f := e.flow("")
	rec := &pageRecorder{}
	f.OpenBrowser = browser("allow", rec)
	cred, err := f.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(cred.AccessToken, "xoxe.xoxp-") || cred.RefreshToken == "" || cred.ExpiresAt.IsZero() {
		t.Fatalf("credential %+v: want a rotating user token (desktop redirects always rotate)", redacted(cred))
	}
	if cred.TeamName != "Acme" || cred.UserID == "" || !cred.HasScope("admin") || cred.ClientID != "1234.5678" || cred.ClientSecret != "" {
		t.Fatalf("credential metadata %+v", redacted(cred))
	}
	if !e.oauth.ValidToken(cred.AccessToken) {
		t.Fatal("the emulator does not honour the token it issued")
	}
	waitFor(t, func() bool { return strings.Contains(rec.get(), "slackprov is authorized") }, "the success page")
}

func TestFlowCancel(t *testing.T) {
	e := startEmulator(t, slackoauth.Options{})
	f := e.flow("")
	rec := &pageRecorder{}
	f.OpenBrowser = browser("cancel", rec)
	_, err := f.Run(context.Background())
	var de *DeniedError
	if !errors.As(err, &de) || de.Code != "access_denied" || !strings.Contains(err.Error(), "click Allow") {
		t.Fatalf("Run error = %v, want access_denied explained", err)
	}
	waitFor(t, func() bool { return strings.Contains(rec.get(), "Authorization failed") }, "the failure page")
}

// Any web page can send the browser to the loopback address. Callbacks
// without this run's state, an ?error= included, are answered with a
// neutral page and ignored; the genuine redirect that follows still works.
func TestFlowIgnoresForgedCallbacksUntilTheGenuineOne(t *testing.T) {
	e := startEmulator(t, slackoauth.Options{})
	f := e.flow("")
	var messages strings.Builder
	f.Messages = &messages
	type answer struct {
		status int
		page   string
	}
	forged := make(chan answer, 3)
	genuine := make(chan string, 1)
	f.OpenBrowser = func(authURL string) error {
		go func() {
			loc, err := consent(authURL, "allow")
			if err != nil {
				t.Error(err)
				return
			}
			u, _ := url.Parse(loc)
			for _, query := range []string{
				"code=forged&state=not-the-state-we-sent",
				"error=access_denied",
				"error=access_denied&state=not-the-state-we-sent",
			} {
				fake := *u
				fake.RawQuery = query
				s, p, _ := visit(fake.String())
				forged <- answer{s, p}
			}
			_, page, _ := visit(loc)
			genuine <- page
		}()
		return nil
	}
	cred, err := f.Run(context.Background())
	if err != nil {
		t.Fatalf("Run error = %v, want success after the forged callbacks", err)
	}
	if cred.AccessToken == "" {
		t.Fatal("no token")
	}
	for range 3 {
		a := <-forged
		if a.status != 400 || !strings.Contains(a.page, "was ignored") {
			t.Errorf("forged callback answered %d %q", a.status, a.page)
		}
	}
	if n := strings.Count(messages.String(), "Ignored a redirect"); n != 3 {
		t.Errorf("terminal told of %d ignored redirects, want 3:\n%s", n, messages.String())
	}
	if page := <-genuine; !strings.Contains(page, "authorized") {
		t.Errorf("genuine callback page: %q", page)
	}
}

func TestLoopbackAcceptsOnlyFirstCallback(t *testing.T) {
	results := make(chan delivery, 2)
	port := freePort(t)
	srv, err := startLoopback(port, "/callback", "s", results, make(chan string, 1))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.close()
	base := "http://127.0.0.1:" + strconv.Itoa(port) + "/callback"

	if status, _, _ := visit(base + "?foo=bar"); status != 400 {
		t.Fatalf("request without code/error answered %d, want 400 and not consumed", status)
	}
	done := make(chan int)
	go func() { s, _, _ := visit(base + "?code=c1&state=s"); done <- s }()
	d := <-results
	if d.cb.code != "c1" {
		t.Fatalf("first delivery %+v", d.cb)
	}
	if status, page, _ := visit(base + "?code=c2&state=s"); status != 409 || !strings.Contains(page, "only the first") {
		t.Fatalf("second callback answered %d %q, want 409", status, page)
	}
	d.reply <- nil
	if s := <-done; s != 200 {
		t.Fatalf("first callback answered %d", s)
	}
	if status, _, _ := visit("http://127.0.0.1:" + strconv.Itoa(port) + "/favicon.ico"); status != 404 {
		t.Fatalf("other path answered %d, want 404", status)
	}
	select {
	case extra := <-results:
		t.Fatalf("a second callback was delivered: %+v", extra.cb)
	default:
	}
}

// An ?error= without the state is ignored like any forged callback; if it
// was Slack's own Cancel, the timeout says so.
func TestFlowErrorCallbackWithoutState(t *testing.T) {
	e := startEmulator(t, slackoauth.Options{})
	f := e.flow("")
	f.Timeout = 500 * time.Millisecond
	f.OpenBrowser = func(string) error {
		go visit(LoopbackRedirect(e.port) + "?error=access_denied")
		return nil
	}
	_, err := f.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "timed out") || !strings.Contains(err.Error(), `"access_denied" came without this run's state`) {
		t.Fatalf("Run error = %v, want a timeout that mentions the ignored access_denied", err)
	}
}

func TestFlowExpiredCode(t *testing.T) {
	e := startEmulator(t, slackoauth.Options{})
	f := e.flow("")
	f.OpenBrowser = func(authURL string) error {
		go func() {
			loc, err := consent(authURL, "allow")
			if err != nil {
				t.Error(err)
				return
			}
			e.clock.Advance(11 * time.Minute)
			visit(loc)
		}()
		return nil
	}
	_, err := f.Run(context.Background())
	if !IsAPIError(err, "invalid_code") || !strings.Contains(err.Error(), "10 minutes") {
		t.Fatalf("Run error = %v, want invalid_code explained", err)
	}
}

func TestFlowPortInUse(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	port := ln.Addr().(*net.TCPAddr).Port
	f := &Flow{AuthorizeURL: "http://127.0.0.1:1/oauth/v2/authorize", Client: &Client{ClientID: "1"}, RedirectURL: LoopbackRedirect(port)}
	_, err = f.Run(context.Background())
	var pe *PortInUseError
	if !errors.As(err, &pe) || pe.Port != port || !strings.Contains(err.Error(), "slack.redirect_port") {
		t.Fatalf("Run error = %v, want PortInUseError naming slack.redirect_port", err)
	}
}

func TestFlowTimeout(t *testing.T) {
	e := startEmulator(t, slackoauth.Options{})
	f := e.flow("")
	f.Timeout = 50 * time.Millisecond
	_, err := f.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "timed out") || !strings.Contains(err.Error(), "--no-browser") {
		t.Fatalf("Run error = %v, want a timeout naming --no-browser", err)
	}
}

func TestFlowNoBrowserPasteBack(t *testing.T) {
	e := startEmulator(t, slackoauth.Options{})
	f := e.flow("")
	pr, pw := io.Pipe()
	defer pw.Close()
	f.Paste = pr
	msgs := &urlCatcher{found: make(chan string, 1)}
	f.Messages = msgs
	go func() {
		authURL := <-msgs.found
		loc, err := consent(authURL, "allow")
		if err != nil {
			t.Error(err)
			return
		}
		io.WriteString(pw, "\n  "+loc+"  \n")
	}()
	cred, err := f.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !e.oauth.ValidToken(cred.AccessToken) {
		t.Fatal("pasted flow produced a token the emulator does not honour")
	}
}

func TestFlowConfidentialAppHTTPSRedirect(t *testing.T) {
	redirect := "https://admin.example.com/slack/callback"
	e := startEmulator(t, slackoauth.Options{ClientSecret: "s3cret", RedirectURLs: []string{"https://admin.example.com/slack"}, Rotation: true})
	f := e.flow("s3cret")
	f.RedirectURL = redirect
	pr, pw := io.Pipe()
	defer pw.Close()
	f.Paste = pr
	var sawChallenge bool
	f.OpenBrowser = func(authURL string) error {
		sawChallenge = strings.Contains(authURL, "code_challenge")
		go func() {
			loc, err := consent(authURL, "allow")
			if err != nil {
				t.Error(err)
				return
			}
			if !strings.HasPrefix(loc, redirect+"?") {
				t.Errorf("redirected to %s, want %s", loc, redirect)
			}
			io.WriteString(pw, loc+"\n")
		}()
		return nil
	}
	cred, err := f.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if sawChallenge {
		t.Error("confidential flow sent a PKCE challenge")
	}
	if cred.ClientSecret != "s3cret" || !cred.Rotating() {
		t.Fatalf("credential %+v: want the secret kept for refresh and a rotating token", redacted(cred))
	}
	if _, err := e.client("").Refresh(context.Background(), cred); err != nil {
		t.Fatalf("refresh with the stored secret: %v", err)
	}
}

func TestFlowPasteGarbage(t *testing.T) {
	e := startEmulator(t, slackoauth.Options{ClientSecret: "s", RedirectURLs: []string{"https://x.example/cb"}})
	f := e.flow("s")
	f.RedirectURL = "https://x.example/cb"
	f.Paste = strings.NewReader("hello there\n")
	_, err := f.Run(context.Background())
	if err == nil || !strings.Contains(err.Error(), "no code or error") {
		t.Fatalf("Run error = %v", err)
	}
}

func TestParsePasted(t *testing.T) {
	tests := []struct {
		in, code, state, errCode string
		bad                      bool
	}{
		{in: "http://localhost:53682/callback?code=abc&state=s1", code: "abc", state: "s1"},
		{in: "?code=abc&state=s1#frag", code: "abc", state: "s1"},
		{in: "code=abc&state=s1", code: "abc", state: "s1"},
		{in: "https://x.example/cb?error=access_denied&state=s2", errCode: "access_denied", state: "s2"},
		{in: "https://x.example/cb", bad: true},
		{in: "%zz", bad: true},
	}
	for _, tt := range tests {
		cb, err := parsePasted(tt.in)
		if tt.bad != (err != nil) || cb.code != tt.code || cb.state != tt.state || cb.errCode != tt.errCode {
			t.Errorf("parsePasted(%q) = %+v, %v", tt.in, cb, err)
		}
	}
}

// urlCatcher is a Messages writer that hands out the first URL printed.
type urlCatcher struct {
	mu    sync.Mutex
	buf   strings.Builder
	found chan string
	sent  bool
}

func (u *urlCatcher) Write(p []byte) (int, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.buf.Write(p)
	if !u.sent {
		for _, f := range strings.Fields(u.buf.String()) {
			if strings.Contains(f, "/oauth/v2/authorize?") {
				u.sent = true
				u.found <- f
				break
			}
		}
	}
	return len(p), nil
}

func waitFor(t *testing.T, cond func() bool, what string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// redacted is a credential safe to print in a failure message.
func redacted(c *Credential) Credential {
	r := *c
	r.AccessToken, r.RefreshToken, r.ClientSecret = "<redacted>", "<redacted>", "<redacted>"
	return r
}
