package mapping

import (
	"testing"

	"github.com/slackprov/slackprov/schema"
)

// The address and role targets Entra's Slack app maps, from a plain
// attribute and from an expression, in both spellings Entra uses, and
// checked like every Slack value.
func TestAddressAndRoleTargets(t *testing.T) {
	m, err := Parse("a.yaml", []byte(base+`  - target: addresses[type eq "untyped"].locality
    source: city
  - target: addresses[type eq "work"].streetAddress
    expression: Join(" ", [streetNumber], [street])
  - target: addresses[type eq "work"].region
    source: state
  - target: addresses[type eq "work"].postalCode
    source: postalCode
  - target: addresses[type eq "work"].country
    expression: ToUpper([country])
  - target: roles[primary eq "True"].value
    source: jobFamily
`))
	if err != nil {
		t.Fatal(err)
	}
	if m.Users[2].Target != schema.Locality {
		t.Errorf("untyped address stored as %q", m.Users[2].Target)
	}
	c := mustCompile(t, m)
	o := ada()
	for k, v := range map[string]string{"city": "Oslo", "streetNumber": "1", "street": "Karl Johans gate", "state": "Oslo",
		"postalCode": "0154", "country": "no", "jobFamily": "Engineering ⚙️"} {
		o[k] = []string{v}
	}
	r := c.EvalUser(o, true)
	want := map[string]string{schema.Locality: "Oslo", schema.StreetAddress: "1 Karl Johans gate", schema.Region: "Oslo",
		schema.PostalCode: "0154", schema.Country: "NO", schema.Role: "Engineering ⚙️"}
	for k, v := range want {
		if r.Values[k] != v {
			t.Errorf("%s = %q, want %q", k, r.Values[k], v)
		}
	}
	if !hasProblem(r.Problems, schema.Role, "invalid_emoji_not_allowed", SeverityError) {
		t.Errorf("an emoji in the role is not refused: %+v", r.Problems)
	}
	if _, err := Parse("r.yaml", []byte(base+"  - target: roles[primary eq \"True\"].value\n    expression: SingleAppRoleAssignment([appRoleAssignments])\n")); err == nil {
		t.Error("the app-role functions must stay unsupported")
	}
}
