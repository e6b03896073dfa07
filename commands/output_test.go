package commands

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/slackprov/slackprov/provision"
)

// TestTableFitsWidth: at a terminal's width every line fits, the widest
// columns are cut with an ellipsis, and the narrow ones stay whole.
func TestTableFitsWidth(t *testing.T) {
	tb := &table{header: []string{"run", "status", "source", "error"}}
	tb.add("1", "ok", "entra tenant 00000000-0000-0000-0000-000000000000, app 22222222-2222", "")
	tb.add("2", "failed", "file /home/someone/a/rather/long/path/people.json", "Slack refused the token: the token is invalid, revoked or lacks the admin scope")
	for _, width := range []int{40, 60, 80} {
		out := tb.text(width)
		for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
			if w := ansi.StringWidth(line); w > width {
				t.Errorf("width %d: line is %d columns: %q", width, w, line)
			}
		}
		if !strings.Contains(out, "…") || !strings.Contains(out, "failed") || !strings.HasPrefix(out, "run  status") {
			t.Errorf("width %d:\n%s", width, out)
		}
	}
	if out := tb.text(0); strings.Contains(out, "…") || !strings.Contains(out, "lacks the admin scope") {
		t.Errorf("without a width nothing is cut:\n%s", out)
	}
}

// TestPlanGoesThroughThePager: on a terminal the text plan is piped through
// SLACKPROV_PAGER; --no-pager and pipes print it directly.
func TestPlanGoesThroughThePager(t *testing.T) {
	t.Setenv(EnvPager, "sed s/^/PAGED:/")
	plan := &provision.Plan{Version: provision.PlanVersion, DryRun: true, Operations: []provision.Operation{
		{Action: provision.ActionCreate, Kind: provision.KindUser, SourceID: "a1", UserName: "ada", Status: provision.StatusPlanned},
	}}
	for _, tc := range []struct {
		name         string
		tty, noPager bool
		paged        bool
	}{
		{"terminal", true, false, true},
		{"terminal with --no-pager", true, true, false},
		{"pipe", false, false, false},
	} {
		ios, _, out, _ := TestStreams()
		ios.StdoutTTY, ios.NoPager = tc.tty, tc.noPager
		if err := renderPlan(ios, plan, "text", false, 0); err != nil {
			t.Fatal(err)
		}
		if got := strings.HasPrefix(out.String(), "PAGED:+ user ada"); got != tc.paged {
			t.Errorf("%s: paged = %v, want %v:\n%s", tc.name, got, tc.paged, out)
		}
	}
}
