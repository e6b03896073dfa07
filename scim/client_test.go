package scim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestNewValidatesBaseURL(t *testing.T) {
	tests := []struct {
		base    string
		wantErr bool
	}{
		{"https://api.slack.com/scim/v2/", false},
		{"https://api.slack.com/scim/v2", false},
		{"http://127.0.0.1:8080/scim/v2", false},
		{"", true},
		{"api.slack.com/scim/v2/", true},
		{"ftp://api.slack.com/scim/v2/", true},
		{"https:///scim/v2/", true},
		{"https://api.slack.com/scim/v2/?x=1", true},
		{"https://user:pw@api.slack.com/scim/v2/", true},
		{"://bad", true},
	}
	for _, tt := range tests {
		_, err := New(Options{BaseURL: tt.base, Token: testToken})
		if (err != nil) != tt.wantErr {
			t.Errorf("New(%q): err = %v, want error %v", tt.base, err, tt.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "pw") {
			t.Errorf("New(%q) error leaks URL credentials: %v", tt.base, err)
		}
	}
	if _, err := New(Options{BaseURL: "https://api.slack.com/scim/v2/"}); err == nil {
		t.Error("New without a token: want an error")
	}
}

func TestBaseURLWithAndWithoutSlashReachSamePath(t *testing.T) {
	for _, suffix := range []string{"", "/"} {
		f := newFakeSlack()
		f.addUsers(1)
		c, _ := f.start(t, func(o *Options) { o.BaseURL += suffix })
		if _, err := c.GetUser(context.Background(), "U00001"); err != nil {
			t.Fatalf("base with suffix %q: %v", suffix, err)
		}
		if got := f.recorded()[0].Path; got != "/scim/v2/Users/U00001" {
			t.Errorf("base with suffix %q: path = %q", suffix, got)
		}
	}
}

func TestListUsersPagesUntilTotalResults(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(2500)
	c, _ := f.start(t)
	seen := map[string]int{}
	if err := c.ListUsers(context.Background(), func(u *User) error { seen[u.ID]++; return nil }); err != nil {
		t.Fatal(err)
	}
	if len(seen) != 2500 {
		t.Fatalf("got %d distinct users, want 2500", len(seen))
	}
	reqs := f.recorded()
	want := []string{"count=1000&startIndex=1", "count=1000&startIndex=1001", "count=1000&startIndex=2001"}
	if len(reqs) != len(want) {
		t.Fatalf("made %d requests, want %d", len(reqs), len(want))
	}
	for i, r := range reqs {
		if r.Query != want[i] {
			t.Errorf("request %d query = %q, want %q", i, r.Query, want[i])
		}
	}
}

func TestListUsersFollowsSmallerPages(t *testing.T) {
	// A server may clamp count below what we ask; paging must follow what
	// actually came back.
	f := newFakeSlack()
	f.pageCap = 400
	f.addUsers(1000)
	c, _ := f.start(t)
	n := 0
	if err := c.ListUsers(context.Background(), func(*User) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 1000 || len(f.recorded()) != 3 {
		t.Fatalf("got %d users in %d requests, want 1000 in 3", n, len(f.recorded()))
	}
}

func TestListUsersEmptyCollection(t *testing.T) {
	f := newFakeSlack()
	c, _ := f.start(t)
	n := 0
	if err := c.ListUsers(context.Background(), func(*User) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 0 || len(f.recorded()) != 1 {
		t.Fatalf("got %d users in %d requests, want 0 in 1", n, len(f.recorded()))
	}
}

func TestListUsersUnstablePaging(t *testing.T) {
	// Between pages a new user is inserted at the front, shifting everyone:
	// the first entry of page two repeats the last of page one.
	f := newFakeSlack()
	f.addUsers(1500)
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 2 {
			f.mu.Lock()
			f.users = append([]*User{{ID: "U99999", UserName: "newcomer"}}, f.users...)
			f.mu.Unlock()
		}
		return false
	}
	c, _ := f.start(t)
	seen := map[string]int{}
	if err := c.ListUsers(context.Background(), func(u *User) error { seen[u.ID]++; return nil }); err != nil {
		t.Fatal(err)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("user %s delivered %d times", id, n)
		}
	}
	if len(seen) != 1500 {
		t.Errorf("got %d distinct users, want 1500 (the newcomer lands before the cursor)", len(seen))
	}
}

func TestListUsersStopsOnEarlyEmptyPage(t *testing.T) {
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		var res []User
		if n == 1 {
			res = []User{{ID: "U1"}, {ID: "U2"}}
		}
		if n > 5 {
			t.Error("client kept paging after an empty page")
		}
		writeJSON(w, 200, map[string]any{"Resources": res, "totalResults": 5000, "startIndex": 1})
		return true
	}
	c, _ := f.start(t)
	n := 0
	if err := c.ListUsers(context.Background(), func(*User) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 2 || len(f.recorded()) != 2 {
		t.Fatalf("got %d users in %d requests, want 2 in 2", n, len(f.recorded()))
	}
}

func TestListUsersReturnsCallbackError(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(2500)
	c, _ := f.start(t)
	stop := errors.New("stop")
	n := 0
	err := c.ListUsers(context.Background(), func(*User) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || n != 3 || len(f.recorded()) != 1 {
		t.Fatalf("err=%v after %d users and %d requests; want stop after 3 users, 1 request", err, n, len(f.recorded()))
	}
}

func TestListGroups(t *testing.T) {
	f := newFakeSlack()
	for i := range 1200 {
		f.groups = append(f.groups, &Group{ID: fmt.Sprintf("S%d", i), DisplayName: fmt.Sprintf("g%d", i), Members: []Ref{}})
	}
	c, _ := f.start(t)
	n := 0
	if err := c.ListGroups(context.Background(), func(*Group) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != 1200 || len(f.recorded()) != 2 {
		t.Fatalf("got %d groups in %d requests, want 1200 in 2", n, len(f.recorded()))
	}
}

func TestHeaders(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(1)
	c, _ := f.start(t, func(o *Options) { o.UserAgent = "slackprov-test/1" })
	ctx := context.Background()
	if _, err := c.GetUser(ctx, "U00001"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.PatchUser(ctx, "U00001", []PatchOp{{Op: "replace", Path: "title", Value: "CTO"}}); err != nil {
		t.Fatal(err)
	}
	reqs := f.recorded()
	for i, r := range reqs {
		if got := r.Header.Get("Authorization"); got != "Bearer "+testToken {
			t.Errorf("request %d Authorization = %q", i, got)
		}
		if got := r.Header.Get("Accept"); got != "application/json" {
			t.Errorf("request %d Accept = %q", i, got)
		}
		if got := r.Header.Get("User-Agent"); got != "slackprov-test/1" {
			t.Errorf("request %d User-Agent = %q", i, got)
		}
	}
	if got := reqs[0].Header.Get("Content-Type"); got != "" {
		t.Errorf("GET sent Content-Type %q", got)
	}
	if got := reqs[1].Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("PATCH Content-Type = %q", got)
	}
	var p PatchRequest
	if err := json.Unmarshal(reqs[1].Body, &p); err != nil || len(p.Schemas) != 1 || p.Schemas[0] != SchemaPatchOp {
		t.Errorf("PATCH body %s: want PatchOp schema", reqs[1].Body)
	}
}

func Test429WaitsRetryAfterThenSucceeds(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(1)
	date := time.Now().Add(3 * time.Second).UTC().Format(http.TimeFormat)
	headers := []string{"2", "0.25", date, ""}
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n > len(headers) {
			return false
		}
		if h := headers[n-1]; h != "" {
			w.Header().Set("Retry-After", h)
		}
		scimError(w, http.StatusTooManyRequests, "too_many_requests")
		return true
	}
	var infos []RequestInfo
	c, sl := f.start(t, func(o *Options) { o.OnRequest = func(ri RequestInfo) { infos = append(infos, ri) } })
	u, err := c.GetUser(context.Background(), "U00001")
	if err != nil || u.ID != "U00001" {
		t.Fatalf("GetUser = %v, %v", u, err)
	}
	p := sl.all()
	if len(p) != 4 {
		t.Fatalf("pauses = %v, want 4", p)
	}
	if p[0] != 2*time.Second || p[1] != 250*time.Millisecond || p[3] != time.Second {
		t.Errorf("pauses = %v, want [2s 250ms ~3s 1s]", p)
	}
	if p[2] < time.Second || p[2] > 3*time.Second {
		t.Errorf("HTTP-date Retry-After pause = %v, want about 3s", p[2])
	}
	if len(infos) != 5 || infos[4].Retry != 4 || infos[4].Status != 200 || infos[1].Paused != 2*time.Second {
		t.Errorf("request infos = %+v", infos)
	}
	if infos[0].Endpoint != "GET /Users/{id}" || infos[0].Path != "/Users/U00001" {
		t.Errorf("info endpoint/path = %q %q", infos[0].Endpoint, infos[0].Path)
	}
}

func Test429WaitsExhausted(t *testing.T) {
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("Retry-After", "7")
		scimError(w, http.StatusTooManyRequests, "too_many_requests")
		return true
	}
	c, _ := f.start(t, func(o *Options) { o.MaxRetryAfterWaits = 3 })
	_, err := c.CreateUser(context.Background(), &User{UserName: "a"})
	var e *Error
	if !errors.As(err, &e) || e.Status != 429 || e.RetryAfter != 7*time.Second || !IsCode(err, CodeTooManyRequests) {
		t.Fatalf("err = %#v", err)
	}
	if n := len(f.recorded()); n != 4 {
		t.Errorf("made %d requests, want 4 (1 + 3 waits)", n)
	}
}

func Test5xxRetriedThenSucceeds(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(1)
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n <= 2 {
			w.WriteHeader(http.StatusBadGateway)
			w.Write([]byte("<html>bad gateway</html>"))
			return true
		}
		return false
	}
	c, sl := f.start(t)
	if _, err := c.GetUser(context.Background(), "U00001"); err != nil {
		t.Fatal(err)
	}
	p := sl.all()
	if len(p) != 2 {
		t.Fatalf("pauses = %v, want 2 backoffs", p)
	}
	if p[0] < 100*time.Millisecond || p[0] > 200*time.Millisecond || p[1] < 200*time.Millisecond || p[1] > 400*time.Millisecond {
		t.Errorf("backoffs = %v, want within [100ms,200ms] then [200ms,400ms]", p)
	}
}

