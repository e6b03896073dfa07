package entraid

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// entraRoute is a resolved Graph request: its endpoint class (for Stats and
// permissions) and the ids in its path.
type entraRoute struct {
	class string // e.g. "GET /groups/{id}/members"
	perm  string // the least-privileged application permission it needs
	id    string // user, group or service principal id
	appID string // servicePrincipals(appId='…') addressing
}

// entraPermAlternatives are the broader permissions that also grant each
// least-privileged one.
var entraPermAlternatives = map[string][]string{
	"User.Read.All":        {"User.Read.All", "User.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"},
	"GroupMember.Read.All": {"GroupMember.Read.All", "Group.Read.All", "Group.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"},
	"Application.Read.All": {"Application.Read.All", "Application.ReadWrite.All", "Directory.Read.All", "Directory.ReadWrite.All"},
	"Directory.Read.All":   {"Directory.Read.All", "Directory.ReadWrite.All"},
}

func entraResolve(method, path string) (entraRoute, bool) {
	seg := strings.Split(strings.Trim(path, "/"), "/")
	if method == http.MethodPost && len(seg) == 2 && seg[0] == "directoryObjects" &&
		(seg[1] == "getAvailableExtensionProperties" || seg[1] == "microsoft.graph.getAvailableExtensionProperties") {
		return entraRoute{class: "POST /directoryObjects/getAvailableExtensionProperties", perm: "Directory.Read.All"}, true
	}
	if method != http.MethodGet {
		return entraRoute{}, false
	}
	isDelta := func(s string) bool {
		return s == "delta" || s == "delta()" || s == "microsoft.graph.delta" || s == "microsoft.graph.delta()"
	}
	switch {
	case seg[0] == "users" && len(seg) == 1:
		return entraRoute{class: "GET /users", perm: "User.Read.All"}, true
	case seg[0] == "users" && len(seg) == 2 && isDelta(seg[1]):
		return entraRoute{class: "GET /users/delta", perm: "User.Read.All"}, true
	case seg[0] == "users" && len(seg) == 2:
		return entraRoute{class: "GET /users/{id}", perm: "User.Read.All", id: seg[1]}, true
	case seg[0] == "groups" && len(seg) == 1:
		return entraRoute{class: "GET /groups", perm: "GroupMember.Read.All"}, true
	case seg[0] == "groups" && len(seg) == 2 && isDelta(seg[1]):
		return entraRoute{class: "GET /groups/delta", perm: "GroupMember.Read.All"}, true
	case seg[0] == "groups" && len(seg) == 2:
		return entraRoute{class: "GET /groups/{id}", perm: "GroupMember.Read.All", id: seg[1]}, true
	case seg[0] == "groups" && len(seg) == 3 && seg[2] == "members":
		return entraRoute{class: "GET /groups/{id}/members", perm: "GroupMember.Read.All", id: seg[1]}, true
	}
	sp, rest := seg[0], seg[1:]
	var rt entraRoute
	switch {
	case strings.HasPrefix(sp, "servicePrincipals(appId='") && strings.HasSuffix(sp, "')"):
		rt.appID = strings.TrimSuffix(strings.TrimPrefix(sp, "servicePrincipals(appId='"), "')")
	case sp == "servicePrincipals" && len(rest) > 0:
		rt.id, rest = rest[0], rest[1:]
	default:
		return entraRoute{}, false
	}
	rt.perm = "Application.Read.All"
	switch {
	case len(rest) == 0:
		rt.class = "GET /servicePrincipals/{id}"
	case len(rest) == 1 && rest[0] == "appRoleAssignedTo":
		rt.class = "GET /servicePrincipals/{id}/appRoleAssignedTo"
	default:
		return entraRoute{}, false
	}
	return rt, true
}

