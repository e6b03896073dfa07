package slackscim

import "strings"

// applyEmails keeps Slack's two stored emails: [0] primary, [1] secondary.
func (e *scimUserEdit) applyEmails(op string, p scimPath, v any) *scimError {
	u := e.u
	if p.filter == nil {
		if p.sub != "" {
			return scimBadRequest("invalid_request_payload")
		}
		if op == "remove" {
			// Slack: removing "emails" drops only the secondary.
			u.Emails = u.Emails[:min(len(u.Emails), 1)]
			return nil
		}
		in, err := scimParseEmails(v)
		if err != nil {
			return err
		}
		switch {
		case len(in) == 0 && e.mode == scimPatch:
			return scimBadRequest("missing_primary_email")
		case op == "replace" || len(u.Emails) == 0:
			u.Emails = scimPickEmails(in)
		default:
			u.Emails = scimMergeEmails(u.Emails, in)
		}
		return nil
	}
	slot, err := scimEmailSlot(u.Emails, p.filter)
	if err != nil {
		return err
	}
	if p.sub != "" && p.sub != "value" {
		return scimBadRequest("invalid_request_payload")
	}
	if op == "remove" {
		switch {
		case slot == 0 && len(u.Emails) > 0:
			return scimBadRequest("missing_primary_email")
		case slot == 1 && len(u.Emails) > 1:
			u.Emails = u.Emails[:1]
		}
		return nil
	}
	val, ok := scimEntryString(p, v)
	if !ok {
		return scimBadRequest("emails_invalid")
	}
	if val == nil {
		if slot == 0 {
			return scimBadRequest("missing_primary_email")
		}
		if slot == 1 && len(u.Emails) > 1 {
			u.Emails = u.Emails[:1]
		}
		return nil
	}
	if !scimValidEmail(*val) {
		return scimBadRequest("bad_email_address")
	}
	switch {
	case slot == 0 && len(u.Emails) == 0, slot == 1 && len(u.Emails) < 2:
		u.Emails = append(u.Emails, *val)
	case slot >= 0:
		u.Emails[slot] = *val
	}
	u.Emails = scimDedupeEmails(u.Emails)
	return nil
}

// scimEmailSlot maps a value filter to the stored slot: 0 primary, 1
// secondary, -1 no match. type "work" targets the primary because that is
// how Slack chose it.
func scimEmailSlot(emails []string, f *scimValueFilter) (int, *scimError) {
	switch f.attr {
	case "primary":
		b, ok := scimBoolValue(f.value)
		if !ok {
			return 0, scimBadRequest("invalid_request_payload")
		}
		if b {
			return 0, nil
		}
		return 1, nil
	case "type":
		if strings.EqualFold(f.value, "work") {
			return 0, nil
		}
		return 1, nil
	case "value":
		for i, e := range emails {
			if strings.EqualFold(e, f.value) {
				return i, nil
			}
		}
		return -1, nil
	}
	return 0, scimBadRequest("invalid_request_payload")
}

func scimParseEmails(v any) ([]scimMultiIn, *scimError) {
	in, err := scimParseMulti(v, "emails_invalid")
	if err != nil {
		return nil, err
	}
	for i, x := range in {
		s, ok := x.value.(string)
		if !ok || !scimValidEmail(s) {
			return nil, scimBadRequest("bad_email_address")
		}
		in[i].value = s
	}
	return in, nil
}

// scimPickEmails applies Slack's rule: the primary is the primary:true entry,
// else the type "work" one, else the first; the secondary is the next other
// entry; the rest are dropped.
func scimPickEmails(in []scimMultiIn) []string {
	if len(in) == 0 {
		return nil
	}
	p := scimPrimaryIndex(in, true)
	out := []string{in[p].value.(string)}
	for i, x := range in {
		if i != p {
			out = append(out, x.value.(string))
		}
	}
	return scimDedupeEmails(out)
}

