package commands

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/store"
)

func TestResumeCmdOptions(t *testing.T) {
	ios, _, _, _ := TestStreams()
	f := &Factory{IO: ios}
	var got *ResumeOptions
	if err := runBareCmd(t, f, newResumeCmd(f, func(o *ResumeOptions) error { got = o; return nil }), "resume"); err != nil || got == nil {
		t.Fatalf("runF not reached: %v", err)
	}
	if got.IO != ios || got.Config == nil {
		t.Errorf("options = %+v", got)
	}
}

func TestResumeLiftsQuarantine(t *testing.T) {
	ctx := context.Background()
	cfg := defaultConfig()
	cfg.Profile = "prod"
	cfg.StateDir = filepath.Join(t.TempDir(), "state")
	st, err := openStore(ctx, &cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SetQuarantine(ctx, store.QuarantineCredentials, "Slack answered invalid_authentication"); err != nil {
		t.Fatal(err)
	}
	// A running watch holds the run lock: resume must not need it.
	unlock, err := st.Lock()
	if err != nil {
		t.Fatal(err)
	}
	defer unlock()
	ios, _, out, _ := TestStreams()
	opts := &ResumeOptions{IO: ios, Config: func() (*Config, error) { return &cfg, nil }}
	if err := resumeRun(ctx, opts); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), `Lifted the quarantine of profile "prod" (credentials since`) || !strings.Contains(out.String(), "invalid_authentication") {
		t.Errorf("output:\n%s", out)
	}
	if q, err := st.Quarantine(ctx); q != nil || err != nil {
		t.Errorf("still quarantined: %+v, %v", q, err)
	}
	out.Reset()
	if err := resumeRun(ctx, opts); err != nil || !strings.Contains(out.String(), "not quarantined; nothing to do") {
		t.Errorf("second resume: %v\n%s", err, out)
	}
	st.Close()
}
