package views

import (
	"context"
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

// The engine's errors get what to do next from the view, and keep their
// type for the exit code.
func TestErrorWords(t *testing.T) {
	for _, tc := range []struct {
		err  error
		want string
	}{
		{&OpsFailedError{Failed: 2}, "2 operations failed; the rest were applied. See `slackprov logs --status failed`; every later sync retries them"},
		{&OpsFailedError{Failed: 1, DryRun: true}, "1 objects cannot be provisioned as planned (marked ! in the plan above); fix them in the directory or the mappings"},
		{&InterruptedError{NotRun: 4, Err: context.Canceled}, "interrupted after the requests in flight: 4 operations were not started; run sync again to finish (context canceled)"},
	} {
		got := Error(tc.err)
		if got.Error() != tc.want {
			t.Errorf("%q, want %q", got, tc.want)
		}
		if ClassOf(got) != ClassOf(tc.err) {
			t.Errorf("%q lost its class", got)
		}
		if strings.Contains(tc.err.Error(), "slackprov") {
			t.Errorf("the engine's words name a command: %q", tc.err)
		}
	}
}