// scimMergeEmails adds emails: a new primary demotes the old one; otherwise
// the new entries take the secondary slot ahead of the old secondary.
func scimMergeEmails(existing []string, in []scimMultiIn) []string {
	newPrimary := -1
	for i, x := range in {
		if x.primary {
			newPrimary = i
			break
		}
	}
	var out []string
	if newPrimary >= 0 {
		out = append(out, in[newPrimary].value.(string))
	} else {
		out = append(out, existing[0])
	}
	for i, x := range in {
		if i != newPrimary {
			out = append(out, x.value.(string))
		}
	}
	if newPrimary >= 0 {
		out = append(out, existing...)
	} else {
		out = append(out, existing[1:]...)
	}
	return scimDedupeEmails(out)
}

// scimDedupeEmails drops case-insensitive repeats and keeps at most two.
func scimDedupeEmails(list []string) []string {
	var out []string
	for _, e := range list {
		dup := false
		for _, o := range out {
			dup = dup || strings.EqualFold(o, e)
		}
		if !dup {
			out = append(out, e)
		}
		if len(out) == 2 {
			break
		}
	}
	return out
}

// Phone slots. Slack's request semantics are odd on purpose: type "mobile" or
// primary:true fills primaryPhone, type "work" fills mobilePhone.
const (
	scimPhonePrimary = 1
	scimPhoneMobile  = 2
)

func scimPhoneSlotFor(x scimMultiIn) int {
	switch {
	case x.typ == "work":
		return scimPhoneMobile
	case x.typ == "mobile", x.primary:
		return scimPhonePrimary
	}
	return 0
}

func (e *scimUserEdit) phone(slot int) **string {
	if slot == scimPhoneMobile {
		return &e.u.MobilePhone
	}
	return &e.u.PrimaryPhone
}

func (e *scimUserEdit) applyPhones(op string, p scimPath, v any) *scimError {
	u := e.u
	if p.filter == nil {
		if p.sub != "" {
			return scimBadRequest("invalid_request_payload")
		}
		if op == "remove" {
			u.PrimaryPhone, u.MobilePhone = nil, nil
			return nil
		}
		in, err := scimParseMulti(v, "phoneNumbers_invalid")
		if err != nil {
			return err
		}
		if op == "replace" {
			u.PrimaryPhone, u.MobilePhone = nil, nil
		}
		// Entries without a usable type fill whichever slot this request has
		// not filled yet; a later entry for the same slot wins.
		filled := map[int]bool{}
		for _, x := range in {
			slot := scimPhoneSlotFor(x)
			if slot == 0 {
				slot = scimPhonePrimary
				if filled[slot] {
					slot = scimPhoneMobile
				}
			}
			s, ok := scimStringValue(x.value)
			if !ok {
				return scimBadRequest("phoneNumbers_invalid")
			}
			*e.phone(slot) = s
			filled[slot] = true
		}
		return nil
	}
	if p.sub != "" && p.sub != "value" {
		return scimBadRequest("invalid_request_payload")
	}
	slot := 0
	switch p.filter.attr {
	case "type":
		slot = scimPhoneSlotFor(scimMultiIn{typ: strings.ToLower(p.filter.value)})
	case "primary":
		if b, _ := scimBoolValue(p.filter.value); b {
			slot = scimPhonePrimary
		} else {
			slot = scimPhoneMobile
		}
	case "value":
		switch {
		case u.PrimaryPhone != nil && *u.PrimaryPhone == p.filter.value:
			slot = scimPhonePrimary
		case u.MobilePhone != nil && *u.MobilePhone == p.filter.value:
			slot = scimPhoneMobile
		}
	default:
		return scimBadRequest("invalid_request_payload")
	}
	if slot == 0 {
		return nil // the filter matched nothing stored
	}
	if op == "remove" {
		*e.phone(slot) = nil
		return nil
	}
	s, ok := scimEntryString(p, v)
	if !ok {
		return scimBadRequest("phoneNumbers_invalid")
	}
	*e.phone(slot) = s
	return nil
}
