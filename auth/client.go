package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/slackprov/slackprov/wire"
)

// Client calls the Slack Web API methods the token lifecycle needs:
// oauth.v2.access, auth.test and auth.revoke.
type Client struct {
	APIURL       string // e.g. https://slack.com/api/
	ClientID     string
	ClientSecret string // only for confidential apps
	HTTPClient   *http.Client
	Now          func() time.Time
}

// APIError is Slack's {"ok":false,"error":"…"} answer.
type APIError struct {
	Method string
	Code   string
	Status int
}

func (e *APIError) Error() string {
	msg := fmt.Sprintf("Slack %s failed: %s", e.Method, e.Code)
	if h := apiHints[e.Code]; h != "" {
		msg += " (" + h + ")"
	}
	return msg
}

var apiHints = map[string]string{
	"invalid_client_id":                "slack.client_id does not name a Slack app",
	"bad_client_secret":                "the client secret is wrong, or this app needs PKCE instead of a secret",
	"bad_redirect_uri":                 "the redirect URL is not registered in the Slack app's OAuth & Permissions page",
	"invalid_code":                     "the authorization code is unknown or older than 10 minutes: run `slackprov authorize` again",
	"code_already_used":                "the authorization code was already exchanged: run `slackprov authorize` again",
	"invalid_refresh_token":            "the refresh token was revoked, already used or expired: run `slackprov authorize` again",
	"invalid_auth":                     "Slack does not accept this token",
	"not_authed":                       "no token was sent",
	"token_revoked":                    "the token was revoked",
	"token_expired":                    "the token expired and could not be refreshed",
	"account_inactive":                 "the user who authorized slackprov was deactivated: authorize again as an active Owner or Admin",
	"no_scopes":                        "no scopes were requested",
	"oauth_authorization_url_mismatch": "the flow must start at /oauth/v2/authorize: check slack.authorize_url",
}

// IsAPIError reports whether err is a Slack Web API error with one of codes.
func IsAPIError(err error, codes ...string) bool {
	var e *APIError
	if !errors.As(err, &e) {
		return false
	}
	for _, c := range codes {
		if e.Code == c {
			return true
		}
	}
	return len(codes) == 0
}

// IsDeadToken reports whether Slack says the token no longer works at all.
func IsDeadToken(err error) bool {
	return IsAPIError(err, "invalid_auth", "token_revoked", "token_expired", "account_inactive", "not_authed")
}

func (c *Client) now() time.Time {
	if c.Now != nil {
		return c.Now()
	}
	return time.Now()
}

// httpClient is the configured client, guarded: every Web API call carries
// a secret (a token, a code, a client secret), so none goes out in clear.
func (c *Client) httpClient() *http.Client {
	return wire.Guard(c.HTTPClient)
}

func (c *Client) methodURL(method string) string {
	return strings.TrimSuffix(c.APIURL, "/") + "/" + method
}

// call POSTs form to method with an optional bearer token and decodes the
// envelope into out. It returns the response headers for x-oauth-scopes.
func (c *Client) call(ctx context.Context, method, bearer string, form url.Values, basic bool, out any) (http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.methodURL(method), strings.NewReader(form.Encode()))
	if err != nil {
		return nil, fmt.Errorf("Slack %s: %w", method, err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	if bearer != "" {
		if err := wire.CheckToken(bearer); err != nil {
			return nil, fmt.Errorf("Slack %s: %w", method, err)
		}
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	if basic {
		req.SetBasicAuth(c.ClientID, c.ClientSecret)
	}
	resp, err := c.httpClient().Do(req)
	if err != nil {
		return nil, fmt.Errorf("Slack %s: %w", method, redactURLError(err))
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, fmt.Errorf("Slack %s: reading the answer: %w", method, err)
	}
	var env struct {
		OK    *bool  `json:"ok"`
		Error string `json:"error"`
	}
	if err := json.Unmarshal(body, &env); err != nil || env.OK == nil {
		return nil, fmt.Errorf("Slack %s: HTTP %d and not a Slack API answer: check slack.api_url (%s)", method, resp.StatusCode, c.APIURL)
	}
	if !*env.OK {
		code := env.Error
		if code == "" {
			code = "unknown_error"
		}
		return resp.Header, &APIError{Method: method, Code: code, Status: resp.StatusCode}
	}
	if out != nil {
		if err := json.Unmarshal(body, out); err != nil {
			return nil, fmt.Errorf("Slack %s: unexpected answer: %w", method, err)
		}
	}
	return resp.Header, nil
}

// redactURLError drops the query from a *url.Error: request URLs never carry
// tokens here, but an error message is no place to find out.
func redactURLError(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			u.RawQuery = ""
			return &url.Error{Op: ue.Op, URL: u.String(), Err: ue.Err}
		}
	}
	return err
}

type tokenFields struct {
	AccessToken  string `json:"access_token"`
	TokenType    string `json:"token_type"`
	Scope        string `json:"scope"`
	RefreshToken string `json:"refresh_token"`
	ExpiresIn    int64  `json:"expires_in"`
}

