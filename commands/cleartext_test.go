package commands

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/wire/wiretest"
)

// A config pointing Slack at plain http elsewhere stops every command that
// would send the token, before a request is made, naming the URL and the rule.
func TestNoCommandSendsTheTokenInClear(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "cfg.yaml")
	body := "slack:\n  scim_url: http://slack.example:8080/scim/v2/\nsource:\n  type: file\n  file:\n    path: people.json\nstate_dir: state\n"
	if err := os.WriteFile(cfg, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{{"sync", "--dry-run"}, {"sync", "--yes"}, {"test-connection"}, {"logout"}} {
		rec := &wiretest.Network{}
		ios, _, _, errOut := TestStreams()
		f := &Factory{IO: ios, HTTPClient: rec.Client(), Now: time.Now, OpenBrowser: func(string) error { return nil },
			Getenv: func(k string) string {
				if k == "SLACKPROV_SLACK_TOKEN" {
					return "xoxp-secret-token"
				}
				return ""
			}}
		code := Run(context.Background(), f, append([]string{"slackprov", "--config", cfg}, args...))
		want := "slack.scim_url: refusing http://slack.example:8080/scim/v2/: a token must not travel in clear: use https"
		if code == ExitOK || !strings.Contains(errOut.String(), want) {
			t.Errorf("%q: exit %d, stderr %q; want %q", args, code, errOut.String(), want)
		}
		if len(rec.Requests()) != 0 {
			t.Errorf("%q sent requests: %v", args, rec.Requests())
		}
		if strings.Contains(errOut.String(), "xoxp-secret-token") {
			t.Errorf("%q printed the token", args)
		}
	}
}
