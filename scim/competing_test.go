package scim_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/slackprov/slackprov/emulator/slackscim"
	"github.com/slackprov/slackprov/scim"
)

// The competing-client benchmarks run slackprov's creates against the
// emulator at Slack's real limits and real clock while another SCIM app
// spends the same org's budget, as Entra, Okta or an HR tool do. They take
// minutes; bench/ratelimit.sh runs them.

const (
	competeWorkers = 4  // apply's writers
	otherMaxWaits  = 20 // 429s the other app sits out per operation
)

// responseLog records, for every response slackprov receives, when it
// arrived, its status and its Retry-After.
type responseLog struct {
	mu   sync.Mutex
	rows []response
}

type response struct {
	at         time.Time
	status     int
	retryAfter time.Duration
}

func (l *responseLog) RoundTrip(r *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(r)
	if err != nil {
		return resp, err
	}
	row := response{at: time.Now(), status: resp.StatusCode}
	if secs, perr := strconv.ParseFloat(resp.Header.Get("Retry-After"), 64); perr == nil {
		row.retryAfter = time.Duration(secs * float64(time.Second))
	}
	l.mu.Lock()
	l.rows = append(l.rows, row)
	l.mu.Unlock()
	return resp, nil
}

// successes are the times of the created answers, in order.
func (l *responseLog) successes() []time.Time {
	l.mu.Lock()
	defer l.mu.Unlock()
	var ts []time.Time
	for _, r := range l.rows {
		if r.status == http.StatusCreated {
			ts = append(ts, r.at)
		}
	}
	return ts
}

func (l *responseLog) refused() (n int, lastGateEnd time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	for _, r := range l.rows {
		if r.status == http.StatusTooManyRequests {
			n++
			if end := r.at.Add(r.retryAfter); end.After(lastGateEnd) {
				lastGateEnd = end
			}
		}
	}
	return n, lastGateEnd
}

func countBetween(ts []time.Time, from, to time.Time) int {
	n := 0
	for _, t := range ts {
		if !t.Before(from) && t.Before(to) {
			n++
		}
	}
	return n
}

// otherApp is a plain SCIM client that creates users and sits out each 429
// for its Retry-After (or, when impatient, retryAfter429), at most
// otherMaxWaits times per user.
type otherApp struct {
	url    string
	next   atomic.Int64
	failed atomic.Int64

	mu      sync.Mutex
	created []time.Time
}

func (o *otherApp) createdBetween(from, to time.Time) int {
	o.mu.Lock()
	defer o.mu.Unlock()
	return countBetween(o.created, from, to)
}

func (o *otherApp) create(ctx context.Context, retryAfter429 time.Duration) {
	i := o.next.Add(1)
	body := fmt.Sprintf(`{"schemas":["urn:ietf:params:scim:schemas:core:2.0:User"],"userName":"other%d","name":{"givenName":"Other","familyName":"App"},"emails":[{"value":"other%d@example.com","primary":true}]}`, i, i)
	for range otherMaxWaits + 1 {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, o.url+"Users", strings.NewReader(body))
		if err != nil {
			panic(err)
		}
		req.Header.Set("Authorization", "Bearer "+emuToken)
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			if ctx.Err() == nil {
				o.failed.Add(1)
			}
			return
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTooManyRequests {
			if resp.StatusCode == http.StatusCreated {
				o.mu.Lock()
				o.created = append(o.created, time.Now())
				o.mu.Unlock()
			} else {
				o.failed.Add(1)
			}
			return
		}
		pause := retryAfter429
		if pause == 0 {
			secs, _ := strconv.ParseFloat(resp.Header.Get("Retry-After"), 64)
			pause = time.Duration(secs * float64(time.Second))
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(pause):
		}
	}
	o.failed.Add(1)
}

// steady creates one user every interval until ctx ends; a create that is
// still sitting out 429s delays the next, as a sequential sync does.
func (o *otherApp) steady(ctx context.Context, perMinute float64) {
	tick := time.NewTicker(time.Duration(float64(time.Minute) / perMinute))
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			o.create(ctx, 0)
		}
	}
}

// slackprovCreates runs competeWorkers goroutines creating users through a
// scim.Client until ctx ends, and counts the creates that failed.
func slackprovCreates(ctx context.Context, c *scim.Client, failed *atomic.Int64) *sync.WaitGroup {
	var next atomic.Int64
	var wg sync.WaitGroup
	for range competeWorkers {
		wg.Go(func() {
			for ctx.Err() == nil {
				if _, err := c.CreateUser(ctx, newPerson(int(next.Add(1)))); err != nil && ctx.Err() == nil {
					failed.Add(1)
				}
			}
		})
	}
	return &wg
}

