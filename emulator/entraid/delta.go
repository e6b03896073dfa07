package entraid

import (
	"net/http"
	"net/url"
	"slices"
)

// serveDelta serves /users/delta and /groups/delta. A round starts without a
// token (everything, as of now) or from a $deltatoken (changes since it); it
// pages with $skiptoken and ends with a deltaLink. Only selected properties
// are tracked; deleted objects come back as @removed; a group's members come
// as members@delta, split over several entries of the same group when big.
func (e *Tenant) serveDelta(r *http.Request, kind string, q url.Values) (any, *entraGraphErr) {
	var c entraCursor
	switch {
	case q.Get("$skiptoken") != "":
		var gerr *entraGraphErr
		if c, gerr = e.decodeCursor(q.Get("$skiptoken"), kind+"Delta"); gerr != nil {
			return nil, gerr
		}
	case q.Get("$deltatoken") != "" && q.Get("$deltatoken") != "latest":
		prev, gerr := e.decodeCursor(q.Get("$deltatoken"), kind+"Delta")
		if gerr != nil {
			return nil, gerr
		}
		if e.opts.Now().Unix()-prev.Issued > int64(e.opts.DeltaLinkTTL.Seconds()) {
			return nil, e.expired()
		}
		c = entraCursor{Kind: kind + "Delta", Select: prev.Select, Since: prev.Upto, Gen: prev.Gen}
		e.mu.Lock()
		c.Upto = e.seq
		e.mu.Unlock()
	default:
		if gerr := entraRejectParams(q, "$expand", "$top", "$orderby", "$filter", "$search", "$skip"); gerr != nil {
			return nil, gerr
		}
		var gerr *entraGraphErr
		if kind == "users" {
			c.Select, gerr = entraParseSelect(q, e.userProperties(), "user", "manager")
		} else {
			c.Select, gerr = entraParseSelect(q, entraGroupProperties, "group", "members")
		}
		if gerr != nil {
			return nil, gerr
		}
		c.Kind, c.Gen = kind+"Delta", e.generationNow()
		e.mu.Lock()
		c.Upto = e.seq
		e.mu.Unlock()
		if q.Get("$deltatoken") == "latest" {
			// "Sync from now": no data, just a link that starts here.
			return e.deltaEnd(r, kind, nil, c), nil
		}
	}

	e.mu.Lock()
	var entries []entraDeltaEntry
	if kind == "users" {
		entries = e.userDeltaEntriesLocked(c)
	} else {
		entries = e.groupDeltaEntriesLocked(c)
	}
	e.mu.Unlock()

	var page []map[string]any
	for _, en := range entries {
		if len(page) == e.opts.DeltaPageSize {
			link := e.pageLink(r, kind+"/delta", "$skiptoken", c)
			return e.collection(r, kind, page, link), nil
		}
		page = append(page, en.body)
		c.After, c.Chunk = en.after, en.chunk
	}
	return e.deltaEnd(r, kind, page, c), nil
}

// deltaEnd is a round's last page: it carries the deltaLink for next time.
func (e *Tenant) deltaEnd(r *http.Request, kind string, page []map[string]any, c entraCursor) map[string]any {
	next := entraCursor{Kind: c.Kind, Select: c.Select, Upto: c.Upto, Gen: c.Gen, Issued: e.opts.Now().Unix()}
	body := e.collection(r, kind, entraNonNil(page), "")
	body["@odata.deltaLink"] = e.pageLink(r, kind+"/delta", "$deltatoken", next)
	return body
}

type entraDeltaEntry struct {
	after uint64 // the object's created seq: the cursor position after it
	chunk int
	body  map[string]any
}

func entraInRound(seq uint64, c entraCursor) bool { return seq > c.Since && seq <= c.Upto }

// afterCursor reports whether position (created, chunk) comes after c's.
func entraAfterCursor(created uint64, chunk int, c entraCursor) bool {
	return created > c.After || (created == c.After && chunk > c.Chunk && c.After != 0)
}

