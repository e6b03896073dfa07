package commands

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/entraid"
	"github.com/slackprov/slackprov/emulator/slackscim"
)

// BenchmarkWatchLatency30s measures directory change → Slack latency at
// --interval 30s over 20 title changes made at times that fall evenly over
// the interval (one every 7.3s), against the emulators (Slack rate limits
// on). It takes about three minutes; bench/watch.sh runs it.
func BenchmarkWatchLatency30s(b *testing.B) {
	w := newWatchWorld(b, slackscim.Options{}, 200)
	w.cfg.Notify = NotifyConfig{}
	w.start(30 * time.Second)
	st := w.state()
	waitFor(b, 5*time.Minute, "the first cycle", func() bool { return len(finishedRuns(b, st)) >= 1 })
	links, err := st.Links(b.Context(), "user")
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for id := range links {
		if u, ok := slackUser(w.slack, id); ok && u.Active {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	rand.New(rand.NewPCG(1, 2)).Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	const changes = 20
	type change struct {
		id, title string
		at        time.Time
	}
	pending := make([]change, 0, changes)
	var lat []time.Duration
	next := time.Now()
	for len(lat) < changes {
		if len(pending)+len(lat) < changes && !time.Now().Before(next) {
			c := change{id: ids[len(pending)+len(lat)], title: fmt.Sprintf("Title %d", len(pending)+len(lat)), at: time.Now()}
			if err := w.tenant.UpdateUser(c.id, func(u *entraid.User) { u.JobTitle = c.title }); err != nil {
				b.Fatal(err)
			}
			pending = append(pending, c)
			next = next.Add(7300 * time.Millisecond)
		}
		pending = slices.DeleteFunc(pending, func(c change) bool {
			if u, _ := slackUser(w.slack, c.id); u.Title == c.title {
				lat = append(lat, time.Since(c.at))
				return true
			}
			return false
		})
		time.Sleep(20 * time.Millisecond)
	}
	slices.Sort(lat)
	b.ReportMetric((lat[changes/2-1]+lat[changes/2]).Seconds()/2, "s-median")
	b.ReportMetric(lat[changes-1].Seconds(), "s-max")
	b.ReportMetric(lat[0].Seconds(), "s-min")
}

// BenchmarkWatchIdle10k counts the requests of idle cycles for a
// 10,000-user Entra tenant already in step with Slack: Slack requests,
// Graph requests and token requests per cycle, over five cycles.
func BenchmarkWatchIdle10k(b *testing.B) {
	w := newWatchWorld(b, slackscim.Options{}, 10_000)
	w.cfg.Notify = NotifyConfig{}
	w.start(2 * time.Second)
	st := w.state()
	waitFor(b, 20*time.Minute, "the first full cycle", func() bool { return len(finishedRuns(b, st)) >= 1 })
	waitFor(b, time.Minute, "an idle watch", func() bool { return watchCycleRecord(b, st).Phase == "idle" })
	before := len(finishedRuns(b, st))
	w.slack.ResetStats()
	w.tenant.ResetStats()
	const cycles = 5
	waitFor(b, 5*time.Minute, "five idle cycles", func() bool {
		return len(finishedRuns(b, st)) >= before+cycles && watchCycleRecord(b, st).Phase == "idle"
	})
	if n := len(finishedRuns(b, st)) - before; n != cycles {
		b.Fatalf("%d cycles in the window, want %d", n, cycles)
	}
	slack, graph := w.slack.Stats(), w.tenant.Stats()
	b.ReportMetric(float64(slack.Total)/cycles, "slack-req/cycle")
	b.ReportMetric(float64(graph.Graph)/cycles, "graph-req/cycle")
	b.ReportMetric(float64(graph.Token)/cycles, "token-req/cycle")
	b.Logf("Graph requests over %d idle cycles: %v", cycles, graph.Requests)
}
