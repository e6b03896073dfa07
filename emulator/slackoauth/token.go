package slackoauth

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"strings"
	"time"
)

// Codes live ten minutes; PKCE apps' refresh tokens thirty days (§7.1, §7.4).
const (
	oauthCodeTTL        = 10 * time.Minute
	oauthPKCERefreshTTL = 30 * 24 * time.Hour
	oauthMaxLiveAccess  = 2
)

func oauthWriteJSON(w http.ResponseWriter, status int, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(body)
}

// oauthFail is the Web API error envelope: HTTP 200 with ok:false.
func oauthFail(w http.ResponseWriter, code string) {
	oauthWriteJSON(w, http.StatusOK, map[string]any{"ok": false, "error": code})
}

// oauthArgs reads a Web API call's arguments from a form or JSON body.
func oauthArgs(r *http.Request) (map[string]string, string) {
	args := map[string]string{}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case r.Method != http.MethodPost && r.Method != http.MethodGet:
		return nil, "invalid_post_type"
	case ct == "application/json":
		var body map[string]any
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			return nil, "invalid_json"
		}
		for k, v := range body {
			if s, ok := v.(string); ok {
				args[k] = s
			}
		}
	default:
		if err := r.ParseForm(); err != nil {
			return nil, "invalid_form_data"
		}
		for k := range r.Form {
			args[k] = r.Form.Get(k)
		}
	}
	return args, ""
}

func oauthBearer(r *http.Request, args map[string]string) string {
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "Bearer ") {
		return strings.TrimSpace(strings.TrimPrefix(h, "Bearer "))
	}
	return args["token"]
}

func oauthEqual(a, b string) bool { return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1 }

func (o *Server) serveAccess(w http.ResponseWriter, r *http.Request) {
	args, errCode := oauthArgs(r)
	if errCode != "" {
		oauthFail(w, errCode)
		return
	}
	clientID, secret := args["client_id"], args["client_secret"]
	if id, s, ok := r.BasicAuth(); ok {
		clientID, secret = id, s
	}
	if clientID != o.opts.ClientID {
		oauthFail(w, "invalid_client_id")
		return
	}
	var body map[string]any
	var newAccess string
	o.mu.Lock()
	switch args["grant_type"] {
	case "", "authorization_code":
		body, newAccess, errCode = o.oauthExchangeCode(args, secret)
	case "refresh_token":
		body, newAccess, errCode = o.oauthRefresh(args, secret)
	default:
		errCode = "invalid_grant_type"
	}
	o.mu.Unlock()
	if errCode != "" {
		oauthFail(w, errCode)
		return
	}
	if o.opts.AcceptToken != nil {
		o.opts.AcceptToken(newAccess)
	}
	oauthWriteJSON(w, http.StatusOK, body)
}

func (o *Server) oauthExchangeCode(args map[string]string, secret string) (map[string]any, string, string) {
	c, ok := o.codes[args["code"]]
	switch {
	case args["code"] == "" || !ok:
		return nil, "", "invalid_code"
	case c.used:
		return nil, "", "code_already_used"
	case !o.opts.Now().Before(c.issuedAt.Add(oauthCodeTTL)):
		return nil, "", "invalid_code"
	}
	if sent := args["redirect_uri"]; (c.redirectSent || sent != "") && sent != c.redirect {
		return nil, "", "bad_redirect_uri"
	}
	if secret != "" && !oauthEqual(secret, o.opts.ClientSecret) {
		return nil, "", "bad_client_secret"
	}
	if c.challenge != "" {
		sum := sha256.Sum256([]byte(args["code_verifier"]))
		// Slack documents no error name for a failed PKCE check; the code
		// is then unusable, hence invalid_code.
		if args["code_verifier"] == "" || !oauthEqual(base64.RawURLEncoding.EncodeToString(sum[:]), c.challenge) {
			return nil, "", "invalid_code"
		}
	} else if secret == "" || o.opts.ClientSecret == "" {
		return nil, "", "bad_client_secret"
	}
	c.used = true
	now := o.opts.Now()
	g := &oauthGrant{
		id:       oauthRandom("", 6),
		rotating: o.opts.Rotation || (o.opts.PKCE && c.desktop),
		desktop:  c.desktop,
		scopes:   c.scopes,
		issuedAt: now,
	}
	o.grants[g.id] = g
	o.counters.exchanges++
	user := o.oauthIssue(g, now)
	user["id"] = o.opts.UserID
	body := o.oauthInstallBody()
	body["authed_user"] = user
	return body, user["access_token"].(string), ""
}

