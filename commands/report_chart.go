package commands

import (
	"fmt"
	"strings"
	"time"
)

// reportChart is the run history drawn as plain SVG shapes computed here,
// so the report needs no chart library: one stacked bar of operations by
// action per run (failures on top), and one bar of duration per run.
type reportChart struct {
	Width, Height, DurHeight int
	Bars                     []chartBar
	MaxOps                   int
	MaxDuration              string
	Legend                   []chartLegend
}

type chartBar struct {
	X, W     int
	Segments []chartSegment
	DurY     int // top of the duration bar
	DurH     int
	Title    string
	Label    string // the run id, shown under some bars
}

type chartSegment struct {
	Y, H  int
	Class string
}

type chartLegend struct{ Class, Label string }

// chartActions are the stacked segments, bottom up.
var chartActions = []string{"create", "update", "reactivate", "deactivate", "delete", "failed"}

const (
	chartWidth     = 960
	chartHeight    = 220
	chartDurHeight = 90
	chartLeft      = 40 // room for the axis labels
)

func buildChart(runs []reportRunRow) reportChart {
	c := reportChart{Width: chartWidth, Height: chartHeight, DurHeight: chartDurHeight}
	for _, a := range chartActions {
		c.Legend = append(c.Legend, chartLegend{Class: "a-" + a, Label: a})
	}
	if len(runs) == 0 {
		return c
	}
	totals := make([]map[string]int, len(runs))
	var maxDur time.Duration
	for i, r := range runs {
		totals[i] = map[string]int{}
		sum := 0
		for _, a := range chartActions {
			n := r.Counts["user."+a] + r.Counts["group."+a]
			totals[i][a] = n
			sum += n
		}
		c.MaxOps = max(c.MaxOps, sum)
		if !r.Finished.IsZero() {
			maxDur = max(maxDur, r.Finished.Sub(r.Started))
		}
	}
	c.MaxDuration = maxDur.Round(time.Millisecond).String()
	slot := (chartWidth - chartLeft) / len(runs)
	barW := max(2, min(28, slot*3/4))
	labelEvery := max(1, len(runs)/12)
	for i, r := range runs {
		b := chartBar{X: chartLeft + i*slot + (slot-barW)/2, W: barW, Title: chartTitle(r)}
		if i%labelEvery == 0 {
			b.Label = fmt.Sprint(r.ID)
		}
		y := chartHeight
		for _, a := range chartActions {
			n := totals[i][a]
			if n == 0 || c.MaxOps == 0 {
				continue
			}
			h := max(1, n*(chartHeight-10)/c.MaxOps)
			y -= h
			b.Segments = append(b.Segments, chartSegment{Y: y, H: h, Class: "a-" + a})
		}
		if !r.Finished.IsZero() && maxDur > 0 {
			b.DurH = max(1, int(int64(chartDurHeight-10)*int64(r.Finished.Sub(r.Started))/int64(maxDur)))
			b.DurY = chartDurHeight - b.DurH
		}
		c.Bars = append(c.Bars, b)
	}
	return c
}

// chartTitle is a bar's tooltip: the run, its outcome and its counts.
func chartTitle(r reportRunRow) string {
	var b strings.Builder
	fmt.Fprintf(&b, "run %d · %s", r.ID, r.Status)
	if r.Mode != "" {
		fmt.Fprintf(&b, " · %s", r.Mode)
	}
	if r.DryRun {
		b.WriteString(" · dry run")
	}
	fmt.Fprintf(&b, " · %s · %s · %s", r.Started.Local().Format(time.DateTime), r.Duration, r.Summary)
	return b.String()
}