func TestRetriesExhausted(t *testing.T) {
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		scimError(w, http.StatusServiceUnavailable, "service_unavailable")
		return true
	}
	c, _ := f.start(t, func(o *Options) { o.MaxRetries = 2 })
	err := c.DeleteGroup(context.Background(), "S1")
	var e *Error
	if !errors.As(err, &e) || e.Status != 503 || e.Method != "DELETE" || e.Path != "/Groups/S1" {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.recorded()); n != 3 {
		t.Errorf("made %d requests, want 3", n)
	}
}

func TestNoRetriesWhenNegative(t *testing.T) {
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		scimError(w, http.StatusInternalServerError, "oops")
		return true
	}
	c, _ := f.start(t, func(o *Options) { o.MaxRetries = -1 })
	if err := c.DeleteGroup(context.Background(), "S1"); err == nil {
		t.Fatal("want an error")
	}
	if n := len(f.recorded()); n != 1 {
		t.Errorf("made %d requests, want 1", n)
	}
}

func Test4xxNotRetried(t *testing.T) {
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(400)
		w.Write([]byte(`{"Errors":{"description":"long_username (user=averyveryverylongusername)","code":400}}`))
		return true
	}
	c, sl := f.start(t)
	_, err := c.CreateUser(context.Background(), &User{UserName: "averyveryverylongusername"})
	if !IsUserNameTooLong(err) {
		t.Fatalf("err = %v, want long_username", err)
	}
	if n := len(f.recorded()); n != 1 || len(sl.all()) != 0 {
		t.Errorf("made %d requests with pauses %v, want 1 and none", n, sl.all())
	}
}