// runFor is a context cancelled after d. It carries no deadline: with one,
// the client would refuse, rather than wait for, the slots past it.
func runFor(d time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(d, cancel)
	return ctx, cancel
}

func startCompetition(b *testing.B) (*scim.Client, *responseLog, *otherApp) {
	slack := slackscim.New(slackscim.Options{Token: emuToken, TimeScale: 1})
	srv := httptest.NewServer(slack)
	b.Cleanup(srv.Close)
	log := &responseLog{}
	c, err := scim.New(scim.Options{BaseURL: srv.URL + "/scim/v2/", Token: emuToken,
		HTTPClient: &http.Client{Transport: log, Timeout: time.Minute}})
	if err != nil {
		b.Fatal(err)
	}
	return c, log, &otherApp{url: srv.URL + "/scim/v2/"}
}

// BenchmarkCompetingClientSteady: another app creates users at a fixed rate
// the whole time; slackprov's creates per minute after a 30 s warm-up, as a
// share of what the other app leaves of the 180/min POST /Users budget (what
// it actually created in the same minute, which its own 429s can lower).
func BenchmarkCompetingClientSteady(b *testing.B) {
	for _, otherPerMin := range []float64{60} {
		b.Run(fmt.Sprintf("other=%g/min", otherPerMin), func(b *testing.B) {
			const warmup, measured = 30 * time.Second, 60 * time.Second
			for b.Loop() {
				c, log, other := startCompetition(b)
				ctx, cancel := runFor(warmup + measured)
				var failed atomic.Int64
				start := time.Now()
				go other.steady(ctx, otherPerMin)
				slackprovCreates(ctx, c, &failed).Wait()
				cancel()
				from, to := start.Add(warmup), start.Add(warmup+measured)
				perMin := float64(countBetween(log.successes(), from, to)) / measured.Minutes()
				otherRate := float64(other.createdBetween(from, to)) / measured.Minutes()
				left := 180 - otherRate
				refused, _ := log.refused()
				b.ReportMetric(perMin, "creates/min")
				b.ReportMetric(100*perMin/left, "%-of-left")
				b.ReportMetric(float64(refused), "429s")
				b.ReportMetric(float64(failed.Load()), "failed")
				b.ReportMetric(otherRate, "other-creates/min")
				b.ReportMetric(float64(other.failed.Load()), "other-failed")
			}
		})
	}
}

// BenchmarkCompetingClientStorm: slackprov creates alone for 20 s, then
// another app hammers the org for 10 s with eight concurrent writers that
// retry every 429 after 20 ms, taking nearly every token (a 429 storm for
// slackprov), and stops. The recovery is the time from the end of
// the last Retry-After slackprov was given to the start of the first 3 s in
// which it creates at 95% of its budget (180/min) or more.
func BenchmarkCompetingClientStorm(b *testing.B) {
	const calm, storm, after = 20 * time.Second, 10 * time.Second, 20 * time.Second
	const window = 3 * time.Second
	const budget = 3.0 // creates per second
	for b.Loop() {
		c, log, other := startCompetition(b)
		ctx, cancel := runFor(calm + storm + after)
		var failed atomic.Int64
		start := time.Now()
		ours := slackprovCreates(ctx, c, &failed)
		time.Sleep(calm)
		stormCtx, stopStorm := context.WithCancel(ctx)
		time.AfterFunc(storm, stopStorm)
		var hammer sync.WaitGroup
		for range 8 {
			hammer.Go(func() {
				for stormCtx.Err() == nil {
					other.create(stormCtx, 20*time.Millisecond)
				}
			})
		}
		hammer.Wait()
		stopStorm()
		ours.Wait()
		cancel()

		ts := log.successes()
		refused, lastGate := log.refused()
		recovery := time.Duration(-1)
		need := int(0.95*budget*window.Seconds() + 0.999)
		for _, t := range ts {
			if t.Before(lastGate) || t.Add(window).After(start.Add(calm+storm+after)) {
				continue
			}
			if countBetween(ts, t, t.Add(window)) >= need {
				recovery = t.Sub(lastGate)
				break
			}
		}
		if recovery < 0 {
			b.Errorf("never back at %g creates/s after the storm (last Retry-After ended at +%v)", budget, lastGate.Sub(start))
		}
		b.ReportMetric(recovery.Seconds(), "s-to-budget")
		b.ReportMetric(float64(countBetween(ts, start.Add(calm/2), start.Add(calm)))/(calm/2).Minutes(), "creates/min-before")
		b.ReportMetric(float64(countBetween(ts, lastGate.Add(recovery), start.Add(calm+storm+after)))/start.Add(calm+storm+after).Sub(lastGate.Add(recovery)).Minutes(), "creates/min-after")
		b.ReportMetric(float64(refused), "429s")
		b.ReportMetric(float64(failed.Load()), "failed")
	}
}
