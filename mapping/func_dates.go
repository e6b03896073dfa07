package mapping

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// entraDateLayout is the string form Entra's date functions return
// (.NET "M/d/yyyy h:mm:ss tt"), always in UTC.
const entraDateLayout = "1/2/2006 3:04:05 PM"

// dateLayouts are the forms CDate and the other date functions read. .NET
// parses far more; these cover what directories and Entra emit.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05Z07:00",
	"2006-01-02 15:04:05",
	"2006-01-02T15:04Z07:00",
	"2006-01-02",
	// A date with a UTC offset and no time, as Workday sends and
	// Microsoft's CDate and DateAdd examples use: "2012-03-16-07:00".
	"2006-01-02Z07:00",
	entraDateLayout,
	"1/2/2006 3:04 PM",
	"1/2/2006 15:04:05",
	"1/2/2006 15:04",
	"1/2/2006",
	"20060102150405.0Z0700",
	"20060102150405.0Z",
	"20060102150405Z",
	time.RFC1123Z,
	time.RFC1123,
	"January 2, 2006",
	"2 January 2006",
}

// parseDate reads a date string; without a zone it is taken as UTC.
func parseDate(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%q is not a date this function can read (use ISO 8601, e.g. 2024-03-09T14:05:07Z, or FormatDateTime with an input format)", s)
}

func fnNow(e *evaluator, _ *node, _ []value) (value, error) {
	return str(e.now().UTC().Format(entraDateLayout)), nil
}

func fnCDate(_ *evaluator, _ *node, a []value) (value, error) {
	if a[0].isNull() {
		return null, nil
	}
	t, err := parseDate(a[0].first())
	if err != nil {
		return null, err
	}
	return str(t.UTC().Format(entraDateLayout)), nil
}

var intervals = map[string]bool{"yyyy": true, "q": true, "m": true, "y": true, "d": true, "w": true, "ww": true, "h": true, "n": true, "s": true}

func prepareInterval(n *node) error {
	if a := n.args[0]; a.kind == nodeLit && !intervals[a.lit.s] {
		return &SyntaxError{a.pos, fmt.Sprintf("interval %q is not one of yyyy, q, m, d, ww, h, n (minutes), s", a.lit.s)}
	}
	return nil
}

func interval(v value) (string, error) {
	s := v.first()
	if !intervals[s] {
		return "", fmt.Errorf("interval %q is not one of yyyy, q, m, d, ww, h, n (minutes), s", s)
	}
	return s, nil
}

// fnDateAdd adds value intervals to a date; y and w count as days, as in VBA.
func fnDateAdd(_ *evaluator, _ *node, a []value) (value, error) {
	iv, err := interval(a[0])
	if err != nil {
		return null, err
	}
	n, present, err := intArg(a, 1, "value")
	if err != nil {
		return null, err
	}
	if !present || a[2].isNull() {
		return null, nil
	}
	t, err := parseDate(a[2].first())
	if err != nil {
		return null, err
	}
	t = t.UTC()
	switch iv {
	case "yyyy":
		t = addMonths(t, 12*n)
	case "q":
		t = addMonths(t, 3*n)
	case "m":
		t = addMonths(t, n)
	case "d", "y", "w":
		t = t.AddDate(0, 0, n)
	case "ww":
		t = t.AddDate(0, 0, 7*n)
	case "h":
		t = t.Add(time.Duration(n) * time.Hour)
	case "n":
		t = t.Add(time.Duration(n) * time.Minute)
	case "s":
		t = t.Add(time.Duration(n) * time.Second)
	}
	return str(t.Format(entraDateLayout)), nil
}

// addMonths moves t by n months, keeping the day but clamping it to the
// end of a shorter month (Jan 31 + 1 month = Feb 29 in 2024), as .NET's
// AddMonths does; Go's AddDate would roll over into March.
func addMonths(t time.Time, n int) time.Time {
	y, m, d := t.Date()
	first := time.Date(y, m+time.Month(n), 1, t.Hour(), t.Minute(), t.Second(), t.Nanosecond(), t.Location())
	last := first.AddDate(0, 1, -1).Day()
	return first.AddDate(0, 0, min(d, last)-1)
}

