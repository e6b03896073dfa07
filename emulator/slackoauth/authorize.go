package slackoauth

import (
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

var oauthConsentPage = template.Must(template.New("consent").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Slack: authorize app</title></head>
<body>
<h1>An app wants to access {{.Where}}</h1>
<p>It asks for these permissions on your behalf: <span id="scopes">{{.Scopes}}</span>.</p>
<form method="post" action="{{.Action}}">
<input type="hidden" name="request" value="{{.ID}}">
<button id="cancel" type="submit" name="decision" value="cancel">Cancel</button>
<button id="allow" type="submit" name="decision" value="allow">Allow</button>
</form>
</body></html>
`))

var oauthErrorPage = template.Must(template.New("error").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Slack: OAuth error</title></head>
<body><h1>Something went wrong when authorizing this app.</h1>
<p>Error: <code id="error">{{.}}</code></p></body></html>
`))

func oauthWriteErrorPage(w http.ResponseWriter, code string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	_ = oauthErrorPage.Execute(w, code)
}

// serveAuthorize shows the consent page (GET) or takes the decision (POST).
// Errors in the request itself are shown on Slack's own error page, never
// sent to a redirect URL that was not verified.
func (o *Server) serveAuthorize(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodPost {
		o.serveDecision(w, r)
		return
	}
	q := r.URL.Query()
	if q.Get("client_id") != o.opts.ClientID {
		oauthWriteErrorPage(w, "invalid_client_id")
		return
	}
	redirect, desktop, errCode := oauthMatchRedirect(o.opts.RedirectURLs, q.Get("redirect_uri"), o.opts.PKCE)
	if errCode != "" {
		oauthWriteErrorPage(w, errCode)
		return
	}
	botScopes, userScopes := strings.TrimSpace(q.Get("scope")), strings.TrimSpace(q.Get("user_scope"))
	switch {
	case botScopes == "" && userScopes == "":
		oauthWriteErrorPage(w, "invalid_scope")
		return
	case desktop && botScopes != "":
		// Desktop redirects may request user scopes only (reference §7.4).
		oauthWriteErrorPage(w, "invalid_scope")
		return
	}
	challenge := ""
	if o.opts.PKCE {
		challenge = q.Get("code_challenge")
		method := q.Get("code_challenge_method")
		if (challenge != "" || method != "") && (method != "S256" || len(challenge) != 43) {
			oauthWriteErrorPage(w, "invalid_code_challenge")
			return
		}
	}
	req := &oauthRequest{
		redirect:     redirect,
		redirectSent: q.Get("redirect_uri") != "",
		state:        q.Get("state"),
		challenge:    challenge,
		desktop:      desktop,
		scopes:       append([]string(nil), o.opts.Scopes...),
	}
	id := oauthRandom("", 12)
	o.mu.Lock()
	o.pending[id] = req
	o.mu.Unlock()

	where := o.opts.TeamName
	if o.opts.EnterpriseID != "" {
		where = o.opts.EnterpriseName
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = oauthConsentPage.Execute(w, map[string]string{
		"Where":  where,
		"Scopes": strings.Join(req.scopes, ", "),
		"Action": r.URL.Path,
		"ID":     id,
	})
}

func (o *Server) serveDecision(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		oauthWriteErrorPage(w, "invalid_form_data")
		return
	}
	id := r.PostForm.Get("request")
	o.mu.Lock()
	req, ok := o.pending[id]
	delete(o.pending, id)
	o.mu.Unlock()
	if !ok {
		oauthWriteErrorPage(w, "invalid_request")
		return
	}
	params := url.Values{}
	if r.PostForm.Get("decision") == "allow" {
		code := oauthRandom("", 20)
		o.mu.Lock()
		o.codes[code] = &oauthCode{oauthRequest: *req, issuedAt: o.opts.Now()}
		o.mu.Unlock()
		params.Set("code", code)
	} else {
		params.Set("error", "access_denied")
	}
	if req.state != "" {
		params.Set("state", req.state)
	}
	http.Redirect(w, r, oauthAddQuery(req.redirect, params), http.StatusFound)
}

func oauthAddQuery(raw string, params url.Values) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	q := u.Query()
	for k, vs := range params {
		q[k] = vs
	}
	u.RawQuery = q.Encode()
	return u.String()
}

// oauthMatchRedirect applies Slack's redirect rules (reference §7.2): HTTPS
// only, except http://localhost for PKCE apps ("desktop" redirects); no
// fragment; scheme, host and port equal to a configured URL and the path
// equal to or below its path. An empty sent value means the first
// configured URL.
func oauthMatchRedirect(configured []string, sent string, pkce bool) (redirect string, desktop bool, errCode string) {
	if sent == "" {
		if len(configured) == 0 {
			return "", false, "bad_redirect_uri"
		}
		sent = configured[0]
	}
	u, ok := oauthParseRedirect(sent, pkce)
	if !ok {
		return "", false, "bad_redirect_uri"
	}
	for _, c := range configured {
		cu, ok := oauthParseRedirect(c, pkce)
		if !ok || cu.Scheme != u.Scheme || !strings.EqualFold(cu.Host, u.Host) {
			continue
		}
		if oauthPathWithin(u.Path, cu.Path) {
			return sent, u.Scheme == "http", ""
		}
	}
	return "", false, "bad_redirect_uri"
}

func oauthParseRedirect(raw string, pkce bool) (*url.URL, bool) {
	if strings.Contains(raw, "#") {
		return nil, false
	}
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil {
		return nil, false
	}
	switch {
	case u.Scheme == "https":
	case u.Scheme == "http" && pkce && strings.EqualFold(u.Hostname(), "localhost"):
	default:
		return nil, false
	}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == ".." || seg == "." {
			return nil, false
		}
	}
	return u, true
}

func oauthPathWithin(p, base string) bool {
	if p == "" {
		p = "/"
	}
	if base == "" {
		base = "/"
	}
	if p == base {
		return true
	}
	return strings.HasPrefix(p, strings.TrimSuffix(base, "/")+"/")
}
