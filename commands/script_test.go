package commands

import (
	"net/http/httptest"
	"os"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/slackprov/slackprov/emulator"
)

// TestMain lets the test binary act as `slackprov` in scripts and subprocesses.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"slackprov": func() { os.Exit(Main()) },
	})
}

// TestScripts runs the whole-command scenarios in testdata/script. Each
// script gets its own Slack emulator (rate limits on, clock ×100) at
// $SCIM_URL, the token in SLACKPROV_SLACK_TOKEN, and a private state dir.
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir: "testdata/script",
		Setup: func(env *testscript.Env) error {
			slack := emulator.NewSlack(emulator.SlackOptions{Token: EmulatorToken, TimeScale: 100})
			srv := httptest.NewServer(slack)
			env.Defer(srv.Close)
			env.Setenv("SCIM_URL", srv.URL+"/scim/v2/")
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
