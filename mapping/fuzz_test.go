package mapping

import (
	"errors"
	"testing"
	"time"
	"unicode/utf8"
)

// endless is a deterministic, never-exhausted random source for fuzzing.
type endless struct{ b byte }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		e.b = e.b*31 + 7
		p[i] = e.b
	}
	return len(p), nil
}

// The seed corpus lives in testdata/fuzz/<FuzzName>; plain `go test` runs it.

func FuzzParseExpression(f *testing.F) {
	f.Add(`Join(" ", [givenName], [surname])`)
	f.Fuzz(func(t *testing.T, src string) {
		n, err := parseExpression(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %v is a %T, want *SyntaxError", err, err)
			}
			if se.Pos < 1 || se.Pos > utf8.RuneCountInString(src)+1 {
				t.Fatalf("error position %d outside the %d-character expression: %v", se.Pos, utf8.RuneCountInString(src), err)
			}
			return
		}
		if d := depth(n); d > MaxExpressionDepth+1 {
			t.Fatalf("parsed a tree %d deep, over the limit %d", d, MaxExpressionDepth)
		}
	})
}

func depth(n *node) int {
	d := 0
	for _, a := range n.args {
		d = max(d, depth(a))
	}
	return d + 1
}

func FuzzEvalExpression(f *testing.F) {
	f.Add(`Replace([mail], "@contoso.com", , , "@fabrikam.com", , )`, "ada@contoso.com")
	f.Fuzz(func(t *testing.T, src, attr string) {
		n, err := parseExpression(src)
		if err != nil {
			return
		}
		o := obj{
			"a": {attr}, "mail": {attr}, "givenName": {attr}, "userPrincipalName": {attr},
			"multi": {attr, "x", attr}, "empty": {""}, "IsSoftDeleted": {"False"},
		}
		e := &evaluator{obj: o, now: func() time.Time { return fixedNow }, rand: &endless{}}
		v, err := e.eval(n)
		if err != nil {
			var ee *EvalError
			if !errors.As(err, &ee) {
				t.Fatalf("error %v is a %T, want *EvalError", err, err)
			}
			return
		}
		if len(e.stack) != 0 {
			t.Fatalf("evaluation left %d values on the stack", len(e.stack))
		}
		// A top-level attribute or literal is not a function result and
		// may be as long as the input.
		if n.kind == nodeCall {
			if err := checkSize(v); err != nil {
				t.Fatalf("result over the limits: %v", err)
			}
		}
	})
}

func FuzzLoadMapping(f *testing.F) {
	f.Add([]byte(base))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse("fuzz.yaml", data)
		if err != nil {
			return
		}
		if _, err := m.Compile(); err != nil {
			t.Fatalf("Parse accepted a mapping that Compile refuses: %v", err)
		}
		out, err := m.Marshal()
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		again, err := Parse("again.yaml", out)
		if err != nil {
			t.Fatalf("Parse(Marshal(m)) failed: %v\n%s", err, out)
		}
		if len(again.Users) != len(m.Users) || len(again.Groups) != len(m.Groups) ||
			len(again.UserScope) != len(m.UserScope) || len(again.GroupScope) != len(m.GroupScope) {
			t.Fatalf("round trip changed the mapping's shape:\n%s", out)
		}
	})
}
