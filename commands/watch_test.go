package commands

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/entraid"
	"github.com/slackprov/slackprov/emulator/sampledir"
	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/notify"
	"github.com/slackprov/slackprov/notify/notifytest"
	"github.com/slackprov/slackprov/store"
)

const (
	watchSMTPPassword = "smtp-secret-Pa55"
	watchEntraSecret  = "entra-test-secret-77"
)

// watchWorld is an emulated Entra tenant (delta queries over TLS) and the
// Slack emulator (rate limits on, on a faster clock) behind a listener
// that can be stopped and restarted on the same port, with an SMTP relay
// and a webhook receiver for the notifications.
type watchWorld struct {
	t       testing.TB
	tenant  *entraid.Tenant
	slack   *slackscim.Org
	slackLn *restartable
	graph   *httptest.Server
	cfg     Config
	revoked atomic.Bool
	relay   *notifytest.SMTP
	hook    *notifytest.Webhook
}

func newWatchWorld(t testing.TB, opts slackscim.Options, users int) *watchWorld {
	w := &watchWorld{t: t}
	w.tenant = entraid.NewSample(entraid.Options{TenantID: "t1", ClientSecret: watchEntraSecret},
		sampledir.JSON(sampledir.Options{Users: users, Groups: 3, Seed: 11}))
	w.graph = httptest.NewUnstartedServer(w.tenant)
	w.graph.StartTLS()
	t.Cleanup(w.graph.Close)
	opts.TimeScale = 300
	opts.AcceptToken = func(tok string) bool { return tok == EmulatorToken && !w.revoked.Load() }
	w.slack = slackscim.New(opts)
	w.slackLn = startRestartable(t, w.slack)
	w.relay = notifytest.StartSMTP(t, "slackprov", watchSMTPPassword)
	w.hook = notifytest.StartWebhook(t)
	cfg := defaultConfig()
	cfg.Profile = "watch"
	cfg.Slack.SCIMURL = "http://" + w.slackLn.addr + "/scim/v2/"
	cfg.Slack.RateShare = 0.8 * 300
	cfg.Source.Type = "entra"
	cfg.Source.Entra = EntraSourceConfig{TenantID: "t1", ClientID: "c1", AppID: w.tenant.AppID(), Scope: "assigned",
		GraphURL: w.graph.URL, AuthorityHost: w.graph.URL}
	cfg.StateDir = filepath.Join(t.TempDir(), "state")
	cfg.Notify = NotifyConfig{
		Email: &NotifyEmailConfig{To: []string{"it@example.com"}, From: "slackprov@example.com",
			SMTP: SMTPConfig{Host: w.relay.Host, Port: w.relay.Port, TLS: "starttls", Username: "slackprov", PasswordEnv: "SMTP_PW"}},
		Webhook: &NotifyWebhookConfig{URL: w.hook.URL + "/hook"},
	}
	w.cfg = cfg
	return w
}

// restartable serves a handler on a fixed loopback port that can be
// stopped and started again, as a restarted Slack would be.
type restartable struct {
	addr    string
	handler http.Handler
	mu      sync.Mutex
	srv     *http.Server
}

func startRestartable(t testing.TB, h http.Handler) *restartable {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &restartable{addr: l.Addr().String(), handler: h}
	r.serve(l)
	t.Cleanup(r.stop)
	return r
}

func (r *restartable) serve(l net.Listener) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.srv = &http.Server{Handler: r.handler}
	go r.srv.Serve(l)
}

func (r *restartable) stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.srv != nil {
		r.srv.Close()
		r.srv = nil
	}
}

func (r *restartable) restart(t testing.TB, down time.Duration) {
	r.stop()
	time.Sleep(down) // the outage itself, not a wait for a result
	l, err := net.Listen("tcp", r.addr)
	if err != nil {
		t.Errorf("relisten on %s: %v", r.addr, err)
		return
	}
	r.serve(l)
}

// syncBuffer is a buffer written by the watch's goroutine and read by the test.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

type runningWatch struct {
	cancel context.CancelFunc
	done   chan error
	log    *syncBuffer
	addr   string
}

