package commands

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/notify"
	"github.com/slackprov/slackprov/notify/notifytest"
)

// runCmd runs one command built with newXCmd(f, runF) under a bare app,
// with global flags parsed as the real app does.
func runBareCmd(t *testing.T, f *Factory, cmd *cli.Command, args ...string) error {
	t.Helper()
	app := NewApp(f)
	app.Commands = []*cli.Command{cmd}
	return app.RunContext(context.Background(), append([]string{"slackprov"}, args...))
}

func TestNotifyTestCmdOptions(t *testing.T) {
	ios, _, _, _ := TestStreams()
	hc := &http.Client{}
	f := &Factory{IO: ios, HTTPClient: hc, Getenv: func(string) string { return "x" }}
	var got *NotifyTestOptions
	err := runBareCmd(t, f, newNotifyTestCmd(f, func(o *NotifyTestOptions) error { got = o; return nil }), "--profile", "ops", "test")
	if err != nil || got == nil {
		t.Fatalf("runF not reached: %v", err)
	}
	if got.IO != ios || got.HTTPClient != hc || got.Getenv("A") != "x" || got.Config == nil || f.Profile != "ops" {
		t.Errorf("options = %+v (profile %q)", got, f.Profile)
	}
}

func TestNotifyTestSendsOneOfEach(t *testing.T) {
	relay := notifytest.StartSMTP(t, "slackprov", "relay-password-42")
	hook := notifytest.StartWebhook(t)
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "cfg.yaml")
	body := "notify:\n  email:\n    to: [it@example.com]\n    from: slackprov@example.com\n    smtp: {host: 127.0.0.1, port: " +
		strconv.Itoa(relay.Port) + ", tls: starttls, username: slackprov, password_env: SMTP_PW}\n  webhook:\n    url_env: HOOK_URL\n"
	if err := os.WriteFile(cfgPath, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"SMTP_PW": "relay-password-42", "HOOK_URL": hook.URL + "/secret-path"}
	ios, _, out, _ := TestStreams()
	opts := &NotifyTestOptions{IO: ios, Getenv: func(k string) string { return env[k] }, HTTPClient: hook.Client(),
		Config:  func() (*Config, error) { return LoadConfig(cfgPath, "default", true) },
		MailTLS: &notify.EmailConfig{TLSConfig: relay.ClientTLS, Timeout: 10 * time.Second}}
	if err := notifyTestRun(context.Background(), opts); err != nil {
		t.Fatalf("notify test: %v\n%s", err, out)
	}
	mails := relay.Wait(t, 1, 10*time.Second)
	if !mails[0].TLS || !strings.Contains(mails[0].Data, "test notification") || len(hook.Bodies()) != 1 {
		t.Errorf("mails %+v, webhook posts %d", mails, len(hook.Bodies()))
	}
	if want := "✓ email to it@example.com\n✓ webhook (json)\n"; out.String() != want {
		t.Errorf("output %q, want %q", out, want)
	}
	env["SMTP_PW"] = "wrong-password"
	out.Reset()
	err := notifyTestRun(context.Background(), opts)
	if err == nil || !strings.Contains(out.String(), "✗ email to it@example.com") || !strings.Contains(out.String(), "✓ webhook") {
		t.Errorf("a refused login: err=%v\n%s", err, out)
	}
	if strings.Contains(out.String(), "secret-path") || strings.Contains(out.String(), "wrong-password") {
		t.Errorf("output shows a secret:\n%s", out)
	}
	delete(env, "SMTP_PW")
	if err := notifyTestRun(context.Background(), opts); err == nil || !strings.Contains(err.Error(), "password_env names SMTP_PW, which is not set") {
		t.Errorf("an unset password variable: %v", err)
	}
}
