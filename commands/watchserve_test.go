package commands

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
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
