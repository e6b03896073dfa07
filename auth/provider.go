package auth

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/slackprov/slackprov/wire"
)

// RefreshMargin is how long before expiry a rotating token is refreshed, so
// a request never leaves with a token that dies on the way.
const RefreshMargin = 5 * time.Minute

// TokenProvider hands out a working access token, refreshing a rotating one
// before it expires and storing the new pair. It is safe for concurrent use.
//
// Crash safety. Slack's refresh tokens are single-use, but the used one stays
// valid for a short grace period, and refreshing does not revoke the old
// access token at once. The provider relies on that:
//   - the new pair is written as one keychain entry (or one file, renamed into
//     place) the moment Slack answers, before the token is used, so afterwards
//     only the new pair can be read;
//   - a crash between Slack's answer and that write leaves the old pair
//     stored; its access token still works until it expires (we refresh five
//     minutes early) and its refresh token through the grace period, so the
//     next run refreshes again instead of locking the user out;
//   - before refreshing, the stored entry is re-read: if another slackprov
//     process already rotated it, that pair is adopted rather than spending
//     the same single-use refresh token twice;
//   - when the write fails (keychain gone away), the new pair is still used
//     for this run, the write is retried on the next call, and Warn says so.
//
// Only if the process dies mid-refresh and is not run again within the grace
// period is a new `slackprov authorize` needed; the error says exactly that.
type TokenProvider struct {
	store  *Store
	client *Client
	// Warn receives problems that do not stop the current run.
	Warn func(msg string)

	mu         sync.Mutex
	cred       *Credential
	source     Source
	unsaved    bool
	saveWarned bool
}

// NewTokenProvider returns a provider over store; client (API URL, HTTP
// client, clock) is used for refreshes, with the app id from the credential.
func NewTokenProvider(store *Store, client *Client) *TokenProvider {
	return &TokenProvider{store: store, client: client}
}

// Token returns an access token that is valid for at least RefreshMargin
// when it can be refreshed. Errors say where the token came from.
func (p *TokenProvider) Token(ctx context.Context) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.load(ctx); err != nil {
		return "", err
	}
	if p.unsaved {
		p.save(ctx)
	}
	if !p.needsRefresh(p.cred) {
		return p.cred.AccessToken, nil
	}
	if fresh, _, err := p.store.LoadStored(ctx); err == nil && fresh.RefreshToken != p.cred.RefreshToken && !p.needsRefresh(fresh) {
		p.cred = fresh
		return p.cred.AccessToken, nil
	}
	refreshed, err := p.client.Refresh(ctx, p.cred)
	if err != nil {
		if p.client.now().Before(p.cred.ExpiresAt) {
			p.warn(fmt.Sprintf("could not refresh the Slack token from %s (%v); using the current one until it expires at %s",
				p.store.Location(p.source), err, p.cred.ExpiresAt.Format(time.RFC3339)))
			return p.cred.AccessToken, nil
		}
		return "", fmt.Errorf("the Slack token from %s expired and could not be refreshed: %w", p.store.Location(p.source), err)
	}
	p.cred = refreshed
	p.unsaved = true
	p.save(ctx)
	return p.cred.AccessToken, nil
}

// Credential returns the credential in use and where it came from.
func (p *TokenProvider) Credential(ctx context.Context) (*Credential, Source, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if err := p.load(ctx); err != nil {
		return nil, "", err
	}
	c := *p.cred
	return &c, p.source, nil
}

// Location describes where the token in use lives ("" before the first call).
func (p *TokenProvider) Location() string {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.source == "" {
		return ""
	}
	return p.store.Location(p.source)
}

func (p *TokenProvider) load(ctx context.Context) error {
	if p.cred != nil {
		return nil
	}
	cred, src, err := p.store.Load(ctx)
	if err != nil {
		return err
	}
	if err := wire.CheckToken(cred.AccessToken); err != nil {
		fix := "run `slackprov authorize` (or `slackprov authorize --token-stdin`) to store it again"
		if src == SourceEnv {
			fix = "set " + EnvToken + " again without it"
		}
		return fmt.Errorf("the Slack token from %s: %w: %s", p.store.Location(src), err, fix)
	}
	p.cred, p.source = cred, src
	return nil
}

func (p *TokenProvider) needsRefresh(c *Credential) bool {
	return p.source != SourceEnv && c.Rotating() && !p.client.now().Add(RefreshMargin).Before(c.ExpiresAt)
}

func (p *TokenProvider) save(ctx context.Context) {
	if _, _, err := p.store.Save(ctx, p.cred, p.source == SourceFile); err != nil {
		if p.saveWarned {
			return
		}
		p.saveWarned = true
		p.warn(fmt.Sprintf("the refreshed Slack token could not be stored in %s (%v); this run keeps using it, and the next run must refresh again within Slack's grace period or run `slackprov authorize`",
			p.store.Location(p.source), err))
		return
	}
	p.unsaved, p.saveWarned = false, false
}

func (p *TokenProvider) warn(msg string) {
	if p.Warn != nil {
		p.Warn(msg)
	}
}