// fnDateDiff counts intervals from date1 to date2: calendar boundaries for
// yyyy, q and m, and Sundays for ww (as VB's DateDiff does, which is what
// Microsoft's example shows: -493, where elapsed weeks would be -492); whole
// elapsed units, truncated toward zero, for the rest.
func fnDateDiff(_ *evaluator, _ *node, a []value) (value, error) {
	iv, err := interval(a[0])
	if err != nil {
		return null, err
	}
	if a[1].isNull() || a[2].isNull() {
		return null, nil
	}
	t1, err := parseDate(a[1].first())
	if err != nil {
		return null, err
	}
	t2, err := parseDate(a[2].first())
	if err != nil {
		return null, err
	}
	t1, t2 = t1.UTC(), t2.UTC()
	d := t2.Sub(t1)
	var n int64
	switch iv {
	case "yyyy":
		n = int64(t2.Year() - t1.Year())
	case "q":
		n = int64((t2.Year()-t1.Year())*4 + (int(t2.Month())-1)/3 - (int(t1.Month())-1)/3)
	case "m":
		n = int64((t2.Year()-t1.Year())*12 + int(t2.Month()) - int(t1.Month()))
	case "d", "y", "w":
		n = int64(d / (24 * time.Hour))
	case "ww":
		n = int64(weekStart(t2).Sub(weekStart(t1)) / (7 * 24 * time.Hour))
	case "h":
		n = int64(d / time.Hour)
	case "n":
		n = int64(d / time.Minute)
	case "s":
		n = int64(d / time.Second)
	}
	return str(strconv.FormatInt(n, 10)), nil
}

// weekStart is midnight of the Sunday that begins t's week.
func weekStart(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d-int(t.Weekday()), 0, 0, 0, 0, time.UTC)
}

// adEpoch is the start of Active Directory's integer dates: 100-ns ticks
// since 1601-01-01 UTC.
var adEpoch = time.Date(1601, 1, 1, 0, 0, 0, 0, time.UTC)

const adEpochToUnix = 11644473600 // seconds from 1601 to 1970

// fnDateFromNum converts an AD integer date. 0 and the largest value are
// AD's "never", so they give null.
func fnDateFromNum(_ *evaluator, _ *node, a []value) (value, error) {
	if a[0].isNull() {
		return null, nil
	}
	ticks, err := strconv.ParseInt(strings.TrimSpace(a[0].first()), 10, 64)
	if err != nil {
		return null, fmt.Errorf("%q is not an AD integer date", a[0].first())
	}
	if ticks <= 0 || ticks == math.MaxInt64 {
		return null, nil
	}
	secs, rem := ticks/1e7, ticks%1e7
	t := time.Unix(secs-adEpochToUnix, rem*100).UTC()
	return str(t.Format(entraDateLayout)), nil
}

func fnNumFromDate(_ *evaluator, _ *node, a []value) (value, error) {
	if a[0].isNull() {
		return null, nil
	}
	t, err := parseDate(a[0].first())
	if err != nil {
		return null, err
	}
	if t.Before(adEpoch) {
		return null, fmt.Errorf("%q is before 1601, the start of AD dates", a[0].first())
	}
	ticks := (t.Unix()+adEpochToUnix)*1e7 + int64(t.Nanosecond()/100)
	return str(strconv.FormatInt(ticks, 10)), nil
}

// prepareFormatDateTime parses literal .NET format strings once.
func prepareFormatDateTime(n *node) error {
	if n.args[3].kind == nodeMissing {
		return &SyntaxError{n.args[3].pos, "FormatDateTime needs an outputFormat (argument 4)"}
	}
	for _, i := range []int{2, 3} {
		if a := n.args[i]; a.kind == nodeLit {
			if _, err := parseDotNetFormat(a.lit.s); err != nil {
				return &SyntaxError{a.pos, err.Error()}
			}
		}
	}
	return nil
}

// fnFormatDateTime re-formats a date with .NET custom format strings. The
// dateTimeStyles argument is accepted for compatibility; input is always
// trimmed, and a time without a zone is taken as UTC.
func fnFormatDateTime(_ *evaluator, _ *node, a []value) (value, error) {
	if a[0].isNull() {
		return null, nil
	}
	out, err := parseDotNetFormat(a[3].first())
	if err != nil {
		return null, err
	}
	src := strings.TrimSpace(a[0].first())
	var t time.Time
	if a[2].empty() {
		t, err = parseDate(src)
	} else {
		var in dotNetFormat
		if in, err = parseDotNetFormat(a[2].first()); err == nil {
			t, err = in.parse(src)
		}
	}
	if err != nil {
		return null, err
	}
	return str(out.format(t)), nil
}
