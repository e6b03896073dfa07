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
		{name: "a typo names the line", profile: "default", body: "slack:\n  scim_ulr: x\n", wantErr: "line 2: field scim_ulr not found"},
		{name: "a bad source type", profile: "default", body: "source:\n  type: ldap\n", wantErr: `source.type "ldap": use file or entra`},
		{name: "a negative threshold", profile: "default", body: "safety:\n  max_deactivations: -1\n", wantErr: "max_deactivations must be 0 or more"},
		{name: "notify is refused, not ignored", profile: "default", body: "notify:\n  webhook_url: https://x\n", wantErr: "sends no notifications yet"},
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