func TestTransientSlackErrorsRetried(t *testing.T) {
	for _, code := range []string{CodeInvitedUserNotCreated, CodeResourceLocked} {
		f := newFakeSlack()
		f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
			if n == 1 {
				scimError(w, 400, code)
				return true
			}
			return false
		}
		c, _ := f.start(t)
		u, err := c.CreateUser(context.Background(), &User{UserName: "a", Emails: []MultiValue{{Value: "a@x.io"}}})
		if err != nil || u.ID == "" {
			t.Fatalf("%s: CreateUser = %v, %v", code, u, err)
		}
		if n := len(f.recorded()); n != 2 {
			t.Errorf("%s: made %d requests, want 2", code, n)
		}
	}
}

func TestDroppedConnectionRetried(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(1)
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n == 1 {
			conn, _, err := w.(http.Hijacker).Hijack()
			if err != nil {
				t.Error(err)
				return true
			}
			conn.Close()
			return true
		}
		return false
	}
	var infos []RequestInfo
	c, _ := f.start(t, func(o *Options) { o.OnRequest = func(ri RequestInfo) { infos = append(infos, ri) } })
	if _, err := c.GetUser(context.Background(), "U00001"); err != nil {
		t.Fatal(err)
	}
	if len(infos) != 2 || infos[0].Err == nil || infos[0].Status != 0 || infos[1].Status != 200 {
		t.Errorf("infos = %+v", infos)
	}
}

