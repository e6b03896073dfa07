package mapping

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// docExample is one example from Microsoft's pages, as documented: the
// input attributes, the expression and the output Microsoft shows.
type docExample struct {
	page  string // the Microsoft page, by its file name
	expr  string
	attrs obj
	taken []string
	// want is the documented output; nil means the value is null or the
	// target does not flow.
	want []string
	// match, when set, replaces want for outputs Microsoft gives only as a
	// sample (random values, the current time).
	match string
	// erratum says why want is not the page's text (docs/mappings.md lists
	// each such case).
	erratum string
}

const (
	funcsPage   = "functions-for-customizing-application-data"
	mappingPage = "customize-application-attributes"
)

func one(s string) []string { return []string{s} }

// documentedExamples are every example with an input or output on
// Microsoft's expression reference and attribute-mapping pages.
var documentedExamples = []docExample{
	{page: funcsPage, expr: `Append([userPrincipalName], ".test")`, attrs: user("userPrincipalName", "John.Doe@contoso.com"), want: one("John.Doe@contoso.com.test")},
	{page: funcsPage, expr: `BitAnd(&HF, &HF7)`, want: one("7")},
	{page: funcsPage, expr: `CBool([attribute1] = [attribute2])`, attrs: user("attribute1", "x", "attribute2", "x"), want: one("True")},
	{page: funcsPage, expr: `CBool([attribute1] = [attribute2])`, attrs: user("attribute1", "x", "attribute2", "y"), want: one("False")},
	{page: funcsPage, expr: `CDate([StatusHireDate])`, attrs: user("StatusHireDate", "2020-03-16-07:00"), want: one("3/16/2020 7:00:00 AM")},
	{page: funcsPage, expr: `CDate("2021-06-30+08:00")`, want: one("6/29/2021 4:00:00 PM")},
	{page: funcsPage, expr: `CDate("2009-06-15T01:45:30-07:00")`, want: one("6/15/2009 8:45:30 AM")},
	{page: funcsPage, expr: `Coalesce([mail],[userPrincipalName])`, attrs: user("userPrincipalName", "John.Doe@contoso.com"), want: one("John.Doe@contoso.com")},
	{page: funcsPage, expr: `ConvertToBase64("Hello world!")`, want: one("SABlAGwAbABvACAAdwBvAHIAbABkACEA")},
	{page: funcsPage, expr: `ConvertToUTF8Hex("Hello world!")`, want: one("48656C6C6F20776F726C6421")},
	{page: funcsPage, expr: `Count([proxyAddresses])`, attrs: obj{"proxyAddresses": {"SMTP:a@contoso.com", "smtp:b@contoso.com"}}, want: one("2")},
	{page: funcsPage, expr: `CStr([dn])`, attrs: user("dn", "cn=Joe,dc=contoso,dc=com"), want: one("cn=Joe,dc=contoso,dc=com")},
	// DateAdd's table: StatusHireDate 2012-03-16-07:00.
	{page: funcsPage, expr: `DateAdd("d", 7, CDate([StatusHireDate]))`, attrs: user("StatusHireDate", "2012-03-16-07:00"), want: one("3/23/2012 7:00:00 AM")},
	{page: funcsPage, expr: `DateAdd("d", -10, CDate([StatusHireDate]))`, attrs: user("StatusHireDate", "2012-03-16-07:00"), want: one("3/6/2012 7:00:00 AM")},
	{page: funcsPage, expr: `DateAdd("ww", 2, CDate([StatusHireDate]))`, attrs: user("StatusHireDate", "2012-03-16-07:00"), want: one("3/30/2012 7:00:00 AM")},
	{page: funcsPage, expr: `DateAdd("m", 10, CDate([StatusHireDate]))`, attrs: user("StatusHireDate", "2012-03-16-07:00"), want: one("1/16/2013 7:00:00 AM")},
	{page: funcsPage, expr: `DateAdd("yyyy", 2, CDate([StatusHireDate]))`, attrs: user("StatusHireDate", "2012-03-16-07:00"), want: one("3/16/2014 7:00:00 AM")},
	// DateDiff's table: date1 and date2 as the table gives them.
	{page: funcsPage, expr: `DateDiff("d", CDate("2021-08-18+08:00"), CDate("2021-08-31+08:00"))`, want: one("13")},
	{page: funcsPage, expr: `DateDiff("d", CDate("8/25/2021 5:41:18 PM"), CDate("2012-03-16-07:00"))`, want: one("-3449")},
	{page: funcsPage, expr: `DateDiff("ww", CDate("8/25/2021 5:41:18 PM"), CDate("2012-03-16-07:00"))`, want: one("-493")},
	{page: funcsPage, expr: `DateDiff("m", CDate("8/25/2021 5:41:18 PM"), CDate("2012-03-16-07:00"))`, want: one("-113")},
	{page: funcsPage, expr: `DateDiff("yyyy", CDate("8/25/2021 5:41:18 PM"), CDate("2012-03-16-07:00"))`, want: one("-9")},
	{page: funcsPage, expr: `DateDiff("d", CDate("2021-08-31+08:00"), CDate("2021-08-31+08:00"))`, want: one("0")},
	{page: funcsPage, expr: `DateDiff("h", CDate("2021-08-24"), CDate("2021-08-25"))`, want: one("24")},
	{page: funcsPage, expr: `DateDiff("n", CDate("2021-08-24"), CDate("2021-08-25"))`, want: one("1440")},
	{page: funcsPage, expr: `DateDiff("s", CDate("2021-08-24"), CDate("2021-08-25"))`, want: one("86400")},
	// DateDiff example 2: enabled only when the hire date is within five days.
	{page: funcsPage, expr: "Switch([Active], , \n  \"1\", IIF(DateDiff(\"d\", Now(), CDate([StatusHireDate])) > 5, \"False\", \"True\"), \n  \"0\", \"False\")", attrs: user("Active", "1", "StatusHireDate", "2000-01-01-08:00"), want: one("True")},
	{page: funcsPage, expr: "Switch([Active], , \n  \"1\", IIF(DateDiff(\"d\", Now(), CDate([StatusHireDate])) > 5, \"False\", \"True\"), \n  \"0\", \"False\")", attrs: user("Active", "1", "StatusHireDate", "2999-01-01-08:00"), want: one("False")},
	{page: funcsPage, expr: "Switch([Active], , \n  \"1\", IIF(DateDiff(\"d\", Now(), CDate([StatusHireDate])) > 5, \"False\", \"True\"), \n  \"0\", \"False\")", attrs: user("Active", "0", "StatusHireDate", "2000-01-01-08:00"), want: one("False")},
	{page: funcsPage, expr: `DateFromNum(129699324000000000)`, want: one("1/1/2012 11:00:00 PM")},
	{page: funcsPage, expr: `FormatDateTime([extensionAttribute1], , "yyyyMMddHHmmss.fZ", "yyyy-MM-dd")`, attrs: user("extensionAttribute1", "20150123105347.1Z"), want: one("2015-01-23")},
	{page: funcsPage, expr: `Guid()`, match: `^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`},
	{page: funcsPage, expr: `IgnoreFlowIfNullOrEmpty([department])`, attrs: user(), want: nil},
	{page: funcsPage, expr: `IgnoreFlowIfNullOrEmpty([department])`, attrs: user("department", ""), want: nil},
	{page: funcsPage, expr: `IgnoreFlowIfNullOrEmpty(Switch([prefix], "", "3443", "Dr.", "3444", "Prof.", "3445", "Prof. Dr."))`, attrs: user("prefix", "3444"), want: one("Prof.")},
	{page: funcsPage, expr: `IgnoreFlowIfNullOrEmpty(Switch([prefix], "", "3443", "Dr.", "3444", "Prof.", "3445", "Prof. Dr."))`, attrs: user("prefix", "1000"), want: nil},
	{page: funcsPage, expr: `IIF([country]="USA",[country],[department])`, attrs: user("country", "USA", "department", "Sales"), want: one("USA")},
	{page: funcsPage, expr: `IIF([country]="USA",[country],[department])`, attrs: user("country", "Canada", "department", "Sales"), want: one("Sales")},
	{page: funcsPage, expr: `IIF([country]="USA",IIF([state]="CA","True","False"),"False")`, attrs: user("country", "USA", "state", "CA"), want: one("True")},
	{page: funcsPage, expr: `IIF([country]="USA",IIF([state]="CA","True","False"),"False")`, attrs: user("country", "USA", "state", "WA"), want: one("False")},
	{page: funcsPage, expr: `IIF([country]="USA","True",IIF([state]="CA","True","False"))`, attrs: user("country", "Mexico", "state", "CA"), want: one("True")},
	{page: funcsPage, expr: `IIF([country]="USA","True",IIF([state]="CA","True","False"))`, attrs: user("country", "Mexico", "state", "WA"), want: one("False")},
	{page: funcsPage, expr: `Switch([country],[country],"","Other")`, attrs: user("country", ""), want: one("Other")},
	{page: funcsPage, expr: `Switch([country],[country],"","Other")`, attrs: user(), want: one("Other")},
	{page: funcsPage, expr: `Switch([country],[country],"","Other")`, attrs: user("country", "France"), want: one("France")},
	{page: funcsPage, expr: `InStr("The quick brown fox","quick")`, want: one("5")},
	{page: funcsPage, expr: `InStr("repEated","e",3,vbBinaryCompare)`, want: one("7")},
	{page: funcsPage, expr: `IsNull([displayName])`, attrs: user(), want: one("True")},
	{page: funcsPage, expr: `IsNull([displayName])`, attrs: user("displayName", "Ada"), want: one("False")},
	{page: funcsPage, expr: `IsNullOrEmpty([displayName])`, attrs: user("displayName", ""), want: one("True")},
	{page: funcsPage, expr: `IsNullOrEmpty([displayName])`, attrs: user(), want: one("True")},
	{page: funcsPage, expr: `Item([proxyAddresses], 1)`, attrs: obj{"proxyAddresses": {"SMTP:a@contoso.com", "smtp:b@contoso.com"}}, want: one("SMTP:a@contoso.com")},
	{page: funcsPage, expr: `Join(" ", [givenName], [surname])`, attrs: obj{"givenName": {"John"}, "surname": {"Doe"}}, want: one("John Doe")},
	{page: funcsPage, expr: `Left("John Doe", 3)`, want: one("Joh")},
	{page: funcsPage, expr: `Mid("John Doe", 6, 10)`, want: one("Doe")},
	{page: funcsPage, expr: `NormalizeDiacritics([givenName])`, attrs: user("givenName", "Zoë"), want: one("Zoe")},
	{page: funcsPage, expr: `Not([flag])`, attrs: user("flag", "True"), want: one("False")},
	{page: funcsPage, expr: `Now()`, match: `^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}:\d{2} (AM|PM)$`},
	// NumFromDate's Workday example: the contract's last second, in its own time zone.
	{page: funcsPage, expr: `NumFromDate(Join("", FormatDateTime([ContractEndDate], ,"yyyy-MM-ddzzz", "yyyy-MM-dd"), " 23:59:59-08:00"))`, attrs: user("ContractEndDate", "2020-12-31-08:00"), want: one(adTicks("2021-01-01T07:59:59Z"))},
	// NumFromDate's SuccessFactors example (the page gives the format, not a value).
	{page: funcsPage, expr: `NumFromDate(Join("",FormatDateTime([endDate], ,"M/d/yyyy hh:mm:ss tt","yyyy-MM-dd")," 23:59:59-08:00"))`, attrs: user("endDate", "6/30/2021 05:00:00 PM"), want: one(adTicks("2021-07-01T07:59:59Z"))},
	{page: funcsPage, expr: `PCase([firstName])`, attrs: user("firstName", "PABLO GONSALVES (SECOND)"), want: one("Pablo Gonsalves (Second)")},
	{page: funcsPage, expr: `PCase([lastName]," '-")`, attrs: user("lastName", "PINTO-DE'SILVA"), want: one("Pinto-De'Silva")},
	{page: funcsPage, expr: `PCase(Join(" ",[firstName],[lastName]))`, attrs: user("firstName", "GREGORY", "lastName", "JAMES"), want: one("Gregory James")},
	{page: funcsPage, expr: `RandomString(6,3,0,0,3)`, match: `^(?:[0-9]|[a-z]){6}$`},
	{page: funcsPage, expr: `RandomString(10,2,2,2,1,"?,")`, match: `^[^?,]{10}$`},
	{page: funcsPage, expr: `Redact([userPrincipalName])`, attrs: user("userPrincipalName", "john@contoso.com"), want: one("john@contoso.com")},
	{page: funcsPage, expr: `Redact("StringToBeRedacted")`, want: one("StringToBeRedacted")},
	{page: funcsPage, expr: `Redact(RandomString(6,3,0,0,3))`, match: `^(?:[0-9]|[a-z]){6}$`},
	{page: funcsPage, expr: `RemoveDuplicates([proxyAddresses])`, attrs: obj{"proxyAddresses": {"smtp:a@contoso.com", "smtp:b@contoso.com", "smtp:a@contoso.com"}}, want: []string{"smtp:a@contoso.com", "smtp:b@contoso.com"}},
	{page: funcsPage, expr: `Replace([BusinessTitle],"Product Developer", , , "Software Engineer", , )`, attrs: user("BusinessTitle", "Product Developer"), want: one("Software Engineer")},
	{page: funcsPage, expr: `Replace([UserID],"<username>", , , , , "<username>@contoso.com")`, attrs: user("UserID", "jsmith"), want: one("jsmith@contoso.com")},
	{page: funcsPage, expr: `Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", , "${phoneNumber}", , )`, attrs: user("telephoneNumber", "+91 9998887777"), want: one("9998887777")},
	{page: funcsPage, expr: `Replace([mobile], , "[()\\s-]+", , "", , )`, attrs: user("mobile", "+1 (999) 888-7777"), want: one("+19998887777"),
		erratum: `the page shows 19998887777, but its pattern [()\s-]+ does not match "+"; .NET keeps it`},
	{page: funcsPage, expr: `Replace([AddressLineData], ,"(?<streetNumber>^\\d*)","streetNumber", "888", , )`, attrs: user("AddressLineData", "545 Tremont Street"), want: one("888 Tremont Street")},
	{page: funcsPage, expr: `Replace([userPrincipalName], , "(?<Suffix>@(.)*)", "Suffix", "", , )`, attrs: user("userPrincipalName", "jsmith@contoso.com"), want: one("jsmith")},
	{page: funcsPage, expr: `Replace([telephoneNumber], , "\\+(?<isdCode>\\d* )(?<phoneNumber>\\d{10})", "phoneNumber" , , [mobile], )`, attrs: user("telephoneNumber", "", "mobile", "+91 8887779999"), want: one("8887779999")},
	{page: funcsPage, expr: `Replace([mailNickname], , "[a-zA-Z_]*", , "", , )`, attrs: user("mailNickname", "john_doe72"), want: one("72")},
	{page: funcsPage, expr: selectUPN, attrs: user("PreferredFirstName", "John", "PreferredLastName", "Smith"), want: one("John.Smith@contoso.com")},
	{page: funcsPage, expr: selectUPN, attrs: user("PreferredFirstName", "John", "PreferredLastName", "Smith"), taken: []string{"John.Smith@contoso.com"}, want: one("J.Smith@contoso.com")},
	{page: funcsPage, expr: selectUPN, attrs: user("PreferredFirstName", "John", "PreferredLastName", "Smith"), taken: []string{"John.Smith@contoso.com", "J.Smith@contoso.com"}, want: one("Jo.Smith@contoso.com")},
	{page: funcsPage, expr: `Split([extensionAttribute5], ",")`, attrs: user("extensionAttribute5", "PermissionSetOne, PermissionSetTwo"), want: []string{"PermissionSetOne", "PermissionSetTwo"}},
	{page: funcsPage, expr: `StripSpaces("John Doe")`, want: one("JohnDoe")},
	{page: funcsPage, expr: `Switch(ToLower([statusFlag]), "0", "true", "1", "false", "0")`, attrs: user("statusFlag", "TRUE"), want: one("1")},
	{page: funcsPage, expr: `Switch([statusFlag], "Default Value", "true", "1", "", "0")`, attrs: user("statusFlag", ""), want: one("0")},
	{page: funcsPage, expr: `switch([companyName], "External", "Company A", "A", "Company B", "B")`, attrs: user("companyName", "Company B"), want: one("B")},
	{page: funcsPage, expr: `IIF([companyName] = "Company A", "A", IIF([companyName] = "Company B", "B", "External"))`, attrs: user("companyName", "Company B"), want: one("B")},
	{page: funcsPage, expr: `IIF([companyName] = "Company A", "A", IIF([companyName] = "Company B", "B", "External"))`, attrs: user("companyName", "Fabrikam"), want: one("External")},
	{page: funcsPage, expr: `Switch([state], "Australia/Sydney", "NSW", "Australia/Sydney","QLD", "Australia/Brisbane", "SA", "Australia/Adelaide")`, attrs: user("state", "QLD"), want: one("Australia/Brisbane")},
	{page: funcsPage, expr: `ToLower(Join("@", NormalizeDiacritics(StripSpaces(Join(".",  [PreferredFirstName], [PreferredLastName]))), "contoso.com"))`, attrs: user("PreferredFirstName", "John", "PreferredLastName", "Smith"), want: one("john.smith@contoso.com")},
	{page: funcsPage, expr: `ToUpper([givenName])`, attrs: user("givenName", "John"), want: one("JOHN")},
	{page: funcsPage, expr: `Word("The quick brown fox",3," ")`, want: one("brown")},
	{page: funcsPage, expr: `Word("This,string!has&many separators",3,",!&#")`, want: one("has")},
	{page: funcsPage, expr: `Replace([mail], "@contoso.com", , ,"", ,)`, attrs: user("mail", "john.doe@contoso.com"), want: one("john.doe")},
	{page: funcsPage, expr: `Append(Mid([givenName], 1, 3), Mid([surname], 1, 5))`, attrs: user("givenName", "John", "surname", "Doe"), want: one("JohDoe")},
	{page: funcsPage, expr: `Join(", ", "", [surname], [givenName])`, attrs: user("givenName", "John", "surname", "Doe"), want: one("Doe, John")},
	{page: funcsPage, expr: `Join("", 1000, Replace(ConvertToUTF8Hex([objectId]), , "[a-zA-Z_]*", , "", , ))`, attrs: user("objectId", "00aa00aa-bb11-cc22-dd33-44ee44ee44ee"),
		want:    one("1000" + "3030" + "6161" + "3030" + "6161" + "2" + "6262" + "3131" + "2" + "6363" + "3232" + "2" + "6464" + "3333" + "2" + "3434" + "6565" + "3434" + "6565" + "3434" + "6565"),
		erratum: "the page's output (100064303565…) was computed from another object id than the sample input it shows; the value here is the sample input's"},
	{page: mappingPage, expr: `Switch(IsPresent([jobTitle]), "DefaultValue", "True", [jobTitle])`, attrs: user(), want: one("DefaultValue")},
	{page: mappingPage, expr: `Switch(IsPresent([jobTitle]), "DefaultValue", "True", [jobTitle])`, attrs: user("jobTitle", "Engineer"), want: one("Engineer")},
}

