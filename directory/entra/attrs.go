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
