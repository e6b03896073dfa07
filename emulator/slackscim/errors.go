package slackscim

import (
	"encoding/json"
	"net/http"
)

// SCIM v2 schema URNs as Slack spells them.
const (
	scimErrorSchema   = "urn:ietf:params:scim:api:messages:2.0:Error"
	scimListSchema    = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	scimPatchSchema   = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	scimUserSchema    = "urn:ietf:params:scim:schemas:core:2.0:User"
	scimGroupSchema   = "urn:ietf:params:scim:schemas:core:2.0:Group"
	scimEnterpriseURN = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"
	scimProfileURN    = "urn:ietf:params:scim:schemas:extension:slack:profile:2.0:User"
	scimGuestURN      = "urn:ietf:params:scim:schemas:extension:slack:guest:2.0:User"
)

// scimError is a Slack SCIM failure: an HTTP status plus the Slack error code
// (with Slack's optional "(user=…)" style suffix) that goes into "detail".
type scimError struct {
	status     int
	detail     string
	retryAfter string
}

func scimErr(status int, detail string) *scimError {
	return &scimError{status: status, detail: detail}
}

func scimBadRequest(detail string) *scimError { return scimErr(http.StatusBadRequest, detail) }

// scimErrorBody is Slack's v2 error shape; status is a JSON number there.
type scimErrorBody struct {
	Schemas []string `json:"schemas"`
	Detail  string   `json:"detail"`
	Status  int      `json:"status"`
}

// scimV1ErrorBody is Slack's v1 error shape: one Errors object, not a list.
type scimV1ErrorBody struct {
	Errors struct {
		Description string `json:"description"`
		Code        int    `json:"code"`
	} `json:"Errors"`
}

func scimWriteError(w http.ResponseWriter, rt scimRoute, e *scimError) {
	if e.retryAfter != "" {
		w.Header().Set("Retry-After", e.retryAfter)
	}
	if rt.v1 {
		var b scimV1ErrorBody
		b.Errors.Description, b.Errors.Code = e.detail, e.status
		scimWriteJSON(w, e.status, b)
		return
	}
	scimWriteJSON(w, e.status, scimErrorBody{Schemas: []string{scimErrorSchema}, Detail: e.detail, Status: e.status})
}

func scimWriteJSON(w http.ResponseWriter, status int, body any) {
	if body == nil {
		w.WriteHeader(status)
		return
	}
	data, err := json.Marshal(body)
	if err != nil {
		http.Error(w, "emulator: cannot encode response: "+err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}
