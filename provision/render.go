package provision

import (
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/slackprov/slackprov/scim"
)

// RenderOptions tune the text rendering of a plan.
type RenderOptions struct {
	Color bool
	// Verbose lists every unmanaged Slack account instead of the first few.
	Verbose bool
	// Limit caps how many operations are listed (0: all); failures are
	// always listed, since each needs someone's attention.
	Limit int
}

const (
	ansiReset  = "\x1b[0m"
	ansiGreen  = "\x1b[32m"
	ansiYellow = "\x1b[33m"
	ansiRed    = "\x1b[31m"
	ansiCyan   = "\x1b[36m"
	ansiDim    = "\x1b[2m"
)

var symbols = map[Action]struct{ sym, color string }{
	ActionCreate:     {"+", ansiGreen},
	ActionUpdate:     {"~", ansiYellow},
	ActionReactivate: {"↻", ansiCyan},
	ActionDeactivate: {"-", ansiRed},
	ActionDelete:     {"-", ansiRed},
}

// RenderText writes the plan the way Terraform writes one: a line per
// operation with its attribute diff, then a summary line.
func RenderText(w io.Writer, p *Plan, opt RenderOptions) error {
	paint := func(color, s string) string {
		if !opt.Color {
			return s
		}
		return color + s + ansiReset
	}
	var b strings.Builder
	shown, hidden := 0, 0
	for i := range p.Operations {
		op := &p.Operations[i]
		if opt.Limit > 0 && op.Status != StatusFailed {
			if shown >= opt.Limit {
				hidden++
				continue
			}
			shown++
		}
		sym := symbols[op.Action]
		head := fmt.Sprintf("%s %s %s", sym.sym, op.Kind, op.Name())
		switch {
		case op.Status == StatusFailed:
			fmt.Fprintf(&b, "%s  %s\n", paint(ansiRed, fmt.Sprintf("! %s %s", op.Kind, nameOrID(op))), paint(ansiRed, "failed to "+string(op.Action)+retried(op)+": "+op.Error))
			continue
		case op.Action == ActionCreate || op.Action == ActionDelete || op.Action == ActionDeactivate:
			fmt.Fprintf(&b, "%s\n", paint(sym.color, head+"  ("+string(op.Action)+statusNote(op)+")"))
		default:
			fmt.Fprintf(&b, "%s\n", paint(sym.color, head+"  ("+string(op.Action)+matched(op)+statusNote(op)+")"))
		}
		for _, c := range op.Changes {
			if c.Attribute == "active" {
				continue
			}
			if op.Action == ActionCreate {
				fmt.Fprintf(&b, "      %s: %s\n", c.Attribute, strconv.Quote(c.New))
				continue
			}
			fmt.Fprintf(&b, "      %s: %s → %s\n", c.Attribute, strconv.Quote(c.Old), strconv.Quote(c.New))
		}
		for _, n := range op.Notes {
			fmt.Fprintf(&b, "      %s\n", paint(ansiDim, "note: "+n))
		}
		if op.Status == StatusFailed && op.Error != "" {
			fmt.Fprintf(&b, "      %s\n", paint(ansiRed, "error: "+op.Error))
		}
	}
	if hidden > 0 {
		fmt.Fprintf(&b, "  … and %d more operations (all are in --output json and --plan-out)\n", hidden)
	}
	if n := len(p.Unmanaged); n > 0 {
		fmt.Fprintf(&b, "\n%d Slack accounts match no directory user; slackprov leaves them alone:\n", n)
		limit := 5
		if opt.Verbose {
			limit = n
		}
		for i, u := range p.Unmanaged {
			if i == limit {
				fmt.Fprintf(&b, "      … and %d more (--verbose lists them all)\n", n-limit)
				break
			}
			state := ""
			if !u.Active {
				state = ", deactivated"
			}
			fmt.Fprintf(&b, "      %s  %s (%s%s)\n", paint(ansiDim, "·"), u.UserName, u.ID, state)
		}
	}
	if len(p.Operations) == 0 {
		b.WriteString("No changes: Slack already matches the directory.\n")
	}
	if line := describeSwitchedOff(p.SwitchedOff); line != "" {
		fmt.Fprintf(&b, "\n%s", line)
	}
	fmt.Fprintf(&b, "\n%s\n", Summary(p))
	if p.Refused != "" {
		fmt.Fprintf(&b, "%s\n", paint(ansiRed, "Refused: "+p.Refused))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func nameOrID(op *Operation) string {
	if n := op.Name(); n != "" {
		return n
	}
	return "(no id)"
}

func matched(op *Operation) string {
	if op.MatchedBy == "" || op.MatchedBy == "link" {
		return ""
	}
	return ", matched by " + op.MatchedBy
}

func statusNote(op *Operation) string {
	note := ""
	if op.Retried {
		note = ", retried"
	}
	if op.Status == StatusOK {
		note += ", done"
	}
	return note
}

// retried marks an object that failed in an earlier run too.
func retried(op *Operation) string {
	if op.Retried {
		return " (again)"
	}
	return ""
}

// RenderJSON writes the plan as DESIGN.md's JSON object, with Redact()ed
// values hidden (a plan saved with Save keeps them, for apply).
func RenderJSON(w io.Writer, p *Plan) error {
	if len(p.Redacted) > 0 {
		r := p.Redactor()
		shown := *p
		shown.Operations = make([]Operation, len(p.Operations))
		for i, op := range p.Operations {
			op.Desired = r.Values(op.Desired)
			if r.Redacted(scim.AttrUserName) {
				op.UserNameFallbacks = nil
			}
			shown.Operations[i] = op
		}
		p = &shown
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(p)
}
