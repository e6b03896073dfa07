package commands

import (
	"flag"
	"net/http/httptest"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/slackprov/slackprov/emulator/slackscim"
)

// update rewrites the expected output of the scripts' `cmp` checks with
// what the commands print now: go test ./commands -run TestScripts -update.
// Review the diff before committing it.
var update = flag.Bool("update", false, "rewrite the files testdata/script's cmp checks compare with")

// TestMain lets the test binary act as `slackprov` in scripts and subprocesses.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"slackprov": func() { os.Exit(Main()) },
	})
}

// TestScripts runs the whole-command scenarios in testdata/script. Each
// script gets its own Slack emulator (rate limits on, clock ×100) at
// $SCIM_URL, the token in SLACKPROV_SLACK_TOKEN, and a private state dir.
//
// The scripts that sync (sync, apply) run again against an org reached over
// SCIM v1, and against one that answers unsupported_version on v2, where
// slackprov must move to v1 by itself.
func TestScripts(t *testing.T) {
	t.Run("v2", func(t *testing.T) { runScripts(t, scriptDialect{path: "/scim/v2/"}) })
	for _, d := range []scriptDialect{
		{name: "v1", path: "/scim/v1/"},
		{name: "v2-unsupported", path: "/scim/v2/", v2Unsupported: true},
	} {
		d.files = []string{"testdata/script/sync.txtar", "testdata/script/apply.txtar"}
		t.Run(d.name, func(t *testing.T) { runScripts(t, d) })
	}
}

// scriptDialect is how the scripts reach the emulated org; files limits
// the run to those scripts (all when empty).
type scriptDialect struct {
	name, path    string
	v2Unsupported bool
	files         []string
}

func runScripts(t *testing.T, d scriptDialect) {
	dir := "testdata/script"
	if len(d.files) > 0 {
		dir = ""
	}
	testscript.Run(t, testscript.Params{
		Dir:           dir,
		Files:         d.files,
		UpdateScripts: *update,
		Setup: func(env *testscript.Env) error {
			slack := slackscim.New(slackscim.Options{Token: EmulatorToken, TimeScale: 100, V2Unsupported: d.v2Unsupported})
			srv := httptest.NewServer(slack)
			env.Defer(srv.Close)
			env.Setenv("SCIM_URL", srv.URL+d.path)
			env.Setenv("SLACKPROV_SLACK_TOKEN", EmulatorToken)
			env.Setenv("XDG_STATE_HOME", env.WorkDir+"/state")
			env.Setenv("XDG_CONFIG_HOME", env.WorkDir+"/config")
			env.Setenv("NO_COLOR", "1")
			return nil
		},
		Cmds: map[string]func(ts *testscript.TestScript, neg bool, args []string){
			// expandenv FILE replaces $VARS in FILE with the script's environment.
			"expandenv": func(ts *testscript.TestScript, neg bool, args []string) {
				if neg || len(args) != 1 {
					ts.Fatalf("usage: expandenv FILE")
				}
				ts.Check(os.WriteFile(ts.MkAbs(args[0]), []byte(os.Expand(ts.ReadFile(args[0]), ts.Getenv)), 0o600))
			},
		},
	})
}
