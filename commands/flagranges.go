package commands

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/urfave/cli/v2"
)

// bounds is the range a numeric flag accepts. Out-of-range values are
// refused, never reinterpreted (a negative --max-deactivations once meant
// "use the default").
type bounds struct {
	lo, hi float64
	loOpen bool // lo itself is refused
}

var (
	atLeast0 = bounds{lo: 0, hi: math.Inf(1)}
	atLeast1 = bounds{lo: 1, hi: math.Inf(1)}
	above0   = bounds{lo: 0, hi: math.Inf(1), loOpen: true}
)

// flagRanges holds every numeric flag's range, keyed "command path --flag".
// TestEveryNumericFlagHasARange keeps it complete.
var flagRanges = map[string]bounds{
	"apply --workers":           atLeast1,
	"authorize --port":          {lo: 1, hi: 65535},
	"authorize --timeout":       above0,
	"demo --users":              atLeast1,
	"demo --groups":             atLeast0,
	"demo --time-scale":         above0,
	"apply --max-deactivations": atLeast0,
	"demo --show":               atLeast0,
	"emulator --port":           {lo: 0, hi: 65535},
	"emulator --time-scale":     above0,
	"emulator --fault-rate":     {lo: 0, hi: 1},
	"logs --run":                atLeast1,
	"logs --since":              above0,
	"logs --until":              above0,
	"logs --limit":              atLeast1,
	"mappings validate --show":  atLeast0,
	"report --since":            above0,
	"report --run":              atLeast1,
	"runs --limit":              atLeast1,
	"sync --max-deactivations":  atLeast0,
	"sync --workers":            atLeast1,
	"watch --interval":          {lo: 30, hi: math.Inf(1)},
	"watch --full-every":        {lo: 30, hi: math.Inf(1)},
	"watch --max-deactivations": atLeast0,
	"watch --workers":           atLeast1,
}

func (b bounds) check(flag string, v float64, shown string) error {
	return b.checkUnit(flag, v, shown, "")
}

// checkUnit is check for a value in unit (durations: "s").
func (b bounds) checkUnit(flag string, v float64, shown, unit string) error {
	if v < b.lo || (b.loOpen && v == b.lo) || v > b.hi || math.IsNaN(v) {
		return fmt.Errorf("%s %s: %s", flag, shown, b.describe(unit))
	}
	return nil
}

func (b bounds) describe(unit string) string {
	switch {
	case !math.IsInf(b.hi, 1):
		return fmt.Sprintf("use a value from %g%s to %g%s", b.lo, unit, b.hi, unit)
	case b.loOpen:
		return fmt.Sprintf("use a value above %g%s", b.lo, unit)
	}
	return fmt.Sprintf("use %g%s or more", b.lo, unit)
}

// guardFlagRanges gives every numeric flag in cmds the check from
// flagRanges; urfave runs it after parsing, only for flags that were set.
func guardFlagRanges(cmds []*cli.Command, path string) {
	for _, c := range cmds {
		at := strings.TrimSpace(path + " " + c.Name)
		for _, f := range c.Flags {
			b, ok := flagRanges[at+" --"+f.Names()[0]]
			if !ok {
				continue
			}
			name := "--" + f.Names()[0]
			switch f := f.(type) {
			case *cli.IntFlag:
				f.Action = func(_ *cli.Context, v int) error { return b.check(name, float64(v), fmt.Sprint(v)) }
			case *cli.Int64Flag:
				f.Action = func(_ *cli.Context, v int64) error { return b.check(name, float64(v), fmt.Sprint(v)) }
			case *cli.Float64Flag:
				f.Action = func(_ *cli.Context, v float64) error { return b.check(name, v, fmt.Sprint(v)) }
			case *cli.DurationFlag:
				f.Action = func(_ *cli.Context, v time.Duration) error { return b.checkUnit(name, v.Seconds(), v.String(), "s") }
			}
		}
		guardFlagRanges(c.Subcommands, at)
	}
}
