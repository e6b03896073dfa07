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

	"github.com/slackprov/slackprov/schema"
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

func TestClientSideRateLimit(t *testing.T) {
	// At Slack's full published rate, POST /Users allows a burst of 20; the
	// 21st create must wait in the client before it is sent.
	f := newFakeSlack()
	var mu sync.Mutex
	var waited []time.Duration
	// The limiter runs on a clock only its sleeps move, so how long the
	// fake server takes to answer on a loaded machine changes nothing.
	var clock time.Time
	c, _ := f.start(t, func(o *Options) {
		o.RateShare = 1
		o.OnRequest = func(ri RequestInfo) { mu.Lock(); waited = append(waited, ri.Waited); mu.Unlock() }
		o.Sleep = func(_ context.Context, d time.Duration) error {
			mu.Lock()
			clock = clock.Add(d)
			mu.Unlock()
			return nil
		}
	})
	clock = time.Now()
	c.limits.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return clock }
	for i := range 22 {
		u := NewUser(map[string]string{schema.UserName: fmt.Sprint("u", i), schema.WorkEmail: fmt.Sprintf("u%d@x.io", i)})
		if _, err := c.CreateUser(context.Background(), u); err != nil {
			t.Fatal(err)
		}
	}
	for i, w := range waited[:20] {
		if w != 0 {
			t.Errorf("create %d waited %v inside the burst", i+1, w)
		}
	}
	// Paced requests are spaced between half and one and a half intervals.
	for _, w := range waited[20:] {
		if w < 166*time.Millisecond || w > 500*time.Millisecond {
			t.Errorf("creates 21 and 22 waited %v and %v; want 1/6 to 1/2 s each", waited[20], waited[21])
		}
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

// TestConcurrent429sAllSucceed has eight goroutines share a server whose
// token bucket admits a burst of 3 writes and one more every 10ms, and
// answers the rest 429 with the time until the next token, as Slack's
// limiter does. Refused requests must take turns rather than stampede, so
// none runs out of its 429 waits.
func TestConcurrent429sAllSucceed(t *testing.T) {
	f := newFakeSlack()
	const interval, burst = 10 * time.Millisecond, 3
	var mu sync.Mutex
	tat := time.Now() // GCRA's theoretical arrival time
	f.intercept = func(w http.ResponseWriter, r *http.Request, n int) bool {
		mu.Lock()
		defer mu.Unlock()
		now := time.Now()
		if allowed := tat.Add(-(burst - 1) * interval); now.Before(allowed) {
			w.Header().Set("Retry-After", fmt.Sprintf("%.4f", allowed.Sub(now).Seconds()+0.0001))
			scimError(w, http.StatusTooManyRequests, "too_many_requests")
			return true
		}
		if now.After(tat) {
			tat = now
		}
		tat = tat.Add(interval)
		return false
	}
	c, _ := f.start(t, func(o *Options) { o.Sleep = nil; o.MaxRetryAfterWaits = 10 })
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 5 {
				id := w*5 + i
				u := NewUser(map[string]string{schema.UserName: fmt.Sprint("u", id), schema.WorkEmail: fmt.Sprintf("u%d@x.io", id)})
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
