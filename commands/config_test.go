package commands

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(body string) string {
		p := filepath.Join(dir, "cfg.yaml")
		if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name     string
		body     string
		profile  string
		explicit bool
		missing  bool
		check    func(t *testing.T, c *Config)
		wantErr  string
	}{
		{name: "defaults when the default file is missing", missing: true, profile: "default",
			check: func(t *testing.T, c *Config) {
				if c.Slack.SCIMURL != "https://api.slack.com/scim/v2/" || c.MaxDeactivations() != 50 || c.Source.Type != "file" {
					t.Errorf("defaults: %+v", c)
				}
			}},
		{name: "a named file must exist", missing: true, explicit: true, profile: "default", wantErr: "reading config"},
		{name: "relative paths are relative to the file", profile: "default",
			body: "source:\n  file:\n    path: people.json\nmappings: m.yaml\nstate_dir: st\n",
			check: func(t *testing.T, c *Config) {
				if c.Source.File.Path != filepath.Join(dir, "people.json") || c.Mappings != filepath.Join(dir, "m.yaml") || c.StateDir != filepath.Join(dir, "st") {
					t.Errorf("paths: %q %q %q", c.Source.File.Path, c.Mappings, c.StateDir)
				}
			}},
		{name: "a profile overrides the top level", profile: "staging",
			body: "slack:\n  scim_url: https://a/\nsafety:\n  max_deactivations: 5\nprofiles:\n  staging:\n    slack:\n      scim_url: https://b/\n",
			check: func(t *testing.T, c *Config) {
				if c.Slack.SCIMURL != "https://b/" || c.MaxDeactivations() != 5 || c.Profile != "staging" {
					t.Errorf("profile: %+v", c)
				}
			}},
		{name: "an unknown profile lists the known ones", profile: "prod", body: "profiles:\n  staging: {}\n", wantErr: `no profile "prod" (profiles here: staging)`},
		{name: "a typo names the file, the line and the key", profile: "default", body: "slack:\n  scim_ulr: x\n", wantErr: "cfg.yaml:2: slack.scim_ulr: unknown key; did you mean scim_url?"},
		{name: "a top-level typo speaks the user's terms", profile: "default", body: "statedir: x\n", wantErr: "cfg.yaml:1: statedir: unknown key; did you mean state_dir?"},
		{name: "a typo inside a profile is refused", profile: "prod",
			body: "profiles:\n  prod:\n    slack:\n      scimurl: https://prod/\n", wantErr: "cfg.yaml:4: profiles.prod.slack.scimurl: unknown key; did you mean scim_url?"},
		{name: "a typo in another profile is refused too", profile: "default",
			body: "profiles:\n  prod:\n    safety:\n      max_deactivation: 5\n", wantErr: "cfg.yaml:4: profiles.prod.safety.max_deactivation: unknown key; did you mean max_deactivations?"},
		{name: "a key nothing resembles lists the known ones", profile: "default", body: "safety:\n  colour: red\n", wantErr: "safety.colour: unknown key; known keys here: max_deactivations"},
		{name: "every typo is reported", profile: "default", body: "slack:\n  scimurl: x\n  apiurl: y\n", wantErr: "cfg.yaml:3: slack.apiurl: unknown key; did you mean api_url?"},
		{name: "a value of the wrong kind", profile: "staging", body: "profiles:\n  staging:\n    safety:\n      max_deactivations: many\n", wantErr: `cfg.yaml:4: profiles.staging.safety.max_deactivations: expected a whole number, got "many"`},
		{name: "a section where a value belongs", profile: "default", body: "state_dir:\n  a: b\n", wantErr: "cfg.yaml:2: state_dir: expected a single value, got a section"},
		{name: "merge keys are checked like the rest", profile: "default",
			body: "x-base: &base\n  scim_url: https://a/\nslack:\n  <<: *base\n", wantErr: "x-base: unknown key"},
		{name: "merged keys apply", profile: "p",
			body: "profiles:\n  base: &base\n    slack:\n      scim_url: https://merged/\n  p:\n    <<: *base\n",
			check: func(t *testing.T, c *Config) {
				if c.Slack.SCIMURL != "https://merged/" {
					t.Errorf("scim_url = %q", c.Slack.SCIMURL)
				}
			}},
		{name: "a negative threshold in a profile", profile: "p", body: "profiles:\n  p:\n    safety:\n      max_deactivations: -3\n", wantErr: "(profile p): safety.max_deactivations must be 0 or more, not -3"},
		{name: "rate_share above 1 against Slack", profile: "default", body: "slack:\n  rate_share: 1.5\n", wantErr: "slack.rate_share 1.5: use a share of Slack's published limits above 0 and at most 1"},
		{name: "rate_share of 0", profile: "default", body: "slack:\n  rate_share: 0\n", wantErr: "slack.rate_share 0:"},
		{name: "rate_share above 1 for an emulator here", profile: "default", body: "slack:\n  scim_url: http://127.0.0.1:8080/scim/v2/\n  rate_share: 60\n",
			check: func(t *testing.T, c *Config) {
				if c.Slack.RateShare != 60 {
					t.Errorf("rate_share = %g", c.Slack.RateShare)
				}
			}},
		{name: "a port out of range", profile: "default", body: "slack:\n  redirect_port: 70000\n", wantErr: "slack.redirect_port 70000 is not a port"},
		{name: "a negative port", profile: "default", body: "slack:\n  redirect_port: -1\n", wantErr: "slack.redirect_port -1 is not a port"},
		{name: "an unknown Entra scope", profile: "default", body: "source:\n  entra:\n    scope: everyone\n", wantErr: `source.entra.scope "everyone"`},
		{name: "a bad source type", profile: "default", body: "source:\n  type: ldap\n", wantErr: `source.type "ldap": use file or entra`},
		{name: "a negative threshold", profile: "default", body: "safety:\n  max_deactivations: -1\n", wantErr: "max_deactivations must be 0 or more"},
		{name: "a SCIM target", profile: "default", body: "target:\n  type: scim\n  base_url: https://app.example.com/scim/v2/\n  profile:\n    patch: false\n    page_size: 50\n",
			check: func(t *testing.T, c *Config) {
				if !c.GenericTarget() || c.Target.BaseURL != "https://app.example.com/scim/v2/" || c.Target.Profile.Patch == nil || *c.Target.Profile.Patch || c.Target.Profile.PageSize != 50 {
					t.Errorf("target = %+v", c.Target)
				}
			}},
		{name: "a SCIM target without a URL", profile: "default", body: "target:\n  type: scim\n", wantErr: "target.type scim needs target.base_url"},
		{name: "a SCIM target in clear", profile: "default", body: "target:\n  type: scim\n  base_url: http://app.example.com/scim/v2/\n", wantErr: "target.base_url: refusing"},
		{name: "an unknown target type", profile: "default", body: "target:\n  type: ldap\n", wantErr: `target.type "ldap": use scim`},
		{name: "a target key typo", profile: "default", body: "target:\n  type: scim\n  base_ulr: https://a/\n", wantErr: "target.base_ulr: unknown key"},
		{name: "a base URL without type scim", profile: "default", body: "target:\n  base_url: https://a/scim/v2/\n", wantErr: "target.type is not scim"},
		{name: "scim_version v1", profile: "default", body: "slack:\n  scim_version: v1\n  scim_url: https://api.slack.com/scim/v1/\n",
			check: func(t *testing.T, c *Config) {
				if c.Slack.SCIMVersion != "v1" || c.GenericTarget() {
					t.Errorf("slack = %+v", c.Slack)
				}
			}},
		{name: "an unknown scim_version", profile: "default", body: "slack:\n  scim_version: \"1.1\"\n", wantErr: `slack.scim_version "1.1": use v1 or v2`},
		{name: "scim_version with a SCIM target", profile: "default", body: "slack:\n  scim_version: v1\ntarget:\n  type: scim\n  base_url: https://a/scim/v2/\n", wantErr: "slack.scim_version applies to Slack"},
		{name: "a notify typo names its line", profile: "default", body: "notify:\n  webhook_url: https://x\n", wantErr: "cfg.yaml:2: notify.webhook_url: unknown key; known keys here: email, events, webhook"},
		{name: "the issue's notify example", profile: "default", body: notifyExample,
			check: func(t *testing.T, c *Config) {
				n := c.Notify
				if len(n.Events) != 4 || n.Email == nil || n.Email.To[0] != "it-alerts@example.com" || n.Email.SMTP.Port != 587 ||
					n.Email.SMTP.TLS != "starttls" || n.Email.SMTP.PasswordEnv != "SLACKPROV_SMTP_PASSWORD" || n.Webhook.URL != "https://hooks.slack.com/services/T000/B000/XXXX" {
					t.Errorf("notify = %+v", n)
				}
			}},
		{name: "an unknown notify event names its line", profile: "default", body: "notify:\n  events:\n    - failure\n    - outage\n  webhook: {url: https://a.example/x}\n",
			wantErr: `cfg.yaml:4: notify.events[1]: unknown event "outage"; use failure, quarantine, safety_stop, credentials`},
		{name: "events must be a list", profile: "default", body: "notify:\n  events: failure\n", wantErr: `cfg.yaml:2: notify.events: expected a list`},
		{name: "smtp tls none to a remote relay", profile: "p",
			body:    "profiles:\n  p:\n    notify:\n      email:\n        to: [a@example.com]\n        from: b@example.com\n        smtp: {host: smtp.example.com, tls: none}\n",
			wantErr: "cfg.yaml:7 (profile p): notify.email.smtp.tls: none sends mail (and any password) in clear"},
		{name: "smtp password in the file is not a key", profile: "default", body: "notify:\n  email:\n    smtp: {password: hunter2}\n", wantErr: "notify.email.smtp.password: unknown key; known keys here: host, password_env, port, tls, username"},
		{name: "smtp username without password_env", profile: "default",
			body:    "notify:\n  email:\n    to: [a@example.com]\n    from: b@example.com\n    smtp:\n      host: smtp.example.com\n      username: u\n",
			wantErr: "cfg.yaml:5: notify.email.smtp.password_env: a username is set"},
		{name: "a webhook in clear", profile: "default", body: "notify:\n  webhook:\n    url: http://hooks.example.com/x\n", wantErr: "cfg.yaml:3: notify.webhook.url: http:// is allowed only for this machine"},
		{name: "a webhook with both url and url_env", profile: "default", body: "notify:\n  webhook: {url: https://a.example/x, url_env: HOOK}\n", wantErr: "notify.webhook: set one of url"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(dir, "absent.yaml")
			if !tt.missing {
				path = write(tt.body)
			}
			c, err := LoadConfig(path, tt.profile, tt.explicit)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

const notifyExample = `notify:
  events: [failure, quarantine, safety_stop, credentials]
  email:
    to: [it-alerts@example.com]
    from: slackprov@example.com
    smtp: {host: smtp.example.com, port: 587, tls: starttls, username: slackprov, password_env: SLACKPROV_SMTP_PASSWORD}
  webhook:
    url: https://hooks.slack.com/services/T000/B000/XXXX
`

// Every URL a token, a code or a secret is sent to must be https, or plain
// http to this machine; no setting turns the rule off.
func TestConfigRefusesCleartextURLs(t *testing.T) {
	dir := t.TempDir()
	for _, tt := range []struct{ section, key string }{
		{"slack", "scim_url"}, {"slack", "api_url"}, {"slack", "authorize_url"}, {"slack", "redirect_url"},
		{"source.entra", "graph_url"}, {"source.entra", "authority_host"},
	} {
		for _, host := range []string{"slack.example:8080", "10.1.2.3", "localhost.example"} {
			raw := "http://" + host + "/x/"
			body := tt.section + ":\n  " + tt.key + ": " + raw + "\n"
			if tt.section == "source.entra" {
				body = "source:\n  entra:\n    " + tt.key + ": " + raw + "\n"
			}
			path := filepath.Join(dir, "cfg.yaml")
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := LoadConfig(path, "default", true)
			want := tt.section + "." + tt.key + ": refusing " + raw + ": a token must not travel in clear: use https"
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("%s = %s: err = %v, want %q", tt.key, raw, err, want)
			}
		}
		for _, raw := range []string{"http://127.0.0.1:9/x/", "http://localhost:9/x/", "http://[::1]:9/x/", "https://slack.example/x/"} {
			body := "slack:\n  " + tt.key + ": " + raw + "\n"
			if tt.section == "source.entra" {
				body = "source:\n  entra:\n    " + tt.key + ": " + raw + "\n"
			}
			path := filepath.Join(dir, "cfg.yaml")
			if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
				t.Fatal(err)
			}
			if _, err := LoadConfig(path, "default", true); err != nil {
				t.Errorf("%s = %s refused: %v", tt.key, raw, err)
			}
		}
	}
}
