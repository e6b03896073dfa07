package emulator

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// listUsers serves GET /users: pages of $top (default 100, max 999) in
// creation order, $select, $expand=manager, and $skiptoken links.
func (e *Entra) listUsers(r *http.Request, q url.Values) (any, *entraGraphErr) {
	c, gerr := e.listCursor(q, "users")
	if gerr != nil {
		return nil, gerr
	}
	if !q.Has("$skiptoken") {
		if gerr := entraRejectParams(q, "$skip", "$filter", "$orderby", "$search"); gerr != nil {
			return nil, gerr
		}
		if c.Select, gerr = entraParseSelect(q, append(slices.Clone(entraUserProperties), entraNotInCollections...), "user"); gerr != nil {
			return nil, gerr
		}
		for _, p := range c.Select {
			if slices.Contains(entraNotInCollections, p) {
				return nil, entraErr(http.StatusNotImplemented, "NotImplemented",
					"This operation target is not yet supported: selecting '%s' on a collection.", p)
			}
		}
		if c.Expand, gerr = entraParseExpand(q); gerr != nil {
			return nil, gerr
		}
		if c.Top, gerr = entraPageSize(q); gerr != nil {
			return nil, gerr
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var page []map[string]any
	next := ""
	for _, id := range e.userOrder {
		rec := e.users[id]
		if rec.deleted || rec.created <= c.After {
			continue
		}
		if len(page) == c.Top {
			next = e.pageLink(r, "users", "$skiptoken", c)
			break
		}
		page = append(page, e.renderUserLocked(rec, c.Select, c.Expand))
		c.After = rec.created
	}
	return e.collection(r, "users", entraNonNil(page), next), nil
}

// listCursor starts a list from the query or resumes it from $skiptoken.
func (e *Entra) listCursor(q url.Values, kind string) (entraCursor, *entraGraphErr) {
	if tok := q.Get("$skiptoken"); tok != "" {
		return e.decodeCursor(tok, kind)
	}
	return entraCursor{Kind: kind, Gen: e.generationNow()}, nil
}

func entraNonNil(page []map[string]any) []map[string]any {
	if page == nil {
		return []map[string]any{}
	}
	return page
}

func (e *Entra) getUser(r *http.Request, id string, q url.Values) (any, *entraGraphErr) {
	sel, gerr := entraParseSelect(q, append(slices.Clone(entraUserProperties), entraNotInCollections...), "user")
	if gerr != nil {
		return nil, gerr
	}
	expand, gerr := entraParseExpand(q)
	if gerr != nil {
		return nil, gerr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	rec := e.users[id]
	if rec == nil {
		for _, u := range e.users {
			if strings.EqualFold(u.u.UserPrincipalName, id) {
				rec = u
			}
		}
	}
	if rec == nil || rec.deleted {
		return nil, entraNotFound(id)
	}
	m := e.renderUserLocked(rec, sel, expand)
	m["@odata.context"] = e.baseURL(r) + "/v1.0/$metadata#users/$entity"
	return m, nil
}

func entraNotFound(id string) *entraGraphErr {
	return entraErr(http.StatusNotFound, "Request_ResourceNotFound",
		"Resource '%s' does not exist or one of its queried reference-property objects are not present.", id)
}

func (e *Entra) listGroups(r *http.Request, q url.Values) (any, *entraGraphErr) {
	c, gerr := e.listCursor(q, "groups")
	if gerr != nil {
		return nil, gerr
	}
	if !q.Has("$skiptoken") {
		if c.Select, gerr = entraParseSelect(q, entraGroupProperties, "group"); gerr != nil {
			return nil, gerr
		}
		if c.Top, gerr = entraPageSize(q); gerr != nil {
			return nil, gerr
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var page []map[string]any
	next := ""
	for _, id := range e.groupOrder {
		g := e.groups[id]
		if g.deleted || g.created <= c.After {
			continue
		}
		if len(page) == c.Top {
			next = e.pageLink(r, "groups", "$skiptoken", c)
			break
		}
		page = append(page, entraRenderGroup(g, c.Select))
		c.After = g.created
	}
	return e.collection(r, "groups", entraNonNil(page), next), nil
}

func (e *Entra) getGroup(r *http.Request, id string, q url.Values) (any, *entraGraphErr) {
	sel, gerr := entraParseSelect(q, entraGroupProperties, "group")
	if gerr != nil {
		return nil, gerr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	g := e.groups[id]
	if g == nil || g.deleted {
		return nil, entraNotFound(id)
	}
	m := entraRenderGroup(g, sel)
	m["@odata.context"] = e.baseURL(r) + "/v1.0/$metadata#groups/$entity"
	return m, nil
}

// listMembers serves GET /groups/{id}/members: direct members only (users
// and nested groups, each with @odata.type), paged like /users.
func (e *Entra) listMembers(r *http.Request, groupID string, q url.Values) (any, *entraGraphErr) {
	c, gerr := e.listCursor(q, "members:"+groupID)
	if gerr != nil {
		return nil, gerr
	}
	if !q.Has("$skiptoken") {
		if c.Select, gerr = entraParseSelect(q, []string{"id", "displayName", "userPrincipalName", "mail"}, "directoryObject"); gerr != nil {
			return nil, gerr
		}
		if c.Top, gerr = entraPageSize(q); gerr != nil {
			return nil, gerr
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	g := e.groups[groupID]
	if g == nil || g.deleted {
		return nil, entraNotFound(groupID)
	}
	var page []map[string]any
	next := ""
	for i := int(c.After); i < len(g.members); i++ {
		if len(page) == c.Top {
			next = e.pageLink(r, "groups/"+groupID+"/members", "$skiptoken", c)
			break
		}
		m := e.memberRefLocked(g.members[i])
		for _, p := range c.Select {
			if u, ok := e.users[g.members[i]]; ok {
				m[p] = entraUserProp(&u.u, p)
			} else if sub, ok := e.groups[g.members[i]]; ok {
				m[p] = entraGroupProp(sub, p)
			}
		}
		page = append(page, m)
		c.After = uint64(i + 1)
	}
	return e.collection(r, "directoryObjects", entraNonNil(page), next), nil
}

func (e *Entra) servicePrincipalMatches(rt entraRoute) bool {
	if rt.appID != "" {
		return strings.EqualFold(rt.appID, e.opts.AppID)
	}
	return rt.id == e.spID
}

func (e *Entra) getServicePrincipal(r *http.Request, rt entraRoute, q url.Values) (any, *entraGraphErr) {
	if !e.servicePrincipalMatches(rt) {
		return nil, entraNotFound(rt.id + rt.appID)
	}
	all := map[string]any{
		"@odata.context": e.baseURL(r) + "/v1.0/$metadata#servicePrincipals/$entity",
		"id":             e.spID, "appId": e.opts.AppID, "displayName": e.opts.AppDisplayName,
		"appRoleAssignmentRequired": true, "servicePrincipalType": "Application",
		"appRoles": []map[string]any{{"id": "00000000-0000-0000-0000-000000000000", "value": nil, "displayName": "User",
			"allowedMemberTypes": []string{"User"}, "isEnabled": true}},
	}
	sel, gerr := entraParseSelect(q, []string{"id", "appId", "displayName", "appRoleAssignmentRequired", "servicePrincipalType", "appRoles"}, "servicePrincipal")
	if gerr != nil {
		return nil, gerr
	}
	if sel == nil {
		return all, nil
	}
	out := map[string]any{"@odata.context": all["@odata.context"], "id": e.spID}
	for _, p := range sel {
		out[p] = all[p]
	}
	return out, nil
}

// listAssignedTo serves the app's appRoleAssignedTo: one row per assigned
// user or group, paged like /users.
func (e *Entra) listAssignedTo(r *http.Request, rt entraRoute, q url.Values) (any, *entraGraphErr) {
	if !e.servicePrincipalMatches(rt) {
		return nil, entraNotFound(rt.id + rt.appID)
	}
	c, gerr := e.listCursor(q, "assignedTo")
	if gerr != nil {
		return nil, gerr
	}
	if !q.Has("$skiptoken") {
		if c.Select, gerr = entraParseSelect(q, []string{"id", "appRoleId", "createdDateTime", "deletedDateTime",
			"principalDisplayName", "principalId", "principalType", "resourceDisplayName", "resourceId"}, "appRoleAssignment"); gerr != nil {
			return nil, gerr
		}
		if c.Top, gerr = entraPageSize(q); gerr != nil {
			return nil, gerr
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	var page []map[string]any
	next := ""
	for i := int(c.After); i < len(e.assignments); i++ {
		if len(page) == c.Top {
			next = e.pageLink(r, "servicePrincipals/"+e.spID+"/appRoleAssignedTo", "$skiptoken", c)
			break
		}
		a := e.assignments[i]
		name := ""
		if u, ok := e.users[a.principalID]; ok {
			name = u.u.DisplayName
		} else if g, ok := e.groups[a.principalID]; ok {
			name = g.name
		}
		row := map[string]any{"id": a.id, "appRoleId": "00000000-0000-0000-0000-000000000000",
			"createdDateTime": a.created.Format("2006-01-02T15:04:05.0000000Z"), "deletedDateTime": nil,
			"principalDisplayName": name, "principalId": a.principalID, "principalType": a.principalType,
			"resourceDisplayName": e.opts.AppDisplayName, "resourceId": e.spID}
		if c.Select != nil {
			picked := map[string]any{"id": a.id}
			for _, p := range c.Select {
				picked[p] = row[p]
			}
			row = picked
		}
		page = append(page, row)
		c.After = uint64(i + 1)
	}
	return e.collection(r, "servicePrincipals('"+e.spID+"')/appRoleAssignedTo", entraNonNil(page), next), nil
}
