package wire

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

func TestCheckRawURL(t *testing.T) {
	tests := []struct {
		url string
		ok  bool
	}{
		{"https://api.slack.com/scim/v2/", true},
		{"HTTPS://graph.microsoft.com", true},
		{"http://127.0.0.1:8080/scim/v2/", true},
		{"http://127.9.9.9/", true},
		{"http://localhost:53682/callback", true},
		{"http://LOCALHOST/", true},
		{"http://[::1]:9000/", true},
		{"http://slack.example:8080/scim/v2/", false},
		{"http://10.0.0.1/", false},
		{"http://localhost.evil.example/", false},
		{"http://127.0.0.1.evil.example/", false},
		{"http://[::ffff:10.0.0.1]/", false},
		{"ftp://127.0.0.1/", false},
		{"ws://localhost/", false},
	}
	for _, tt := range tests {
		err := CheckRawURL(tt.url)
		if (err == nil) != tt.ok {
			t.Errorf("%s: err = %v, want ok=%v", tt.url, err, tt.ok)
		}
		if err != nil && !errors.Is(err, ErrCleartext) {
			t.Errorf("%s: %v does not carry ErrCleartext", tt.url, err)
		}
		if err != nil && !strings.Contains(err.Error(), "use https") {
			t.Errorf("%s: the error does not state the rule: %v", tt.url, err)
		}
	}
}

func TestCheckToken(t *testing.T) {
	for tok, ok := range map[string]bool{
		"xoxp-123-abc":    true,
		"xoxp-123\n":      false,
		"xoxp-1\r2":       false,
		"xoxp\x00":        false,
		"xoxp-\x7f":       false,
		"xoxp-tab\there":  false,
		"xoxp-ünïcødé-ok": true,
	} {
		err := CheckToken(tok)
		if (err == nil) != ok {
			t.Errorf("%q: err = %v, want ok=%v", tok, err, ok)
		}
		if err != nil && strings.Contains(err.Error(), "xoxp") {
			t.Errorf("%q: the error shows the token: %v", tok, err)
		}
	}
}

// recorder stands for the network: it notes every request that got past
// the guard and answers it without sending anything anywhere.
type recorder struct {
	mu   sync.Mutex
	seen []string
	next http.Handler
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	r.mu.Lock()
	r.seen = append(r.seen, req.URL.String())
	r.mu.Unlock()
	w := httptest.NewRecorder()
	r.next.ServeHTTP(w, req)
	return w.Result(), nil
}

// A redirect from an allowed URL to plain http elsewhere is refused too:
// the token would follow it on a same-host redirect.
func TestGuardRefusesCleartextRedirects(t *testing.T) {
	rec := &recorder{next: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://slack.example/scim/v2/Users", http.StatusFound)
	})}
	hc := Guard(&http.Client{Transport: rec})
	req, _ := http.NewRequest("GET", "https://api.slack.com/scim/v2/Users", nil)
	req.Header.Set("Authorization", "Bearer xoxp-secret")
	_, err := hc.Do(req)
	if !errors.Is(err, ErrCleartext) || !strings.Contains(err.Error(), "http://slack.example/scim/v2/Users") {
		t.Fatalf("err = %v, want a refusal naming the URL", err)
	}
	if len(rec.seen) != 1 || rec.seen[0] != "https://api.slack.com/scim/v2/Users" {
		t.Fatalf("requests that reached the network: %v", rec.seen)
	}
	if Guard(hc).Transport != hc.Transport {
		t.Error("guarding a guarded client wraps it twice")
	}
}