func TestDroppedConnectionsExhausted(t *testing.T) {
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
		return true
	}
	c, _ := f.start(t, func(o *Options) { o.MaxRetries = 1 })
	_, err := c.GetUser(context.Background(), "U1")
	if err == nil || !strings.Contains(err.Error(), "GET /Users/U1: no answer after 2 attempts") {
		t.Fatalf("err = %v", err)
	}
	if strings.Contains(err.Error(), testToken) {
		t.Error("token leaked into the error")
	}
}

func TestLostCreateAnswerSurfacesEmailTaken(t *testing.T) {
	// The first POST creates the user but its answer is lost; the retry then
	// meets the user it created. The typed error must reach the caller.
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if n != 1 {
			return false
		}
		f.mu.Lock()
		f.users = append(f.users, &User{ID: "U77777", UserName: "ann", Emails: []MultiValue{{Value: "ann@x.io", Primary: true}}})
		f.mu.Unlock()
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
		return true
	}
	c, _ := f.start(t)
	_, err := c.CreateUser(context.Background(), &User{UserName: "ann", Emails: []MultiValue{{Value: "ann@x.io"}}})
	var e *Error
	if !errors.As(err, &e) || e.Code != CodeEmailTaken || e.ExistingUserID != "U77777" {
		t.Fatalf("err = %v, want email_taken naming U77777", err)
	}
}

func TestContextCancelStopsWaiting(t *testing.T) {
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		w.Header().Set("Retry-After", "30")
		scimError(w, 429, "too_many_requests")
		return true
	}
	ctx, cancel := context.WithCancel(context.Background())
	c, _ := f.start(t, func(o *Options) {
		o.Sleep = func(ctx context.Context, d time.Duration) error { cancel(); return ctx.Err() }
	})
	_, err := c.GetUser(ctx, "U1")
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if n := len(f.recorded()); n != 1 {
		t.Errorf("made %d requests after cancel, want 1", n)
	}
}

func TestTokenNeverInErrors(t *testing.T) {
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		scimError(w, 401, "invalid_authentication token="+strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer "))
		return true
	}
	c, _ := f.start(t)
	_, err := c.GetUser(context.Background(), "U1")
	if !IsAuth(err) {
		t.Fatalf("err = %v, want auth error", err)
	}
	for _, s := range []string{err.Error(), fmt.Sprintf("%+v", err), fmt.Sprintf("%#v", err),
		fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c),
		fmt.Sprint(Options{Token: testToken}), fmt.Sprintf("%+v", Options{Token: testToken}), fmt.Sprintf("%#v", Options{Token: testToken})} {
		if strings.Contains(s, testToken) {
			t.Errorf("token leaked: %s", s)
		}
	}
}