const selectUPN = `SelectUniqueValue( 
        Join("@", NormalizeDiacritics(StripSpaces(Join(".",  [PreferredFirstName], [PreferredLastName]))), "contoso.com"), 
        Join("@", NormalizeDiacritics(StripSpaces(Join(".",  Mid([PreferredFirstName], 1, 1), [PreferredLastName]))), "contoso.com"),
        Join("@", NormalizeDiacritics(StripSpaces(Join(".",  Mid([PreferredFirstName], 1, 2), [PreferredLastName]))), "contoso.com")
    )`

// adTicks is an RFC 3339 time as an AD integer date (100 ns since 1601).
func adTicks(rfc3339 string) string {
	t, err := time.Parse(time.RFC3339, rfc3339)
	if err != nil {
		panic(err)
	}
	return strconv.FormatInt((t.Unix()+11644473600)*10_000_000, 10)
}

func TestDocumentedExamples(t *testing.T) {
	for _, ex := range documentedExamples {
		t.Run(ex.expr, func(t *testing.T) {
			attrs := ex.attrs
			if attrs == nil {
				attrs = obj{}
			}
			r, err := EvalExpression(ex.expr, attrs, ex.taken...)
			if err != nil {
				t.Fatalf("%s: %v", ex.page, err)
			}
			got := r.Values
			if !r.Flow {
				got = nil
			}
			if ex.match != "" {
				if len(got) != 1 || !regexp.MustCompile(ex.match).MatchString(got[0]) {
					t.Fatalf("%s: got %q, want a value matching %s", ex.page, got, ex.match)
				}
				return
			}
			if strings.Join(got, "\x00") != strings.Join(ex.want, "\x00") || (got == nil) != (ex.want == nil) {
				t.Errorf("%s: got %q, documented %q", ex.page, got, ex.want)
			}
		})
	}
}

