package auth

import (
	"regexp"
	"testing"
)

func TestChallengeMatchesSlackExample(t *testing.T) {
	// The example from Slack's "Using PKCE" page.
	if got, want := Challenge("secretpassword"), "ldMBaaWcQYtSATMV_IG8mf3wp7A6EW80arYoSW80ntU"; got != want {
		t.Fatalf("Challenge(secretpassword) = %q, want %q", got, want)
	}
}

func TestNewVerifierIsRFC7636AndRandom(t *testing.T) {
	valid := regexp.MustCompile(`^[A-Za-z0-9\-._~]{43,128}$`)
	seen := map[string]bool{}
	for range 50 {
		v, err := NewVerifier()
		if err != nil {
			t.Fatal(err)
		}
		if !valid.MatchString(v) {
			t.Fatalf("verifier %q is not a valid RFC 7636 code verifier", v)
		}
		if seen[v] {
			t.Fatalf("verifier %q repeated", v)
		}
		seen[v] = true
		if c := Challenge(v); len(c) != 43 {
			t.Fatalf("challenge %q has length %d, want 43", c, len(c))
		}
	}
}
