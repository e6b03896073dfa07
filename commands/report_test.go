package commands

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/urfave/cli/v2"

	"github.com/slackprov/slackprov/store"
)

// reportEnv is a profile with history: creates (one refused by Slack),
// then a title change, so the log has creates, an update with an
// attribute change and failures, and a failure is pending.
func reportEnv(t *testing.T) (*syncEnv, []store.LogEntry) {
	t.Helper()
	e := newSyncEnv(t, 6, "")
	e.addFailingUser()
	if code, _, stderr := e.run("sync", "--yes"); code != ExitError {
		t.Fatalf("first sync: exit %d: %s", code, stderr)
	}
	raw, err := os.ReadFile(filepath.Join(e.dir, "people.json"))
	if err != nil {
		t.Fatal(err)
	}
	e.write("people.json", strings.Replace(string(raw), `"displayName":"User 002"`, `"displayName":"User 002","jobTitle":"Auditor <script>alert(1)</script>"`, 1))
	if code, _, stderr := e.run("sync", "--yes"); code != ExitError {
		t.Fatalf("second sync: exit %d: %s", code, stderr)
	}
	log, err := e.openStore().Log(context.Background(), store.LogFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return e, log
}

func (e *syncEnv) report(t *testing.T, args ...string) string {
	t.Helper()
	file := filepath.Join(e.dir, "report.html")
	code, _, stderr := e.run(append([]string{"report", "--html", file}, args...)...)
	if code != ExitOK {
		t.Fatalf("report: exit %d: %s", code, stderr)
	}
	return file
}

var reportLogRow = regexp.MustCompile(`(?s)<table id="log">.*?</table>`)

// The file stands alone: nothing in it can reach the network, and a value
// that looks like markup stays text.
func TestReportIsSelfContained(t *testing.T) {
	e, log := reportEnv(t)
	raw, err := os.ReadFile(e.report(t))
	if err != nil {
		t.Fatal(err)
	}
	html := string(raw)
	for _, bad := range []string{"http://", "https://", "src=", "href=", "@import", "url(", "<script>alert"} {
		if strings.Contains(html, bad) {
			t.Errorf("the report contains %q", bad)
		}
	}
	if !strings.Contains(html, "default-src 'none'") {
		t.Error("the report has no Content-Security-Policy forbidding loads")
	}
	table := reportLogRow.FindString(html)
	if got := strings.Count(table, "<tr>") - 1; got != len(log) {
		t.Errorf("log table has %d rows, the log %d entries", got, len(log))
	}
	if !strings.Contains(table, "Auditor &lt;script&gt;") {
		t.Error("the title change is not in the log table, escaped")
	}
}

func TestReportRunFilterAndErrors(t *testing.T) {
	e, log := reportEnv(t)
	var second int
	for _, l := range log {
		if l.RunID == 2 {
			second++
		}
	}
	raw, err := os.ReadFile(e.report(t, "--run", "2"))
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(reportLogRow.FindString(string(raw)), "<tr>") - 1; got != second || second == 0 {
		t.Errorf("--run 2: %d rows, run 2 logged %d entries", got, second)
	}
	if code, _, stderr := e.run("report", "--html", filepath.Join(e.dir, "x.html"), "--run", "99"); code != ExitError || !strings.Contains(stderr, "--run 99: no such run") {
		t.Errorf("--run 99: exit %d, %s", code, stderr)
	}
	if code, _, stderr := e.run("report"); code != ExitError || !strings.Contains(stderr, "report needs --html FILE") {
		t.Errorf("no --html: exit %d, %s", code, stderr)
	}
}

func TestReportFlagsToOptions(t *testing.T) {
	var got *ReportOptions
	err := runOne(t, time.Now(), func(f *Factory) *cli.Command {
		return newReportCmd(f, func(o *ReportOptions) error { got = o; return nil })
	}, "report", "--html", "r.html", "--since", "168h", "--run", "4")
	if err != nil || got == nil || got.HTML != "r.html" || got.Since != 168*time.Hour || got.RunID != 4 {
		t.Fatalf("err %v, options %+v", err, got)
	}
	if err := runOne(t, time.Now(), func(f *Factory) *cli.Command { return newReportCmd(f, nil) }, "report", "--html", "r.html", "--run", "0"); err == nil {
		t.Error("--run 0 accepted")
	}
}

// browserWatch records what a page does that a self-contained report must
// not: console errors, uncaught exceptions, and requests for anything but
// the file itself.
type browserWatch struct {
	mu       sync.Mutex
	problems []string
}

func (w *browserWatch) add(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.problems = append(w.problems, fmt.Sprintf(format, args...))
}

func (w *browserWatch) listen(page string) func(ev any) {
	return func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			w.add("exception: %s", ev.ExceptionDetails.Text)
		case *runtime.EventConsoleAPICalled:
			if ev.Type == runtime.ConsoleAPICalledTypeError {
				w.add("console.error called")
			}
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				w.add("console error: %s %s", ev.Entry.Text, ev.Entry.URL)
			}
		case *network.EventRequestWillBeSent:
			if ev.Request.URL != page {
				w.add("network request: %s", ev.Request.URL)
			}
		}
	}
}

