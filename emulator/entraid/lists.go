package entraid

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// listUsers serves GET /users: pages of $top (default 100, max 999) in
// creation order, $select, $expand=manager, and $skiptoken links.
func (e *Tenant) listUsers(r *http.Request, q url.Values) (any, *entraGraphErr) {
	c, gerr := e.listCursor(q, "users", func(c *entraCursor) *entraGraphErr {
		gerr := entraRejectParams(q, "$skip", "$filter", "$orderby", "$search")
		if gerr != nil {
			return gerr
		}
		if c.Select, gerr = entraParseSelect(q, append(e.userProperties(), entraNotInCollections...), "user"); gerr != nil {
			return gerr
		}
		for _, p := range c.Select {
			if slices.Contains(entraNotInCollections, p) {
				return entraErr(http.StatusNotImplemented, "NotImplemented",
					"This operation target is not yet supported: selecting '%s' on a collection.", p)
			}
		}
		c.Expand, gerr = entraParseExpand(q)
		return gerr
	})
	if gerr != nil {
		return nil, gerr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return entraPageLocked(e, r, c, "users", "users", e.userOrder,
		func(_ int, id string) (uint64, bool) { rec := e.users[id]; return rec.created, !rec.deleted },
		func(id string) map[string]any { return e.renderUserLocked(e.users[id], c.Select, c.Expand) }), nil
}

// listCursor starts a list from the query or resumes it from $skiptoken. A
// new list reads its query options with parse, then $top; a resumed one keeps
// those it started with.
func (e *Tenant) listCursor(q url.Values, kind string, parse func(c *entraCursor) *entraGraphErr) (entraCursor, *entraGraphErr) {
	// An empty $skiptoken is as invalid as a garbled one: Graph answers 400.
	if q.Has("$skiptoken") {
		return e.decodeCursor(q.Get("$skiptoken"), kind)
	}
	c := entraCursor{Kind: kind, Gen: e.generationNow()}
	if gerr := parse(&c); gerr != nil {
		return c, gerr
	}
	var gerr *entraGraphErr
	c.Top, gerr = entraPageSize(q)
	return c, gerr
}

// entraPageLocked renders the page of items that follows cursor c, in list
// order, as a collection named context. pos gives an item's position (what
// the cursor resumes after), false for items not listed; a full page carries
// a $skiptoken link to the rest of the list at path.
func entraPageLocked[T any](e *Tenant, r *http.Request, c entraCursor, path, context string, items []T,
	pos func(i int, item T) (uint64, bool), render func(item T) map[string]any) map[string]any {
	var page []map[string]any
	next := ""
	for i, item := range items {
		at, listed := pos(i, item)
		if !listed || at <= c.After {
			continue
		}
		if len(page) == c.Top {
			next = e.pageLink(r, path, "$skiptoken", c)
			break
		}
		page = append(page, render(item))
		c.After = at
	}
	return e.collection(r, context, entraNonNil(page), next)
}

func entraNonNil(page []map[string]any) []map[string]any {
	if page == nil {
		return []map[string]any{}
	}
	return page
}

// entraIndexPos places items by index, for lists without deleted entries.
func entraIndexPos[T any](i int, _ T) (uint64, bool) { return uint64(i + 1), true }

func (e *Tenant) getUser(r *http.Request, id string, q url.Values) (any, *entraGraphErr) {
	sel, gerr := entraParseSelect(q, append(e.userProperties(), entraNotInCollections...), "user")
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

func (e *Tenant) listGroups(r *http.Request, q url.Values) (any, *entraGraphErr) {
	c, gerr := e.listCursor(q, "groups", func(c *entraCursor) *entraGraphErr {
		var gerr *entraGraphErr
		c.Select, gerr = entraParseSelect(q, entraGroupProperties, "group")
		return gerr
	})
	if gerr != nil {
		return nil, gerr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return entraPageLocked(e, r, c, "groups", "groups", e.groupOrder,
		func(_ int, id string) (uint64, bool) { g := e.groups[id]; return g.created, !g.deleted },
		func(id string) map[string]any { return entraRenderGroup(e.groups[id], c.Select) }), nil
}

func (e *Tenant) getGroup(r *http.Request, id string, q url.Values) (any, *entraGraphErr) {
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
func (e *Tenant) listMembers(r *http.Request, groupID string, q url.Values) (any, *entraGraphErr) {
	c, gerr := e.listCursor(q, "members:"+groupID, func(c *entraCursor) *entraGraphErr {
		var gerr *entraGraphErr
		c.Select, gerr = entraParseSelect(q, []string{"id", "displayName", "userPrincipalName", "mail"}, "directoryObject")
		return gerr
	})
	if gerr != nil {
		return nil, gerr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	g := e.groups[groupID]
	if g == nil || g.deleted {
		return nil, entraNotFound(groupID)
	}
	return entraPageLocked(e, r, c, "groups/"+groupID+"/members", "directoryObjects", g.members, entraIndexPos,
		func(id string) map[string]any {
			m := e.memberRefLocked(id)
			for _, p := range c.Select {
				if u, ok := e.users[id]; ok {
					m[p] = entraUserProp(&u.u, p)
				} else if sub, ok := e.groups[id]; ok {
					m[p] = entraGroupProp(sub, p)
				}
			}
			return m
		}), nil
}

func (e *Tenant) servicePrincipalMatches(rt entraRoute) bool {
	if rt.appID != "" {
		return strings.EqualFold(rt.appID, e.opts.AppID)
	}
	return rt.id == e.spID
}

func (e *Tenant) getServicePrincipal(r *http.Request, rt entraRoute, q url.Values) (any, *entraGraphErr) {
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
func (e *Tenant) listAssignedTo(r *http.Request, rt entraRoute, q url.Values) (any, *entraGraphErr) {
	if !e.servicePrincipalMatches(rt) {
		return nil, entraNotFound(rt.id + rt.appID)
	}
	c, gerr := e.listCursor(q, "assignedTo", func(c *entraCursor) *entraGraphErr {
		var gerr *entraGraphErr
		c.Select, gerr = entraParseSelect(q, []string{"id", "appRoleId", "createdDateTime", "deletedDateTime",
			"principalDisplayName", "principalId", "principalType", "resourceDisplayName", "resourceId"}, "appRoleAssignment")
		return gerr
	})
	if gerr != nil {
		return nil, gerr
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return entraPageLocked(e, r, c, "servicePrincipals/"+e.spID+"/appRoleAssignedTo",
		"servicePrincipals('"+e.spID+"')/appRoleAssignedTo", e.assignments, entraIndexPos,
		func(a *entraAssignment) map[string]any {
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
			if c.Select == nil {
				return row
			}
			picked := map[string]any{"id": a.id}
			for _, p := range c.Select {
				picked[p] = row[p]
			}
			return picked
		}), nil
}