// documentedFilters are the scoping filters on Microsoft's scoping-filter
// page (define-conditional-rules-for-provisioning-user-accounts), each with
// users the page says are in and out of scope.
var documentedFilters = []struct {
	clauses string
	in, out []obj
}{
	{`{attribute: userPrincipalName, operator: REGEX MATCH, value: '.*\@domain.com'}`,
		[]obj{user("userPrincipalName", "jo@domain.com")}, []obj{user("userPrincipalName", "jo@fabrikam.com"), user()}},
	{`{attribute: userPrincipalName, operator: NOT REGEX MATCH, value: '.*\@domain.com'}`,
		[]obj{user("userPrincipalName", "jo@fabrikam.com")}, []obj{user("userPrincipalName", "jo@domain.com"), user()}},
	{`{attribute: department, operator: EQUALS, value: sales}`,
		[]obj{user("department", "sales")}, []obj{user("department", "Sales"), user()}},
	{`{attribute: workerID, operator: REGEX MATCH, value: '(1[0-9][0-9][0-9][0-9][0-9][0-9])'}`,
		[]obj{user("workerID", "1000000"), user("workerID", "1999999")}, []obj{user("workerID", "999999")}},
	// The operator list's REGEX MATCH example: ([1-9][0-9]) matches 10 to 99.
	{`{attribute: employeeId, operator: REGEX MATCH, value: '([1-9][0-9])'}`,
		[]obj{user("employeeId", "10"), user("employeeId", "99")}, []obj{user("employeeId", "7")}},
	// The page's pictured filter: New York, Engineering, employee id between
	// 1,000,000 and 2,000,000, a job title.
	{`{attribute: state, operator: EQUALS, value: New York}
        - {attribute: department, operator: EQUALS, value: Engineering}
        - {attribute: employeeId, operator: Greater_Than_OR_EQUALS, value: "1000000"}
        - {attribute: employeeId, operator: Less_Than_OR_EQUALS, value: "2000000"}
        - {attribute: jobTitle, operator: IS NOT NULL}`,
		[]obj{user("state", "New York", "department", "Engineering", "employeeId", "1500000", "jobTitle", "Engineer")},
		[]obj{
			user("state", "New Jersey", "department", "Engineering", "employeeId", "1500000", "jobTitle", "Engineer"),
			user("state", "New York", "department", "Sales", "employeeId", "1500000", "jobTitle", "Engineer"),
			user("state", "New York", "department", "Engineering", "employeeId", "2500000", "jobTitle", "Engineer"),
			user("state", "New York", "department", "Engineering", "employeeId", "1500000"),
		}},
}

func TestDocumentedScopingFilters(t *testing.T) {
	for _, f := range documentedFilters {
		t.Run(f.clauses, func(t *testing.T) {
			file := base + "scope:\n  users:\n    - name: documented\n      clauses:\n        - " + f.clauses + "\n"
			m, err := Parse("scope.yaml", []byte(file))
			if err != nil {
				t.Fatal(err)
			}
			c := mustCompile(t, m)
			for _, u := range f.in {
				if !c.UserInScope(u) {
					t.Errorf("%v is out of scope; the page has it in", u)
				}
			}
			for _, u := range f.out {
				if c.UserInScope(u) {
					t.Errorf("%v is in scope; the page has it out", u)
				}
			}
		})
	}
}
