package commands

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/slackscim"
)

// BenchmarkSyncDryRun100k is a whole `slackprov sync --dry-run` of a 100k-user
// directory file against a Slack org that already holds those 100k users
// (1% with a changed title): parse the file, list Slack in 100 pages over
// HTTP, plan, render. The emulator's rate limits are off, so the figure is
// slackprov's own cost, not Slack's pacing.
func BenchmarkSyncDryRun100k(b *testing.B) {
	const n = 100_000
	type user struct {
		ID                string `json:"id"`
		UserPrincipalName string `json:"userPrincipalName"`
		Mail              string `json:"mail"`
		GivenName         string `json:"givenName"`
		Surname           string `json:"surname"`
		DisplayName       string `json:"displayName"`
		JobTitle          string `json:"jobTitle"`
		Department        string `json:"department"`
		EmployeeID        string `json:"employeeId"`
		AccountEnabled    bool   `json:"accountEnabled"`
	}
	var dir struct {
		Users []user `json:"users"`
	}
	seed := &slackscim.Seed{}
	for i := 0; i < n; i++ {
		u := user{ID: fmt.Sprintf("id-%06d", i), UserPrincipalName: fmt.Sprintf("user.%06d@example.com", i),
			Mail: fmt.Sprintf("user.%06d@example.com", i), GivenName: "User", Surname: fmt.Sprintf("N%06d", i),
			DisplayName: fmt.Sprintf("User %06d", i), JobTitle: "Engineer", Department: "Sales",
			EmployeeID: fmt.Sprint(100000 + i), AccountEnabled: true}
		dir.Users = append(dir.Users, u)
		title := u.JobTitle
		if i%100 == 0 {
			title = "Former title"
		}
		seed.Users = append(seed.Users, slackscim.SeedUser{UserName: fmt.Sprintf("user.%06d", i), Email: u.Mail,
			GivenName: u.GivenName, FamilyName: u.Surname, DisplayName: u.DisplayName, Title: title,
			ExternalID: u.ID, Department: u.Department, EmployeeNumber: u.EmployeeID})
	}
	tmp := b.TempDir()
	data, err := json.Marshal(dir)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(tmp, "people.json"), data, 0o600); err != nil {
		b.Fatal(err)
	}
	slack := slackscim.New(slackscim.Options{Token: EmulatorToken, DisableRateLimits: true, Seed: seed})
	srv := httptest.NewServer(slack)
	defer srv.Close()
	cfg := defaultConfig()
	cfg.Profile = "bench"
	cfg.Slack.SCIMURL = srv.URL + "/scim/v2/"
	cfg.Slack.RateShare = 1000
	cfg.Source.File.Path = filepath.Join(tmp, "people.json")
	cfg.StateDir = filepath.Join(tmp, "state")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		ios, _, out, errOut := TestStreams()
		err := syncRun(context.Background(), &SyncOptions{IO: ios, Config: &cfg, HTTPClient: http.DefaultClient, Now: time.Now,
			Token: staticToken{EmulatorToken, "bench"}, DryRun: true, DetailedExitcode: true, Output: "text",
			MaxDeactivations: 50, Workers: 4, ShowLimit: 5})
		if exitCodeOf(err) != ExitChanges {
			b.Fatalf("exit %d: %v\n%s", exitCodeOf(err), err, errOut)
		}
		if i == 0 && !strings.Contains(out.String(), "0 to create, 1000 to update") {
			b.Fatalf("unexpected plan:\n%s", out)
		}
	}
	b.StopTimer()
	st := slack.Stats()
	b.ReportMetric(float64(st.Requests["GET /Users"])/float64(b.N), "user-list-calls/op")
}
