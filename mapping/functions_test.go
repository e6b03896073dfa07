package mapping

import (
	"regexp"
	"strings"
	"testing"
)

func TestStringFunctions(t *testing.T) {
	runExprCases(t, []exprCase{
		{`Append([givenName], "@contoso.com")`, `"Ada@contoso.com"`},
		{`Append([missing], "@contoso.com")`, `null`},
		{`Append([givenName], [missing])`, `"Ada"`},
		{`Append([dups], "!")`, `["a!" "b!" "a!" "c!" "b!"]`},

		{`Left("John Doe", 3)`, `"Joh"`},
		{`Left("John Doe", 0)`, `""`},
		{`Left("John Doe", -1)`, `"John Doe"`},
		{`Left("Jo", 5)`, `"Jo"`},
		{`Left([missing], 3)`, `""`},
		{`Left("Zoë😀x", 4)`, `"Zoë😀"`},
		{`Left([givenName], "2")`, `"Ad"`},

		{`Mid("John Doe", 3, 5)`, `"hn Do"`},
		{`Mid("John Doe", 6, 100)`, `"Doe"`},
		{`Mid("John Doe", 6)`, `"Doe"`},
		{`Mid("John Doe", 20, 2)`, `""`},
		{`Mid("Łódź", 2, 2)`, `"ód"`},
		{`Mid([missing], 1, 2)`, `null`},
		{`Mid("abc", 1, 0)`, `""`},

		{`Trim([spaces])`, `"padded"`},
		{`Trim([missing])`, `null`},
		{`StripSpaces(" a b  c ")`, `"abc"`},
		{`StripSpaces([missing])`, `null`},

		{`ToLower("ÀÉÎ")`, `"àéî"`},
		{`ToUpper("straße")`, `"STRAßE"`}, // .NET invariant casing keeps ß
		{`ToUpper("istanbul", "tr-TR")`, `"İSTANBUL"`},
		{`ToLower("TITLE", "en-US")`, `"title"`},
		{`ToLower([missing])`, `null`},
		{`ToLower([missing], "de")`, `null`},

		{`NormalizeDiacritics([accented])`, `"Zoe AEroe Lodz Strasse"`},
		{`NormalizeDiacritics("plain")`, `"plain"`},
		{`NormalizeDiacritics([missing])`, `null`},
		{`SlackUserName([upn])`, `"ada.lovelace"`},
		{`SlackUserName([missing])`, `null`},
		{`SlackUserName([emojiName])`, `"zoe_"`},

		{`PCase("NEW YORK city")`, `"New York City"`},
		{`PCase("jOHN o'neil-smith")`, `"John O'neil-Smith"`},
		{`PCase("NEW YORK", " ")`, `"New York"`},
		{`PCase("anne-marie o'neil", "-")`, `"Anne-Marie o'neil"`},
		{`PCase([missing])`, `null`},

		{`Word("The quick brown fox", 3, " ")`, `"brown"`},
		{`Word("This,string!has&many separators", 3, ",!&#")`, `"has"`},
		{`Word("a  b", 2, " ")`, `"b"`},
		{`Word("a b", 3, " ")`, `""`},
		{`Word("a b", 0, " ")`, `""`},
		{`Word([missing], 1, " ")`, `""`},
		{`Word("one two", 2)`, `"two"`},

		{`Split("a,b,,c", ",")`, `["a" "b" "" "c"]`},
		{`Split("abc", "")`, `["abc"]`},
		{`Split([missing], ",")`, `null`},
		{`Item(Split("a,b,c", ","), 2)`, `"b"`},

		{`Join(" ", [givenName], [surname])`, `"Ada Lovelace"`},
		{`Join(" ", [givenName], [missing], [surname])`, `"Ada Lovelace"`},
		{`Join(" ", [missing], [surname])`, `"Lovelace"`},
		{`Join(" ", [empty], [surname])`, `"Lovelace"`},
		{`Join(",", [dups])`, `"a,b,a,c,b"`},
		{`Join("", "1000", [n3])`, `"10003"`},
		{`Join(" ", [missing], [missing])`, `null`},
		{`Join(" ", [empty])`, `""`},
		{`Join(, [givenName], [surname])`, `"AdaLovelace"`},

		{`InStr("The quick brown fox", "quick")`, `"5"`},
		{`InStr("The quick brown fox", "QUICK")`, `"0"`},
		{`InStr("The quick brown fox", "QUICK", , vbTextCompare)`, `"5"`},
		{`InStr("repeat repeat", "repeat", 2)`, `"8"`},
		{`InStr("Zoë-x", "-")`, `"4"`},
		{`InStr([missing], "x")`, `null`},
		{`InStr("abc", "", 1, vbBinaryCompare)`, `"1"`},

		{`ConvertToBase64("Hello world!")`, `"SABlAGwAbABvACAAdwBvAHIAbABkACEA"`},
		{`ConvertToBase64("😀")`, `"PdgA3g=="`},
		{`ConvertToUTF8Hex("Hello world!")`, `"48656C6C6F20776F726C6421"`},
		{`ConvertToUTF8Hex("é")`, `"C3A9"`},
		{`ConvertToUTF8Hex([missing])`, `null`},
	})
}

