package entra

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
)

// userPage is a page of 999 users as Graph lists them with the mappings'
// usual $select and $expand=manager.
func userPage() []byte {
	var b strings.Builder
	b.WriteString(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users","value":[`)
	for i := range 999 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id":"%08d-0000-4000-8000-000000000000","userPrincipalName":"user%d@contoso.example","mail":"User%d@contoso.example",`+
			`"givenName":"Given%d","surname":"Surname%d","displayName":"Given%d Surname%d","jobTitle":"Engineer","department":"R&D",`+
			`"mobilePhone":"+47 555 %04d","employeeId":"E%d","accountEnabled":true,"city":"Oslo",`+
			`"manager":{"@odata.type":"#microsoft.graph.user","id":"%08d-0000-4000-8000-000000000000"}}`, i, i, i, i, i, i, i, i, i, i/10)
	}
	b.WriteString(`],"@odata.nextLink":"https://graph.microsoft.com/v1.0/users?$skiptoken=x"}`)
	return []byte(b.String())
}

// BenchmarkDecodeUserPage decodes one page of 999 users into
// directory.Users, as a full read does for every page: with the default
// selection, and with an extra attribute (city), which keeps the other
// properties raw too.
func BenchmarkDecodeUserPage(b *testing.B) {
	raw := userPage()
	core := []string{"userPrincipalName", "mail", "givenName", "surname", "displayName", "jobTitle",
		"department", "mobile", "employeeId", "manager"}
	b.Run("core", func(b *testing.B) {
		benchDecode[graphUser](b, raw, planSelect(core), func(g *graphUser) *graphUser { return g })
	})
	b.Run("extra", func(b *testing.B) {
		benchDecode[graphUserExtra](b, raw, planSelect(append(core, "city")), func(g *graphUserExtra) *graphUser { return &g.graphUser })
	})
}

func benchDecode[T any](b *testing.B, raw []byte, sel selectPlan, user func(*T) *graphUser) {
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		var p page[T]
		if err := json.Unmarshal(raw, &p); err != nil {
			b.Fatal(err)
		}
		for i := range p.Value {
			if u, _ := user(&p.Value[i]).directoryUser(sel, false); u.ID == "" {
				b.Fatal("no id")
			}
		}
	}
}
