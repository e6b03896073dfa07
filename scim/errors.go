package scim

import (
	"encoding/json"
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Slack's documented SCIM error strings (reference §5.3) plus the two seen
// only in live traffic (long_username, invited_user_not_created).
const (
	CodeAddressesInvalid                    = "addresses_invalid"
	CodeEmailsInvalid                       = "emails_invalid"
	CodeGroupsInvalid                       = "groups_invalid"
	CodePhoneNumbersInvalid                 = "phoneNumbers_invalid"
	CodePhotosInvalid                       = "photos_invalid"
	CodeRolesInvalid                        = "roles_invalid"
	CodeBadEmailAddress                     = "bad_email_address"
	CodeEmailInvalid                        = "email_invalid"
	CodeEmailEmpty                          = "email_empty"
	CodeEmailTaken                          = "email_taken"
	CodeMissingPrimaryEmail                 = "missing_primary_email"
	CodeBadEndpoint                         = "bad_endpoint"
	CodeMethodNotAllowed                    = "method_not_allowed"
	CodeUnsupportedVersion                  = "unsupported_version"
	CodeMissingAuthentication               = "missing_authentication"
	CodeInvalidAuthentication               = "invalid_authentication"
	CodePermissionDenied                    = "permission_denied"
	CodePlusTeamsOnly                       = "plus_teams_only"
	CodeNonOrgTeamsOnly                     = "non_org_teams_only"
	CodeCannotMakeUserGuest                 = "cannot_make_user_guest"
	CodeCannotModifyOwner                   = "cannot_modify_owner"
	CodeCannotModifyGDPR                    = "cannot_modify_gdpr"
	CodeCannotDisablePrimaryOwner           = "cannot_disable_primary_owner"
	CodePrimaryOwnerCheckFailure            = "primary_owner_check_failure"
	CodeCannotDisableBotUser                = "cannot_disable_bot_user_with_scim"
	CodeCannotDecodeUserID                  = "cannot_decode_user_id"
	CodeMissingUserID                       = "missing_user_id"
	CodeMissingGroupID                      = "missing_group_id"
	CodeNoSuchUser                          = "no_such_user"
	CodeUnknownUser                         = "unknown_user"
	CodeNoSuchGroup                         = "no_such_group"
	CodeNoSuchGroupMembers                  = "no_such_group_members"
	CodeImproperEnterpriseSchemaFormat      = "improper_enterprise_schema_format"
	CodeInvalidAttributeFormat              = "invalid_attribute_format"
	CodeInvalidRequestPayload               = "invalid_request_payload"
	CodeMissingSchemaElement                = "missing_schema_element"
	CodeInvalidDisplayName                  = "invalid_display_name"
	CodeInvalidNameMaxLength                = "invalid_name_maxlength"
	CodeInvalidNameSpecials                 = "invalid_name_specials"
	CodeInvalidStartsWithAt                 = "invalid_starts_with_at"
	CodeInvalidNameRequired                 = "invalid_name_required"
	CodeInvalidEmojiNotAllowed              = "invalid_emoji_not_allowed"
	CodeInvalidReservedWord                 = "invalid_reserved_word"
	CodeLongNickname                        = "long_nickname"
	CodeUsernameEmpty                       = "username_empty"
	CodeUsernameRequired                    = "username_required"
	CodeUsernameInvalid                     = "username_invalid"
	CodeUsernameNotAllowed                  = "username_not_allowed"
	CodeUsernameTaken                       = "username_taken"
	CodeUsernameTooLong                     = "username_too_long"
	CodeLongUsername                        = "long_username"
	CodeTruncationError                     = "truncation_error"
	CodeUserCreationFailed                  = "user_creation_failed"
	CodePasswordChangeNotAllowed            = "password_change_not_allowed"
	CodeIncompleteFilter                    = "incomplete_filter"
	CodeInvalidFilterGroup                  = "invalid_filter_group"
	CodeInvalidQuery                        = "invalid_query"
	CodeNoFilters                           = "no_filters"
	CodeQueryBuildingFailed                 = "query_building_failed"
	CodeDatabaseQueryFailure                = "database_query_failure"
	CodeInvalidSortOrder                    = "invalid_sort_order"
	CodeGroupCreationFailed                 = "group_creation_failed"
	CodeGroupMembersCreateFailed            = "group_members_create_failed"
	CodeFailedToRemoveUsersForLinkedSubteam = "failed_to_remove_users_for_linked_subteam"
	CodeGroupMemberMaxExceeded              = "group_member_max_exceeded"
	CodeTooManyUsers                        = "too_many_users"
	CodeUnableToAddDeletedOrGuestToGroup    = "unable_to_add_deleted_or_guest_to_group"
	CodeIdPGroupLinkedToChannels            = "idp_group_linked_to_channels"
	CodeUnableToCreateTeamProfileFields     = "unable_to_create_team_profile_fields"
	CodeTooManyRequests                     = "too_many_requests"
	CodeResourceLocked                      = "resource_locked"
	CodeInvitedUserNotCreated               = "invited_user_not_created"
)

// Error is a non-2xx answer from Slack's SCIM API.
type Error struct {
	Status int    // HTTP status
	Code   string // Slack's error string, e.g. "email_taken"; empty if the body had none
	Detail string // the full description Slack sent, suffixes like "(user=…)" included
	Method string
	Path   string // request path below the SCIM base, with the query decoded
	// RetryAfter is what Slack asked us to wait on a 429 we gave up on.
	RetryAfter time.Duration
	// ExistingUserID is the account that already holds an email or userName,
	// when Slack names it ("existing_user=U…").
	ExistingUserID string
	// ScimType is RFC 7644's error keyword (invalidFilter, uniqueness…),
	// which generic SCIM servers send and Slack does not.
	ScimType string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("slack SCIM ")
	b.WriteString(e.Method)
	b.WriteString(" ")
	b.WriteString(e.Path)
	b.WriteString(": ")
	b.WriteString(strconv.Itoa(e.Status))
	switch {
	case e.Code != "":
		b.WriteString(" ")
		b.WriteString(e.Code)
		if rest := strings.TrimSpace(strings.TrimPrefix(e.Detail, e.Code)); rest != "" {
			b.WriteString(" ")
			b.WriteString(rest)
		}
	case e.Detail != "":
		b.WriteString(" ")
		b.WriteString(http.StatusText(e.Status))
		b.WriteString(": ")
		b.WriteString(e.Detail)
	default:
		b.WriteString(" ")
		b.WriteString(http.StatusText(e.Status))
	}
	if e.RetryAfter > 0 {
		b.WriteString(" (Slack asked to retry after ")
		b.WriteString(e.RetryAfter.String())
		b.WriteString(")")
	}
	if h := e.Hint(); h != "" {
		b.WriteString("; ")
		b.WriteString(h)
	}
	return b.String()
}

// Hint says what to do next about the errors an admin can act on; empty otherwise.
func (e *Error) Hint() string {
	if h, ok := hints[e.Code]; ok {
		return h
	}
	switch e.Status {
	case http.StatusUnauthorized:
		return hints[CodeInvalidAuthentication]
	case http.StatusTooManyRequests:
		return hints[CodeTooManyRequests]
	}
	return ""
}

var hints = map[string]string{
	CodeEmailTaken:            "another Slack account (possibly deactivated) holds this email: link that account or change its email in Slack",
	CodeUsernameTaken:         "another account or a channel already uses this userName: map a different userName",
	CodeLongUsername:          "Slack userNames are at most 21 characters: shorten the mapped userName",
	CodeUsernameTooLong:       "Slack userNames are at most 21 characters: shorten the mapped userName",
	CodeInvalidNameSpecials:   "the name contains characters Slack refuses (such as @): adjust the mapping",
	CodeInvalidDisplayName:    "Slack refuses displayName updates unless admins allow users to change display names: send it only on create",
	CodeMissingAuthentication: "no token was sent: authorize slackprov with a Slack user token that has the admin scope",
	CodeInvalidAuthentication: "the token is invalid, revoked or lacks the admin scope: authorize again as a Slack Owner or Admin",
	CodePermissionDenied:      "the token's owner may not change this account (an Admin cannot modify Owners)",
	CodePlusTeamsOnly:         "SCIM needs a Business+ or Enterprise plan",
	CodeNonOrgTeamsOnly:       "on Enterprise Grid the SCIM app must be installed on the org by an Org Owner, not on a workspace",
	CodeUnsupportedVersion:    "this org does not accept this SCIM version: check slack.scim_url",
	CodeTooManyRequests:       "Slack's org-wide SCIM rate limit is exhausted (other SCIM apps share it): try again later",
	CodeBadEndpoint:           "Slack does not know this URL: check slack.scim_url",
}

// errorBody accepts every shape Slack uses: v2 {"detail","status"} with status
// as number or string, v1 {"Errors":{"description","code"}} and the array
// form {"Errors":[{"description"}]} some clients guard against.
type errorBody struct {
	Detail   string          `json:"detail"`
	ScimType string          `json:"scimType"`
	Errors   json.RawMessage `json:"Errors"`
}

type errorItem struct {
	Description string `json:"description"`
}

var existingUserRE = regexp.MustCompile(`existing_user=([A-Za-z0-9]+)`)

// maxDetail bounds how much of a non-SCIM body (an HTML error page from a
// proxy, say) we carry into an error message.
const maxDetail = 300

func parseError(status int, method, path string, body []byte) *Error {
	e := &Error{Status: status, Method: method, Path: path}
	var eb errorBody
	if err := json.Unmarshal(body, &eb); err == nil {
		e.Detail = strings.TrimSpace(eb.Detail)
		e.ScimType = eb.ScimType
		if e.Detail == "" && len(eb.Errors) > 0 {
			var one errorItem
			var many []errorItem
			if json.Unmarshal(eb.Errors, &one) == nil {
				e.Detail = strings.TrimSpace(one.Description)
			} else if json.Unmarshal(eb.Errors, &many) == nil && len(many) > 0 {
				e.Detail = strings.TrimSpace(many[0].Description)
			}
		}
		e.Code = codeOf(e.Detail)
	} else if text := strings.TrimSpace(string(body)); text != "" {
		if len(text) > maxDetail {
			text = text[:maxDetail] + "…"
		}
		e.Detail = text
	}
	if e.Code == "" && status == http.StatusTooManyRequests {
		e.Code = CodeTooManyRequests
	}
	if m := existingUserRE.FindStringSubmatch(e.Detail); m != nil {
		e.ExistingUserID = m[1]
	}
	return e
}

// codeOf takes the error string from a description such as
// "long_username (user=jo)": the text before the first space or "(".
func codeOf(detail string) string {
	if i := strings.IndexAny(detail, " ("); i >= 0 {
		return detail[:i]
	}
	return detail
}

// IsCode reports whether err is a SCIM *Error carrying one of codes.
func IsCode(err error, codes ...string) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	for _, c := range codes {
		if e.Code == c {
			return true
		}
	}
	return false
}