func (w *watchWorld) start(interval time.Duration) *runningWatch {
	w.t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	rw := &runningWatch{cancel: cancel, done: make(chan error, 1), log: &syncBuffer{}}
	listening := make(chan string, 1)
	hc := w.graph.Client()
	hc.Timeout = 30 * time.Second
	env := map[string]string{"SMTP_PW": watchSMTPPassword}
	opts := &WatchOptions{IO: &IOStreams{In: strings.NewReader(""), Out: &syncBuffer{}, ErrOut: rw.log}, Config: &w.cfg,
		HTTPClient: hc, Now: time.Now, Getenv: func(k string) string { return env[k] }, Token: staticToken{EmulatorToken, "test"},
		Interval: interval, FullEvery: time.Hour, Listen: "127.0.0.1:0", LogFormat: "json", Workers: 4, MaxDeactivations: 100,
		EntraSecret: watchEntraSecret, MailTLS: &notify.EmailConfig{TLSConfig: w.relay.ClientTLS, Timeout: 10 * time.Second},
		Listening: func(a string) { listening <- a }}
	go func() { rw.done <- watchRun(ctx, opts) }()
	select {
	case rw.addr = <-listening:
	case err := <-rw.done:
		w.t.Fatalf("watch ended at once: %v", err)
	}
	w.t.Cleanup(func() { rw.stop(w.t) })
	return rw
}

// stop interrupts the watch and returns what it returned.
func (rw *runningWatch) stop(t testing.TB) error {
	rw.cancel()
	select {
	case err, ok := <-rw.done:
		if ok {
			close(rw.done)
		}
		return err
	case <-time.After(30 * time.Second):
		t.Fatalf("watch did not stop within 30s after the interrupt\n%s", rw.log)
	}
	return nil
}

// waitFor polls cond until it holds or the deadline passes.
func waitFor(t testing.TB, within time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(within)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waited %s for %s", within, what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// state opens the profile's state beside the running watch.
func (w *watchWorld) state() *store.Store {
	w.t.Helper()
	st, err := openStore(context.Background(), &w.cfg)
	if err != nil {
		w.t.Fatal(err)
	}
	w.t.Cleanup(func() { st.Close() })
	return st
}

func finishedRuns(t testing.TB, st *store.Store) []store.Run {
	t.Helper()
	runs, err := st.Runs(context.Background(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	var out []store.Run
	for _, r := range runs {
		if !r.Finished.IsZero() {
			out = append(out, r)
		}
	}
	return out
}

func watchCycleRecord(t testing.TB, st *store.Store) watchCycle {
	t.Helper()
	v, ok, err := st.Get(context.Background(), statusWatchKey)
	if err != nil {
		t.Fatal(err)
	}
	var c watchCycle
	if ok {
		if err := json.Unmarshal([]byte(v), &c); err != nil {
			t.Fatalf("watch.cycle %q: %v", v, err)
		}
	}
	return c
}

func slackUser(s *slackscim.Org, externalID string) (slackscim.UserSnapshot, bool) {
	for _, u := range s.Users() {
		if u.ExternalID == externalID {
			return u, true
		}
	}
	return slackscim.UserSnapshot{}, false
}

// linkedUser is an enabled directory user the first cycle provisioned.
func linkedUser(t testing.TB, w *watchWorld, st *store.Store, skip string) string {
	t.Helper()
	links, err := st.Links(context.Background(), "user")
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range w.tenant.UserIDs() {
		u, _ := w.tenant.User(id)
		if _, ok := links[id]; ok && u.AccountEnabled && id != skip {
			if su, ok := slackUser(w.slack, id); ok && su.Active {
				return id
			}
		}
	}
	t.Fatal("no provisioned, enabled user to change")
	return ""
}

func healthz(t testing.TB, addr string) (int, healthReport) {
	t.Helper()
	code, body := get(t, "http://"+addr+"/healthz")
	var r healthReport
	if err := json.Unmarshal([]byte(body), &r); err != nil {
		t.Fatalf("/healthz: %v: %s", err, body)
	}
	return code, r
}
