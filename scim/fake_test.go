package scim

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

const testToken = "xoxp-secret-test-token-1234"

// fakeSlack is a small in-memory SCIM v2 server for the client's tests. It
// follows the reference where the client depends on it (paging, filters,
// error bodies) and lets a test intercept any request to inject faults.
type fakeSlack struct {
	mu     sync.Mutex
	users  []*User
	groups []*Group
	nextID int
	// pageCap is the most entries one page returns (Slack: 1000).
	pageCap int
	// emailAttrs are the filter spellings accepted for email lookups.
	emailAttrs map[string]bool
	// intercept, when set, sees each request first (n counts from 1) and
	// returns true if it wrote the answer itself.
	intercept func(w http.ResponseWriter, r *http.Request, n int) bool
	requests  []recorded
}

type recorded struct {
	Method, Path, Query string
	Filter              string
	Header              http.Header
	Body                []byte
}

func newFakeSlack() *fakeSlack {
	return &fakeSlack{pageCap: 1000, emailAttrs: map[string]bool{"emails": true, "email": true}}
}

// start serves f and returns a client for it whose sleeps are recorded, not
// slept, and whose rate limits are too generous to matter.
func (f *fakeSlack) start(t testing.TB, tweak ...func(*Options)) (*Client, *sleepLog) {
	t.Helper()
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	sl := &sleepLog{}
	opts := Options{BaseURL: srv.URL + "/scim/v2", Token: testToken, RateShare: 1000, Sleep: sl.sleep}
	for _, fn := range tweak {
		fn(&opts)
	}
	c, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if opts.Sleep != nil {
		// The limiter's clock moves with the logged sleeps, or it would ask
		// again for the waits the log skipped.
		c.limits.now = sl.now
	}
	return c, sl
}

// sleepLog records sleeps instead of sleeping; its clock is the real one
// plus everything it skipped.
type sleepLog struct {
	mu      sync.Mutex
	pauses  []time.Duration
	skipped time.Duration
}

func (s *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.pauses = append(s.pauses, d)
	s.skipped += d
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepLog) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Now().Add(s.skipped)
}

func (s *sleepLog) all() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.pauses...)
}

func (f *fakeSlack) addUsers(n int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for range n {
		f.nextID++
		f.users = append(f.users, &User{
			ID:       fmt.Sprintf("U%05d", f.nextID),
			UserName: fmt.Sprintf("user%d", f.nextID),
			Emails:   []MultiValue{{Value: fmt.Sprintf("user%d@example.com", f.nextID), Primary: true}},
		})
	}
}

func (f *fakeSlack) recorded() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.requests...)
}

func scimError(w http.ResponseWriter, status int, detail string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]any{"schemas": []string{SchemaError}, "detail": detail, "status": status})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

var filterRE = regexp.MustCompile(`^(\w+) eq (".*")$`)

func (f *fakeSlack) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.requests = append(f.requests, recorded{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery,
		Filter: r.URL.Query().Get("filter"), Header: r.Header.Clone(), Body: body})
	n := len(f.requests)
	intercept := f.intercept
	f.mu.Unlock()
	if intercept != nil && intercept(w, r, n) {
		return
	}
	if r.Header.Get("Authorization") != "Bearer "+testToken {
		scimError(w, http.StatusUnauthorized, "invalid_authentication")
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, "/scim/v2/")
	if !ok {
		scimError(w, http.StatusNotFound, "bad_endpoint")
		return
	}
	resource, id, _ := strings.Cut(rest, "/")
	f.mu.Lock()
	defer f.mu.Unlock()
	switch resource {
	case "Users":
		f.serveUsers(w, r, id, body)
	case "Groups":
		f.serveGroups(w, r, id, body)
	default:
		scimError(w, http.StatusNotFound, "bad_endpoint")
	}
}

func page[T any](w http.ResponseWriter, r *http.Request, all []T, pageCap int) {
	start, _ := strconv.Atoi(r.URL.Query().Get("startIndex"))
	count, _ := strconv.Atoi(r.URL.Query().Get("count"))
	start = max(start, 1)
	count = min(count, pageCap)
	res := []T{}
	for i := start - 1; i < len(all) && len(res) < count; i++ {
		res = append(res, all[i])
	}
	writeJSON(w, 200, map[string]any{"schemas": []string{SchemaListResp}, "Resources": res,
		"totalResults": len(all), "itemsPerPage": len(res), "startIndex": start})
}