func (e *Tenant) serveGraph(w http.ResponseWriter, r *http.Request, path string) {
	requestID := entraGUIDish()
	w.Header().Set("request-id", requestID)
	if c := r.Header.Get("client-request-id"); c != "" {
		w.Header().Set("client-request-id", c)
	}
	rt, ok := entraResolve(r.Method, path)
	class := rt.class
	if !ok {
		class = r.Method + " (unknown)"
	}
	n := 0
	e.count(func(s *Stats) {
		s.Requests[class]++
		s.Graph++
		n = s.Graph
	})
	var gerr *entraGraphErr
	if !ok {
		first := strings.SplitN(path, "/", 2)[0]
		gerr = entraErr(http.StatusBadRequest, "BadRequest", "Resource not found for the segment '%s'.", first)
	} else {
		gerr = e.admit(w, r, rt, n)
	}
	var body any
	if gerr == nil {
		body, gerr = e.handle(r, rt)
	}
	if gerr != nil {
		if gerr.code == "syncStateNotFound" {
			e.count(func(s *Stats) { s.Expired++ })
			if gerr.status == http.StatusGone {
				w.Header().Set("Location", e.baseURL(r)+"/v1.0/"+strings.SplitN(path, "/", 2)[0]+"/delta?$deltatoken=")
			}
		}
		entraGraphError(w, r, requestID, gerr.status, gerr.code, gerr.msg)
		return
	}
	entraJSON(w, http.StatusOK, body)
}