func (e *Tenant) userDeltaEntriesLocked(c entraCursor) []entraDeltaEntry {
	sel := c.Select
	if sel == nil {
		sel = entraDefaultUserSelect
	}
	var out []entraDeltaEntry
	for _, id := range e.userOrder {
		rec := e.users[id]
		if !entraAfterCursor(rec.created, 0, c) || rec.created > c.Upto {
			continue
		}
		if rec.deleted {
			if c.Since > 0 && entraInRound(rec.deletedSeq, c) {
				reason := "changed"
				if rec.purged {
					reason = "deleted"
				}
				out = append(out, entraDeltaEntry{after: rec.created,
					body: map[string]any{"id": id, "@removed": map[string]any{"reason": reason}}})
			}
			continue
		}
		managerChanged := c.Since == 0 && rec.u.Manager != ""
		include := c.Since == 0 || entraInRound(rec.created, c) || entraInRound(rec.restoredSeq, c)
		for _, p := range sel {
			if s, ok := rec.changed[p]; ok && entraInRound(s, c) {
				include = true
				if p == "manager" {
					managerChanged = true
				}
			}
		}
		if !include {
			continue
		}
		body := map[string]any{"id": id}
		for _, p := range sel {
			if p == "manager" {
				continue
			}
			// Delta omits properties that were never set.
			if v := entraUserProp(&rec.u, p); v != nil {
				body[p] = v
			}
		}
		if slices.Contains(sel, "manager") && managerChanged {
			switch {
			case rec.u.Manager != "":
				body["manager@delta"] = []map[string]any{{"@odata.type": "#microsoft.graph.user", "id": rec.u.Manager}}
			case rec.prevManager != "":
				body["manager@delta"] = []map[string]any{{"@odata.type": "#microsoft.graph.user", "id": rec.prevManager,
					"@removed": map[string]any{"reason": "deleted"}}}
			}
		}
		out = append(out, entraDeltaEntry{after: rec.created, body: body})
	}
	return out
}

func (e *Tenant) groupDeltaEntriesLocked(c entraCursor) []entraDeltaEntry {
	sel := c.Select
	if sel == nil {
		sel = entraGroupProperties
	}
	trackMembers := slices.Contains(sel, "members")
	var out []entraDeltaEntry
	for _, id := range e.groupOrder {
		g := e.groups[id]
		if g.created > c.Upto {
			continue
		}
		if g.deleted {
			if c.Since > 0 && entraInRound(g.deletedSeq, c) && entraAfterCursor(g.created, 0, c) {
				out = append(out, entraDeltaEntry{after: g.created,
					body: map[string]any{"id": id, "@removed": map[string]any{"reason": "deleted"}}})
			}
			continue
		}
		var members []map[string]any
		include := c.Since == 0 || entraInRound(g.created, c)
		if include {
			for _, m := range g.members {
				members = append(members, e.memberRefLocked(m))
			}
		} else {
			include = slices.Contains(sel, "displayName") && entraInRound(g.nameSeq, c)
			last := map[string]entraMemberEvent{}
			var order []string
			for _, ev := range g.events {
				if !entraInRound(ev.seq, c) {
					continue
				}
				if _, seen := last[ev.id]; !seen {
					order = append(order, ev.id)
				}
				last[ev.id] = ev
			}
			for _, m := range order {
				ref := e.memberRefLocked(m)
				if !last[m].added {
					ref["@removed"] = map[string]any{"reason": "deleted"}
				}
				members = append(members, ref)
			}
			include = include || (trackMembers && len(members) > 0)
		}
		if !include {
			continue
		}
		if !trackMembers {
			members = nil
		}
		chunks := max(1, (len(members)+e.opts.MembersPerDeltaEntry-1)/e.opts.MembersPerDeltaEntry)
		for k := range chunks {
			if !entraAfterCursor(g.created, k, c) {
				continue
			}
			body := entraRenderGroup(g, slices.DeleteFunc(slices.Clone(sel), func(p string) bool { return p == "members" }))
			if len(members) > 0 {
				lo := k * e.opts.MembersPerDeltaEntry
				body["members@delta"] = members[lo:min(lo+e.opts.MembersPerDeltaEntry, len(members))]
			}
			out = append(out, entraDeltaEntry{after: g.created, chunk: k, body: body})
		}
	}
	return out
}
