package notifytest

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// Webhook is an HTTP receiver keeping every body posted to it; it answers
// Status (default 200).
type Webhook struct {
	*httptest.Server
	Status int

	mu     sync.Mutex
	bodies []string
}

// StartWebhook starts a receiver that stops when the test ends.
func StartWebhook(t testing.TB) *Webhook {
	h := &Webhook{Status: http.StatusOK}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		h.mu.Lock()
		h.bodies = append(h.bodies, string(b))
		status := h.Status
		h.mu.Unlock()
		w.WriteHeader(status)
	}))
	t.Cleanup(h.Close)
	return h
}

// Bodies returns what was posted so far.
func (h *Webhook) Bodies() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.bodies...)
}

// NoSecrets fails the test when text contains any of secrets.
func NoSecrets(t testing.TB, where, text string, secrets ...string) {
	t.Helper()
	for _, s := range secrets {
		if s != "" && strings.Contains(text, s) {
			t.Errorf("%s carries a secret (%q):\n%s", where, s, text)
		}
	}
}