// The report opened in real headless Chromium: no console error, no
// request beyond the file, the chart drawn, one row per log entry, and the
// search box and the column sort work.
func TestReportInBrowser(t *testing.T) {
	chromium := os.Getenv("SLACKPROV_TEST_BROWSER")
	if chromium == "" {
		t.Skip("set SLACKPROV_TEST_BROWSER=/usr/bin/chromium to open the report in a real browser")
	}
	e, log := reportEnv(t)
	page := "file://" + e.report(t)
	browser := authStartChromium(t, chromium)
	tab, cancel := chromedp.NewContext(browser.ctx)
	defer cancel()
	tab, cancelTimeout := context.WithTimeout(tab, 60*time.Second)
	defer cancelTimeout()
	watch := &browserWatch{}
	if err := chromedp.Listen(tab, watch.listen(page)); err != nil {
		t.Fatal(err)
	}
	if err := chromedp.Do(tab, chromedp.Navigate(page), chromedp.WaitReady("#log tbody")); err != nil {
		t.Fatalf("open %s: %v", page, err)
	}
	count := func(js string) int {
		t.Helper()
		n, err := chromedp.Run(tab, chromedp.Evaluate[int](js))
		if err != nil {
			t.Fatalf("%s: %v", js, err)
		}
		return n
	}
	if n := count(`document.querySelectorAll("#runs-chart rect.bar").length`); n < 2 {
		t.Errorf("the chart has %d bars, want at least one per action of each of the 2 runs", n)
	}
	if h := count(`Math.round(document.querySelector("#runs-chart rect.bar").getBoundingClientRect().height)`); h <= 0 {
		t.Errorf("the chart's first bar is %d pixels high: not drawn", h)
	}
	if n := count(`document.querySelectorAll("#log tbody tr").length`); n != len(log) {
		t.Errorf("the log table has %d rows, the log %d entries", n, len(log))
	}
	want := 0
	for _, l := range log {
		if l.Name == "user002" {
			want++
		}
	}
	if err := chromedp.Do(tab, chromedp.SendKeys("input#search", "user002")); err != nil {
		t.Fatal(err)
	}
	visible := `Array.from(document.querySelectorAll("#log tbody tr")).filter(r => !r.hidden && r.offsetParent !== null).length`
	if n := count(visible); n != want || want < 2 {
		t.Errorf("searching user002 leaves %d rows visible, want its %d entries (create and update)", n, want)
	}
	if n := count(`Number(document.getElementById("shown").textContent)`); n != want {
		t.Errorf("the counter says %d shown, want %d", n, want)
	}
	// Sorting by run, descending (two clicks), puts the update first.
	if err := chromedp.Do(tab, chromedp.Click(`#log thead th:nth-child(3)`), chromedp.Click(`#log thead th:nth-child(3)`)); err != nil {
		t.Fatal(err)
	}
	first, err := chromedp.Run(tab, chromedp.Evaluate[string](`Array.from(document.querySelectorAll("#log tbody tr")).find(r => !r.hidden).cells[3].textContent`))
	if err != nil || first != "update" {
		t.Errorf("after sorting by run, descending, the first visible row is %q (%v), want the update", first, err)
	}
	watch.mu.Lock()
	defer watch.mu.Unlock()
	for _, p := range watch.problems {
		t.Error(p)
	}
}
