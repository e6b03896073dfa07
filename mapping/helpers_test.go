package mapping

// obj is a directory object for tests: absent keys are null.
type obj map[string][]string

func (o obj) Attr(name string) ([]string, bool) {
	v, ok := o[name]
	return v, ok
}

// user builds an obj from name/value pairs.
func user(kv ...string) obj {
	o := obj{}
	for i := 0; i+1 < len(kv); i += 2 {
		o[kv[i]] = []string{kv[i+1]}
	}
	return o
}

func ada() obj {
	return user(
		"id", "11111111-2222-3333-4444-555555555555",
		"userPrincipalName", "Ada.Lovelace@contoso.com",
		"mail", "ada@contoso.com",
		"displayName", "Ada Lovelace",
		"givenName", "Ada",
		"surname", "Lovelace",
		"jobTitle", "Analyst",
		"mobilePhone", "+44 20 7946 0000",
		"department", "Engines",
		"employeeId", "1815",
		"manager", "99999999-0000-0000-0000-000000000000",
		"IsSoftDeleted", "False",
	)
}