func (o *Server) oauthRefresh(args map[string]string, secret string) (map[string]any, string, string) {
	now := o.opts.Now()
	rt, ok := o.refresh[args["refresh_token"]]
	switch {
	case args["refresh_token"] == "" || !ok || rt.revoked || rt.grant.revoked:
		return nil, "", "invalid_refresh_token"
	case !rt.usedAt.IsZero() && now.After(rt.usedAt.Add(o.opts.RefreshGrace)):
		return nil, "", "invalid_refresh_token"
	}
	if rt.grant.desktop && now.After(rt.grant.issuedAt.Add(oauthPKCERefreshTTL)) {
		return nil, "", "invalid_refresh_token"
	}
	if secret != "" && !oauthEqual(secret, o.opts.ClientSecret) {
		return nil, "", "bad_client_secret"
	}
	if !rt.grant.desktop && (secret == "" || o.opts.ClientSecret == "") {
		return nil, "", "bad_client_secret"
	}
	if rt.usedAt.IsZero() {
		rt.usedAt = now
	}
	o.counters.refreshes++
	body := o.oauthInstallBody()
	// Refresh answers carry the user token at the top level, as in Slack's
	// bolt-python fixture (reference §7.5).
	for k, v := range o.oauthIssue(rt.grant, now) {
		body[k] = v
	}
	body["authed_user"] = map[string]any{"id": o.opts.UserID}
	return body, body["access_token"].(string), ""
}

// oauthIssue mints an access token (and, rotating, a refresh token) for g,
// revoking the oldest live access token beyond Slack's limit of two.
func (o *Server) oauthIssue(g *oauthGrant, now time.Time) map[string]any {
	tok := map[string]any{"scope": strings.Join(g.scopes, ","), "token_type": "user"}
	if !g.rotating {
		access := oauthRandom("xoxp-1-", 24)
		o.access[access] = &oauthAccess{grant: g}
		o.issued = append(o.issued, access)
		tok["access_token"] = access
		return tok
	}
	access := oauthRandom("xoxe.xoxp-1-", 24)
	refresh := oauthRandom("xoxe-1-", 24)
	o.access[access] = &oauthAccess{grant: g, expires: now.Add(o.opts.TokenTTL)}
	o.refresh[refresh] = &oauthRefresh{grant: g}
	o.issued = append(o.issued, access, refresh)
	g.live = append(g.live, access)
	for len(g.live) > oauthMaxLiveAccess {
		o.access[g.live[0]].revoked = true
		g.live = g.live[1:]
	}
	tok["access_token"] = access
	tok["refresh_token"] = refresh
	tok["expires_in"] = int64(o.opts.TokenTTL / time.Second)
	return tok
}

func (o *Server) oauthInstallBody() map[string]any {
	body := map[string]any{"ok": true, "app_id": "A0EMULATOR", "is_enterprise_install": o.opts.EnterpriseID != ""}
	if o.opts.EnterpriseID != "" {
		body["team"] = nil
		body["enterprise"] = map[string]string{"id": o.opts.EnterpriseID, "name": o.opts.EnterpriseName}
	} else {
		body["team"] = map[string]string{"id": o.opts.TeamID, "name": o.opts.TeamName}
		body["enterprise"] = nil
	}
	return body
}

func (o *Server) serveAuthTest(w http.ResponseWriter, r *http.Request) {
	args, errCode := oauthArgs(r)
	if errCode != "" {
		oauthFail(w, errCode)
		return
	}
	o.mu.Lock()
	a, errCode := o.oauthCheckAccess(oauthBearer(r, args))
	var scopes []string
	if a != nil {
		scopes = a.grant.scopes
	}
	o.mu.Unlock()
	if errCode != "" {
		oauthFail(w, errCode)
		return
	}
	w.Header().Set("X-OAuth-Scopes", strings.Join(scopes, ","))
	body := map[string]any{
		"ok":                    true,
		"url":                   "https://emulated.slack.com/",
		"user":                  o.opts.UserName,
		"user_id":               o.opts.UserID,
		"is_enterprise_install": o.opts.EnterpriseID != "",
	}
	if o.opts.EnterpriseID != "" {
		// For org tokens Slack reports the enterprise as the team (§7.7,
		// unconfirmed shape).
		body["team"], body["team_id"] = o.opts.EnterpriseName, o.opts.EnterpriseID
		body["enterprise_id"] = o.opts.EnterpriseID
	} else {
		body["team"], body["team_id"] = o.opts.TeamName, o.opts.TeamID
	}
	oauthWriteJSON(w, http.StatusOK, body)
}

// serveRevoke revokes one token. With rotation only that token dies; a
// non-rotating token takes its whole authorization with it (§7.6).
func (o *Server) serveRevoke(w http.ResponseWriter, r *http.Request) {
	args, errCode := oauthArgs(r)
	if errCode != "" {
		oauthFail(w, errCode)
		return
	}
	tok := oauthBearer(r, args)
	dry := args["test"] == "1" || args["test"] == "true"
	o.mu.Lock()
	defer o.mu.Unlock()
	if rt, ok := o.refresh[tok]; ok {
		if rt.revoked || rt.grant.revoked {
			oauthFail(w, "invalid_auth")
			return
		}
		if !dry {
			rt.revoked = true
			o.counters.revokes++
		}
		oauthWriteJSON(w, http.StatusOK, map[string]any{"ok": true, "revoked": !dry})
		return
	}
	a, errCode := o.oauthCheckAccess(tok)
	if errCode != "" {
		oauthFail(w, errCode)
		return
	}
	w.Header().Set("X-OAuth-Scopes", strings.Join(a.grant.scopes, ","))
	if !dry {
		a.revoked = true
		if !a.grant.rotating {
			a.grant.revoked = true
		}
		o.counters.revokes++
	}
	oauthWriteJSON(w, http.StatusOK, map[string]any{"ok": true, "revoked": !dry})
}