func TestReplace(t *testing.T) {
	runExprCases(t, []exprCase{
		// (a) oldValue + replacementValue
		{`Replace("a.b.c", ".", , , "-", , )`, `"a-b-c"`},
		{`Replace("a.b.c", ".", , , "", , )`, `"abc"`},
		{`Replace([upn], "@contoso.com", , , "@fabrikam.com", , )`, `"Ada.Lovelace@fabrikam.com"`},
		{`Replace([missing], "x", , , "y", , )`, `null`},
		{`Replace("Aa", "a", , , "b", , )`, `"Ab"`},
		// (b) oldValue + template
		{`Replace([givenName], "OLD", , , , , "Hello OLD!")`, `"Hello Ada!"`},
		// (c) regexPattern + replacementValue
		{`Replace("555-1234 and 555-9999", , "\\d{3}-(\\d{4})", , "x$1", , )`, `"x1234 and x9999"`},
		{`Replace("john.doe@x.com", , "(?<user>[^@]+)@.*", , "${user}", , )`, `"john.doe"`},
		// (d) regexPattern + regexGroupName + replacementValue
		{`Replace("+1 (555) 123", , "\\((?<area>\\d+)\\)", "area", "XXX", , )`, `"+1 (XXX) 123"`},
		// (e) regexPattern + regexGroupName + replacementAttributeName
		{`Replace([missing], , "(?<user>[^@]+)@", "user", , [upn], )`, `"Ada.Lovelace"`},
		{`Replace([givenName], , "(?<user>[^@]+)@", "user", , [upn], )`, `"Ada"`},
		{`Replace([missing], , "(?<user>[^@]+)@", "user", , [missing], )`, `null`},
		// a pattern from an attribute is compiled at run time
		{`Replace("aXbXc", , [missing], , "-", , )`, `"aXbXc"`},
	})
	o := obj{"pattern": {"X+"}}
	v, err := evalExpr(t, `Replace("aXXbXc", , [pattern], , "-", , )`, o)
	if err != nil || show(v) != `"a-b-c"` {
		t.Errorf("runtime pattern: %s, %v", show(v), err)
	}
	o["pattern"] = []string{"("}
	if _, err := evalExpr(t, `Replace("a", , [pattern], , "-", , )`, o); err == nil || !strings.Contains(err.Error(), "position 1: Replace: regexPattern \"(\" is not a valid") {
		t.Errorf("bad runtime pattern: %v", err)
	}
}

