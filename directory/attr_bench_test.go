package directory

import "testing"

// BenchmarkAttrString reads the attributes the default mapping reads, as
// planning does for every user.
func BenchmarkAttrString(b *testing.B) {
	u := &User{ID: "u1", UserPrincipalName: "ann@x.io", Mail: "ann@x.io", GivenName: "Ann", Surname: "Lee",
		DisplayName: "Ann Lee", JobTitle: "CTO", Department: "R&D", MobilePhone: "+1", EmployeeID: "7", Manager: "u9", AccountEnabled: true}
	names := []string{"userPrincipalName", "mail", "displayName", "givenName", "surname", "jobTitle", "mobilePhone", "department", "employeeId", "manager", "id"}
	b.ReportAllocs()
	for b.Loop() {
		for _, n := range names {
			u.AttrString(n)
		}
	}
}
