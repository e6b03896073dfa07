package commands

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/emulator/slackscim"
)

// A token that reads but is refused once the writes start (revoked between
// plan and apply) stops with exit 4 and still says where the token came from.
func TestApplyTime401SaysWhereTheTokenCameFrom(t *testing.T) {
	slack := slackscim.New(slackscim.Options{Token: EmulatorToken, TimeScale: 100})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// auth.test (a POST of the Web API) still passes: the SCIM writes
		// are what the revoked token fails.
		if r.Method != http.MethodGet && strings.Contains(r.URL.Path, "/scim/") {
			r.Header.Del("Authorization")
		}
		slack.ServeHTTP(w, r)
	}))
	defer srv.Close()
	e := &syncEnv{t: t, dir: t.TempDir(), slack: slack, token: EmulatorToken}
	e.cfg = filepath.Join(e.dir, "cfg.yaml")
	e.write("cfg.yaml", fmt.Sprintf("slack:\n  scim_url: %s/scim/v2/\n  rate_share: 80\nsource:\n  type: file\n  file:\n    path: people.json\nstate_dir: state\n", srv.URL))
	e.people(3, 0)
	code, _, stderr := e.run("sync", "--yes")
	if code != ExitAuth || !strings.Contains(stderr, "Slack refuses the token in SLACKPROV_SLACK_TOKEN") || !strings.Contains(stderr, "change SLACKPROV_SLACK_TOKEN") {
		t.Fatalf("exit %d, want %d with the token's source named:\n%s", code, ExitAuth, stderr)
	}
}
