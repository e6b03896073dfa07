package mapping

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// dotNetToken is one piece of a .NET custom date and time format string:
// a specifier such as "yyyy" or "MM", or literal text.
type dotNetToken struct {
	spec    string
	literal string
}

type dotNetFormat []dotNetToken

// In .NET a one-character format string is a standard format; these are
// their invariant-culture patterns.
var standardFormats = map[string]string{
	"d": "MM/dd/yyyy",
	"D": "dddd, dd MMMM yyyy",
	"f": "dddd, dd MMMM yyyy HH:mm",
	"F": "dddd, dd MMMM yyyy HH:mm:ss",
	"g": "MM/dd/yyyy HH:mm",
	"G": "MM/dd/yyyy HH:mm:ss",
	"m": "MMMM dd",
	"M": "MMMM dd",
	"o": "yyyy-MM-ddTHH:mm:ss.fffffffK",
	"O": "yyyy-MM-ddTHH:mm:ss.fffffffK",
	"s": "yyyy-MM-ddTHH:mm:ss",
	"t": "HH:mm",
	"T": "HH:mm:ss",
	"u": "yyyy-MM-dd HH:mm:ssZ",
	"y": "yyyy MMMM",
	"Y": "yyyy MMMM",
}

// maxRun is the longest meaningful repetition of each specifier letter.
var maxRun = map[byte]int{'y': 5, 'M': 4, 'd': 4, 'H': 2, 'h': 2, 'm': 2, 's': 2, 'f': 7, 'F': 7, 't': 2, 'z': 3, 'K': 1}

// parseDotNetFormat splits a .NET custom format string into tokens.
func parseDotNetFormat(f string) (dotNetFormat, error) {
	if len(f) == 1 {
		s, ok := standardFormats[f]
		if !ok {
			return nil, fmt.Errorf("date format %q is not a .NET standard format; use a custom format such as \"yyyy-MM-dd\"", f)
		}
		f = s
	}
	var out dotNetFormat
	lit := func(s string) {
		if n := len(out); n > 0 && out[n-1].spec == "" {
			out[n-1].literal += s
			return
		}
		out = append(out, dotNetToken{literal: s})
	}
	for i := 0; i < len(f); {
		c := f[i]
		switch {
		case c == '\'' || c == '"':
			end := strings.IndexByte(f[i+1:], c)
			if end < 0 {
				return nil, fmt.Errorf("date format %q: quoted text opened at character %d is not closed", f, i+1)
			}
			lit(f[i+1 : i+1+end])
			i += end + 2
		case c == '\\':
			if i+1 >= len(f) {
				return nil, fmt.Errorf("date format %q ends with a lone \\", f)
			}
			lit(f[i+1 : i+2])
			i += 2
		case c == '%' && i+1 < len(f) && maxRun[f[i+1]] > 0:
			i++
		case maxRun[c] > 0:
			j := i
			for j < len(f) && f[j] == c {
				j++
			}
			if j-i > maxRun[c] {
				return nil, fmt.Errorf("date format %q: %q is not a .NET format specifier", f, f[i:j])
			}
			out = append(out, dotNetToken{spec: f[i:j]})
			i = j
		default:
			lit(f[i : i+1])
			i++
		}
	}
	return out, nil
}

func pad(n, width int) string {
	s := strconv.Itoa(n)
	for len(s) < width {
		s = "0" + s
	}
	return s
}

