package commands

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/wire"
)

// FuzzLoadConfig feeds the loader arbitrary files: it must never panic,
// and whatever it accepts must hold the rules it promises to enforce.
// Seeds: testdata/fuzz/FuzzLoadConfig, plus the README's example.
func FuzzLoadConfig(f *testing.F) {
	if readme, err := os.ReadFile(filepath.Join("..", "README.md")); err == nil {
		if _, block, ok := strings.Cut(string(readme), "```yaml\nslack:"); ok {
			block, _, _ = strings.Cut(block, "```")
			f.Add([]byte("slack:" + block))
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, profile := range []string{"default", "p"} {
			cfg, err := parseConfig("fuzz.yaml", data, profile)
			if err != nil {
				if !strings.HasPrefix(err.Error(), "fuzz.yaml") {
					t.Fatalf("error without the file name: %v", err)
				}
				if strings.Contains(err.Error(), "commands.") {
					t.Fatalf("error speaks in Go types: %v", err)
				}
				continue
			}
			if cfg.MaxDeactivations() < 0 {
				t.Fatalf("accepted a negative threshold %d", cfg.MaxDeactivations())
			}
			if cfg.Slack.RateShare <= 0 || cfg.Slack.RateShare > 1 && !loopbackURL(cfg.Slack.SCIMURL) {
				t.Fatalf("accepted rate_share %g for %s", cfg.Slack.RateShare, cfg.Slack.SCIMURL)
			}
			if p := cfg.Slack.RedirectPort; p < 1 || p > 65535 {
				t.Fatalf("accepted redirect_port %d", p)
			}
			for _, u := range []string{cfg.Slack.SCIMURL, cfg.Slack.APIURL, cfg.Slack.AuthorizeURL, cfg.Source.Entra.GraphURL, cfg.Source.Entra.AuthorityHost} {
				if err := wire.CheckRawURL(u); err != nil {
					t.Fatalf("accepted a URL the wire rule refuses: %v", err)
				}
			}
		}
	})
}
