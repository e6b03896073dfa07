package views

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/schema"
)

// RenderOptions tune the text rendering of a plan.
type RenderOptions struct {
	Color bool
	// Verbose lists every unmanaged Slack account instead of the first few.
	Verbose bool
	// Limit caps how many operations are listed (0: all); failures are
	// always listed, since each needs someone's attention.
	Limit int
	// Width wraps error messages to the terminal (0: no wrapping).
	Width int
}

var symbols = map[provision.Action]struct{ sym, color string }{
	provision.ActionCreate:     {"+", ansiGreen},
	provision.ActionUpdate:     {"~", ansiYellow},
	provision.ActionReactivate: {"↻", ansiCyan},
	provision.ActionDeactivate: {"-", ansiRed},
	provision.ActionDelete:     {"-", ansiRed},
}

// RenderText writes the plan the way Terraform writes one: a line per
// operation with its attribute diff under short attribute names, users
// sorted by name within each action, then one summary line.
func RenderText(w io.Writer, p *provision.Plan, opt RenderOptions) error {
	paint := painter(opt.Color)
	var b strings.Builder
	shown, hidden := 0, 0
	for _, op := range displayOrder(p.Operations) {
		if opt.Limit > 0 && op.Status != provision.StatusFailed {
			if shown >= opt.Limit {
				hidden++
				continue
			}
			shown++
		}
		sym := symbols[op.Action]
		head := fmt.Sprintf("%s %s %s", sym.sym, op.Kind, op.Name())
		if op.Status == provision.StatusFailed {
			fmt.Fprintf(&b, "%s\n", paint(ansiRed, fmt.Sprintf("! %s %s  failed to %s%s:", op.Kind, nameOrID(op), op.Action, retried(op))))
			for _, line := range wrap(op.Error, opt.Width-6) {
				fmt.Fprintf(&b, "      %s\n", paint(ansiRed, line))
			}
			continue
		}
		note := string(op.Action)
		switch {
		case op.Action == provision.ActionDeactivate && op.Reason != "":
			note += ": " + op.Reason
		case op.Action == provision.ActionUpdate || op.Action == provision.ActionReactivate:
			note += matched(op)
		}
		fmt.Fprintf(&b, "%s\n", paint(sym.color, head+"  ("+note+statusNote(op)+")"))
		for _, c := range op.Changes {
			if c.Attribute == schema.Active || c.Attribute == schema.Members {
				continue
			}
			if op.Action == provision.ActionCreate {
				fmt.Fprintf(&b, "      %s: %s\n", ShortAttribute(c.Attribute), strconv.Quote(c.New))
				continue
			}
			fmt.Fprintf(&b, "      %s: %s → %s\n", ShortAttribute(c.Attribute), strconv.Quote(c.Old), strconv.Quote(c.New))
		}
		for _, n := range op.Notes {
			fmt.Fprintf(&b, "      %s\n", paint(ansiDim, "note: "+n))
		}
		writeMembers(&b, p, op, opt.Verbose, paint)
	}
	if hidden > 0 {
		fmt.Fprintf(&b, "  … and %d more operations (all are in --output json and --plan-out)\n", hidden)
	}
	writeUnmanaged(&b, p, opt.Verbose, paint)
	if len(p.Operations) == 0 {
		b.WriteString("No changes: Slack already matches the directory.\n")
	}
	if line := describeSwitchedOff(p.SwitchedOff); line != "" {
		fmt.Fprintf(&b, "\n%s", line)
	}
	fmt.Fprintf(&b, "\n%s\n", Summary(p))
	if p.Refused != "" {
		fmt.Fprintf(&b, "%s\n", paint(ansiRed, "Refused: "+Refused(p.Refused, p.Refusal)))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeUnmanaged lists the Slack accounts no directory user maps to: the
// first few, or all of them with --verbose.
func writeUnmanaged(b *strings.Builder, p *provision.Plan, verbose bool, paint func(color, s string) string) {
	n := len(p.Unmanaged)
	if n == 0 {
		return
	}
	fmt.Fprintf(b, "\n%d Slack accounts match no directory user; slackprov leaves them alone:\n", n)
	limit := 5
	if verbose {
		limit = n
	}
	for i, u := range p.Unmanaged {
		if i == limit {
			fmt.Fprintf(b, "      … and %d more (--verbose lists them all)\n", n-limit)
			break
		}
		state := ""
		if !u.Active {
			state = ", deactivated"
		}
		fmt.Fprintf(b, "      %s  %s (%s%s)\n", paint(ansiDim, "·"), u.UserName, u.ID, state)
	}
}

// membersShown caps the member lines of one group unless --verbose.
const membersShown = 20

// writeMembers lists a group's member changes by user name.
func writeMembers(b *strings.Builder, p *provision.Plan, op *provision.Operation, verbose bool, paint func(color, s string) string) {
	if op.Kind != provision.KindGroup {
		return
	}
	type line struct{ sign, color, name string }
	var lines []line
	for _, ids := range []struct {
		sign, color string
		ids         []string
	}{{"+", ansiGreen, op.AddMembers}, {"-", ansiRed, op.RemoveMembers}} {
		var names []string
		for _, id := range ids.ids {
			if n := p.MemberNames[id]; n != "" {
				names = append(names, n)
			} else {
				names = append(names, id)
			}
		}
		sort.Slice(names, func(i, j int) bool { return strings.ToLower(names[i]) < strings.ToLower(names[j]) })
		for _, n := range names {
			lines = append(lines, line{ids.sign, ids.color, n})
		}
	}
	for i, l := range lines {
		if i == membersShown && !verbose {
			fmt.Fprintf(b, "      … and %d more members (--verbose lists them all)\n", len(lines)-i)
			return
		}
		fmt.Fprintf(b, "      %s\n", paint(l.color, l.sign+" "+l.name))
	}
}

// displayOrder is the order people read a plan in: users, then groups;
// within each, creates, updates, reactivations, deactivations, deletions,
// each sorted by name; failures last. Apply's order is the plan's own.
func displayOrder(ops []provision.Operation) []*provision.Operation {
	rank := map[provision.Action]int{provision.ActionCreate: 0, provision.ActionUpdate: 1, provision.ActionReactivate: 2, provision.ActionDeactivate: 3, provision.ActionDelete: 4}
	key := func(op *provision.Operation) (int, int, int) {
		failed, kind := 0, 0
		if op.Status == provision.StatusFailed {
			failed = 1
		}
		if op.Kind == provision.KindGroup {
			kind = 1
		}
		return failed, kind, rank[op.Action]
	}
	out := make([]*provision.Operation, len(ops))
	for i := range ops {
		out[i] = &ops[i]
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		af, ak, ar := key(a)
		bf, bk, br := key(b)
		if af != bf {
			return af < bf
		}
		if ak != bk {
			return ak < bk
		}
		if ar != br {
			return ar < br
		}
		an, bn := strings.ToLower(nameOrID(a)), strings.ToLower(nameOrID(b))
		if an != bn {
			return an < bn
		}
		return a.SourceID < b.SourceID
	})
	return out
}

// shortAttributes is the one table of the names plans show for SCIM
// attributes whose full names are URNs or filters.
var shortAttributes = map[string]string{
	schema.WorkEmail:      "emails.work",
	schema.MobilePhone:    "phoneNumbers.mobile",
	schema.WorkPhone:      "phoneNumbers.work",
	schema.Department:     "enterprise:department",
	schema.EmployeeNumber: "enterprise:employeeNumber",
	schema.CostCenter:     "enterprise:costCenter",
	schema.Organization:   "enterprise:organization",
	schema.Division:       "enterprise:division",
	schema.Manager:        "enterprise:manager",
}

// ShortAttribute is how a plan shows a SCIM attribute: `emails.work` for
// emails[type eq "work"].value, `enterprise:department` for the enterprise
// schema's department.
func ShortAttribute(attr string) string {
	if s, ok := shortAttributes[attr]; ok {
		return s
	}
	if base, rest, ok := strings.Cut(attr, `[type eq "`); ok {
		if kind, _, ok := strings.Cut(rest, `"]`); ok {
			return base + "." + kind
		}
	}
	return attr
}

// wrap breaks text into lines of at most width columns at spaces; a
// width under 20 leaves it whole.
func wrap(text string, width int) []string {
	if width < 20 {
		return []string{text}
	}
	var lines []string
	line := ""
	for _, word := range strings.Fields(text) {
		switch {
		case line == "":
			line = word
		case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) > width:
			lines = append(lines, line)
			line = word
		default:
			line += " " + word
		}
	}
	return append(lines, line)
}

func nameOrID(op *provision.Operation) string {
	if n := op.Name(); n != "" {
		return n
	}
	return "(no id)"
}

func matched(op *provision.Operation) string {
	if op.MatchedBy == "" || op.MatchedBy == "link" {
		return ""
	}
	return ", matched by " + ShortAttribute(op.MatchedBy)
}

func statusNote(op *provision.Operation) string {
	note := ""
	if op.Retried {
		note = ", retried"
	}
	if op.Status == provision.StatusOK {
		note += ", done"
	}
	return note
}

// retried marks an object that failed in an earlier run too.
func retried(op *provision.Operation) string {
	if op.Retried {
		return " (again)"
	}
	return ""
}
