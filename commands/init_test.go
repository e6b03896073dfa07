package commands

import (
	"encoding/json"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/auth"
	"github.com/slackprov/slackprov/emulator/entraid"
	"github.com/slackprov/slackprov/emulator/sampledir"
)

// TestInitNonInteractiveThenTestConnection writes a config with
// `init --non-interactive` for each source and checks that test-connection
// accepts it against the Slack and Entra emulators.
func TestInitNonInteractiveThenTestConnection(t *testing.T) {
	t.Setenv("AZURE_CLIENT_SECRET", "test-secret")
	// The config init writes keeps its state in the default place, which
	// must not be this machine's own.
	t.Setenv("XDG_STATE_HOME", t.TempDir())
	tenant := entraid.NewSample(entraid.Options{TenantID: "t1", ClientID: "c1", ClientSecret: "test-secret"},
		sampledir.JSON(sampledir.Options{Users: 5, Groups: 1, Seed: 3}))
	graph := httptest.NewUnstartedServer(tenant)
	graph.StartTLS()
	t.Cleanup(graph.Close)

	for _, tc := range []struct {
		name string
		args func(w *authWorld) []string
	}{
		{"file", func(w *authWorld) []string {
			return []string{"--source", "file", "--file", filepath.Join(w.dir, "people.json")}
		}},
		{"entra", func(*authWorld) []string {
			return []string{"--source", "entra", "--tenant-id", "t1", "--entra-client-id", "c1", "--entra-app-id", tenant.AppID(),
				"--graph-url", graph.URL, "--authority-host", graph.URL}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newAuthWorld(t, "")
			w.env[auth.EnvToken] = authMintToken(t, w)
			w.config = filepath.Join(t.TempDir(), "new", "config.yaml")
			ios, _, out, errOut := TestStreams()
			f := &Factory{IO: ios, HTTPClient: graph.Client(), Now: w.now, Getenv: func(k string) string { return w.env[k] }}
			args := append([]string{"slackprov", "--config", w.config, "init", "--non-interactive",
				"--slack-client-id", authTestClientID, "--max-deactivations", "7",
				"--scim-url", w.server.URL + "/scim/v2/", "--api-url", w.server.URL + "/api/"}, tc.args(w)...)
			if code := Run(t.Context(), f, args); code != 0 {
				t.Fatalf("init exit %d\n%s\n%s", code, out, errOut)
			}
			for _, want := range []string{"authorize", "test-connection", "sync --dry-run"} {
				if !strings.Contains(out.String(), "--config "+w.config+" "+want) {
					t.Errorf("init does not end with `%s`:\n%s", want, out)
				}
			}
			data, err := os.ReadFile(w.config)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(data), "max_deactivations: 7") || !strings.Contains(string(data), "# ") {
				t.Errorf("config lacks the threshold or comments:\n%s", data)
			}

			ios, _, out, errOut = TestStreams()
			f = &Factory{IO: ios, HTTPClient: graph.Client(), Now: w.now, Getenv: func(k string) string { return w.env[k] }}
			if code := Run(t.Context(), f, []string{"slackprov", "--config", w.config, "test-connection", "--output", "json"}); code != 0 {
				t.Fatalf("test-connection on the written config: exit %d\n%s\n%s\nconfig:\n%s", code, out, errOut, data)
			}
			var rep struct{ OK bool }
			if err := json.Unmarshal(out.Bytes(), &rep); err != nil || !rep.OK {
				t.Fatalf("report: %v\n%s", err, out)
			}

			// A second init does not overwrite the file unless asked.
			ios, _, _, _ = TestStreams()
			f.IO = ios
			if code := Run(t.Context(), f, args); code == 0 {
				t.Error("init replaced an existing config without --force")
			}
		})
	}
}

func TestInitRefusals(t *testing.T) {
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"--non-interactive"}, "needs --source"},
		{[]string{"--non-interactive", "--source", "entra", "--tenant-id", "t"}, "--entra-app-id, --entra-client-id"},
		{[]string{"--non-interactive", "--source", "file"}, "needs --file"},
		{[]string{"--non-interactive", "--source", "file", "--file", "p.json", "--max-deactivations", "many"}, "--max-deactivations"},
		{nil, "pass --non-interactive"},
	} {
		ios, _, _, errOut := TestStreams()
		f := &Factory{IO: ios, Getenv: func(string) string { return "" }}
		cfg := filepath.Join(t.TempDir(), "config.yaml")
		code := Run(t.Context(), f, append([]string{"slackprov", "--config", cfg, "init"}, tc.args...))
		if code == 0 || !strings.Contains(errOut.String(), tc.want) {
			t.Errorf("init %v: exit %d, want %q in %s", tc.args, code, tc.want, errOut)
		}
		if _, err := os.Stat(cfg); err == nil {
			t.Errorf("init %v wrote a config although it failed", tc.args)
		}
	}
}

// TestMissingConfigIsOneLine: any command that needs the config says, in
// one line, where it looked and to run init.
func TestMissingConfigIsOneLine(t *testing.T) {
	for _, args := range [][]string{{"sync", "--dry-run"}, {"test-connection"}, {"logs"}, {"mappings", "show"}, {"authorize"}} {
		ios, _, _, errOut := TestStreams()
		f := &Factory{IO: ios, Getenv: func(string) string { return "" }}
		cfg := filepath.Join(t.TempDir(), "config.yaml")
		code := Run(t.Context(), f, append([]string{"slackprov", "--config", cfg}, args...))
		want := "error: no config file at " + cfg + ": run `slackprov init` to create one (or pass --config FILE)\n"
		if code != ExitError || errOut.String() != want {
			t.Errorf("%v: exit %d, stderr %q, want %q", args, code, errOut, want)
		}
	}
}

// TestRefusedEnvTokenSaysChangeTheVariable: a token from
// SLACKPROV_SLACK_TOKEN that Slack refuses is fixed by changing the
// variable; authorizing again would not help while it is set.
func TestRefusedEnvTokenSaysChangeTheVariable(t *testing.T) {
	w := newAuthWorld(t, "")
	w.env[auth.EnvToken] = "xoxp-not-issued"
	code, out, errOut := w.run("", nil, "test-connection")
	if code != ExitAuth || !strings.Contains(out, "fix: change SLACKPROV_SLACK_TOKEN to a valid Slack user token") || strings.Contains(out, "authorize` again") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
}
