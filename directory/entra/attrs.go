package entra

import (
	"encoding/json"
	"sort"
	"strconv"
	"strings"

	"github.com/slackprov/slackprov/directory"
)

// entraNames maps attribute names from Entra's provisioning schema, which
// mappings use, to the Graph user properties that hold them, where no
// directory field has the name as its alias.
var entraNames = map[string]string{
	"telephonenumber":            "businessPhones",
	"facsimiletelephonenumber":   "faxNumber",
	"physicaldeliveryofficename": "officeLocation",
	"co":                         "country",
	"issoftdeleted":              "accountEnabled",
}

// coreProps are the Graph properties directory.User has fields for and
// $select reads (the manager comes through $expand or manager@delta).
var coreProps = func() []string {
	var out []string
	for _, f := range directory.Fields() {
		if f.Kind != directory.FieldReference {
			out = append(out, f.Name)
		}
	}
	return out
}()

// selectPlan is what to ask Graph for, derived from the mapping's source
// attributes.
type selectPlan struct {
	props   []string          // $select, sorted
	manager bool              // $expand=manager (lists) / manager in delta $select
	extra   map[string]string // attribute name -> Graph property, for User.Extra
}

// planSelect always selects id, accountEnabled (deactivation depends on it),
// userPrincipalName and displayName (messages name users by them).
func planSelect(attrs []string) selectPlan {
	p := selectPlan{extra: map[string]string{}}
	props := map[string]bool{"id": true, "accountEnabled": true, "userPrincipalName": true, "displayName": true}
	if len(attrs) == 0 {
		for _, c := range coreProps {
			props[c] = true
		}
		p.manager = true
	}
	for _, a := range attrs {
		if i, ok := directory.FieldNamed(a, true); ok {
			f := directory.FieldAt(i)
			if f.Kind == directory.FieldReference {
				p.manager = true
			} else {
				props[f.Name] = true
			}
			continue
		}
		prop := a
		if g, ok := entraNames[strings.ToLower(a)]; ok {
			prop = g
		} else if n, ok := strings.CutPrefix(strings.ToLower(a), "extensionattribute"); ok && n != "" {
			prop = "onPremisesExtensionAttributes"
		}
		if i, ok := directory.FieldNamed(prop, false); ok {
			prop = directory.FieldAt(i).Name
		} else {
			p.extra[a] = prop
		}
		props[prop] = true
	}
	for k := range props {
		p.props = append(p.props, k)
	}
	sort.Strings(p.props)
	return p
}

// signature identifies the selection; a changed one needs a new full read,
// because delta only tracks the properties it was started with.
func (p selectPlan) signature() string {
	return strings.Join(p.props, ",") + ";manager=" + strconv.FormatBool(p.manager)
}

// parsedUser is a user object from a list, a get or a delta page.
type parsedUser struct {
	user       directory.User
	removed    bool // delta @removed: deleted (soft or hard)
	hasManager bool // the object said who the manager is (or that there is none)
}

func parseUser(raw json.RawMessage, sel selectPlan, fromDelta bool) (parsedUser, error) {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(raw, &obj); err != nil {
		return parsedUser{}, err
	}
	var pu parsedUser
	u := &pu.user
	u.ID = jsonString(obj["id"])
	if _, ok := obj["@removed"]; ok {
		pu.removed = true
		return pu, nil
	}
	u.UserPrincipalName = jsonString(obj["userPrincipalName"])
	u.Mail = jsonString(obj["mail"])
	u.GivenName = jsonString(obj["givenName"])
	u.Surname = jsonString(obj["surname"])
	u.DisplayName = jsonString(obj["displayName"])
	u.JobTitle = jsonString(obj["jobTitle"])
	u.Department = jsonString(obj["department"])
	u.MobilePhone = jsonString(obj["mobilePhone"])
	u.EmployeeID = jsonString(obj["employeeId"])
	// accountEnabled is always selected; a missing value would deactivate by
	// accident, so only an explicit false disables.
	u.AccountEnabled = string(obj["accountEnabled"]) != "false"
	for attr, prop := range sel.extra {
		v := obj[prop]
		if prop == "onPremisesExtensionAttributes" {
			var ext map[string]json.RawMessage
			if json.Unmarshal(v, &ext) == nil {
				for k, ev := range ext {
					if strings.EqualFold(k, attr) {
						v = ev
					}
				}
			} else {
				v = nil
			}
		}
		if s := jsonScalar(v); s != "" {
			if u.Extra == nil {
				u.Extra = map[string]string{}
			}
			u.Extra[attr] = s
		}
	}
	if fromDelta {
		if md, ok := obj["manager@delta"]; ok {
			pu.hasManager = true
			var refs []struct {
				ID      string          `json:"id"`
				Removed json.RawMessage `json:"@removed"`
			}
			if json.Unmarshal(md, &refs) == nil {
				for _, r := range refs {
					if r.Removed == nil {
						u.Manager = r.ID
					}
				}
			}
		}
	} else {
		// An expanded manager is an object, null, {} or absent when unset.
		pu.hasManager = true
		var ref struct {
			ID string `json:"id"`
		}
		if m, ok := obj["manager"]; ok && json.Unmarshal(m, &ref) == nil {
			u.Manager = ref.ID
		}
	}
	return pu, nil
}

func jsonString(raw json.RawMessage) string {
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return ""
	}
	return s
}

// jsonScalar renders a property for User.Extra: strings as they are,
// numbers and booleans as written, a string array by its first element.
func jsonScalar(raw json.RawMessage) string {
	t := strings.TrimSpace(string(raw))
	switch {
	case t == "" || t == "null":
		return ""
	case t[0] == '"':
		return jsonString(raw)
	case t[0] == '[':
		var arr []json.RawMessage
		if json.Unmarshal(raw, &arr) == nil && len(arr) > 0 {
			return jsonScalar(arr[0])
		}
		return ""
	case t[0] == '{':
		return ""
	}
	return t
}