func TestFilterEscaping(t *testing.T) {
	tests := []struct{ in, want string }{
		{`jo`, `userName eq "jo"`},
		{`a"b`, `userName eq "a\"b"`},
		{`back\slash`, `userName eq "back\\slash"`},
		{"tab\there", `userName eq "tab\there"`},
		{`<&>`, `userName eq "<&>"`},
	}
	for _, tt := range tests {
		f := newFakeSlack()
		c, _ := f.start(t)
		u, err := c.FindUserByUserName(context.Background(), tt.in)
		if err != nil || u != nil {
			t.Fatalf("FindUserByUserName(%q) = %v, %v; want nil, nil", tt.in, u, err)
		}
		if got := f.recorded()[0].Filter; got != tt.want {
			t.Errorf("filter for %q = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestFindUserByUserName(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(3)
	c, _ := f.start(t)
	u, err := c.FindUserByUserName(context.Background(), "USER2")
	if err != nil || u == nil || u.ID != "U00002" {
		t.Fatalf("got %v, %v; want U00002", u, err)
	}
}

func TestFindUserIgnoresServerThatIgnoresFilters(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(3)
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		page(w, r, f.users, 1000)
		return true
	}
	c, _ := f.start(t)
	if u, err := c.FindUserByUserName(context.Background(), "someone-else"); u != nil || err != nil {
		t.Errorf("FindUserByUserName = %v, %v; want nil, nil", u, err)
	}
	if u, err := c.FindUserByEmail(context.Background(), "nobody@x.io"); u != nil || err != nil {
		t.Errorf("FindUserByEmail = %v, %v; want nil, nil", u, err)
	}
}

func TestFindUserByEmailFallsBackAndRemembers(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(2)
	f.emailAttrs = map[string]bool{"email": true}
	c, _ := f.start(t)
	ctx := context.Background()
	u, err := c.FindUserByEmail(ctx, "user2@example.com")
	if err != nil || u == nil || u.ID != "U00002" {
		t.Fatalf("got %v, %v; want U00002", u, err)
	}
	u, err = c.FindUserByEmail(ctx, "nobody@example.com")
	if err != nil || u != nil {
		t.Fatalf("got %v, %v; want nil, nil", u, err)
	}
	var filters []string
	for _, r := range f.recorded() {
		filters = append(filters, r.Filter)
	}
	want := []string{`emails eq "user2@example.com"`, `email eq "user2@example.com"`, `email eq "nobody@example.com"`}
	if strings.Join(filters, "|") != strings.Join(want, "|") {
		t.Errorf("filters = %q, want %q", filters, want)
	}
}

func TestFindUserByEmailPluralWorks(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(1)
	f.emailAttrs = map[string]bool{"emails": true}
	c, _ := f.start(t)
	for range 2 {
		if u, err := c.FindUserByEmail(context.Background(), "USER1@example.com"); err != nil || u == nil {
			t.Fatalf("got %v, %v", u, err)
		}
	}
	if n := len(f.recorded()); n != 2 {
		t.Errorf("made %d requests, want 2 (no fallback needed)", n)
	}
}

func TestFindUserByEmailBothRejected(t *testing.T) {
	f := newFakeSlack()
	f.emailAttrs = map[string]bool{}
	c, _ := f.start(t)
	_, err := c.FindUserByEmail(context.Background(), "a@x.io")
	if !IsCode(err, CodeInvalidQuery) || len(f.recorded()) != 2 {
		t.Fatalf("err = %v after %d requests; want invalid_query after 2", err, len(f.recorded()))
	}
}

func TestUserLifecycle(t *testing.T) {
	f := newFakeSlack()
	c, _ := f.start(t)
	ctx := context.Background()
	in := NewUser(map[string]string{AttrUserName: "ann", AttrWorkEmail: "ann@x.io", AttrDepartment: "R&D"})
	u, err := c.CreateUser(ctx, in)
	if err != nil {
		t.Fatal(err)
	}
	var sent User
	json.Unmarshal(f.recorded()[0].Body, &sent)
	if strings.Join(sent.Schemas, ",") != SchemaUser+","+SchemaEnterprise {
		t.Errorf("create schemas = %v", sent.Schemas)
	}
	if err := c.DeactivateUser(ctx, u.ID); err != nil {
		t.Fatal(err)
	}
	got, err := c.GetUser(ctx, u.ID)
	if err != nil || got.IsActive() {
		t.Fatalf("after deactivate: %v, %v", got, err)
	}
	got, err = c.ReactivateUser(ctx, u.ID)
	if err != nil || !got.IsActive() {
		t.Fatalf("after reactivate: %v, %v", got, err)
	}
	reqs := f.recorded()
	if reqs[1].Method != "DELETE" || reqs[3].Method != "PATCH" ||
		!strings.Contains(string(reqs[3].Body), `{"op":"replace","path":"active","value":true}`) {
		t.Errorf("requests = %+v", reqs)
	}
	_, err = c.GetUser(ctx, "U404")
	if !IsNotFound(err) {
		t.Errorf("GetUser unknown: %v, want not found", err)
	}
}

func TestInvalidIDsRefused(t *testing.T) {
	f := newFakeSlack()
	c, _ := f.start(t)
	ctx := context.Background()
	for _, id := range []string{"", "U1/../Groups", "U1?x=1"} {
		if _, err := c.GetUser(ctx, id); err == nil {
			t.Errorf("GetUser(%q): want error", id)
		}
		if err := c.DeactivateUser(ctx, id); err == nil {
			t.Errorf("DeactivateUser(%q): want error", id)
		}
		if err := c.DeleteGroup(ctx, id); err == nil {
			t.Errorf("DeleteGroup(%q): want error", id)
		}
	}
	if n := len(f.recorded()); n != 0 {
		t.Errorf("made %d requests for invalid ids", n)
	}
	if _, err := c.PatchUser(ctx, "U1", nil); err == nil {
		t.Error("PatchUser with no ops: want error")
	}
}

func TestPatchUserEmptyAnswerFetchesUser(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(1)
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method == "PATCH" {
			w.WriteHeader(http.StatusNoContent)
			return true
		}
		return false
	}
	c, _ := f.start(t)
	u, err := c.PatchUser(context.Background(), "U00001", []PatchOp{{Op: "replace", Path: "title", Value: "x"}})
	if err != nil || u == nil || u.ID != "U00001" {
		t.Fatalf("got %v, %v", u, err)
	}
}

func memberIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("U%06d", i)
	}
	return ids
}

