package commands

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

func get(t testing.TB, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func TestHealthAndMetricsEndpoints(t *testing.T) {
	now := time.Date(2026, 11, 26, 6, 0, 0, 0, time.UTC)
	h := &watchHealth{now: func() time.Time { return now }, staleAfter: 10 * time.Minute, started: now}
	m := newWatchMetrics()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	addr, err := serveWatch(ctx, "127.0.0.1:0", h, m)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr
	steps := []struct {
		name    string
		do      func()
		code    int
		inBody  string
		healthy bool
	}{
		{"starting", func() {}, 200, "", true},
		{"no cycle for too long", func() { now = now.Add(11 * time.Minute) }, 503, "no cycle completed for 11m0s", false},
		{"a cycle completed", func() { h.cycleDone("") }, 200, "", true},
		{"quarantined", func() { h.setQuarantine("credentials: Slack refused the token") }, 503, "quarantined: credentials", false},
		{"lifted", func() { h.cycleDone("") }, 200, "", true},
	}
	for _, s := range steps {
		s.do()
		code, body := get(t, base+"/healthz")
		var r healthReport
		if err := json.Unmarshal([]byte(body), &r); err != nil {
			t.Fatalf("%s: %v: %s", s.name, err, body)
		}
		if code != s.code || r.Healthy != s.healthy || !strings.Contains(r.Reason, s.inBody) {
			t.Errorf("%s: %d %s", s.name, code, body)
		}
	}
	m.cycles.WithLabelValues("incremental", "ok").Inc()
	m.operations.WithLabelValues("user", "update", "ok").Add(2)
	m.requests.WithLabelValues("graph").Add(3)
	code, body := get(t, base+"/metrics")
	for _, want := range []string{
		`slackprov_cycles_total{mode="incremental",outcome="ok"} 1`,
		`slackprov_operations_total{action="update",kind="user",outcome="ok"} 2`,
		`slackprov_requests_total{service="graph"} 3`,
		`slackprov_requests_total{service="slack"} 0`,
		"slackprov_pending_failures 0", "slackprov_rate_limit_wait_seconds_total 0", "slackprov_last_success_timestamp_seconds",
	} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q (status %d)", want, code)
		}
	}
	cancel()
}

func TestWatchCmdOptions(t *testing.T) {
	dir := t.TempDir()
	cfgPath := dir + "/cfg.yaml"
	if err := os.WriteFile(cfgPath, []byte("state_dir: st\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	ios, _, _, _ := TestStreams()
	f := &Factory{IO: ios, Now: time.Now, Getenv: func(string) string { return "" }}
	var got *WatchOptions
	cmd := newWatchCmd(f, func(o *WatchOptions) error { got = o; return nil })
	err := runBareCmd(t, f, cmd, "--config", cfgPath, "watch", "--interval", "45s", "--full-every", "6h",
		"--listen", "127.0.0.1:9464", "--log-format", "json", "--max-deactivations", "7", "--workers", "2")
	if err != nil || got == nil {
		t.Fatalf("runF not reached: %v", err)
	}
	if got.Interval != 45*time.Second || got.FullEvery != 6*time.Hour || got.Listen != "127.0.0.1:9464" || got.LogFormat != "json" ||
		got.MaxDeactivations != 7 || got.Workers != 2 || got.Config == nil || got.Token == nil || got.IO != ios {
		t.Errorf("options = %+v", got)
	}
	got = nil
	if err := runBareCmd(t, f, cmd, "--config", cfgPath, "watch"); err != nil || got.Interval != 2*time.Minute || got.FullEvery != 24*time.Hour ||
		got.LogFormat != "text" || got.MaxDeactivations != -1 || got.Workers != 4 || got.Listen != "" {
		t.Errorf("defaults: %v %+v", err, got)
	}
}

func TestWatchRefusesBadOptions(t *testing.T) {
	cfg := defaultConfig()
	ios, _, _, _ := TestStreams()
	for _, tt := range []struct {
		opts WatchOptions
		want string
	}{
		{WatchOptions{LogFormat: "xml", Interval: time.Minute, FullEvery: time.Hour}, `--log-format "xml": use text or json`},
		{WatchOptions{LogFormat: "text", Interval: time.Hour, FullEvery: time.Minute}, "--full-every 1m0s is shorter than --interval 1h0m0s"},
	} {
		tt.opts.IO, tt.opts.Config = ios, &cfg
		if err := watchRun(context.Background(), &tt.opts); err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("err = %v, want %q", err, tt.want)
		}
	}
}
