package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// watchMetrics are what `watch --listen` exposes at /metrics.
type watchMetrics struct {
	reg           *prometheus.Registry
	cycles        *prometheus.CounterVec
	operations    *prometheus.CounterVec
	pending       prometheus.Gauge
	rateWait      prometheus.Counter
	requests      *prometheus.CounterVec
	lastSuccess   prometheus.Gauge
	quarantined   prometheus.Gauge
	cycleDuration prometheus.Gauge
}

func newWatchMetrics() *watchMetrics {
	m := &watchMetrics{
		reg: prometheus.NewRegistry(),
		cycles: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "slackprov_cycles_total",
			Help: "Watch cycles by mode (full, incremental) and outcome (ok, failed, safety_stop, quarantined, error)."}, []string{"mode", "outcome"}),
		operations: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "slackprov_operations_total",
			Help: "Operations applied to Slack by object kind, action and outcome (ok, failed, skipped)."}, []string{"kind", "action", "outcome"}),
		pending: prometheus.NewGauge(prometheus.GaugeOpts{Name: "slackprov_pending_failures",
			Help: "Objects whose last operation failed and that later cycles retry."}),
		rateWait: prometheus.NewCounter(prometheus.CounterOpts{Name: "slackprov_rate_limit_wait_seconds_total",
			Help: "Seconds spent waiting on Slack's rate limits and Retry-After."}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "slackprov_requests_total",
			Help: "HTTP requests sent, by service (slack, graph)."}, []string{"service"}),
		lastSuccess: prometheus.NewGauge(prometheus.GaugeOpts{Name: "slackprov_last_success_timestamp_seconds",
			Help: "Unix time at which the last cycle completed without failures."}),
		quarantined: prometheus.NewGauge(prometheus.GaugeOpts{Name: "slackprov_quarantined",
			Help: "1 while the profile is in quarantine (reads continue, writes stop)."}),
		cycleDuration: prometheus.NewGauge(prometheus.GaugeOpts{Name: "slackprov_last_cycle_duration_seconds",
			Help: "How long the last cycle took."}),
	}
	m.reg.MustRegister(m.cycles, m.operations, m.pending, m.rateWait, m.requests, m.lastSuccess, m.quarantined, m.cycleDuration,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, s := range []string{"slack", "graph"} {
		m.requests.WithLabelValues(s)
	}
	return m
}

// watchHealth is what /healthz reports: unhealthy in quarantine, or when
// no cycle has completed for staleAfter.
type watchHealth struct {
	now        func() time.Time
	staleAfter time.Duration

	mu         sync.Mutex
	started    time.Time
	lastCycle  time.Time
	quarantine string // "reason: message", empty when not quarantined
}

type healthReport struct {
	Healthy    bool      `json:"healthy"`
	Reason     string    `json:"reason,omitempty"`
	LastCycle  time.Time `json:"last_cycle,omitzero"`
	Quarantine string    `json:"quarantine,omitempty"`
}

func (h *watchHealth) cycleDone(quarantine string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.lastCycle, h.quarantine = h.now(), quarantine
}

func (h *watchHealth) setQuarantine(q string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.quarantine = q
}

func (h *watchHealth) report() healthReport {
	h.mu.Lock()
	defer h.mu.Unlock()
	r := healthReport{Healthy: true, LastCycle: h.lastCycle, Quarantine: h.quarantine}
	since := h.lastCycle
	if since.IsZero() {
		since = h.started
	}
	switch {
	case h.quarantine != "":
		r.Healthy, r.Reason = false, "quarantined: "+h.quarantine
	case h.now().Sub(since) > h.staleAfter:
		r.Healthy, r.Reason = false, fmt.Sprintf("no cycle completed for %s", h.now().Sub(since).Round(time.Second))
	}
	return r
}

func (h *watchHealth) ServeHTTP(w http.ResponseWriter, _ *http.Request) {
	r := h.report()
	w.Header().Set("Content-Type", "application/json")
	if !r.Healthy {
		w.WriteHeader(http.StatusServiceUnavailable)
	}
	_ = json.NewEncoder(w).Encode(r)
}

// serveWatch listens on addr for /healthz and /metrics until ctx ends;
// it returns the bound address (addr may ask for port 0).
func serveWatch(ctx context.Context, addr string, h *watchHealth, m *watchMetrics) (string, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("--listen %s: %w", addr, err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET /healthz", h)
	mux.Handle("GET /metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(l) }() // ends with ErrServerClosed at Shutdown
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	return l.Addr().String(), nil
}
