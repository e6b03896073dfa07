package commands

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMappingsEditInTmux drives the real binary in a real terminal: it
// opens the editor in a 100×30 tmux pane, changes the title mapping's
// expression, saves with ctrl+s, quits, and checks the file on disk.
func TestMappingsEditInTmux(t *testing.T) {
	tmuxPath, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (apt-get install tmux); skipping the real-terminal editor test")
	}
	if !editRegistered() {
		t.Fatal("`slackprov mappings edit` is not in the command tree: register it in commands.go with newMappingsCmd(f, newMappingsEditCmd(f))")
	}
	if testing.Short() {
		t.Skip("builds the slackprov binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "slackprov")
	build := exec.Command("go", "build", "-o", bin, "..")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	for _, name := range []string{"slack.yaml", "people.json"} {
		data, err := os.ReadFile(filepath.Join("testdata", "tmux", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	cfg := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(cfg, []byte("source:\n  type: file\n  file:\n    path: people.json\nmappings: slack.yaml\nstate_dir: state\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	socket := filepath.Join(dir, "tmux.sock")
	tmux := func(args ...string) (string, error) {
		out, err := exec.Command(tmuxPath, append([]string{"-S", socket}, args...)...).CombinedOutput()
		return string(out), err
	}
	t.Cleanup(func() { tmux("kill-server") })
	// remain-on-exit keeps the pane, so a crash's message can be read.
	// The command writes its own exit status: tmux's pane_dead_status is not
	// always filled in by the time the pane is marked dead.
	statusFile := filepath.Join(dir, "exit-status")
	command := "env NO_COLOR=1 TERM=xterm-256color " + shellQuote(bin) + " --config " + shellQuote(cfg) + " mappings edit; echo $? > " + shellQuote(statusFile)
	if out, err := tmux("-f", "/dev/null", "new-session", "-d", "-s", "edit", "-x", "100", "-y", "30", command); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	tmux("set-option", "-t", "edit", "remain-on-exit", "on")
	screen := func() string { out, _ := tmux("capture-pane", "-p", "-t", "edit"); return out }
	waitScreen := func(want string) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for time.Now().Before(deadline) {
			if strings.Contains(screen(), want) {
				return
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("the screen never showed %q; it shows:\n%s", want, screen())
	}
	send := func(keys ...string) {
		t.Helper()
		if out, err := tmux(append([]string{"send-keys", "-t", "edit"}, keys...)...); err != nil {
			t.Fatalf("tmux send-keys %v: %v\n%s", keys, err, out)
		}
	}

	waitScreen("value for Ada")
	send("j", "j", "j", "Enter") // the title row
	waitScreen("Edit user mapping 4")
	send("Down", "Down", "C-u")
	send("-l", "Left(Trim([jobTitle]), 3)")
	waitScreen(`"title": "Ana"`)
	send("Enter")
	waitScreen("Changed title")
	send("C-s")
	waitScreen("Saved ")
	send("q")
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, err := os.ReadFile(statusFile)
		if err == nil && len(status) > 0 {
			if strings.TrimSpace(string(status)) != "0" {
				t.Fatalf("the editor exited with status %s; the screen shows:\n%s", status, screen())
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the editor did not exit after q; the screen shows:\n%s", screen())
		}
		time.Sleep(50 * time.Millisecond)
	}

	data, err := os.ReadFile(filepath.Join(dir, "slack.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"expression: Left(Trim([jobTitle]), 3)", "# Tried first when matching.", "# Mapping used by the real-terminal editor test."} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("saved file lacks %q:\n%s", want, data)
		}
	}
}

// editRegistered reports whether `mappings edit` is reachable.
func editRegistered() bool {
	for _, c := range commandList(NewFactory()) {
		if c.Name == "mappings" {
			for _, s := range c.Subcommands {
				if s.Name == "edit" {
					return true
				}
			}
		}
	}
	return false
}