func TestCreateGroupBatchesMembers(t *testing.T) {
	f := newFakeSlack()
	c, _ := f.start(t)
	refs := []Ref{}
	for _, id := range memberIDs(12001) {
		refs = append(refs, Ref{Value: id})
	}
	g, err := c.CreateGroup(context.Background(), &Group{DisplayName: "everyone", Members: refs})
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Members) != 12001 {
		t.Errorf("returned group has %d members, want 12001", len(g.Members))
	}
	reqs := f.recorded()
	if len(reqs) != 3 || reqs[0].Method != "POST" || reqs[1].Method != "PATCH" || reqs[2].Method != "PATCH" {
		t.Fatalf("requests: %d", len(reqs))
	}
	var created Group
	json.Unmarshal(reqs[0].Body, &created)
	if len(created.Members) != 5000 || created.Schemas[0] != SchemaGroup {
		t.Errorf("POST carried %d members, schemas %v", len(created.Members), created.Schemas)
	}
	for i, want := range []int{5000, 2001} {
		var p struct {
			Operations []struct {
				Op, Path string
				Value    []Ref
			}
		}
		json.Unmarshal(reqs[i+1].Body, &p)
		if len(p.Operations) != 1 || p.Operations[0].Op != "add" || p.Operations[0].Path != "members" || len(p.Operations[0].Value) != want {
			t.Errorf("PATCH %d: want one add of %d members", i, want)
		}
	}
	f.mu.Lock()
	stored := len(f.groups[0].Members)
	f.mu.Unlock()
	if stored != 12001 {
		t.Errorf("server group has %d members", stored)
	}
}

func TestCreateGroupWithoutMembersSendsEmptyList(t *testing.T) {
	f := newFakeSlack()
	c, _ := f.start(t)
	if _, err := c.CreateGroup(context.Background(), &Group{DisplayName: "empty"}); err != nil {
		t.Fatal(err)
	}
	if body := string(f.recorded()[0].Body); !strings.Contains(body, `"members":[]`) {
		t.Errorf("body = %s", body)
	}
}