// admit is Graph's gate before any work, in its order: the bearer token,
// throttling (every nth request of the tenant), then the permission.
func (e *Tenant) admit(w http.ResponseWriter, r *http.Request, rt entraRoute, n int) *entraGraphErr {
	token, hasBearer := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !hasBearer || token == "" {
		return entraErr(http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token is empty.")
	}
	if valid, expired := e.tokenValid(token); !valid {
		if expired {
			return entraErr(http.StatusUnauthorized, "InvalidAuthenticationToken", "Lifetime validation failed, the token is expired.")
		}
		return entraErr(http.StatusUnauthorized, "InvalidAuthenticationToken", "Access token validation failure. Invalid audience.")
	}
	e.mu.Lock()
	every, retryAfter := e.throttle, e.retryAfter
	granted := false
	for _, p := range entraPermAlternatives[rt.perm] {
		granted = granted || e.perms[strings.ToLower(p)]
	}
	e.mu.Unlock()
	if every > 0 && n%every == 0 {
		e.count(func(s *Stats) { s.Throttled++ })
		w.Header().Set("Retry-After", entraFormatRetryAfter(retryAfter))
		w.Header().Set("x-ms-throttle-scope", "Tenant_Application/ReadWrite/"+e.opts.AppID+"/"+e.opts.TenantID)
		w.Header().Set("x-ms-throttle-information", "ResourceUnitLimitExceeded")
		return entraErr(http.StatusTooManyRequests, "TooManyRequests", "Too many requests.")
	}
	if !granted {
		e.count(func(s *Stats) { s.Denied++ })
		return entraErr(http.StatusForbidden, "Authorization_RequestDenied", "Insufficient privileges to complete the operation.")
	}
	return nil
}

// handle runs the endpoint a route names.
func (e *Tenant) handle(r *http.Request, rt entraRoute) (any, *entraGraphErr) {
	q := r.URL.Query()
	switch rt.class {
	case "GET /users":
		return e.listUsers(r, q)
	case "GET /users/{id}":
		return e.getUser(r, rt.id, q)
	case "GET /users/delta":
		return e.serveDelta(r, "users", q)
	case "GET /groups":
		return e.listGroups(r, q)
	case "GET /groups/{id}":
		return e.getGroup(r, rt.id, q)
	case "GET /groups/{id}/members":
		return e.listMembers(r, rt.id, q)
	case "GET /groups/delta":
		return e.serveDelta(r, "groups", q)
	case "GET /servicePrincipals/{id}":
		return e.getServicePrincipal(r, rt, q)
	case "GET /servicePrincipals/{id}/appRoleAssignedTo":
		return e.listAssignedTo(r, rt, q)
	case "POST /directoryObjects/getAvailableExtensionProperties":
		return e.listExtensionProperties(r)
	}
	return nil, nil
}

// entraGraphErr is an error a Graph handler returns.
type entraGraphErr struct {
	status    int
	code, msg string
}

func entraErr(status int, code, format string, args ...any) *entraGraphErr {
	return &entraGraphErr{status: status, code: code, msg: fmt.Sprintf(format, args...)}
}

// entraGraphError writes Graph's error envelope.
func entraGraphError(w http.ResponseWriter, r *http.Request, requestID string, status int, code, msg string) {
	inner := map[string]any{"date": time.Now().UTC().Format("2006-01-02T15:04:05"), "request-id": requestID,
		"client-request-id": r.Header.Get("client-request-id")}
	entraJSON(w, status, map[string]any{"error": map[string]any{"code": code, "message": msg, "innerError": inner}})
}

// entraFormatRetryAfter sends whole seconds as Graph does, and decimal
// seconds below one second so tests can throttle without sleeping.
func entraFormatRetryAfter(d time.Duration) string {
	if d >= time.Second {
		return strconv.Itoa(int((d + time.Second - 1) / time.Second))
	}
	return strconv.FormatFloat(d.Seconds(), 'f', 3, 64)
}

// entraCursor is the state behind an opaque $skiptoken or $deltatoken.
type entraCursor struct {
	Kind   string   `json:"k"`
	Select []string `json:"s,omitempty"`
	Expand bool     `json:"x,omitempty"` // $expand=manager
	Top    int      `json:"t,omitempty"`
	After  uint64   `json:"a,omitempty"` // position: created seq or index+1
	Chunk  int      `json:"c,omitempty"` // members@delta slice within the group at After
	Since  uint64   `json:"w,omitempty"` // delta watermark
	Upto   uint64   `json:"u,omitempty"` // seq when the delta round began
	Gen    int      `json:"g"`
	Issued int64    `json:"i,omitempty"`
}

func entraEncodeCursor(c entraCursor) string {
	b, err := json.Marshal(c)
	if err != nil {
		panic("emulator: encoding a cursor: " + err.Error()) // plain fields cannot fail
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func (e *Tenant) decodeCursor(tok, kind string) (entraCursor, *entraGraphErr) {
	var c entraCursor
	b, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil || json.Unmarshal(b, &c) != nil || c.Kind != kind {
		return c, entraErr(http.StatusBadRequest, "Request_BadRequest", "Invalid continuation token.")
	}
	e.mu.Lock()
	gen := e.generation
	e.mu.Unlock()
	if c.Gen != gen {
		return c, e.expired()
	}
	return c, nil
}

func (e *Tenant) expired() *entraGraphErr {
	return entraErr(e.opts.ExpiredStatus, "syncStateNotFound",
		"The sync state generation is not found. The delta token is expired and data must be synchronized again.")
}

// pageLink builds an absolute link with one token parameter.
func (e *Tenant) pageLink(r *http.Request, path, param string, c entraCursor) string {
	return e.baseURL(r) + "/v1.0/" + path + "?" + param + "=" + url.QueryEscape(entraEncodeCursor(c))
}

// entraPageSize reads $top: default 100, at most 999.
func entraPageSize(q url.Values) (int, *entraGraphErr) {
	top := q.Get("$top")
	if top == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(top)
	if err != nil || n < 1 {
		return 0, entraErr(http.StatusBadRequest, "Request_BadRequest", "Invalid page size specified: '%s'. Must be between 1 and 999 inclusive.", top)
	}
	return min(n, 999), nil
}

// entraRejectParams answers unsupported query options as Graph does.
func entraRejectParams(q url.Values, names ...string) *entraGraphErr {
	for _, n := range names {
		if q.Has(n) {
			return entraErr(http.StatusBadRequest, "Request_UnsupportedQuery", "The query parameter '%s' is not supported on this request.", n)
		}
	}
	return nil
}

func (e *Tenant) collection(r *http.Request, context string, value []map[string]any, next string) map[string]any {
	body := map[string]any{"@odata.context": e.baseURL(r) + "/v1.0/$metadata#" + context, "value": value}
	if next != "" {
		body["@odata.nextLink"] = next
	}
	return body
}

func (e *Tenant) generationNow() int {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.generation
}
