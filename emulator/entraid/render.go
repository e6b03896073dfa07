package entraid

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
)

// entraDefaultUserSelect is what Graph returns for a user without $select.
var entraDefaultUserSelect = []string{"businessPhones", "displayName", "givenName", "id", "jobTitle", "mail",
	"mobilePhone", "officeLocation", "preferredLanguage", "surname", "userPrincipalName"}

// entraUserProperties are the user properties the emulator knows. Those not
// held in User's fields come from Extra.
var entraUserProperties = []string{"id", "userPrincipalName", "mail", "givenName", "surname", "displayName",
	"jobTitle", "department", "mobilePhone", "employeeId", "officeLocation", "businessPhones", "accountEnabled",
	"city", "country", "state", "streetAddress", "postalCode", "companyName", "employeeType", "preferredLanguage",
	"userType", "faxNumber", "mailNickname", "proxyAddresses", "otherMails", "usageLocation",
	"onPremisesSamAccountName", "onPremisesImmutableId", "onPremisesExtensionAttributes", "employeeHireDate",
	"createdDateTime", "ageGroup"}

// entraNotInCollections cannot be selected on /users (Graph answers 501).
var entraNotInCollections = []string{"aboutMe", "birthday", "hireDate", "interests", "mySite", "pastProjects",
	"preferredName", "responsibilities", "schools", "skills", "mailboxSettings"}

var entraGroupProperties = []string{"id", "displayName", "description", "mail", "mailEnabled", "mailNickname",
	"securityEnabled", "groupTypes", "visibility", "createdDateTime"}

// entraParseSelect resolves $select names case-insensitively to canonical
// property names. extra names relationships allowed here (delta's manager
// and members).
func entraParseSelect(q url.Values, known []string, typ string, extra ...string) ([]string, *entraGraphErr) {
	raw := q.Get("$select")
	if raw == "" {
		return nil, nil
	}
	var out []string
	for _, name := range strings.Split(raw, ",") {
		name = strings.TrimSpace(name)
		canon := ""
		for _, k := range append(slices.Clone(known), extra...) {
			if strings.EqualFold(k, name) {
				canon = k
				break
			}
		}
		if canon == "" {
			return nil, entraErr(http.StatusBadRequest, "Request_BadRequest",
				"Could not find a property named '%s' on type 'microsoft.graph.%s'.", name, typ)
		}
		if !slices.Contains(out, canon) {
			out = append(out, canon)
		}
	}
	return out, nil
}

// entraParseExpand accepts only the manager expansion slackprov uses:
// "manager" or "manager($select=id)".
func entraParseExpand(q url.Values) (bool, *entraGraphErr) {
	x := strings.ReplaceAll(q.Get("$expand"), " ", "")
	switch {
	case x == "":
		return false, nil
	case strings.EqualFold(x, "manager"), strings.HasPrefix(strings.ToLower(x), "manager($select="):
		return true, nil
	}
	return false, entraErr(http.StatusBadRequest, "Request_BadRequest",
		"Parsing OData Select and Expand failed: Could not find a property named '%s' on type 'microsoft.graph.user'.", x)
}

func entraIsExtensionAttr(name string) bool {
	n, ok := strings.CutPrefix(name, "extensionAttribute")
	if !ok {
		return false
	}
	i, err := strconv.Atoi(n)
	return err == nil && i >= 1 && i <= 15 && strconv.Itoa(i) == n
}

// entraUserProp returns a property's JSON value; nil means null (never set).
func entraUserProp(u *User, name string) any {
	str := func(s string) any {
		if s == "" {
			return nil
		}
		return s
	}
	switch name {
	case "id":
		return u.ID
	case "userPrincipalName":
		return str(u.UserPrincipalName)
	case "mail":
		return str(u.Mail)
	case "givenName":
		return str(u.GivenName)
	case "surname":
		return str(u.Surname)
	case "displayName":
		return str(u.DisplayName)
	case "jobTitle":
		return str(u.JobTitle)
	case "department":
		return str(u.Department)
	case "mobilePhone":
		return str(u.MobilePhone)
	case "employeeId":
		return str(u.EmployeeID)
	case "officeLocation":
		return str(u.OfficeLocation)
	case "accountEnabled":
		return u.AccountEnabled
	case "businessPhones":
		return append([]string{}, u.BusinessPhones...)
	case "proxyAddresses", "otherMails":
		if v := u.Extra[name]; v != "" {
			return strings.Split(v, ";")
		}
		return []string{}
	case "onPremisesExtensionAttributes":
		ext := map[string]any{}
		for i := 1; i <= 15; i++ {
			k := "extensionAttribute" + strconv.Itoa(i)
			ext[k] = str(u.Extra[k])
		}
		return ext
	}
	return str(u.Extra[name])
}

// renderUserLocked renders a user for /users and /users/{id}: every selected
// property, null when unset, and the expanded manager when asked.
func (e *Tenant) renderUserLocked(rec *entraUserRec, sel []string, expandManager bool) map[string]any {
	if sel == nil {
		sel = entraDefaultUserSelect
	}
	m := map[string]any{"id": rec.u.ID}
	for _, p := range sel {
		m[p] = entraUserProp(&rec.u, p)
	}
	if expandManager {
		if mgr, ok := e.users[rec.u.Manager]; ok && !mgr.deleted {
			m["manager"] = map[string]any{"@odata.type": "#microsoft.graph.user", "id": mgr.u.ID}
		}
	}
	return m
}

func entraGroupProp(g *entraGroupRec, name string) any {
	switch name {
	case "id":
		return g.id
	case "displayName":
		return g.name
	case "securityEnabled":
		return true
	case "mailEnabled":
		return false
	case "groupTypes":
		return []string{}
	}
	return nil
}

func entraRenderGroup(g *entraGroupRec, sel []string) map[string]any {
	if sel == nil {
		sel = entraGroupProperties
	}
	m := map[string]any{"id": g.id}
	for _, p := range sel {
		if p != "members" {
			m[p] = entraGroupProp(g, p)
		}
	}
	return m
}

// memberRefLocked renders a directory object reference with its type.
func (e *Tenant) memberRefLocked(id string) map[string]any {
	typ := "#microsoft.graph.user"
	if _, isGroup := e.groups[id]; isGroup {
		typ = "#microsoft.graph.group"
	}
	return map[string]any{"@odata.type": typ, "id": id}
}
