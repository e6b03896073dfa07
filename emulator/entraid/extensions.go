package entraid

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"strings"
)

// Extension is a directory extension property registered in the
// tenant by an application, named extension_{appId without dashes}_{name}.
// Users carry its value in User.Extra under that name.
type Extension struct {
	Name           string
	AppDisplayName string
	DataType       string // "String" when empty
	TargetObjects  []string
	IsMultiValued  bool
	id             string
}

// AddExtensionProperty registers a directory extension property.
func (e *Tenant) AddExtensionProperty(x Extension) {
	if x.DataType == "" {
		x.DataType = "String"
	}
	x.id = entraGUIDish()
	e.mu.Lock()
	defer e.mu.Unlock()
	e.extensions = append(e.extensions, x)
}

// userProperties are the selectable user properties: Graph's and the
// tenant's user extensions.
func (e *Tenant) userProperties() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	out := slices.Clone(entraUserProperties)
	for _, x := range e.extensions {
		if slices.Contains(x.TargetObjects, "User") {
			out = append(out, x.Name)
		}
	}
	return out
}

// listExtensionProperties answers POST
// /directoryObjects/getAvailableExtensionProperties: every extension
// property registered in the tenant, in one collection. The optional body
// {"isSyncedFromOnPremises": bool} filters on where the property came from;
// the emulator's are all cloud properties.
func (e *Tenant) listExtensionProperties(r *http.Request) (any, *entraGraphErr) {
	var req struct {
		IsSyncedFromOnPremises *bool `json:"isSyncedFromOnPremises"`
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil && len(strings.TrimSpace(string(raw))) > 0 {
		err = json.Unmarshal(raw, &req)
	}
	if err != nil {
		return nil, entraErr(http.StatusBadRequest, "Request_BadRequest", "Invalid request body: %v", err)
	}
	value := []map[string]any{}
	if req.IsSyncedFromOnPremises == nil || !*req.IsSyncedFromOnPremises {
		e.mu.Lock()
		for _, x := range e.extensions {
			value = append(value, map[string]any{
				"id": x.id, "deletedDateTime": nil, "appDisplayName": x.AppDisplayName,
				"dataType": x.DataType, "isMultiValued": x.IsMultiValued, "isSyncedFromOnPremises": false,
				"name": x.Name, "targetObjects": slices.Clone(x.TargetObjects),
			})
		}
		e.mu.Unlock()
	}
	return map[string]any{
		"@odata.context": e.baseURL(r) + "/v1.0/$metadata#Collection(microsoft.graph.extensionProperty)",
		"value":          value,
	}, nil
}
