package commands

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEmulatorCommandServesSeed(t *testing.T) {
	seed := filepath.Join(t.TempDir(), "seed.json")
	if err := os.WriteFile(seed, []byte(`{"users":[{"userName":"pat","email":"pat@example.com","givenName":"Pat"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	ios, _, out, _ := TestStreams()
	done := make(chan error, 1)
	go func() {
		done <- emulatorRun(ctx, &EmulatorOptions{IO: ios, Addr: "127.0.0.1:0", SeedPath: seed, Token: "tok", TimeScale: 1,
			Plan: "business_plus", Ready: func(base string) { ready <- base }})
	}()
	base := <-ready
	req, _ := http.NewRequest("GET", base+"Users?filter="+strings.ReplaceAll(`userName eq "pat"`, " ", "%20"), nil)
	req.Header.Set("Authorization", "Bearer tok")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ TotalResults int }
	json.NewDecoder(resp.Body).Decode(&list)
	resp.Body.Close()
	if resp.StatusCode != 200 || list.TotalResults != 1 {
		t.Fatalf("status %d, %d results", resp.StatusCode, list.TotalResults)
	}
	if !strings.Contains(out.String(), "scim_url: "+base) {
		t.Errorf("output does not give the config: %s", out.String())
	}

	// With the printed config and the emulator's token, test-connection passes.
	dir := t.TempDir()
	root := strings.TrimSuffix(base, "/scim/v2/")
	cfg := filepath.Join(dir, "cfg.yaml")
	os.WriteFile(filepath.Join(dir, "people.json"), []byte(`{"users":[{"id":"u1","mail":"a@example.com","accountEnabled":true}]}`), 0o600)
	os.WriteFile(cfg, []byte("slack:\n  scim_url: "+base+"\n  api_url: "+root+"/api/\nsource:\n  file:\n    path: people.json\n"), 0o600)
	tios, _, tout, terr := TestStreams()
	f := NewFactory()
	f.IO = tios
	f.Getenv = func(k string) string {
		if k == "SLACKPROV_SLACK_TOKEN" {
			return "tok"
		}
		return ""
	}
	if code := Run(context.Background(), f, []string{"slackprov", "--config", cfg, "test-connection"}); code != ExitOK {
		t.Errorf("test-connection against the emulator: exit %d\n%s%s", code, tout, terr)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
