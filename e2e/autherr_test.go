package e2e

import (
	"context"
	"errors"
	. "github.com/slackprov/slackprov/provision"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/scim"
	"github.com/slackprov/slackprov/store"
)

// A 401 during apply stops the run with ErrAuth and keeps Slack's answer in
// the chain, so the command can still say where the token came from.
func TestApplyAuthFailureKeepsTheSCIMError(t *testing.T) {
	srv := httptest.NewServer(slackscim.New(slackscim.Options{Token: testToken}))
	defer srv.Close()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "state.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p := Build(Input{Snapshot: company(3, 0), Source: "test", Mapping: defaults(t), MaxDeactivations: 50, Now: time.Now()})
	revoked, err := scim.New(scim.Options{BaseURL: srv.URL + "/scim/v2/", Token: "xoxp-revoked"})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Apply(context.Background(), p, ApplyOptions{Client: revoked, Store: st, Workers: 1})
	if !errors.Is(err, ErrAuth) {
		t.Fatalf("err = %v, want ErrAuth", err)
	}
	if !scim.IsAuth(err) {
		t.Fatalf("the SCIM 401 left the chain: %v", err)
	}
}
