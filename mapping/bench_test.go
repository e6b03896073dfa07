package mapping

import "testing"

func BenchmarkEvalDefault(b *testing.B) {
	c := mustCompile(b, Default())
	o := ada()
	b.ReportAllocs()
	for b.Loop() {
		if r := c.EvalUser(o, false); len(r.Problems) != 0 {
			b.Fatal(r.Problems)
		}
	}
}

// thirtyExpressions is a realistic mix: name building, cleaning, lookups.
var thirtyExpressions = []string{
	`SlackUserName([userPrincipalName])`,
	`Switch([IsSoftDeleted], , "False", "True", "True", "False")`,
	`Join(" ", [givenName], [surname])`,
	`ToLower([mail])`,
	`Left(SlackUserName([userPrincipalName]), 21)`,
	`Coalesce([mail], [userPrincipalName])`,
	`IIF([department]="Engines", "R&D", [department])`,
	`Trim([jobTitle])`,
	`NormalizeDiacritics([displayName])`,
	`Append([employeeId], "-EMP")`,
	`Mid([employeeId], 2, 3)`,
	`Word([displayName], 1, " ")`,
	`Replace([mail], "@contoso.com", , , "@fabrikam.com", , )`,
	`StripSpaces([mobilePhone])`,
	`IsPresent([manager])`,
	`ToUpper(Left([givenName], 1))`,
	`Switch([department], "Other", "Engines", "ENG", "Sales", "SLS", "Support", "SUP")`,
	`IgnoreFlowIfNullOrEmpty([jobTitle])`,
	`Not([IsSoftDeleted])`,
	`Join("", Left([givenName], 1), [surname])`,
	`InStr([mail], "@")`,
	`Replace([mobilePhone], , "[^0-9+]", , "", , )`,
	`PCase([displayName])`,
	`Coalesce([preferredLanguage], "en-US")`,
	`IsNullOrEmpty([officeLocation])`,
	`Split([mail], "@")`,
	`Item(Split([userPrincipalName], "@"), 2)`,
	`ConvertToUTF8Hex([employeeId])`,
	`CBool([employeeId] > 1000)`,
	`Join(".", ToLower([givenName]), ToLower([surname]))`,
}

func BenchmarkEval30Expressions(b *testing.B) {
	nodes := make([]*node, len(thirtyExpressions))
	for i, src := range thirtyExpressions {
		n, err := parseExpression(src)
		if err != nil {
			b.Fatalf("%s: %v", src, err)
		}
		nodes[i] = n
	}
	e := &evaluator{obj: ada(), stack: make([]value, 0, 32)}
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range nodes {
			if _, err := e.eval(n); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkUserInScope(b *testing.B) {
	m := Default()
	m.UserScope = []Filter{
		{Name: "company", Clauses: []Clause{
			{Attribute: "userPrincipalName", Operator: OpRegexMatch, Value: `@contoso\.com$`},
			{Attribute: "jobTitle", Operator: OpIsNotNull},
		}},
		{Name: "engines", Clauses: []Clause{{Attribute: "department", Operator: OpEquals, Value: "Engines"}}},
	}
	c := mustCompile(b, m)
	o := ada()
	b.ReportAllocs()
	for b.Loop() {
		if !c.UserInScope(o) {
			b.Fatal("ada must be in scope")
		}
	}
}