// IsNotFound reports whether Slack says the user or group does not exist.
// A 404 that names a wrong URL (bad_endpoint, unsupported_version) or has no
// SCIM body at all is a misconfigured base URL, not a missing object: treating
// it as "gone" could make the engine re-create accounts that exist.
func IsNotFound(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case CodeNoSuchUser, CodeUnknownUser, CodeNoSuchGroup:
		return true
	case "", CodeBadEndpoint, CodeUnsupportedVersion:
		return false
	}
	return e.Status == http.StatusNotFound
}

// ErrNoToken wraps a failure of Options.TokenFunc: there was no token to send.
var ErrNoToken error = credentialsError("no usable Slack token")

// credentialsError is a sentinel that says the credentials are the problem
// (see Error.Credentials).
type credentialsError string

func (e credentialsError) Error() string     { return string(e) }
func (e credentialsError) Credentials() bool { return true }

// Credentials reports whether Slack refused the credentials (IsAuth), so
// callers that must not import this package can tell with an interface.
func (e *Error) Credentials() bool { return IsAuth(e) }

// IsAuth reports whether err is a credentials or authorization problem: the
// token, its scope, the plan or the install, rather than the request.
func IsAuth(err error) bool {
	if errors.Is(err, ErrNoToken) {
		return true
	}
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	switch e.Code {
	case CodeInvalidAuthentication, CodeMissingAuthentication, CodePlusTeamsOnly,
		CodeNonOrgTeamsOnly, CodePermissionDenied:
		return true
	}
	return e.Status == http.StatusUnauthorized || (e.Status == http.StatusForbidden && e.Code == "")
}

// IsUserNameTooLong reports Slack's 21-character userName limit under
// either spelling (the docs say username_too_long, live traffic long_username).
func IsUserNameTooLong(err error) bool {
	return IsCode(err, CodeLongUsername, CodeUsernameTooLong)
}

// isFilterProblem reports Slack's family of "we could not run that filter" errors.
func isFilterProblem(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Status == http.StatusBadRequest && (e.ScimType == "invalidFilter" ||
		IsCode(err, CodeInvalidQuery, CodeIncompleteFilter, CodeInvalidFilterGroup,
			CodeNoFilters, CodeQueryBuildingFailed))
}