type accessResponse struct {
	tokenFields
	AuthedUser *struct {
		ID string `json:"id"`
		tokenFields
	} `json:"authed_user"`
	Team *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"team"`
	Enterprise *struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"enterprise"`
}

// credential picks the user token: under authed_user for the code grant, at
// the top level in refresh answers (as Slack's own SDK fixtures show).
func (r *accessResponse) credential(now time.Time) (*Credential, error) {
	tf := r.tokenFields
	userID := ""
	if r.AuthedUser != nil {
		userID = r.AuthedUser.ID
		if r.AuthedUser.AccessToken != "" {
			tf = r.AuthedUser.tokenFields
		}
	}
	if tf.AccessToken == "" || (tf.TokenType != "" && tf.TokenType != "user") {
		return nil, errors.New("Slack returned no user token: the app must request the user scope admin (user_scope=admin), not bot scopes")
	}
	cred := &Credential{
		AccessToken:  tf.AccessToken,
		RefreshToken: tf.RefreshToken,
		UserID:       userID,
		Scopes:       splitScopes(tf.Scope),
	}
	if tf.ExpiresIn > 0 {
		cred.ExpiresAt = now.Add(time.Duration(tf.ExpiresIn) * time.Second)
	}
	if r.Team != nil {
		cred.TeamID, cred.TeamName = r.Team.ID, r.Team.Name
	}
	if r.Enterprise != nil {
		cred.EnterpriseID, cred.EnterpriseName = r.Enterprise.ID, r.Enterprise.Name
	}
	return cred, nil
}

// Exchange trades an authorization code for the user token. verifier is the
// PKCE code verifier (empty for a confidential app, which sends its secret).
func (c *Client) Exchange(ctx context.Context, code, verifier, redirectURI string) (*Credential, error) {
	form := url.Values{"grant_type": {"authorization_code"}, "code": {code}}
	if redirectURI != "" {
		form.Set("redirect_uri", redirectURI)
	}
	basic := c.ClientSecret != ""
	if verifier != "" {
		form.Set("code_verifier", verifier)
	}
	if !basic {
		form.Set("client_id", c.ClientID)
	}
	var resp accessResponse
	if _, err := c.call(ctx, "oauth.v2.access", "", form, basic, &resp); err != nil {
		return nil, err
	}
	cred, err := resp.credential(c.now())
	if err != nil {
		return nil, err
	}
	cred.ClientID, cred.ClientSecret = c.ClientID, c.ClientSecret
	return cred, nil
}

// Refresh trades old's refresh token for a new pair. The answer keeps old's
// metadata where Slack leaves fields out.
func (c *Client) Refresh(ctx context.Context, old *Credential) (*Credential, error) {
	if old.RefreshToken == "" {
		return nil, errors.New("the token cannot be refreshed: it has no refresh token")
	}
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {old.RefreshToken}}
	cc := *c
	cc.ClientID, cc.ClientSecret = old.ClientID, old.ClientSecret
	basic := cc.ClientSecret != ""
	if !basic {
		form.Set("client_id", cc.ClientID)
	}
	var resp accessResponse
	if _, err := cc.call(ctx, "oauth.v2.access", "", form, basic, &resp); err != nil {
		return nil, err
	}
	cred, err := resp.credential(c.now())
	if err != nil {
		return nil, err
	}
	merged := *old
	merged.AccessToken, merged.RefreshToken, merged.ExpiresAt = cred.AccessToken, cred.RefreshToken, cred.ExpiresAt
	if merged.RefreshToken == "" {
		merged.RefreshToken = old.RefreshToken
	}
	if len(cred.Scopes) > 0 {
		merged.Scopes = cred.Scopes
	}
	return &merged, nil
}

// Identity is what auth.test says about a token.
type Identity struct {
	URL                 string `json:"url,omitempty"`
	Team                string `json:"team,omitempty"`
	User                string `json:"user,omitempty"`
	TeamID              string `json:"team_id,omitempty"`
	UserID              string `json:"user_id,omitempty"`
	EnterpriseID        string `json:"enterprise_id,omitempty"`
	IsEnterpriseInstall bool   `json:"is_enterprise_install,omitempty"`
	// Scopes come from the x-oauth-scopes header; ScopesKnown is false when
	// Slack sent none.
	Scopes      []string `json:"scopes,omitempty"`
	ScopesKnown bool     `json:"scopes_known"`
}

// Test calls auth.test with token.
func (c *Client) Test(ctx context.Context, token string) (*Identity, error) {
	var id Identity
	h, err := c.call(ctx, "auth.test", token, url.Values{}, false, &id)
	if err != nil {
		return nil, err
	}
	if v, ok := h["X-Oauth-Scopes"]; ok {
		id.ScopesKnown = true
		id.Scopes = splitScopes(strings.Join(v, ","))
	}
	return &id, nil
}

// Revoke calls auth.revoke for token, which may be an access or a refresh token.
func (c *Client) Revoke(ctx context.Context, token string) error {
	_, err := c.call(ctx, "auth.revoke", "", url.Values{"token": {token}}, false, nil)
	return err
}
