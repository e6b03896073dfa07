package views

import (
	"encoding/json"
	"io"
	"strconv"
	"strings"

	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/schema"
)

// RenderJSON writes the plan as one JSON object for programs: the
// operations' changes carry JSON values (booleans for active, null for an
// absent old value), and Redact()ed values are hidden (a plan saved with
// Save keeps them, for apply).
func RenderJSON(w io.Writer, p *provision.Plan) error {
	type jsonOperation struct {
		provision.Operation
		Changes []ChangeJSON `json:"changes,omitempty"`
	}
	view := struct {
		*provision.Plan
		Operations []jsonOperation `json:"operations"`
		Refused    string          `json:"refused,omitempty"`
	}{Plan: p, Operations: make([]jsonOperation, len(p.Operations)), Refused: Refused(p.Refused, p.Refusal)}
	r := p.Redactor()
	for i, op := range p.Operations {
		op.Desired = r.Values(op.Desired)
		if r.Redacted(schema.UserName) {
			op.UserNameFallbacks = nil
		}
		jo := jsonOperation{Operation: op}
		for _, c := range op.Changes {
			jo.Changes = append(jo.Changes, JSONChange(c.Attribute, c.Old, c.New))
		}
		view.Operations[i] = jo
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(view)
}

// ChangeJSON is an attribute change as programs read it.
type ChangeJSON struct {
	Attribute string `json:"attribute"`
	Old       any    `json:"old"`
	New       any    `json:"new"`
}

// JSONChange gives a change JSON values: null when absent, a boolean for
// the active flag, a string otherwise.
func JSONChange(attr, old, now string) ChangeJSON {
	return ChangeJSON{Attribute: attr, Old: jsonValue(attr, old), New: jsonValue(attr, now)}
}

func jsonValue(attr, v string) any {
	if v == "" {
		return nil
	}
	if attr == schema.Active {
		if b, err := strconv.ParseBool(strings.ToLower(v)); err == nil {
			return b
		}
	}
	return v
}
