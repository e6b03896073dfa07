package slackscim

import (
	"net/http"
	"strings"
)

// scimRoute is what a request path and method mean to the emulator.
type scimRoute struct {
	method   string
	prefix   string // path up to and including "/scim/v2/" (or v1), for meta.location
	v1       bool   // SCIM 1.1: v1 URNs, partial-resource PATCH, v1 error bodies
	resource string // "Users", "Groups", "ServiceProviderConfig", "ResourceTypes", "Schemas"; "" when unknown
	id       string
	hasID    bool
	err      *scimError // set when the path or method cannot be served
}

// class names the endpoint for statistics and rate limits, e.g. "PATCH /Users/{id}".
func (rt scimRoute) class() string {
	if rt.resource == "" {
		return rt.method + " (unrouted)"
	}
	if rt.hasID {
		return rt.method + " /" + rt.resource + "/{id}"
	}
	return rt.method + " /" + rt.resource
}

func (rt scimRoute) isWrite() bool {
	switch rt.method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		return true
	}
	return false
}

func (rt scimRoute) isRead() bool { return rt.method == http.MethodGet }

// scimParseRoute finds "/scim/<version>/" anywhere in the path so the handler
// can be mounted under any prefix.
func scimParseRoute(r *http.Request) scimRoute {
	rt := scimRoute{method: r.Method}
	path := r.URL.Path
	i := strings.Index(path, "/scim/")
	if i < 0 {
		rt.err = scimErr(http.StatusNotFound, "bad_endpoint")
		return rt
	}
	rest := path[i+len("/scim/"):]
	version, tail, _ := strings.Cut(rest, "/")
	if version != "v2" && version != "v1" {
		if strings.HasPrefix(version, "v") && len(version) > 1 {
			rt.err = scimBadRequest("unsupported_version")
		} else {
			rt.err = scimErr(http.StatusNotFound, "bad_endpoint")
		}
		return rt
	}
	rt.prefix = path[:i] + "/scim/" + version + "/"
	rt.v1 = version == "v1"
	tail = strings.TrimSuffix(tail, "/")
	name, id, hasID := strings.Cut(tail, "/")
	switch {
	case name == "Users" || name == "Groups":
		rt.resource = name
	case !rt.v1 && (name == "ResourceTypes" || name == "Schemas"):
		// Only v2 serves these (reference §1, difference 4).
		rt.resource = name
	case name == "ServiceProviderConfigs" || (!rt.v1 && name == "ServiceProviderConfig"):
		// v1 has only the plural; Slack's docs name both spellings for v2 and
		// the Java SDK uses the plural.
		rt.resource = "ServiceProviderConfig"
	default:
		rt.err = scimErr(http.StatusNotFound, "bad_endpoint")
		return rt
	}
	rt.id, rt.hasID = id, hasID
	if rt.hasID && strings.Contains(id, "/") {
		rt.resource = ""
		rt.err = scimErr(http.StatusNotFound, "bad_endpoint")
		return rt
	}
	rt.err = rt.checkMethod()
	return rt
}

func (rt scimRoute) checkMethod() *scimError {
	notAllowed := scimErr(http.StatusMethodNotAllowed, "method_not_allowed")
	switch rt.method {
	case http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
	default:
		return notAllowed
	}
	switch rt.resource {
	case "Users", "Groups":
		if rt.hasID && rt.id == "" {
			if rt.resource == "Users" {
				return scimBadRequest("missing_user_id")
			}
			return scimBadRequest("missing_group_id")
		}
		if rt.hasID && rt.method == http.MethodPost {
			return notAllowed
		}
		if !rt.hasID && rt.method != http.MethodGet && rt.method != http.MethodPost {
			if rt.resource == "Users" {
				return scimBadRequest("missing_user_id")
			}
			return scimBadRequest("missing_group_id")
		}
	default:
		if rt.method != http.MethodGet {
			return notAllowed
		}
		if rt.hasID && rt.resource == "ServiceProviderConfig" {
			return scimErr(http.StatusNotFound, "bad_endpoint")
		}
	}
	return nil
}
