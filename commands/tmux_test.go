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

// tmuxPane runs the real slackprov binary in a real terminal: a tmux pane
// of 100×30 on a private socket.
type tmuxPane struct {
	t          *testing.T
	path       string
	socket     string
	name       string
	statusFile string
}

// startTmux builds slackprov into dir and runs it with args in a new pane.
func startTmux(t *testing.T, dir, name string, args ...string) *tmuxPane {
	t.Helper()
	tmuxPath, err := exec.LookPath("tmux")
	if err != nil {
		t.Skip("tmux is not installed (apt-get install tmux); skipping the real-terminal test")
	}
	if testing.Short() {
		t.Skip("builds the slackprov binary; skipped with -short")
	}
	bin := filepath.Join(dir, "slackprov")
	if _, err := os.Stat(bin); err != nil {
		build := exec.Command("go", "build", "-o", bin, "..")
		if out, err := build.CombinedOutput(); err != nil {
			t.Fatalf("go build: %v\n%s", err, out)
		}
	}
	p := &tmuxPane{t: t, path: tmuxPath, socket: filepath.Join(dir, name+".sock"), name: name, statusFile: filepath.Join(dir, name+".status")}
	t.Cleanup(func() { p.tmux("kill-server") })
	// The command writes its own exit status: tmux's pane_dead_status is not
	// always filled in by the time the pane is marked dead.
	command := "env NO_COLOR=1 TERM=xterm-256color " + shellQuote(bin)
	for _, a := range args {
		command += " " + shellQuote(a)
	}
	command += "; echo $? > " + shellQuote(p.statusFile)
	if out, err := p.tmux("-f", "/dev/null", "new-session", "-d", "-s", name, "-x", "100", "-y", "30", command); err != nil {
		t.Fatalf("tmux new-session: %v\n%s", err, out)
	}
	// remain-on-exit keeps the pane, so a crash's message can be read.
	p.tmux("set-option", "-t", name, "remain-on-exit", "on")
	return p
}

func (p *tmuxPane) tmux(args ...string) (string, error) {
	out, err := exec.Command(p.path, append([]string{"-S", p.socket}, args...)...).CombinedOutput()
	return string(out), err
}

func (p *tmuxPane) screen() string { out, _ := p.tmux("capture-pane", "-p", "-t", p.name); return out }

func (p *tmuxPane) waitScreen(want string) {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(p.screen(), want) {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	p.t.Fatalf("the screen never showed %q; it shows:\n%s", want, p.screen())
}

func (p *tmuxPane) send(keys ...string) {
	p.t.Helper()
	if out, err := p.tmux(append([]string{"send-keys", "-t", p.name}, keys...)...); err != nil {
		p.t.Fatalf("tmux send-keys %v: %v\n%s", keys, err, out)
	}
}

// waitExit waits for the command to end and fails unless it exited 0.
func (p *tmuxPane) waitExit() {
	p.t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		status, err := os.ReadFile(p.statusFile)
		if err == nil && len(status) > 0 {
			if strings.TrimSpace(string(status)) != "0" {
				p.t.Fatalf("slackprov exited with status %s; the screen shows:\n%s", status, p.screen())
			}
			return
		}
		if time.Now().After(deadline) {
			p.t.Fatalf("slackprov did not exit; the screen shows:\n%s", p.screen())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestMappingsEditInTmux opens the editor, changes the title mapping's
// expression, saves with ctrl+s, quits, and checks the file on disk.
func TestMappingsEditInTmux(t *testing.T) {
	if !editRegistered() {
		t.Fatal("`slackprov mappings edit` is not in the command tree: register it in commands.go with newMappingsCmd(f, newMappingsEditCmd(f, nil))")
	}
	dir := t.TempDir()
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
	p := startTmux(t, dir, "edit", "--config", cfg, "mappings", "edit")
	p.waitScreen("value for Ada")
	p.send("j", "j", "j", "Enter") // the title row
	p.waitScreen("Edit user mapping 4")
	p.send("Down", "Down", "C-u")
	p.send("-l", "Left(Trim([jobTitle]), 3)")
	p.waitScreen(`"title": "Ana"`)
	p.send("Enter")
	p.waitScreen("Changed title")
	p.send("C-s")
	p.waitScreen("Saved ")
	p.send("q")
	p.waitExit()

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

// TestInitInTmux answers init's form once, as a person would: a file
// source, the Slack app's client id, a threshold of 25, the built-in mapping.
func TestInitInTmux(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.yaml")
	p := startTmux(t, dir, "init", "--config", cfg, "init")
	p.waitScreen("Where do people come from?")
	p.send("Down", "Enter") // A JSON or CSV file
	p.waitScreen("Directory file")
	p.send("-l", "people.json")
	p.send("Enter")
	p.waitScreen("Client ID of your Slack app")
	p.send("-l", "1234.5678")
	p.send("Enter")
	p.waitScreen("Most deactivations")
	p.send("C-u")
	p.send("-l", "25")
	p.send("Enter")
	p.waitScreen("Mapping file")
	p.send("Enter")
	p.waitExit()

	data, err := os.ReadFile(cfg)
	if err != nil {
		t.Fatalf("init wrote no config: %v\n%s", err, p.screen())
	}
	for _, want := range []string{"type: file", `path: "people.json"`, `client_id: "1234.5678"`, "max_deactivations: 25"} {
		if !bytes.Contains(data, []byte(want)) {
			t.Errorf("config lacks %q:\n%s", want, data)
		}
	}
	for _, want := range []string{"authorize", "test-connection", "sync --dry-run"} {
		if !strings.Contains(p.screen(), want) {
			t.Errorf("init did not end with the next command %q:\n%s", want, p.screen())
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
