package entra

import (
	"errors"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/wire"
)

// Graph requests carry a bearer token: plain http is refused unless Graph
// stands on this machine (an emulator).
func TestGraphURLMustNotSendTheTokenInClear(t *testing.T) {
	opts := Options{TenantID: "t", ClientID: "c", ClientSecret: "s", Scope: scopeAll}
	opts.GraphURL = "http://graph.example/v1.0"
	_, err := New(opts)
	if !errors.Is(err, wire.ErrCleartext) || !strings.Contains(err.Error(), "http://graph.example") {
		t.Fatalf("err = %v, want the cleartext rule naming the URL", err)
	}
	opts.GraphURL = "http://127.0.0.1:9/v1.0"
	if _, err := New(opts); err != nil {
		t.Fatalf("loopback Graph refused: %v", err)
	}
}