func TestCreateGroupPartialFailureReturnsGroup(t *testing.T) {
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if r.Method == "PATCH" {
			scimError(w, 400, "no_such_group_members")
			return true
		}
		return false
	}
	c, _ := f.start(t)
	refs := []Ref{}
	for _, id := range memberIDs(5001) {
		refs = append(refs, Ref{Value: id})
	}
	g, err := c.CreateGroup(context.Background(), &Group{DisplayName: "big", Members: refs})
	if g == nil || g.ID == "" || !IsCode(err, CodeNoSuchGroupMembers) {
		t.Fatalf("got %v, %v; want the created group and no_such_group_members", g, err)
	}
}

func TestGroupMemberBatching(t *testing.T) {
	f := newFakeSlack()
	f.groups = []*Group{{ID: "S1", DisplayName: "g", Members: []Ref{}}}
	c, _ := f.start(t)
	ctx := context.Background()
	ids := memberIDs(10001)
	if err := c.AddGroupMembers(ctx, "S1", ids); err != nil {
		t.Fatal(err)
	}
	if err := c.RemoveGroupMembers(ctx, "S1", ids[:5001]); err != nil {
		t.Fatal(err)
	}
	reqs := f.recorded()
	if len(reqs) != 5 {
		t.Fatalf("made %d requests, want 3 adds + 2 removes", len(reqs))
	}
	var p struct{ Operations []PatchOp }
	json.Unmarshal(reqs[3].Body, &p)
	if len(p.Operations) != 5000 || p.Operations[0].Op != "remove" || p.Operations[0].Path != `members[value eq "U000000"]` {
		t.Errorf("first remove batch: %d ops, first %+v", len(p.Operations), p.Operations[0])
	}
	json.Unmarshal(reqs[4].Body, &p)
	if len(p.Operations) != 1 {
		t.Errorf("second remove batch: %d ops, want 1", len(p.Operations))
	}
	g, err := c.GetGroup(ctx, "S1")
	if err != nil || len(g.Members) != 5000 || g.Members[0].Value != "U005001" {
		t.Fatalf("group after add/remove: %d members, err %v", len(g.Members), err)
	}
	if err := c.AddGroupMembers(ctx, "S1", nil); err != nil || len(f.recorded()) != 6 {
		t.Errorf("adding nobody made a request or failed: %v", err)
	}
}

func TestPatchAndDeleteGroup(t *testing.T) {
	f := newFakeSlack()
	f.groups = []*Group{{ID: "S1", DisplayName: "old", Members: []Ref{}}}
	c, _ := f.start(t)
	ctx := context.Background()
	g, err := c.PatchGroup(ctx, "S1", []PatchOp{{Op: "replace", Path: "displayName", Value: "new"}})
	if err != nil || g.DisplayName != "new" {
		t.Fatalf("PatchGroup = %v, %v", g, err)
	}
	if err := c.DeleteGroup(ctx, "S1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.GetGroup(ctx, "S1"); !IsNotFound(err) {
		t.Errorf("GetGroup after delete: %v", err)
	}
}

func TestServiceProviderConfigFallsBackToPlural(t *testing.T) {
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		if strings.HasSuffix(r.URL.Path, "/ServiceProviderConfigs") {
			writeJSON(w, 200, map[string]any{"filter": map[string]any{"supported": true}})
			return true
		}
		return false
	}
	c, _ := f.start(t)
	cfg, err := c.ServiceProviderConfig(context.Background())
	if err != nil || cfg["filter"] == nil {
		t.Fatalf("got %v, %v", cfg, err)
	}
	if n := len(f.recorded()); n != 2 {
		t.Errorf("made %d requests, want 2", n)
	}
}

func TestServiceProviderConfigAuthErrorNoFallback(t *testing.T) {
	f := newFakeSlack()
	c, _ := f.start(t, func(o *Options) { o.Token = "xoxp-wrong" })
	_, err := c.ServiceProviderConfig(context.Background())
	if !IsAuth(err) || len(f.recorded()) != 1 {
		t.Fatalf("err = %v after %d requests", err, len(f.recorded()))
	}
}

