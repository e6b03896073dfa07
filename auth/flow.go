package auth

import (
	"bufio"
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// DefaultRedirectPort is the loopback port registered in the app manifest.
const DefaultRedirectPort = 53682

// DefaultFlowTimeout is how long authorize waits for the browser to come back.
const DefaultFlowTimeout = 5 * time.Minute

// LoopbackRedirect is the redirect URL for a PKCE app on port.
func LoopbackRedirect(port int) string {
	return fmt.Sprintf("http://localhost:%d/callback", port)
}

// Flow is one run of Slack's OAuth v2 authorization-code flow for a user token.
type Flow struct {
	AuthorizeURL string // e.g. https://slack.com/oauth/v2/authorize
	// Client exchanges the code. Without a ClientSecret the flow uses PKCE
	// (S256); with one it is a confidential app and sends no PKCE parameters.
	Client *Client
	// RedirectURL is sent as redirect_uri. An http://localhost (or
	// 127.0.0.1) URL is served on its port; any other URL can only be
	// completed by pasting the redirected URL back.
	RedirectURL string
	UserScopes  []string // default ["admin"]
	Team        string   // optional workspace/org id to pre-select
	Timeout     time.Duration
	// OpenBrowser opens the consent page; nil means only print the URL.
	OpenBrowser func(url string) error
	// Paste, when set, is read for the URL the browser was redirected to
	// (for SSH sessions, containers and HTTPS redirects).
	Paste io.Reader
	// PasteFallback becomes Paste when the browser cannot be opened.
	PasteFallback io.Reader
	// Messages receives instructions for the person at the terminal.
	Messages io.Writer
}

// DeniedError is Slack's ?error= redirect, e.g. access_denied when the user
// clicked Cancel.
type DeniedError struct{ Code string }

func (e *DeniedError) Error() string {
	if e.Code == "access_denied" {
		return "the authorization was cancelled in the browser (Slack said access_denied): run `slackprov authorize` again and click Allow"
	}
	return fmt.Sprintf("Slack refused the authorization: %s: check the Slack app's settings (slack.client_id, redirect URL, user scope admin) and run `slackprov authorize` again", e.Code)
}

// ErrStateMismatch means the redirect did not come from this run's request.
var ErrStateMismatch = errors.New("the redirect's state does not match this authorization attempt (an old browser tab or a forged link): nothing was stored; run `slackprov authorize` again")

// callback is what came back on the redirect URL.
type callback struct {
	code, state, errCode string
}

func parseCallback(q url.Values) (callback, bool) {
	cb := callback{code: q.Get("code"), state: q.Get("state"), errCode: q.Get("error")}
	return cb, cb.code != "" || cb.errCode != ""
}

// parsePasted accepts the full redirected URL or just its query string.
func parsePasted(line string) (callback, error) {
	line = strings.TrimSpace(line)
	raw := line
	if i := strings.Index(line, "?"); i >= 0 {
		raw = line[i+1:]
	}
	raw, _, _ = strings.Cut(raw, "#")
	q, err := url.ParseQuery(raw)
	if err != nil {
		return callback{}, errors.New("the pasted text is not the redirected URL: copy the whole address from the browser's address bar")
	}
	cb, ok := parseCallback(q)
	if !ok {
		return callback{}, errors.New("the pasted URL has no code or error parameter: copy the whole address the browser shows after you click Allow")
	}
	return cb, nil
}

// AuthorizeURLFor builds the consent-page URL for state and PKCE challenge.
func (f *Flow) AuthorizeURLFor(state, challenge string) (string, error) {
	u, err := url.Parse(f.AuthorizeURL)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", fmt.Errorf("slack.authorize_url %q is not a URL", f.AuthorizeURL)
	}
	scopes := f.UserScopes
	if len(scopes) == 0 {
		scopes = []string{"admin"}
	}
	q := u.Query()
	q.Set("client_id", f.Client.ClientID)
	q.Set("scope", "")
	q.Set("user_scope", strings.Join(scopes, ","))
	q.Set("redirect_uri", f.RedirectURL)
	q.Set("state", state)
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	if f.Team != "" {
		q.Set("team", f.Team)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// Run performs the flow: it opens the consent page, waits for the first
// redirect (or a pasted URL), checks the state and exchanges the code.
func (f *Flow) Run(ctx context.Context) (*Credential, error) {
	if f.Client == nil || f.Client.ClientID == "" {
		return nil, errors.New("no Slack app client id: set slack.client_id in the config (see docs/slack-app.md)")
	}
	messages := f.Messages
	if messages == nil {
		messages = io.Discard
	}
	state, verifier, authURL, err := f.consent()
	if err != nil {
		return nil, err
	}
	results := make(chan delivery, 2)
	ignored := make(chan string, 16)
	srv, err := f.listen(state, results, ignored)
	if err != nil {
		return nil, err
	}
	if srv != nil {
		defer srv.close()
	}
	f.announce(messages, authURL, srv != nil, results)

	timeout := f.Timeout
	if timeout <= 0 {
		timeout = DefaultFlowTimeout
	}
	d, err := f.await(ctx, timeout, messages, results, ignored)
	if err != nil {
		return nil, err
	}
	cred, err := f.finish(ctx, d.cb, state, verifier)
	if d.reply != nil {
		d.reply <- err
	}
	return cred, err
}

// consent makes this run's state and PKCE verifier (none for a confidential
// app) and the consent page URL carrying them.
func (f *Flow) consent() (state, verifier, authURL string, err error) {
	if state, err = newState(); err != nil {
		return "", "", "", err
	}
	challenge := ""
	if f.Client.ClientSecret == "" {
		if verifier, err = NewVerifier(); err != nil {
			return "", "", "", err
		}
		challenge = Challenge(verifier)
	}
	authURL, err = f.AuthorizeURLFor(state, challenge)
	return state, verifier, authURL, err
}

// listen serves the loopback redirect when RedirectURL is one; otherwise
// the redirected URL can only be pasted back, and there must be somewhere
// to paste it.
func (f *Flow) listen(state string, results chan<- delivery, ignored chan<- string) (*loopbackServer, error) {
	port, path, ok := loopbackTarget(f.RedirectURL)
	if ok {
		return startLoopback(port, path, state, results, ignored)
	}
	if f.Paste == nil {
		return nil, fmt.Errorf("the redirect URL %s is not served by slackprov, so the redirected URL must be pasted back: run in a terminal", f.RedirectURL)
	}
	return nil, nil
}

// announce opens the consent page (or says where it is) and tells the
// person what happens next; a pasted URL is read from then on.
func (f *Flow) announce(messages io.Writer, authURL string, served bool, results chan<- delivery) {
	switch {
	case f.OpenBrowser == nil:
		fmt.Fprintf(messages, "Open this URL in a browser where you are signed in to Slack as an Owner or Admin:\n\n  %s\n\n", authURL)
	default:
		fmt.Fprintf(messages, "Opening Slack in your browser to authorize slackprov…\n")
		if err := f.OpenBrowser(authURL); err != nil {
			fmt.Fprintf(messages, "Could not open a browser (%v). Open this URL in a browser where you are signed in to Slack:\n\n  %s\n\n", err, authURL)
			// The browser may well be on another machine now: take the
			// redirected URL pasted back as well as the loopback callback.
			if f.Paste == nil {
				f.Paste = f.PasteFallback
			}
		}
	}
	switch {
	case f.Paste != nil && served:
		fmt.Fprintf(messages, "Waiting for the browser to return to %s.\nIf it cannot reach this machine, paste the URL it was redirected to here and press Enter:\n", f.RedirectURL)
	case f.Paste != nil:
		fmt.Fprintf(messages, "After you click Allow, the browser goes to %s. Paste that full URL here and press Enter:\n", f.RedirectURL)
	case served:
		fmt.Fprintf(messages, "Waiting for the browser to return to %s …\n", f.RedirectURL)
	}
	if f.Paste != nil {
		go readPasted(f.Paste, results, !served)
	}
}

// await waits for the first redirect carrying this run's state, noting the
// ones that do not, until the timeout or ctx ends.
func (f *Flow) await(ctx context.Context, timeout time.Duration, messages io.Writer, results <-chan delivery, ignored <-chan string) (delivery, error) {
	waitCtx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var denied string
	for {
		select {
		case d := <-results:
			return d, d.err
		case code := <-ignored:
			if code != "" && denied == "" {
				denied = code
			}
			fmt.Fprintf(messages, "Ignored a redirect to %s that did not carry this run's state (an old browser tab or a forged link); still waiting for Slack's…\n", f.RedirectURL)
		case <-waitCtx.Done():
			if ctx.Err() != nil {
				return delivery{}, ctx.Err()
			}
			msg := fmt.Sprintf("timed out after %s waiting for the browser to return to %s", timeout, f.RedirectURL)
			if denied != "" {
				msg += fmt.Sprintf(" (a redirect saying %q came without this run's state and was ignored; if you clicked Cancel, that was it)", denied)
			}
			return delivery{}, errors.New(msg + ": run `slackprov authorize` again (use --timeout for more time, or --no-browser to paste the redirected URL)")
		}
	}
}

func sameState(got, want string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func (f *Flow) finish(ctx context.Context, cb callback, state, verifier string) (*Credential, error) {
	if !sameState(cb.state, state) {
		if cb.errCode != "" && cb.state == "" {
			return nil, &DeniedError{Code: cb.errCode}
		}
		return nil, ErrStateMismatch
	}
	if cb.errCode != "" {
		return nil, &DeniedError{Code: cb.errCode}
	}
	cred, err := f.Client.Exchange(ctx, cb.code, verifier, f.RedirectURL)
	if err != nil {
		return nil, fmt.Errorf("exchanging the authorization code: %w", err)
	}
	return cred, nil
}

// delivery is one callback from the browser or the terminal. reply, when
// set, receives the outcome so the browser page can say whether it worked.
type delivery struct {
	cb    callback
	err   error
	reply chan error
}

func readPasted(r io.Reader, out chan<- delivery, only bool) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), 64*1024)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		cb, err := parsePasted(line)
		out <- delivery{cb: cb, err: err}
		return
	}
	if only {
		out <- delivery{err: errors.New("no redirected URL was pasted (the input ended): run `slackprov authorize` again and paste the URL the browser shows after you click Allow")}
	}
}
