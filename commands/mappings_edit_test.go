package commands

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestMappingsEditNeedsATerminal(t *testing.T) {
	ios, _, _, _ := TestStreams()
	err := mappingsEditRun(context.Background(), &MappingsEditOptions{IO: ios, Config: &Config{Mappings: "slack.yaml"}})
	if err == nil || !strings.Contains(err.Error(), "slackprov mappings show") || !strings.Contains(err.Error(), "slack.yaml") {
		t.Fatalf("err = %v; want it to name `slackprov mappings show` and the file", err)
	}
}

func TestMappingsEditNeedsAFile(t *testing.T) {
	ios, _, _, _ := TestStreams()
	ios.StdinTTY, ios.StdoutTTY = true, true
	err := mappingsEditRun(context.Background(), &MappingsEditOptions{IO: ios, Config: &Config{Path: "cfg.yaml"}})
	if err == nil || !strings.Contains(err.Error(), "--file") || !strings.Contains(err.Error(), "cfg.yaml") {
		t.Fatalf("err = %v; want it to offer --file and name the config", err)
	}
}

func TestPreviewSamples(t *testing.T) {
	dir := t.TempDir()
	people := filepath.Join(dir, "people.json")
	if err := os.WriteFile(people, []byte(`{"users":[{"id":"u1","userPrincipalName":"ada@example.com","displayName":"Ada Lovelace","accountEnabled":true,"costCentre":"42"}]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg := &Config{Source: SourceConfig{Type: "file", File: FileSourceConfig{Path: people}}}
	samples, attrs, note, vocab := previewSamples(context.Background(), cfg)
	if len(samples) != 1 || samples[0].Name != "Ada Lovelace" || samples[0].Email != "ada@example.com" || note != "" {
		t.Fatalf("samples = %+v, note %q", samples, note)
	}
	if !strings.Contains(strings.Join(attrs, ","), "userPrincipalName") {
		t.Errorf("attributes = %v", attrs)
	}
	if vocab == nil || !slices.Contains(vocab.Users, "costCentre") || !slices.Contains(vocab.Users, "department") {
		t.Errorf("vocabulary = %+v", vocab)
	}
	cfg.Source.File.Path = filepath.Join(dir, "missing.json")
	samples, _, note, _ = previewSamples(context.Background(), cfg)
	if len(samples) != 0 || !strings.Contains(note, "could not be read") {
		t.Errorf("unreadable directory: samples %d, note %q", len(samples), note)
	}
}
