package scim

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// A 401 after the token source has rotated the token (the refresh landed
// while the request was on its way) is retried once with the new token; a
// 401 for the current token is final.
func TestUnauthorizedRetriesOnceWithARotatedToken(t *testing.T) {
	var calls atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		if r.Header.Get("Authorization") != "Bearer new" {
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"invalid_authentication","status":401}`))
			return
		}
		w.Write([]byte(`{"id":"U1","userName":"a"}`))
	}))
	defer srv.Close()

	for _, tc := range []struct {
		name   string
		tokens []string
		ok     bool
		calls  int32
	}{
		{"rotated meanwhile", []string{"old", "new"}, true, 2},
		{"still the same token", []string{"old", "old"}, false, 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls.Store(0)
			var n atomic.Int32
			c, err := New(Options{BaseURL: srv.URL + "/scim/v2/", RateShare: 100, TokenFunc: func(context.Context) (string, error) {
				i := int(n.Add(1)) - 1
				return tc.tokens[min(i, len(tc.tokens)-1)], nil
			}})
			if err != nil {
				t.Fatal(err)
			}
			_, err = c.GetUser(context.Background(), "U1")
			if (err == nil) != tc.ok || calls.Load() != tc.calls {
				t.Fatalf("err = %v after %d requests; want ok=%v after %d", err, calls.Load(), tc.ok, tc.calls)
			}
			if !tc.ok && !IsAuth(err) {
				t.Errorf("a final 401 must be a credentials error: %v", err)
			}
		})
	}
}
