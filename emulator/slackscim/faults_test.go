package slackscim

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"testing"
)

func TestSlackFaultsBeforeProcessing(t *testing.T) {
	tests := []struct {
		name    string
		faults  Faults
		wantErr bool // the client sees a transport error, not a response
		status  int
		stat    func(Stats) int
	}{
		{"error rate", Faults{ErrorRate: 1}, false, 500, func(s Stats) int { return s.InjectedErrors }},
		{"drop rate", Faults{DropRate: 1}, true, 0, func(s Stats) int { return s.Dropped }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestSlack(t, Options{Faults: tt.faults})
			r, err := c.send("POST", "/scim/v2/Users", userBody("amy", "amy@example.com"))
			if tt.wantErr {
				if err == nil {
					t.Fatalf("expected a dropped connection, got %d %s", r.status, r.raw)
				}
			} else {
				expectError(t, r, tt.status, "internal_error")
				if r.body["schemas"].([]any)[0] != scimErrorSchema {
					t.Errorf("500 body is not a v2 error: %s", r.raw)
				}
			}
			if n := len(c.slack.Users()); n != 0 {
				t.Fatalf("a faulted request must do nothing; %d users exist", n)
			}
			if got := tt.stat(c.slack.Stats()); got != 1 {
				t.Fatalf("fault counter = %d, want 1", got)
			}
		})
	}
}

func TestSlackDropAfterWriteAppliesTheWrite(t *testing.T) {
	c := newTestSlack(t, Options{Faults: Faults{DropAfterWriteRate: 1}})
	if r, err := c.send("POST", "/scim/v2/Users", userBody("amy", "amy@example.com")); err == nil {
		t.Fatalf("expected the response to be lost, got %d %s", r.status, r.raw)
	}
	users := c.slack.Users()
	if len(users) != 1 || users[0].UserName != "amy" {
		t.Fatalf("the create must have happened: %+v", users)
	}
	// Reads are not writes: they are answered.
	r := c.do("GET", "/scim/v2/Users?filter="+urlQuery(`userName eq "amy"`), "")
	if r.status != 200 || r.body["totalResults"] != float64(1) {
		t.Fatalf("lookup after lost create: %d %s", r.status, r.raw)
	}
	// A retried create now collides, which is what a client must handle.
	c.slack.SetFaults(Faults{})
	expectError(t, c.do("POST", "/scim/v2/Users", userBody("amy", "amy@example.com")), http.StatusConflict, "username_taken")
	if st := c.slack.Stats(); st.DroppedAfterWrite != 1 || st.AppliedWrites != 1 {
		t.Fatalf("stats: %+v", st)
	}
}

func TestSlackFaultsAreReproducibleWithSeededRand(t *testing.T) {
	run := func() string {
		c := newTestSlack(t, Options{Faults: Faults{ErrorRate: 0.3, Rand: rand.New(rand.NewPCG(7, 11))}})
		out := ""
		for range 60 {
			out += fmt.Sprint(c.do("GET", "/scim/v2/Users", "").status / 100)
		}
		if st := c.slack.Stats(); st.InjectedErrors == 0 || st.InjectedErrors == 60 {
			t.Fatalf("ErrorRate 0.3 gave %d errors in 60 requests", st.InjectedErrors)
		}
		return out
	}
	if a, b := run(), run(); a != b {
		t.Fatalf("same seed, different outcomes:\n%s\n%s", a, b)
	}
}
