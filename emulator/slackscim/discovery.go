package slackscim

import "net/http"

const (
	scimSPConfigSchema     = "urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig"
	scimResourceTypeSchema = "urn:ietf:params:scim:schemas:core:2.0:ResourceType"
	scimSchemaSchema       = "urn:ietf:params:scim:schemas:core:2.0:Schema"
)

type scimSupported struct {
	Supported bool `json:"supported"`
}

// scimServiceProviderConfig reports filtering as unsupported although filters
// work: authentik's "Slack compatibility mode" exists because Slack's config
// says so. What the live endpoint returns is unconfirmed; clients must not
// rely on it.
func scimServiceProviderConfig(base string) map[string]any {
	return map[string]any{
		"schemas":          []string{scimSPConfigSchema},
		"documentationUri": "https://docs.slack.dev/reference/scim-api",
		"patch":            scimSupported{true},
		"bulk":             map[string]any{"supported": false, "maxOperations": 0, "maxPayloadSize": 0},
		"filter":           map[string]any{"supported": false, "maxResults": scimMaxCount},
		"changePassword":   scimSupported{false},
		"sort":             scimSupported{false},
		"etag":             scimSupported{false},
		"authenticationSchemes": []map[string]any{{
			"type": "oauthbearertoken", "name": "OAuth Bearer Token",
			"description": "Authentication with a Slack user token carrying the admin scope", "primary": true,
		}},
		"meta": map[string]any{"resourceType": "ServiceProviderConfig", "location": base + "ServiceProviderConfig"},
	}
}

func scimResourceTypes(base string) []any {
	return []any{
		map[string]any{
			"schemas": []string{scimResourceTypeSchema}, "id": "User", "name": "User", "endpoint": "/Users",
			"schema": scimUserSchema,
			"schemaExtensions": []map[string]any{
				{"schema": scimEnterpriseURN, "required": false},
				{"schema": scimProfileURN, "required": false},
				{"schema": scimGuestURN, "required": false},
			},
			"meta": map[string]any{"resourceType": "ResourceType", "location": base + "ResourceTypes/User"},
		},
		map[string]any{
			"schemas": []string{scimResourceTypeSchema}, "id": "Group", "name": "Group", "endpoint": "/Groups",
			"schema": scimGroupSchema,
			"meta":   map[string]any{"resourceType": "ResourceType", "location": base + "ResourceTypes/Group"},
		},
	}
}

func scimServeResourceTypes(rt scimRoute, base string) (int, any, *scimError) {
	all := scimResourceTypes(base)
	if !rt.hasID {
		return http.StatusOK, scimList(all, len(all), scimPage{start: 1, count: len(all)}), nil
	}
	for _, r := range all {
		if r.(map[string]any)["id"] == rt.id {
			return http.StatusOK, r, nil
		}
	}
	return 0, nil, scimErr(http.StatusNotFound, "bad_endpoint")
}

func scimAttr(name, typ string, multi bool, sub ...map[string]any) map[string]any {
	a := map[string]any{"name": name, "type": typ, "multiValued": multi, "required": name == "userName"}
	if len(sub) > 0 {
		a["subAttributes"] = sub
	}
	return a
}

func scimRequired(a map[string]any) map[string]any {
	a["required"] = true
	return a
}

func scimSchemas() []any {
	value := scimAttr("value", "string", false)
	primary := scimAttr("primary", "boolean", false)
	typ := scimAttr("type", "string", false)
	return []any{
		map[string]any{"schemas": []string{scimSchemaSchema}, "id": scimUserSchema, "name": "User", "attributes": []any{
			scimAttr("userName", "string", false), scimAttr("nickName", "string", false),
			scimAttr("name", "complex", false, scimAttr("givenName", "string", false),
				scimAttr("familyName", "string", false), scimAttr("honorificPrefix", "string", false)),
			scimAttr("displayName", "string", false), scimAttr("profileUrl", "reference", false),
			scimAttr("title", "string", false), scimAttr("timezone", "string", false),
			scimAttr("active", "boolean", false), scimAttr("password", "string", false),
			scimAttr("emails", "complex", true, value, typ, primary),
			scimAttr("phoneNumbers", "complex", true, value, typ, primary),
			scimAttr("photos", "complex", true, value, typ, primary),
			scimAttr("addresses", "complex", true, scimAttr("streetAddress", "string", false),
				scimAttr("locality", "string", false), scimAttr("region", "string", false),
				scimAttr("postalCode", "string", false), scimAttr("country", "string", false), typ, primary),
			scimAttr("roles", "complex", true, value, primary),
			scimAttr("userType", "string", false), scimAttr("preferredLanguage", "string", false),
			scimAttr("locale", "string", false), scimAttr("groups", "complex", true, value),
		}},
		map[string]any{"schemas": []string{scimSchemaSchema}, "id": scimGroupSchema, "name": "Group", "attributes": []any{
			scimRequired(scimAttr("displayName", "string", false)), scimAttr("members", "complex", true, value),
		}},
		map[string]any{"schemas": []string{scimSchemaSchema}, "id": scimEnterpriseURN, "name": "EnterpriseUser", "attributes": []any{
			scimAttr("employeeNumber", "string", false), scimAttr("costCenter", "string", false),
			scimAttr("organization", "string", false), scimAttr("division", "string", false),
			scimAttr("department", "string", false),
			scimAttr("manager", "complex", false, scimAttr("managerId", "string", false)),
		}},
		map[string]any{"schemas": []string{scimSchemaSchema}, "id": scimProfileURN, "name": "SlackProfile", "attributes": []any{
			scimAttr("startDate", "dateTime", false),
		}},
		map[string]any{"schemas": []string{scimSchemaSchema}, "id": scimGuestURN, "name": "SlackGuest", "attributes": []any{
			scimAttr("type", "string", false), scimAttr("expiration", "dateTime", false),
		}},
	}
}

func scimServeSchemas(rt scimRoute) (int, any, *scimError) {
	all := scimSchemas()
	if !rt.hasID {
		return http.StatusOK, scimList(all, len(all), scimPage{start: 1, count: len(all)}), nil
	}
	for _, sc := range all {
		if sc.(map[string]any)["id"] == rt.id {
			return http.StatusOK, sc, nil
		}
	}
	return 0, nil, scimErr(http.StatusNotFound, "bad_endpoint")
}
