package mapping

import (
	"slices"
	"strconv"
	"strings"
)

// RedactedValue is what people see instead of a Redact()ed value.
const RedactedValue = "[Redact]"

// Redactor hides the values of Redact() mappings. It is the one place that
// decides what people may see of them: plans (text, JSON and saved), the
// provisioning log, check messages and errors all go through it, so a value
// that is sent to Slack is never shown, not even inside a message about it.
type Redactor struct {
	targets []string // sorted
	// sources are the directory attributes the redacted targets read: a
	// value shown beside the mapping would give the secret away.
	sources []string // sorted
}

// NewRedactor hides the values of the given targets.
func NewRedactor(targets []string) Redactor {
	t := slices.Clone(targets)
	slices.Sort(t)
	return Redactor{targets: slices.Compact(t)}
}

// Redactor returns the redactor for the user targets wrapped in Redact().
func (c *Compiled) Redactor() Redactor { return c.redactor }

func redactorOf(users []compiledAttr) Redactor {
	var t []string
	var hidden []compiledAttr
	for _, a := range users {
		if a.redact {
			t = append(t, a.Target)
			hidden = append(hidden, a)
		}
	}
	r := NewRedactor(t)
	r.sources = sourceAttributes(hidden)
	return r
}

// Targets lists the hidden targets, sorted.
func (r Redactor) Targets() []string { return slices.Clone(r.targets) }

// Redacted reports whether target's values are hidden.
func (r Redactor) Redacted(target string) bool {
	_, ok := slices.BinarySearch(r.targets, target)
	return ok
}

// Value is v as people may see it: hidden when target is redacted. An empty
// value stays empty, so "no value" remains visible.
func (r Redactor) Value(target, v string) string {
	if v == "" || !r.Redacted(target) {
		return v
	}
	return RedactedValue
}

// HidesSource reports whether a redacted target reads the directory
// attribute name, whose values are then as secret as the target's. Known
// only to the redactor of a compiled mapping, not to one rebuilt from a
// saved plan.
func (r Redactor) HidesSource(name string) bool {
	_, hidden := slices.BinarySearch(r.sources, name)
	return hidden
}

// Name is how people may see a user this plan creates, named by userName:
// by its directory id when userNames are redacted.
func (r Redactor) Name(userName, sourceID string) string {
	if userName == "" || r.Redacted(AttrUserName) {
		return sourceID
	}
	return userName
}

// Values is vals as people may see them; vals itself when nothing in it is
// hidden.
func (r Redactor) Values(vals map[string]string) map[string]string {
	if !r.hides(vals) {
		return vals
	}
	out := make(map[string]string, len(vals))
	for k, v := range vals {
		out[k] = r.Value(k, v)
	}
	return out
}

// Text removes from s every redacted value of vals (one object's values), in
// whatever form a message shows it: quoted, quoted and cut short, or bare.
func (r Redactor) Text(s string, vals map[string]string) string {
	if s == "" || !r.hides(vals) {
		return s
	}
	for _, t := range r.targets {
		v := vals[t]
		if v == "" {
			continue
		}
		for _, form := range []string{shown(v), strconv.Quote(v), v} {
			s = strings.ReplaceAll(s, form, RedactedValue)
		}
	}
	return s
}

// Problems removes redacted values of vals from the problems' messages.
func (r Redactor) Problems(ps []Problem, vals map[string]string) []Problem {
	if !r.hides(vals) {
		return ps
	}
	for i := range ps {
		ps[i].Message = r.Text(ps[i].Message, vals)
	}
	return ps
}

// hides reports whether vals holds a value to hide.
func (r Redactor) hides(vals map[string]string) bool {
	for _, t := range r.targets {
		if vals[t] != "" {
			return true
		}
	}
	return false
}
