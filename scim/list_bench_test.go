package scim

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strconv"
	"syscall"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/slackscim"
)

// emulatorPages serves an org of users (every attribute slackprov maps set on
// some of them, managers, groups) from the emulator and returns its raw user
// and group list pages, as Slack's shapes reach the decoder.
func emulatorPages(t testing.TB, users int) (userPages, groupPages [][]byte) {
	t.Helper()
	seed := &slackscim.Seed{}
	for i := range users {
		su := slackscim.SeedUser{UserName: fmt.Sprintf("user%05d", i), Email: fmt.Sprintf("user%05d@example.com", i),
			GivenName: "Given", FamilyName: fmt.Sprintf("Fam\u00e9ly \"%d\"", i)}
		if i%2 == 0 {
			su.Title, su.Department, su.EmployeeNumber = "Engineer", "R&D <lab>", fmt.Sprint(10000+i)
			su.ExternalID, su.DisplayName = fmt.Sprintf("ext-%d", i), fmt.Sprintf("User \\ %d", i)
		}
		if i > 0 && i%3 == 0 {
			su.ManagerID = "user00000"
		}
		if i%7 == 0 {
			inactive := false
			su.Active = &inactive
		}
		seed.Users = append(seed.Users, su)
	}
	for g := range users/100 + 1 {
		sg := slackscim.SeedGroup{DisplayName: fmt.Sprintf("group %d", g)}
		for m := g * 100; m < min(users, g*100+100); m++ {
			sg.Members = append(sg.Members, fmt.Sprintf("user%05d", m))
		}
		seed.Groups = append(seed.Groups, sg)
	}
	slack := slackscim.New(slackscim.Options{Token: testToken, DisableRateLimits: true, Seed: seed, Plan: "enterprise"})
	srv := httptest.NewServer(slack)
	defer srv.Close()
	get := func(resource string, start int) []byte {
		req, _ := http.NewRequest("GET", fmt.Sprintf("%s/scim/v2/%s?startIndex=%d&count=1000", srv.URL, resource, start), nil)
		req.Header.Set("Authorization", "Bearer "+testToken)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, err := io.ReadAll(resp.Body)
		if err != nil || resp.StatusCode != 200 {
			t.Fatalf("GET %s: %d %v", resource, resp.StatusCode, err)
		}
		return body
	}
	for start := 1; start <= users; start += 1000 {
		userPages = append(userPages, get("Users", start))
	}
	for start := 1; start <= len(seed.Groups); start += 1000 {
		groupPages = append(groupPages, get("Groups", start))
	}
	return userPages, groupPages
}

// BenchmarkListUsers100k lists a 100k-user org through the client: 100 pages
// the emulator rendered, served from memory so the figure is the client's
// own cost (HTTP, decoding, de-duplication). cpu-s/op is the process's CPU
// time, which a busy shared machine inflates less than wall time.
func BenchmarkListUsers100k(b *testing.B) {
	const n = 100_000
	pages, _ := emulatorPages(b, n)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start, _ := strconv.Atoi(r.URL.Query().Get("startIndex"))
		w.Header().Set("Content-Type", "application/scim+json")
		w.Write(pages[(start-1)/1000])
	}))
	defer srv.Close()
	c, err := New(Options{BaseURL: srv.URL + "/scim/v2/", Token: testToken, RateShare: 1000})
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	runtime.GC()
	b.ResetTimer()
	start := processCPU(b)
	for b.Loop() {
		got := 0
		if err := c.ListUsers(context.Background(), func(*User) error { got++; return nil }); err != nil || got != n {
			b.Fatalf("listed %d users: %v", got, err)
		}
	}
	b.ReportMetric((processCPU(b)-start).Seconds()/float64(b.N), "cpu-s/op")
}

func processCPU(b *testing.B) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		b.Fatal(err)
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
