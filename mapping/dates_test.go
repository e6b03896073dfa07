package mapping

import (
	"strings"
	"testing"
	"time"

	"github.com/slackprov/slackprov/schema"
)

func TestDateFunctions(t *testing.T) {
	runExprCases(t, []exprCase{
		{`Now()`, `"3/9/2024 2:05:07 PM"`},
		{`CDate("2024-03-09T14:05:07-01:00")`, `"3/9/2024 3:05:07 PM"`},
		{`CDate("2024-03-09")`, `"3/9/2024 12:00:00 AM"`},
		{`CDate(" 2024-03-09T14:05:07.1234567Z ")`, `"3/9/2024 2:05:07 PM"`},
		{`CDate("20150123105347.1Z")`, `"1/23/2015 10:53:47 AM"`},
		{`CDate([missing])`, `null`},

		{`DateAdd("d", 7, "2024-02-25")`, `"3/3/2024 12:00:00 AM"`},
		{`DateAdd("yyyy", -1, CDate("2024-03-09T14:05:07Z"))`, `"3/9/2023 2:05:07 PM"`},
		{`DateAdd("m", 1, "2024-01-31")`, `"2/29/2024 12:00:00 AM"`},
		{`DateAdd("m", -13, "2024-03-31")`, `"2/28/2023 12:00:00 AM"`},
		{`DateAdd("yyyy", 1, "2024-02-29")`, `"2/28/2025 12:00:00 AM"`},
		{`DateAdd("q", 1, "2024-11-30")`, `"2/28/2025 12:00:00 AM"`},
		{`DateAdd("ww", 2, "2024-03-01")`, `"3/15/2024 12:00:00 AM"`},
		{`DateAdd("h", 36, "2024-03-09T00:00:00Z")`, `"3/10/2024 12:00:00 PM"`},
		{`DateAdd("n", -30, "2024-03-09T00:15:00Z")`, `"3/8/2024 11:45:00 PM"`},
		{`DateAdd("s", 61, "2024-03-09T00:00:00Z")`, `"3/9/2024 12:01:01 AM"`},
		{`DateAdd("d", 1, [missing])`, `null`},

		{`DateDiff("d", "2024-03-01", "2024-03-09T23:00:00Z")`, `"8"`},
		{`DateDiff("d", "2024-03-09", "2024-03-01")`, `"-8"`},
		{`DateDiff("d", "2024-03-09T23:00:00Z", "2024-03-08T01:00:00Z")`, `"-1"`},
		{`DateDiff("d", "2024-03-09", "2024-03-09")`, `"0"`},
		{`DateDiff("yyyy", "2023-12-31", "2024-01-01")`, `"1"`},
		{`DateDiff("q", "2024-03-31", "2024-04-01")`, `"1"`},
		{`DateDiff("m", "2024-01-31", "2024-02-01")`, `"1"`},
		{`DateDiff("ww", "2024-03-01", "2024-03-20")`, `"3"`}, // Sundays crossed: 3, 10, 17 March
		{`DateDiff("h", "2024-03-09T00:00:00Z", "2024-03-09T05:59:59Z")`, `"5"`},
		{`DateDiff("n", "2024-03-09T00:00:00Z", "2024-03-09T01:30:00+01:00")`, `"30"`},
		{`DateDiff("s", "2024-03-09T00:00:00Z", "2024-03-09T00:00:09Z")`, `"9"`},
		{`DateDiff("d", [missing], "2024-03-09")`, `null`},
		{`DateDiff("d", CDate("2024-03-01"), Now())`, `"8"`},

		{`DateFromNum("129699324000000000")`, `"1/1/2012 11:00:00 PM"`},
		{`DateFromNum(0)`, `null`},
		{`DateFromNum("9223372036854775807")`, `null`},
		{`DateFromNum([missing])`, `null`},
		{`NumFromDate("2012-01-01T23:00:00Z")`, `"129699324000000000"`},
		{`NumFromDate("2012-01-02T00:00:00+01:00")`, `"129699324000000000"`},
		{`NumFromDate([missing])`, `null`},

		{`FormatDateTime("20150123105347.1Z", , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")`, `"2015-01-23"`},
		{`FormatDateTime("2021-03-26-07:00", , "yyyy-MM-ddzzz", "yyyy-MM-dd")`, `"2021-03-26"`},
		{`FormatDateTime("2021-03-26-07:00", , "yyyy-MM-ddzzz", "yyyy-MM-ddTHH:mmzzz")`, `"2021-03-26T00:00-07:00"`},
		{`FormatDateTime("3/9/2024 2:05:07 PM", , "M/d/yyyy h:mm:ss tt", "yyyy-MM-ddTHH:mm:ssK")`, `"2024-03-09T14:05:07Z"`},
		{`FormatDateTime("09 March 2024", , "dd MMMM yyyy", "dddd, MMM d yy")`, `"Saturday, Mar 9 24"`},
		{`FormatDateTime("2024-03-09T14:05:07.1234567+02:00", , "o", "yyyy-MM-dd HH:mm:ss.fff zzz")`, `"2024-03-09 14:05:07.123 +02:00"`},
		{`FormatDateTime("2024-03-09", , , "d")`, `"03/09/2024"`},
		{`FormatDateTime("12:30:00.5", , "HH:mm:ss.FFF", "h:mm tt 'sharp' \\h")`, `"12:30 PM sharp h"`},
		{`FormatDateTime("240309", , "yyMMdd", "yyyy")`, `"2024"`},
		{`FormatDateTime("990309", , "yyMMdd", "yyyy")`, `"1999"`},
		{`FormatDateTime("Sat, 9 Mar 2024", , "ddd, d MMM yyyy", "s")`, `"2024-03-09T00:00:00"`},
		{`FormatDateTime([missing], , "yyyy", "yyyy")`, `null`},
	})
}

