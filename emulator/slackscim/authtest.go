package slackscim

import (
	"encoding/json"
	"net/http"
	"strings"
)

// serveAuthTest answers Slack's Web API auth.test (slack-api.md §7.7) for
// the tokens this org's SCIM API accepts, naming the org, so a client can
// tell which org a token reaches. Web API failures are HTTP 200 with
// {"ok":false}. It is not a SCIM call and is not counted as one.
func (s *Org) serveAuthTest(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		webAPIFail(w, "invalid_post_type")
		return
	}
	token := ""
	if scheme, t, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "Bearer") {
		token = strings.TrimSpace(t)
	}
	if token == "" {
		token = r.FormValue("token")
	}
	switch {
	case token == "":
		webAPIFail(w, "not_authed")
		return
	case !s.tokenAccepted(token):
		webAPIFail(w, "invalid_auth")
		return
	}
	body := map[string]any{
		"ok": true, "url": "https://emulated.slack.com/", "user": "emulated.admin", "user_id": "W0EMULATOR",
		"is_enterprise_install": s.opts.EnterpriseID != "",
	}
	if s.opts.EnterpriseID != "" {
		body["team"], body["team_id"], body["enterprise_id"] = s.opts.EnterpriseName, s.opts.EnterpriseID, s.opts.EnterpriseID
	} else {
		body["team"], body["team_id"] = s.opts.TeamName, s.opts.TeamID
	}
	webAPIWrite(w, body)
}

// webAPIFail is the Web API error envelope: HTTP 200 with ok:false.
func webAPIFail(w http.ResponseWriter, code string) {
	webAPIWrite(w, map[string]any{"ok": false, "error": code})
}

func webAPIWrite(w http.ResponseWriter, body any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	_ = json.NewEncoder(w).Encode(body)
}
