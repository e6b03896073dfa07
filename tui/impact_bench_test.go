package tui

import (
	"fmt"
	"testing"
)

// BenchmarkImpact10k measures one re-evaluation of the whole directory, as
// after each edit, for 10,000 users.
func BenchmarkImpact10k(b *testing.B) {
	e := newTestEditor(b, copyFixture(b))
	base := samples()
	e.opts.Samples = make([]Sample, 10_000)
	for i := range e.opts.Samples {
		s := base[i%len(base)]
		o := user{}
		for k, v := range s.Object.(user) {
			o[k] = v
		}
		o["userPrincipalName"] = fmt.Sprintf("user%d@example.com", i)
		e.opts.Samples[i] = Sample{Name: s.Name, Email: s.Email, Object: o}
	}
	saved, _, sk, ek := e.impactInputs()
	e.storeImpact(measure(saved, saved, e.opts.Samples, sk, ek, impactCache{}))
	b.ResetTimer()
	for i := range b.N {
		e.lists[0].rows[0].attr.Expression = fmt.Sprintf(`Append(SlackUserName([userPrincipalName]), "%d")`, i%7)
		_, edited, sk, ek := e.impactInputs()
		if m := measure(saved, edited, e.opts.Samples, sk, ek, e.impactCache); m.result.users != 10_000 || m.result.err != "" {
			b.Fatal(m.result.err)
		}
	}
}
