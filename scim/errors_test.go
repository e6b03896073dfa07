package scim

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestParseError(t *testing.T) {
	tests := []struct {
		name       string
		status     int
		body       string
		code       string
		detail     string
		existingID string
	}{
		{"v2 detail, numeric status", 400, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"missing_schema_element","status":400}`,
			"missing_schema_element", "missing_schema_element", ""},
		{"v2 detail, string status", 404, `{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"detail":"no_such_user","status":"404"}`,
			"no_such_user", "no_such_user", ""},
		{"v1 object with suffix", 400, `{"Errors":{"description":"long_username (user=averyveryverylongname)","code":400}}`,
			"long_username", "long_username (user=averyveryverylongname)", ""},
		{"v1 suffix without space", 400, `{"Errors":{"description":"invalid_name_specials(user=x)","code":400}}`,
			"invalid_name_specials", "invalid_name_specials(user=x)", ""},
		{"array form", 409, `{"Errors":[{"description":"email_taken existing_user=U0123ABC","code":409}]}`,
			"email_taken", "email_taken existing_user=U0123ABC", "U0123ABC"},
		{"detail wins over Errors", 409, `{"detail":"username_taken","Errors":{"description":"other"}}`,
			"username_taken", "username_taken", ""},
		{"existing user in v2 detail", 409, `{"detail":"email_taken (existing_user=W9Z)","status":409}`,
			"email_taken", "email_taken (existing_user=W9Z)", "W9Z"},
		{"empty array", 400, `{"Errors":[]}`, "", "", ""},
		{"html page", 502, `<html><body>Bad gateway</body></html>`, "", "<html><body>Bad gateway</body></html>", ""},
		{"bare 429", 429, ``, CodeTooManyRequests, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := parseError(tt.status, "POST", "/Users", []byte(tt.body))
			if e.Code != tt.code || e.Detail != tt.detail || e.ExistingUserID != tt.existingID || e.Status != tt.status {
				t.Errorf("got code %q detail %q existing %q status %d; want %q %q %q %d",
					e.Code, e.Detail, e.ExistingUserID, e.Status, tt.code, tt.detail, tt.existingID, tt.status)
			}
		})
	}
}

func TestParseErrorTruncatesLongBodies(t *testing.T) {
	e := parseError(500, "GET", "/Users", []byte(strings.Repeat("x", 5000)))
	if len(e.Detail) > maxDetail+len("…") {
		t.Errorf("detail is %d bytes", len(e.Detail))
	}
}

func TestErrorMessage(t *testing.T) {
	tests := []struct {
		e    *Error
		want string
	}{
		{&Error{Status: 409, Code: "email_taken", Detail: "email_taken existing_user=U1", Method: "POST", Path: "/Users"},
			"slack SCIM POST /Users: 409 email_taken existing_user=U1; another Slack account (possibly deactivated) holds this email: link that account or change its email in Slack"},
		{&Error{Status: 400, Code: "missing_schema_element", Detail: "missing_schema_element", Method: "POST", Path: "/Users"},
			"slack SCIM POST /Users: 400 missing_schema_element"},
		{&Error{Status: 502, Detail: "upstream down", Method: "GET", Path: "/Users/U1"},
			"slack SCIM GET /Users/U1: 502 Bad Gateway: upstream down"},
		{&Error{Status: 500, Method: "DELETE", Path: "/Groups/S1"},
			"slack SCIM DELETE /Groups/S1: 500 Internal Server Error"},
		{&Error{Status: 429, Code: CodeTooManyRequests, Method: "PATCH", Path: "/Users/U1", RetryAfter: 30 * time.Second},
			"slack SCIM PATCH /Users/U1: 429 too_many_requests (Slack asked to retry after 30s); Slack's org-wide SCIM rate limit is exhausted (other SCIM apps share it): try again later"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("got  %q\nwant %q", got, tt.want)
		}
	}
}

func TestClassifiers(t *testing.T) {
	e := func(status int, code string) error {
		return fmt.Errorf("creating ann: %w", &Error{Status: status, Code: code})
	}
	tests := []struct {
		name                         string
		err                          error
		notFound, auth, userNameLong bool
	}{
		{"no_such_user", e(404, CodeNoSuchUser), true, false, false},
		{"unknown_user on 400", e(400, CodeUnknownUser), true, false, false},
		{"no_such_group", e(404, CodeNoSuchGroup), true, false, false},
		{"404 other scim code", e(404, "resource_not_found"), true, false, false},
		{"404 bad_endpoint", e(404, CodeBadEndpoint), false, false, false},
		{"404 without body", e(404, ""), false, false, false},
		{"401 invalid_authentication", e(401, CodeInvalidAuthentication), false, true, false},
		{"401 no body", e(401, ""), false, true, false},
		{"missing_authentication", e(401, CodeMissingAuthentication), false, true, false},
		{"plus_teams_only", e(403, CodePlusTeamsOnly), false, true, false},
		{"non_org_teams_only on 400", e(400, CodeNonOrgTeamsOnly), false, true, false},
		{"permission_denied", e(403, CodePermissionDenied), false, true, false},
		{"403 bare", e(403, ""), false, true, false},
		{"403 cannot_modify_owner", e(403, CodeCannotModifyOwner), false, false, false},
		{"long_username", e(400, CodeLongUsername), false, false, true},
		{"username_too_long", e(400, CodeUsernameTooLong), false, false, true},
		{"plain error", errors.New("boom"), false, false, false},
		{"nil", nil, false, false, false},
	}
	for _, tt := range tests {
		if got := IsNotFound(tt.err); got != tt.notFound {
			t.Errorf("%s: IsNotFound = %v", tt.name, got)
		}
		if got := IsAuth(tt.err); got != tt.auth {
			t.Errorf("%s: IsAuth = %v", tt.name, got)
		}
		if got := IsUserNameTooLong(tt.err); got != tt.userNameLong {
			t.Errorf("%s: IsUserNameTooLong = %v", tt.name, got)
		}
	}
	if !IsCode(e(409, CodeEmailTaken), CodeUsernameTaken, CodeEmailTaken) || IsCode(e(409, CodeEmailTaken), CodeUsernameTaken) {
		t.Error("IsCode does not match the wrapped code exactly")
	}
}

func TestHintForStatusWithoutCode(t *testing.T) {
	if h := (&Error{Status: http.StatusUnauthorized}).Hint(); !strings.Contains(h, "authorize") {
		t.Errorf("401 hint = %q", h)
	}
}
