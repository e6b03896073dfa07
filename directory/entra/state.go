package entra

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
)

// Watermark keys. The links are Graph's own delta URLs, stored verbatim.
const (
	keyUsersLink  = "entra.users.deltaLink"
	keyGroupsLink = "entra.groups.deltaLink"
	keyState      = "entra.state"
	stateVersion  = 1
)

// syncState is what an incremental read needs beyond the delta links: the
// assignment set and the direct user members of each in-scope group, as of
// the last committed read. Assignments have no delta query, so each run
// lists them again and diffs against this.
type syncState struct {
	Version int    `json:"version"`
	Scope   string `json:"scope"`
	AppID   string `json:"appId,omitempty"`
	Graph   string `json:"graph"`
	Select  string `json:"select"`
	// Fingerprint is Options.Fingerprint at the last committed read.
	Fingerprint string                 `json:"fingerprint,omitempty"`
	DirectUsers []string               `json:"directUsers,omitempty"`
	Groups      map[string]*groupState `json:"groups"`
}

type groupState struct {
	Name    string   `json:"name"`
	Members []string `json:"members"` // direct members that are users
}

type deltaLinks struct{ users, groups string }

// inScope is the set of assigned users: direct assignments plus the
// direct user members of assigned groups.
func (st *syncState) inScope() map[string]bool {
	set := map[string]bool{}
	for _, id := range st.DirectUsers {
		set[id] = true
	}
	for _, g := range st.Groups {
		for _, m := range g.Members {
			set[m] = true
		}
	}
	return set
}

func (s *Source) newState(direct []string, groups map[string]*groupState) *syncState {
	d := append([]string(nil), direct...)
	sort.Strings(d)
	st := &syncState{Version: stateVersion, Scope: s.opts.Scope, Graph: s.graph.base.String(),
		Select: s.sel.signature(), Fingerprint: s.opts.Fingerprint, Groups: groups}
	if s.opts.Scope == scopeAssigned {
		st.AppID, st.DirectUsers = s.opts.AppID, d
	}
	return st
}

// loadState returns the committed state and links, or nil and the reason a
// full read is needed ("" for a first run).
func (s *Source) loadState(ctx context.Context) (*syncState, deltaLinks, string, error) {
	wm := s.opts.Watermarks
	raw, ok, err := wm.Get(ctx, keyState)
	if err != nil || !ok {
		return nil, deltaLinks{}, "", err
	}
	var st syncState
	if err := json.Unmarshal([]byte(raw), &st); err != nil || st.Version != stateVersion {
		return nil, deltaLinks{}, "Entra: the saved sync state is unreadable or from another version: reading the whole directory again", nil
	}
	switch {
	case st.Scope != s.opts.Scope:
		return nil, deltaLinks{}, fmt.Sprintf("Entra: the scope changed from %q to %q: reading the whole directory again", st.Scope, s.opts.Scope), nil
	case st.Scope == scopeAssigned && st.AppID != s.opts.AppID:
		return nil, deltaLinks{}, "Entra: the Slack app id changed: reading the whole directory again", nil
	case st.Graph != s.graph.base.String():
		return nil, deltaLinks{}, "Entra: the Graph URL changed: reading the whole directory again", nil
	case st.Select != s.sel.signature():
		return nil, deltaLinks{}, "Entra: the mappings read different attributes now, and delta queries track only the attributes they started with: reading the whole directory again", nil
	case st.Fingerprint != s.opts.Fingerprint:
		return nil, deltaLinks{}, "Entra: the mappings, scoping filters or source settings changed since the last applied run: re-evaluating every user and group in scope, as --full would", nil
	}
	var links deltaLinks
	var okU, okG bool
	if links.users, okU, err = wm.Get(ctx, keyUsersLink); err != nil {
		return nil, deltaLinks{}, "", err
	}
	if links.groups, okG, err = wm.Get(ctx, keyGroupsLink); err != nil {
		return nil, deltaLinks{}, "", err
	}
	if !okU || !okG || links.users == "" || links.groups == "" {
		return nil, deltaLinks{}, "Entra: a saved delta link is missing: reading the whole directory again", nil
	}
	if st.Groups == nil {
		st.Groups = map[string]*groupState{}
	}
	return &st, links, "", nil
}

// commitFunc saves the state and links when the engine has applied the
// snapshot. The state goes first: a state newer than its links only replays
// changes next time, while links newer than the state could lose some.
func (s *Source) commitFunc(st *syncState, links deltaLinks) func(context.Context) error {
	wm := s.opts.Watermarks
	if wm == nil {
		return nil
	}
	return func(ctx context.Context) error {
		raw, err := json.Marshal(st)
		if err != nil {
			return fmt.Errorf("entra: encode sync state: %w", err)
		}
		if err := wm.Put(ctx, keyState, string(raw)); err != nil {
			return fmt.Errorf("entra: save sync state: %w", err)
		}
		if err := wm.Put(ctx, keyUsersLink, links.users); err != nil {
			return fmt.Errorf("entra: save users delta link: %w", err)
		}
		if err := wm.Put(ctx, keyGroupsLink, links.groups); err != nil {
			return fmt.Errorf("entra: save groups delta link: %w", err)
		}
		return nil
	}
}