func TestLogicFunctions(t *testing.T) {
	runExprCases(t, []exprCase{
		{`Coalesce([missing], [empty], [givenName], "x")`, `"Ada"`},
		{`Coalesce([missing], "")`, `""`},
		{`Coalesce([missing], [missing])`, `null`},
		{`Coalesce([givenName])`, `"Ada"`},

		{`IIF([country]="DE", "Germany", "Other")`, `"Germany"`},
		{`IIF([country]="US", "USA", "Other")`, `"Other"`},
		{`IIF(IsPresent([missing]), "yes", "no")`, `"no"`},
		{`IIF("True", [missing], "no")`, `null`},
		{`IIF(1, "a", "b")`, `"a"`},
		{`IIF(0, "a", "b")`, `"b"`},

		{`IsNull([missing])`, `"True"`},
		{`IsNull([empty])`, `"False"`},
		{`IsNullOrEmpty([empty])`, `"True"`},
		{`IsNullOrEmpty([missing])`, `"True"`},
		{`IsNullOrEmpty([givenName])`, `"False"`},
		{`IsPresent([givenName])`, `"True"`},
		{`IsPresent([empty])`, `"False"`},
		{`IsString([givenName])`, `"True"`},
		{`IsString([proxy])`, `"False"`},
		{`IsString([missing])`, `"False"`},

		{`Not("True")`, `"False"`},
		{`Not("false")`, `"True"`},
		{`Not(IsNull([missing]))`, `"False"`},
		{`Not([missing])`, `null`},

		{`CBool([n3] > 2)`, `"True"`},
		{`CBool("0")`, `"False"`},
		{`CBool("true")`, `"True"`},
		{`CBool([missing])`, `"False"`},
		{`CStr(12)`, `"12"`},
		{`CStr([missing])`, `null`},

		{`Switch([soft], , "False", "True", "True", "False")`, `"False"`},
		{`Switch([missing], , "False", "True", "True", "False")`, `null`},
		{`Switch([country], "Unknown", "DE", "Germany", "FR", "France")`, `"Germany"`},
		{`Switch([country], "Unknown", "de", "Germany")`, `"Unknown"`},
		{`Switch([missing], [country], "", "Other")`, `"Other"`},
		{`Switch([empty], [country], "", "Other")`, `"Other"`},
		{`Switch([country], [country], "", "Other")`, `"DE"`},

		{`Item([proxy], 1)`, `"SMTP:ada@contoso.com"`},
		{`Item([proxy], 3)`, `"smtp:ada@contoso.com"`},
		{`Item([proxy], 4)`, `null`},
		{`Item([givenName], 1)`, `"Ada"`},
		{`Item([missing], 1)`, `null`},

		{`Count([proxy])`, `"3"`},
		{`Count([givenName])`, `"1"`},
		{`Count([missing])`, `"0"`},
		{`RemoveDuplicates([dups])`, `["a" "b" "c"]`},
		{`RemoveDuplicates([givenName])`, `"Ada"`},
		{`RemoveDuplicates([missing])`, `null`},

		{`IgnoreFlowIfNullOrEmpty([missing])`, `ignore`},
		{`IgnoreFlowIfNullOrEmpty([empty])`, `ignore`},
		{`IgnoreFlowIfNullOrEmpty([givenName])`, `"Ada"`},
		{`Coalesce(IgnoreFlowIfNullOrEmpty([missing]), "x")`, `"x"`},
		{`Redact([givenName])`, `"Ada"`},

		{`BitAnd(&HF, &HF7)`, `"7"`},
		{`BitAnd([flags], 4)`, `"4"`},
		{`BitAnd(512, 2)`, `"0"`},
	})
}

func TestFunctionRuntimeErrors(t *testing.T) {
	for _, tc := range []struct{ expr, want string }{
		{`Mid("abc", 0, 1)`, `position 1: Mid: start must be 1 or more`},
		{`Mid("abc", 1, -1)`, `length must not be negative`},
		{`Left("abc", [missing])`, `Left: numChars is null`},
		{`Left("abc", [givenName])`, `numChars: "Ada" is not a whole number`},
		{`Item([proxy], 0)`, `index is 1-based`},
		{`Not([givenName])`, `Not: expects "True" or "False", got "Ada"`},
		{`BitAnd([givenName], 1)`, `value1 "Ada" is not a whole number`},
		{`InStr("abc", "b", 0)`, `start must be 1 or more`},
		{`ToLower("A", [spaces])`, `position 1: ToLower: culture "  padded  " is not a language tag`},
		{`Join(" ", Mid([givenName], 0, 1))`, `position 11: Mid: start must be 1 or more`},
		{`RandomString(3, 2, 2, 0, 0)`, `the minimums add up to 4, more than Length 3`},
		{`RandomString(300, 0, 0, 0, 0)`, `Length must be 1 to 256`},
		{`RandomString(4, 1, 0, 0, 0, "0123456789")`, `removes every character of a class`},
	} {
		v, err := evalExpr(t, tc.expr, sample)
		if err == nil {
			t.Errorf("%s = %s, want error %q", tc.expr, show(v), tc.want)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s:\n got %v\nwant %s", tc.expr, err, tc.want)
		}
	}
}

func TestRandomFunctions(t *testing.T) {
	v, err := evalExpr(t, `Guid()`, sample)
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`).MatchString(v.s) {
		t.Errorf("Guid() = %q", v.s)
	}
	v, err = evalExpr(t, `RandomString(12, 2, 2, 2, 2, "aeiou")`, sample)
	if err != nil {
		t.Fatal(err)
	}
	s := v.s
	count := func(set string) int {
		n := 0
		for _, r := range s {
			if strings.ContainsRune(set, r) {
				n++
			}
		}
		return n
	}
	if len(s) != 12 || count(randomDigits) < 2 || count(randomSpecial) < 2 || count(randomUpper) < 2 || count(randomLower) < 2 || strings.ContainsAny(s, "aeiou") {
		t.Errorf("RandomString = %q", s)
	}
}