func (f *fakeSlack) serveUsers(w http.ResponseWriter, r *http.Request, id string, body []byte) {
	switch {
	case r.Method == "GET" && id == "":
		users := f.users
		if flt := r.URL.Query().Get("filter"); flt != "" {
			m := filterRE.FindStringSubmatch(flt)
			var want string
			if m == nil || json.Unmarshal([]byte(m[2]), &want) != nil {
				scimError(w, 400, "invalid_query")
				return
			}
			attr := strings.ToLower(m[1])
			if attr != "username" && !f.emailAttrs[attr] {
				scimError(w, 400, "invalid_query")
				return
			}
			users = nil
			for _, u := range f.users {
				if (attr == "username" && strings.EqualFold(u.UserName, want)) ||
					(attr != "username" && strings.EqualFold(u.PrimaryEmail(), want)) {
					users = append(users, u)
				}
			}
		}
		page(w, r, users, f.pageCap)
	case r.Method == "POST" && id == "":
		var u User
		if err := json.Unmarshal(body, &u); err != nil {
			scimError(w, 400, "invalid_request_payload")
			return
		}
		for _, have := range f.users {
			if strings.EqualFold(have.PrimaryEmail(), u.PrimaryEmail()) {
				scimError(w, 409, "email_taken existing_user="+have.ID)
				return
			}
		}
		f.nextID++
		u.ID = fmt.Sprintf("U%05d", f.nextID)
		f.users = append(f.users, &u)
		writeJSON(w, 201, &u)
	default:
		u := f.user(id)
		if u == nil {
			scimError(w, 404, "no_such_user")
			return
		}
		switch r.Method {
		case "GET":
			writeJSON(w, 200, u)
		case "DELETE":
			off := false
			u.Active = &off
			w.WriteHeader(http.StatusNoContent)
		case "PATCH":
			var p PatchRequest
			if json.Unmarshal(body, &p) != nil {
				scimError(w, 400, "invalid_request_payload")
				return
			}
			for _, op := range p.Operations {
				if op.Path == "active" {
					on, _ := op.Value.(bool)
					u.Active = &on
				} else if s, ok := op.Value.(string); ok {
					u.Set(op.Path, s)
				}
			}
			writeJSON(w, 200, u)
		default:
			scimError(w, 405, "method_not_allowed")
		}
	}
}

func (f *fakeSlack) user(id string) *User {
	for _, u := range f.users {
		if u.ID == id {
			return u
		}
	}
	return nil
}

var memberPathRE = regexp.MustCompile(`^members\[value eq "?([^"\]]+)"?\]$`)

func (f *fakeSlack) serveGroups(w http.ResponseWriter, r *http.Request, id string, body []byte) {
	if id == "" {
		switch r.Method {
		case "GET":
			page(w, r, f.groups, f.pageCap)
		case "POST":
			var g Group
			if json.Unmarshal(body, &g) != nil || g.Members == nil {
				scimError(w, 400, "invalid_request_payload")
				return
			}
			f.nextID++
			g.ID = fmt.Sprintf("S%05d", f.nextID)
			f.groups = append(f.groups, &g)
			writeJSON(w, 201, &g)
		}
		return
	}
	var g *Group
	for i, have := range f.groups {
		if have.ID == id {
			g = f.groups[i]
		}
	}
	if g == nil {
		scimError(w, 404, "no_such_group")
		return
	}
	switch r.Method {
	case "GET":
		writeJSON(w, 200, g)
	case "DELETE":
		for i, have := range f.groups {
			if have.ID == id {
				f.groups = append(f.groups[:i], f.groups[i+1:]...)
				break
			}
		}
		w.WriteHeader(http.StatusNoContent)
	case "PATCH":
		var p struct {
			Operations []struct {
				Op    string          `json:"op"`
				Path  string          `json:"path"`
				Value json.RawMessage `json:"value"`
			}
		}
		if json.Unmarshal(body, &p) != nil {
			scimError(w, 400, "invalid_request_payload")
			return
		}
		for _, op := range p.Operations {
			switch {
			case op.Op == "add" && op.Path == "members":
				var refs []Ref
				json.Unmarshal(op.Value, &refs)
				g.Members = append(g.Members, refs...)
			case op.Op == "remove" && memberPathRE.MatchString(op.Path):
				gone := memberPathRE.FindStringSubmatch(op.Path)[1]
				keep := g.Members[:0]
				for _, m := range g.Members {
					if m.Value != gone {
						keep = append(keep, m)
					}
				}
				g.Members = keep
			case op.Op == "replace" && op.Path == "displayName":
				json.Unmarshal(op.Value, &g.DisplayName)
			default:
				scimError(w, 400, "invalid_request_payload")
				return
			}
		}
		writeJSON(w, 200, g)
	}
}
