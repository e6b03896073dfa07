package slackscim

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
)

// scimUserFilterAttrs are what GET /Users can filter on: Slack documents
// userName and email, and production clients use emails and emails.value.
var scimUserFilterAttrs = map[string]bool{
	"username": true, "email": true, "emails": true, "emails.value": true, "externalid": true,
}

// scimMaxBody bounds request bodies; a 15,000-member group fits comfortably.
const scimMaxBody = 16 << 20

func (s *Org) serveUsers(rt scimRoute, r *http.Request, base string) (int, any, *scimError) {
	if !rt.hasID {
		if r.Method == http.MethodGet {
			return s.listUsers(rt, r, base)
		}
		body, err := scimReadBody(r)
		if err != nil {
			return 0, nil, err
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		u, err := s.createUser(body, "")
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, s.renderUser(u, base, nil), nil
	}
	body, err := writeBody(r)
	if err != nil {
		return 0, nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.usersByID[rt.id]
	if u == nil {
		return 0, nil, scimUserIDError(rt.id)
	}
	switch r.Method {
	case http.MethodGet:
	case http.MethodPut:
		err = s.replaceUser(u, body)
	case http.MethodPatch:
		err = s.patchUser(u, body)
	case http.MethodDelete:
		// Slack never deletes users over SCIM: DELETE deactivates. The account
		// keeps its userName and email, and its group memberships (whether Slack
		// drops memberships on deactivation is unconfirmed; keeping them means a
		// client must not assume deactivation cleaned up groups).
		u.Active = false
		return http.StatusNoContent, nil, nil
	}
	if err != nil {
		return 0, nil, err
	}
	return http.StatusOK, s.renderUser(u, base, s.userGroups(u.ID)), nil
}

// writeBody reads the JSON body of a PUT or PATCH; other methods send none.
func writeBody(r *http.Request) (map[string]any, *scimError) {
	if r.Method != http.MethodPut && r.Method != http.MethodPatch {
		return nil, nil
	}
	return scimReadBody(r)
}

func scimReadBody(r *http.Request) (map[string]any, *scimError) {
	data, err := io.ReadAll(io.LimitReader(r.Body, scimMaxBody))
	if err != nil {
		return nil, scimBadRequest("invalid_request_payload")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var body map[string]any
	if err := dec.Decode(&body); err != nil || body == nil {
		return nil, scimBadRequest("invalid_request_payload")
	}
	return body, nil
}

// scimCheckResourceSchemas enforces that POST and PUT bodies list their
// schemas, including the Slack profile and guest extensions they use.
func scimCheckResourceSchemas(body map[string]any) *scimError {
	list, ok := scimGetCI(body, "schemas").([]any)
	if !ok || len(list) == 0 {
		return scimBadRequest("missing_schema_element")
	}
	for _, urn := range []string{scimProfileURN, scimGuestURN} {
		if scimGetCI(body, urn) != nil && !scimListContains(list, urn) {
			return scimBadRequest("missing_schema_element")
		}
	}
	return nil
}

// createUser validates and stores a new user; id is used when seeding and
// generated otherwise. Callers hold s.mu.
func (s *Org) createUser(body map[string]any, id string) (*scimUser, *scimError) {
	if err := scimCheckResourceSchemas(body); err != nil {
		return nil, err
	}
	u := &scimUser{Active: true, Created: s.opts.Now()}
	e := scimUserEdit{s: s, u: u, mode: scimCreate}
	if err := e.applyObject("replace", body); err != nil {
		return nil, err
	}
	if err := s.validate(u, true); err != nil {
		return nil, err
	}
	switch {
	case id != "":
		u.ID = id
	case s.opts.Plan == "enterprise":
		u.ID = s.newID("W")
	default:
		u.ID = s.newID("U")
	}
	s.store(nil, u)
	return u, nil
}

// replaceUser is PUT: every attribute is overwritten and omitted ones become
// null. id, externalId and creation time survive; so does the active flag
// when the body leaves it out, as PUT is not documented to deactivate.
func (s *Org) replaceUser(u *scimUser, body map[string]any) *scimError {
	if err := scimCheckResourceSchemas(body); err != nil {
		return err
	}
	draft := &scimUser{ID: u.ID, ExternalID: u.ExternalID, Created: u.Created, Active: u.Active}
	e := scimUserEdit{s: s, u: draft, mode: scimReplace}
	if err := e.applyObject("replace", body); err != nil {
		return err
	}
	return s.commitEdit(u, draft, true)
}

func (s *Org) patchUser(u *scimUser, body map[string]any) *scimError {
	ops, err := scimParsePatch(body)
	if err != nil {
		return err
	}
	draft := u.clone()
	e := scimUserEdit{s: s, u: draft, mode: scimPatch}
	for _, op := range ops {
		if op.whole {
			err = e.applyObject(op.op, op.value.(map[string]any))
		} else {
			err = e.apply(op.op, op.path, op.value)
		}
		if err != nil {
			return err
		}
	}
	return s.commitEdit(u, draft, e.nameTouched)
}

// commitEdit validates and stores an edited user. Converting between full
// member and multi-channel guest reactivates the account, as Slack documents.
func (s *Org) commitEdit(u, draft *scimUser, requireName bool) *scimError {
	if err := s.validate(draft, requireName); err != nil {
		return err
	}
	if (u.Guest == nil) != (draft.Guest == nil) {
		draft.Active = true
	}
	s.store(u, draft)
	return nil
}

// scimV1UserFilterAttrs adds the guest filters Slack documents as "not
// applicable to SCIM v2.0".
var scimV1UserFilterAttrs = map[string]bool{
	"username": true, "email": true, "emails": true, "emails.value": true, "externalid": true,
	"restricted": true, "ultra_restricted": true,
}

func (s *Org) listUsers(rt scimRoute, r *http.Request, base string) (int, any, *scimError) {
	attrs := scimUserFilterAttrs
	if rt.v1 {
		attrs = scimV1UserFilterAttrs
	}
	return scimListMatching(s, r, attrs, &s.users, func(page []*scimUser) []any {
		memberships := s.membershipIndex()
		out := make([]any, 0, len(page))
		for _, u := range page {
			out = append(out, s.renderUser(u, base, memberships[u.ID]))
		}
		return out
	})
}

func (u *scimUser) filterAttr(attr string) ([]string, bool) {
	switch attr {
	case "username":
		return []string{u.UserName}, false
	case "email", "emails", "emails.value":
		return u.Emails, false
	case "externalid":
		return []string{u.ExternalID}, true
	case "restricted":
		return []string{scimFlag(u.Guest != nil)}, true
	case "ultra_restricted":
		// Single-channel guests cannot be provisioned over SCIM at all.
		return []string{"0"}, true
	}
	return nil, false
}
