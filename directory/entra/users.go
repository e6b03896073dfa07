package entra

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/slackprov/slackprov/directory"
)

// userWire is what a user object holds for directory.User, typed.
// accountEnabled stays raw: only an explicit false disables, since a missing
// value would deactivate by accident. The manager comes expanded from lists
// and gets (null, {} or absent when unset), and as manager@delta from delta
// pages, where it appears only when it changed.
type userWire struct {
	ID                string          `json:"id"`
	UserPrincipalName string          `json:"userPrincipalName"`
	Mail              string          `json:"mail"`
	GivenName         string          `json:"givenName"`
	Surname           string          `json:"surname"`
	DisplayName       string          `json:"displayName"`
	JobTitle          string          `json:"jobTitle"`
	Department        string          `json:"department"`
	MobilePhone       string          `json:"mobilePhone"`
	EmployeeID        string          `json:"employeeId"`
	AccountEnabled    json.RawMessage `json:"accountEnabled"`
	Removed           json.RawMessage `json:"@removed"`
	Manager           *struct {
		ID string `json:"id"`
	} `json:"manager"`
	ManagerDelta *[]memberRef `json:"manager@delta"`
}

// graphUser is a user from a list, a get or a delta page, decoded straight
// from the page into userWire. Decoding never fails the page: a user that
// is not an object keeps its error in err, so a full read can report that
// one user and go on. A property of an unexpected JSON type reads as empty,
// as Graph's schema never sends one.
type graphUser struct {
	wire userWire
	// other holds the properties outside userWire, raw, when the selection
	// has extra attributes (graphUserExtra).
	other map[string]json.RawMessage
	err   error
}

func (g *graphUser) UnmarshalJSON(b []byte) error {
	*g = graphUser{}
	if t := bytes.TrimSpace(b); len(t) == 0 || t[0] != '{' {
		g.err = fmt.Errorf("a user is a JSON object, not %.40s", t)
		return nil
	}
	if err := json.Unmarshal(b, &g.wire); err != nil && !isTypeError(err) {
		g.err = err
	}
	return nil
}

// graphUserExtra is a graphUser that also keeps its other properties, for
// selections with extra attributes; without them a page decodes once.
type graphUserExtra struct{ graphUser }

func (g *graphUserExtra) UnmarshalJSON(b []byte) error {
	_ = g.graphUser.UnmarshalJSON(b)
	if g.err == nil {
		_ = json.Unmarshal(b, &g.other) // an object, checked above
	}
	return nil
}

// eachUser pages through users with the item type the selection needs.
func (s *Source) eachUser(ctx context.Context, first string, fn func(*graphUser) error) (string, error) {
	if len(s.sel.extra) == 0 {
		return each(ctx, s.graph, first, permUsers, fn)
	}
	return each(ctx, s.graph, first, permUsers, func(g *graphUserExtra) error { return fn(&g.graphUser) })
}

// directoryUser is the user as the source returns it. fromDelta says g came
// from a delta page, where the manager is known only when the entry named
// it; known reports whether it is.
func (g *graphUser) directoryUser(sel selectPlan, fromDelta bool) (u directory.User, managerKnown bool) {
	w := &g.wire
	u = directory.User{ID: w.ID, UserPrincipalName: w.UserPrincipalName, Mail: w.Mail, GivenName: w.GivenName,
		Surname: w.Surname, DisplayName: w.DisplayName, JobTitle: w.JobTitle, Department: w.Department,
		MobilePhone: w.MobilePhone, EmployeeID: w.EmployeeID, AccountEnabled: string(w.AccountEnabled) != "false"}
	switch {
	case !fromDelta:
		managerKnown = true
		if w.Manager != nil {
			u.Manager = w.Manager.ID
		}
	case w.ManagerDelta != nil:
		managerKnown = true
		for _, r := range *w.ManagerDelta {
			if r.Removed == nil {
				u.Manager = r.ID
			}
		}
	}
	for attr, prop := range sel.extra {
		v := g.other[prop]
		if prop == "onPremisesExtensionAttributes" {
			v = extensionAttribute(v, attr)
		}
		if s := jsonScalar(v); s != "" {
			if u.Extra == nil {
				u.Extra = map[string]string{}
			}
			u.Extra[attr] = s
		}
	}
	return u, managerKnown
}

// extensionAttribute picks extensionAttributeN out of
// onPremisesExtensionAttributes, whatever its capitalisation.
func extensionAttribute(raw json.RawMessage, attr string) json.RawMessage {
	var ext map[string]json.RawMessage
	if json.Unmarshal(raw, &ext) != nil {
		return nil
	}
	var v json.RawMessage
	for k, ev := range ext {
		if strings.EqualFold(k, attr) {
			v = ev
		}
	}
	return v
}

// fetchUser reads one user in full, manager included.
func (s *Source) fetchUser(ctx context.Context, id string) (directory.User, error) {
	q := url.Values{"$select": {strings.Join(s.sel.props, ",")}}
	if s.sel.manager {
		q.Set("$expand", "manager($select=id)")
	}
	var g graphUserExtra
	if err := s.graph.get(ctx, s.graph.url("users/"+url.PathEscape(id), q), permUsers, &g); err != nil {
		return directory.User{}, err
	}
	if g.err != nil {
		return directory.User{}, fmt.Errorf("entra: Graph's answer for user %s is not a user: %w", id, g.err)
	}
	u, _ := g.directoryUser(s.sel, false)
	return u, nil
}

func isTypeError(err error) bool {
	_, ok := err.(*json.UnmarshalTypeError)
	return ok
}