func TestDateErrors(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{`CDate("next tuesday")`, `position 1: CDate: "next tuesday" is not a date`},
		{`FormatDateTime("2024-02-30", , "yyyy-MM-dd", "d")`, `"2024-02-30" is not a valid date`},
		{`FormatDateTime("2024/03/09", , "yyyy-MM-dd", "d")`, `does not match the input format at "/03/09" (expected "-")`},
		{`FormatDateTime("2024-03-09x", , "yyyy-MM-dd", "d")`, `(expected end of input)`},
		{`FormatDateTime("13:00 PM", , "hh:mm tt", "d")`, `hour 13 with AM/PM`},
		{`NumFromDate("1500-01-01")`, `before 1601`},
		{`DateFromNum("soon")`, `is not an AD integer date`},
		{`DateAdd([givenName], 1, "2024-01-01")`, `interval "Ada" is not one of`},
	} {
		v, err := evalExpr(t, tc.expr, sample)
		if err == nil {
			t.Errorf("%s = %s, want error", tc.expr, show(v))
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\n got %v\nwant %s", tc.expr, err, tc.want)
		}
	}
	for _, tc := range []struct{ expr, want string }{
		{`FormatDateTime([a], , "q", "yyyy")`, `position 23: date format "q" is not a .NET standard format`},
		{`FormatDateTime([a], , "yyyy", )`, `position 31: FormatDateTime needs an outputFormat`},
		{`FormatDateTime([a], , "yyyy")`, `FormatDateTime takes 4 arguments, got 3`},
		{`FormatDateTime([a], , "'open", "d")`, `quoted text opened at character 1 is not closed`},
		{`FormatDateTime([a], , "yyyyyy", "d")`, `"yyyyyy" is not a .NET format specifier`},
		{`DateAdd("week", 1, [a])`, `position 9: interval "week" is not one of`},
		{`DateDiff("D", [a], [b])`, `interval "D"`},
	} {
		if _, err := parseExpression(tc.expr); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\n got %v\nwant %s", tc.expr, err, tc.want)
		}
	}
}

func TestNowUsesCompiledClock(t *testing.T) {
	m := Default()
	m.Users = append(m.Users, Attribute{Target: schema.NickName, Expression: `FormatDateTime(Now(), , "M/d/yyyy h:mm:ss tt", "yyyyMMdd")`})
	c := mustCompile(t, m)
	c.now = func() time.Time { return time.Date(2030, 12, 31, 23, 59, 0, 0, time.FixedZone("", -5*3600)) }
	if got := c.EvalUser(ada(), false).Values[schema.NickName]; got != "20310101" {
		t.Errorf("nickName = %q, want the UTC date 20310101", got)
	}
}