func TestClientSideRateLimit(t *testing.T) {
	// At Slack's full published rate, POST /Users allows a burst of 20; the
	// 21st create must wait in the client before it is sent.
	f := newFakeSlack()
	var mu sync.Mutex
	var waited []time.Duration
	c, _ := f.start(t, func(o *Options) {
		o.RateShare = 1
		o.OnRequest = func(ri RequestInfo) { mu.Lock(); waited = append(waited, ri.Waited); mu.Unlock() }
	})
	for i := range 22 {
		u := NewUser(map[string]string{AttrUserName: fmt.Sprint("u", i), AttrWorkEmail: fmt.Sprintf("u%d@x.io", i)})
		if _, err := c.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	for i, w := range waited[:20] {
		if w != 0 {
			t.Errorf("create %d waited %v inside the burst", i+1, w)
		}
	}
	if waited[20] < 200*time.Millisecond || waited[21] <= waited[20] {
		t.Errorf("creates 21 and 22 waited %v and %v; want about 1/3s and more", waited[20], waited[21])
	}
}

func TestConcurrentUse(t *testing.T) {
	f := newFakeSlack()
	f.addUsers(50)
	var n atomic.Int32
	c, _ := f.start(t, func(o *Options) { o.OnRequest = func(RequestInfo) { n.Add(1) } })
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			for j := range 10 {
				id := fmt.Sprintf("U%05d", 1+(i*10+j)%50)
				if _, err := c.PatchUser(context.Background(), id, []PatchOp{{Op: "replace", Path: "title", Value: "t"}}); err != nil {
					t.Error(err)
				}
				if _, err := c.FindUserByEmail(context.Background(), "user1@example.com"); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	if n.Load() != 160 {
		t.Errorf("observed %d requests, want 160", n.Load())
	}
}

// TestListRequestCount pins the request budget of a full listing: one GET
// per 1000 users, which is what the sync's rate-limit planning assumes.
func TestListRequestCount(t *testing.T) {
	for _, n := range []int{0, 1, 999, 1000, 1001, 4500} {
		f := newFakeSlack()
		f.addUsers(n)
		c, _ := f.start(t)
		if err := c.ListUsers(context.Background(), func(*User) error { return nil }); err != nil {
			t.Fatal(err)
		}
		want := max(1, (n+999)/1000)
		if got := len(f.recorded()); got != want {
			t.Errorf("%d users: %d list requests, want %d", n, got, want)
		}
	}
}

func BenchmarkListUsers(b *testing.B) {
	f := newFakeSlack()
	f.addUsers(5000)
	c, _ := f.start(b)
	var requests atomic.Int64
	c.onRequest = func(RequestInfo) { requests.Add(1) }
	b.ResetTimer()
	for b.Loop() {
		if err := c.ListUsers(context.Background(), func(*User) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(requests.Load())/float64(b.N), "requests/op")
}

// TestConcurrent429sAllSucceed has eight goroutines share a server that
// admits one write per 10ms and answers the rest 429 with the time until the
// next token. Refused requests must take turns rather than stampede, so none
// runs out of its 429 waits.
func TestConcurrent429sAllSucceed(t *testing.T) {
	f := newFakeSlack()
	var mu sync.Mutex
	next := time.Now()
	const interval = 10 * time.Millisecond
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		if now.Before(next) {
			w.Header().Set("Retry-After", fmt.Sprintf("%.3f", next.Sub(now).Seconds()+0.0005))
			scimError(w, http.StatusTooManyRequests, "too_many_requests")
			return true
		}
		next = now.Add(interval)
		return false
	}
	c, _ := f.start(t, func(o *Options) { o.Sleep = nil; o.MaxRetryAfterWaits = 10 })
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 5 {
				id := w*5 + i
				u := NewUser(map[string]string{AttrUserName: fmt.Sprint("u", id), AttrWorkEmail: fmt.Sprintf("u%d@x.io", id)})
				if _, err := c.CreateUser(context.Background(), u); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	if len(f.users) != 40 {
		t.Errorf("server holds %d users, want 40", len(f.users))
	}
}

func TestErrorPathShowsDecodedFilter(t *testing.T) {
	f := newFakeSlack()
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		scimError(w, 400, "invalid_query")
		return true
	}
	c, _ := f.start(t)
	_, err := c.FindUsers(context.Background(), `userName eq "a b"`)
	var e *Error
	if !errors.As(err, &e) || e.Path != `/Users?count=1000&filter=userName eq "a b"&startIndex=1` {
		t.Fatalf("err = %v", err)
	}
}