func (f dotNetFormat) format(t time.Time) string {
	var b strings.Builder
	for _, tok := range f {
		if tok.spec == "" {
			b.WriteString(tok.literal)
			continue
		}
		s := tok.spec
		switch s[0] {
		case 'y':
			switch len(s) {
			case 1:
				b.WriteString(strconv.Itoa(t.Year() % 100))
			case 2:
				b.WriteString(pad(t.Year()%100, 2))
			default:
				b.WriteString(pad(t.Year(), len(s)))
			}
		case 'M':
			switch len(s) {
			case 3:
				b.WriteString(t.Month().String()[:3])
			case 4:
				b.WriteString(t.Month().String())
			default:
				b.WriteString(pad(int(t.Month()), len(s)))
			}
		case 'd':
			switch len(s) {
			case 3:
				b.WriteString(t.Weekday().String()[:3])
			case 4:
				b.WriteString(t.Weekday().String())
			default:
				b.WriteString(pad(t.Day(), len(s)))
			}
		case 'H':
			b.WriteString(pad(t.Hour(), len(s)))
		case 'h':
			h := t.Hour() % 12
			if h == 0 {
				h = 12
			}
			b.WriteString(pad(h, len(s)))
		case 'm':
			b.WriteString(pad(t.Minute(), len(s)))
		case 's':
			b.WriteString(pad(t.Second(), len(s)))
		case 'f', 'F':
			frac := pad(t.Nanosecond(), 9)[:len(s)]
			if s[0] == 'F' {
				frac = strings.TrimRight(frac, "0")
			}
			b.WriteString(frac)
		case 't':
			ampm := "AM"
			if t.Hour() >= 12 {
				ampm = "PM"
			}
			b.WriteString(ampm[:len(s)])
		case 'z', 'K':
			writeZone(&b, t, s)
		}
	}
	return b.String()
}

// writeZone writes t's offset as the zone specifier s asks: z (+2), zz
// (+02), zzz or K (+02:00; K writes Z for UTC).
func writeZone(b *strings.Builder, t time.Time, s string) {
	_, off := t.Zone()
	if s == "K" && off == 0 && t.Location() == time.UTC {
		b.WriteString("Z")
		return
	}
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	b.WriteRune(sign)
	switch {
	case s == "z":
		b.WriteString(strconv.Itoa(off / 3600))
	case s == "zz":
		b.WriteString(pad(off/3600, 2))
	default:
		b.WriteString(pad(off/3600, 2) + ":" + pad(off%3600/60, 2))
	}
}

// dateParts are the fields a parse has read so far.
type dateParts struct {
	year, month, day, hour, min, sec, nsec int
	pm, hasAMPM, hour12                    bool
	loc                                    *time.Location
}

// parse reads s according to the format. Without a zone the time is UTC.
func (f dotNetFormat) parse(s string) (time.Time, error) {
	d := dateParts{year: 1, month: 1, day: 1}
	rest := s
	fail := func(what string) (time.Time, error) {
		return time.Time{}, fmt.Errorf("%q does not match the input format at %q (expected %s)", s, rest, what)
	}
	for _, tok := range f {
		if tok.spec == "" {
			if !strings.HasPrefix(rest, tok.literal) {
				return fail(strconv.Quote(tok.literal))
			}
			rest = rest[len(tok.literal):]
			continue
		}
		sp := tok.spec
		var ok bool
		switch {
		case sp[0] == 'M' && len(sp) >= 3:
			d.month, rest, ok = monthName(rest, len(sp) == 3)
		case sp[0] == 'd' && len(sp) >= 3:
			_, rest, ok = weekdayName(rest, len(sp) == 3)
		case sp[0] == 't':
			if len(rest) >= len(sp) {
				switch strings.ToUpper(rest[:len(sp)]) {
				case "AM"[:len(sp)]:
					ok, d.hasAMPM = true, true
				case "PM"[:len(sp)]:
					ok, d.hasAMPM, d.pm = true, true, true
				}
				rest = rest[len(sp):]
			}
		case sp[0] == 'z' || sp[0] == 'K':
			d.loc, rest, ok = zone(rest)
		default:
			var n int
			var digits string
			minW, maxW := widths(sp)
			n, digits, rest, ok = number(rest, minW, maxW)
			d.set(sp, n, digits)
		}
		if !ok {
			return fail(sp)
		}
	}
	if rest != "" {
		return fail("end of input")
	}
	return d.time(s)
}

