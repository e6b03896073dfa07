package tui

import (
	"slices"
	"testing"

	"github.com/slackprov/slackprov/mapping"
)

func matches(l list) []int {
	out := make([]int, len(l.rows))
	for i, r := range l.rows {
		out[i] = r.attr.Match
	}
	return out
}

func listOf(match ...int) list {
	attrs := make([]mapping.Attribute, len(match))
	for i, m := range match {
		attrs[i] = mapping.Attribute{Target: string(rune('a' + i)), Match: m}
	}
	return newList(attrs)
}

func TestMatchPrecedenceEdits(t *testing.T) {
	tests := []struct {
		name string
		in   []int
		op   func(l *list) bool
		want []int
		ok   bool
	}{
		{"toggle on goes last", []int{2, 1, 0}, func(l *list) bool { l.toggleMatch(2); return true }, []int{2, 1, 3}, true},
		{"toggle off renumbers", []int{2, 1, 3}, func(l *list) bool { l.toggleMatch(1); return true }, []int{1, 0, 2}, true},
		{"earlier swaps with the one before", []int{2, 1, 0}, func(l *list) bool { return l.shiftMatch(0, -1) }, []int{1, 2, 0}, true},
		{"later swaps with the one after", []int{2, 1, 0}, func(l *list) bool { return l.shiftMatch(1, 1) }, []int{1, 2, 0}, true},
		{"first cannot go earlier", []int{2, 1, 0}, func(l *list) bool { return l.shiftMatch(1, -1) }, []int{2, 1, 0}, false},
		{"non-matching row cannot shift", []int{2, 1, 0}, func(l *list) bool { return l.shiftMatch(2, -1) }, []int{2, 1, 0}, false},
		{"edited row keeps its precedence", []int{1, 2, 1}, func(l *list) bool { l.renumberKeeping(2); return true }, []int{2, 3, 1}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := listOf(tt.in...)
			if ok := tt.op(&l); ok != tt.ok {
				t.Errorf("ok = %v, want %v", ok, tt.ok)
			}
			if got := matches(l); !slices.Equal(got, tt.want) {
				t.Errorf("precedences = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestRemoveInsertSwap(t *testing.T) {
	l := listOf(0, 0, 0)
	r := l.remove(1)
	if r.attr.Target != "b" || len(l.rows) != 2 {
		t.Fatalf("remove: got %q, %d rows left", r.attr.Target, len(l.rows))
	}
	l.insert(1, r)
	if !l.sameAs(listOf(0, 0, 0)) {
		t.Fatalf("insert did not restore the order: %+v", l.rows)
	}
	if !l.swap(0, 1) || l.rows[0].attr.Target != "b" || l.rows[0].orig != 1 {
		t.Fatalf("swap: %+v", l.rows)
	}
	if l.swap(2, 3) {
		t.Fatal("swap past the end succeeded")
	}
}

func TestCompletions(t *testing.T) {
	cands := []string{"mail", "mailNickname", "displayName", "userPrincipalName"}
	tests := []struct {
		typed string
		want  []string
	}{
		{"ma", []string{"mail", "mailNickname"}},
		{"name", []string{"mailNickname", "displayName", "userPrincipalName"}},
		{"MAIL", []string{"mailNickname"}},
		{"zzz", nil},
	}
	for _, tt := range tests {
		if got := completions(tt.typed, cands, 5); !slices.Equal(got, tt.want) {
			t.Errorf("completions(%q) = %v, want %v", tt.typed, got, tt.want)
		}
	}
}

func TestExpressionProblemPosition(t *testing.T) {
	tests := []struct {
		expr    string
		wantPos int
	}{
		{"Left([displayName], 3)", 0},
		{"Lefft([displayName], 3)", 1},
		{`Join(",", [givenName] [surname])`, 23},
		{"Trim([jobTitle]) x", 18},
	}
	for _, tt := range tests {
		p := expressionProblem(tt.expr, nil)
		switch {
		case tt.wantPos == 0 && p != nil:
			t.Errorf("%s: unexpected problem %v", tt.expr, p)
		case tt.wantPos != 0 && p == nil:
			t.Errorf("%s: no problem reported", tt.expr)
		case tt.wantPos != 0 && p.pos != tt.wantPos:
			t.Errorf("%s: problem at %d (%s), want %d", tt.expr, p.pos, p.msg, tt.wantPos)
		}
	}
}
