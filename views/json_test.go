package views

import (
	"encoding/json"
	. "github.com/slackprov/slackprov/provision"
	"strings"
	"testing"
)

// TestRenderJSONValues checks the JSON view's values: booleans for the
// active flag, null for an absent old value, and that such output still
// reads back as a Plan.
func TestRenderJSONValues(t *testing.T) {
	p := &Plan{Version: PlanVersion, DryRun: true, Operations: []Operation{
		{Action: ActionCreate, Kind: KindUser, SourceID: "a1", UserName: "ada", Status: StatusPlanned,
			Changes: []Change{{Attribute: "title", New: "Engineer"}}},
		{Action: ActionDeactivate, Kind: KindUser, SourceID: "b2", UserName: "bob", Status: StatusPlanned, Reason: ReasonDisabled,
			Changes: []Change{{Attribute: "active", Old: "true", New: "false"}}},
	}}
	var out strings.Builder
	if err := RenderJSON(&out, p); err != nil {
		t.Fatal(err)
	}
	var raw struct {
		Operations []struct {
			Reason  string `json:"reason"`
			Changes []struct {
				Old any `json:"old"`
				New any `json:"new"`
			} `json:"changes"`
		} `json:"operations"`
	}
	if err := json.Unmarshal([]byte(out.String()), &raw); err != nil {
		t.Fatal(err)
	}
	if c := raw.Operations[0].Changes[0]; c.Old != nil || c.New != "Engineer" {
		t.Errorf("create change = %#v, want old null and new a string", c)
	}
	if c := raw.Operations[1].Changes[0]; c.Old != true || c.New != false {
		t.Errorf("active change = %#v, want JSON booleans", c)
	}
	if raw.Operations[1].Reason != ReasonDisabled {
		t.Errorf("reason = %q", raw.Operations[1].Reason)
	}
	var back Plan
	if err := json.Unmarshal([]byte(out.String()), &back); err != nil {
		t.Fatal(err)
	}
	if got := back.Operations[1].Changes[0]; got.Old != "true" || got.New != "false" {
		t.Errorf("read back %+v", got)
	}
}