// widths are how many digits a numeric specifier reads: one or two for a
// single letter, any number up to its length for F, four or more for yyy….
func widths(sp string) (minW, maxW int) {
	switch {
	case len(sp) == 1 && sp[0] != 'f' && sp[0] != 'F':
		return 1, 2
	case sp[0] == 'F':
		return 0, len(sp)
	case sp[0] == 'y' && len(sp) >= 3:
		return 4, len(sp)
	}
	return len(sp), len(sp)
}

// set stores the number n (its digits as read) for the specifier sp.
func (d *dateParts) set(sp string, n int, digits string) {
	switch sp[0] {
	case 'y':
		d.year = n
		if len(sp) <= 2 {
			d.year += 2000
			if d.year > 2029 {
				d.year -= 100
			}
		}
	case 'M':
		d.month = n
	case 'd':
		d.day = n
	case 'H':
		d.hour = n
	case 'h':
		d.hour, d.hour12 = n, true
	case 'm':
		d.min = n
	case 's':
		d.sec = n
	case 'f', 'F':
		if digits != "" {
			d.nsec, _ = strconv.Atoi((digits + "000000000")[:9])
		}
	}
}

// time is the date read from s, when it is a real one.
func (d dateParts) time(s string) (time.Time, error) {
	hour := d.hour
	if d.hour12 || d.hasAMPM {
		if hour > 12 {
			return time.Time{}, fmt.Errorf("%q: hour %d with AM/PM", s, hour)
		}
		hour %= 12
		if d.pm {
			hour += 12
		}
	}
	loc := d.loc
	if loc == nil {
		loc = time.UTC
	}
	t := time.Date(d.year, time.Month(d.month), d.day, hour, d.min, d.sec, d.nsec, loc)
	if t.Month() != time.Month(d.month) || t.Day() != d.day || hour > 23 || d.min > 59 || d.sec > 59 {
		return time.Time{}, fmt.Errorf("%q is not a valid date", s)
	}
	return t, nil
}

func number(s string, minW, maxW int) (n int, digits, rest string, ok bool) {
	i := 0
	for i < len(s) && i < maxW && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	if i < minW {
		return 0, "", s, false
	}
	if i == 0 {
		return 0, "", s, true
	}
	n, _ = strconv.Atoi(s[:i])
	return n, s[:i], s[i:], true
}

func monthName(s string, short bool) (int, string, bool) {
	for m := time.January; m <= time.December; m++ {
		name := m.String()
		if short {
			name = name[:3]
		}
		if len(s) >= len(name) && strings.EqualFold(s[:len(name)], name) {
			return int(m), s[len(name):], true
		}
	}
	return 0, s, false
}

func weekdayName(s string, short bool) (int, string, bool) {
	for d := time.Sunday; d <= time.Saturday; d++ {
		name := d.String()
		if short {
			name = name[:3]
		}
		if len(s) >= len(name) && strings.EqualFold(s[:len(name)], name) {
			return int(d), s[len(name):], true
		}
	}
	return 0, s, false
}

// zone reads "Z", "+hh", "+hh:mm" or "+hhmm".
func zone(s string) (*time.Location, string, bool) {
	if strings.HasPrefix(s, "Z") {
		return time.UTC, s[1:], true
	}
	if s == "" || (s[0] != '+' && s[0] != '-') {
		return nil, s, false
	}
	sign := 1
	if s[0] == '-' {
		sign = -1
	}
	h, _, rest, ok := number(s[1:], 1, 2)
	if !ok {
		return nil, s, false
	}
	m := 0
	if strings.HasPrefix(rest, ":") {
		if m, _, rest, ok = number(rest[1:], 2, 2); !ok {
			return nil, s, false
		}
	} else if len(rest) >= 2 && rest[0] >= '0' && rest[0] <= '9' {
		m, _, rest, _ = number(rest, 2, 2)
	}
	off := sign * (h*3600 + m*60)
	if off == 0 {
		return time.UTC, rest, true
	}
	return time.FixedZone("", off), rest, true
}
