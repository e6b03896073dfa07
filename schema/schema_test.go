package schema

import (
	"slices"
	"testing"
)

func TestFold(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ann@example.com", "ann@example.com"},
		{"Ann.Lee@Example.COM", "ann.lee@example.com"},
		{"ÉLODIE@exemple.fr", "élodie@exemple.fr"},
		{"", ""},
		// Spaces are the mapping checks' business (not an email), not
		// something to hide by trimming here.
		{" ann@x.io", " ann@x.io"},
	}
	for _, tt := range tests {
		if got := Fold(tt.in); got != tt.want {
			t.Errorf("Fold(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSame(t *testing.T) {
	tests := []struct {
		path, a, b string
		same       bool
	}{
		{WorkEmail, "Ann@X.io", "ann@x.io", true},
		{UserName, "ANN", "ann", true},
		{UserName, "ann", "anna", false},
		{DisplayName, "Ann", "ann", false},
		{Title, "CTO", "CTO", true},
		{"no.such.path", "A", "a", false},
	}
	for _, tt := range tests {
		if got := Same(tt.path, tt.a, tt.b); got != tt.same {
			t.Errorf("Same(%s, %q, %q) = %v, want %v", tt.path, tt.a, tt.b, got, tt.same)
		}
		// Same and Fold agree for the values Slack keeps unique.
		if a, _ := UserAttribute(tt.path); a.Unique && (Fold(tt.a) == Fold(tt.b)) != tt.same {
			t.Errorf("Fold disagrees with Same on %s: %q, %q", tt.path, tt.a, tt.b)
		}
	}
}

func TestVocabulary(t *testing.T) {
	paths := Paths(Users())
	if len(paths) != 28 || len(slices.Compact(slices.Clone(paths))) != len(paths) {
		t.Fatalf("user paths = %d, distinct and 28 expected: %v", len(paths), paths)
	}
	tests := []struct {
		path                            string
		kind                            Kind
		fixed, matchable, unique, known bool
	}{
		{UserName, String, false, true, true, true},
		{WorkEmail, String, false, true, true, true},
		{Active, Bool, false, false, false, true},
		{Manager, Reference, false, false, false, true},
		{ExternalID, String, true, false, false, true},
		{Title, String, false, false, false, true},
		{Members, String, false, false, false, false},
	}
	for _, tt := range tests {
		a, ok := UserAttribute(tt.path)
		if ok != tt.known || a.Kind != tt.kind || a.Fixed != tt.fixed || a.Matchable != tt.matchable || a.Unique != tt.unique {
			t.Errorf("UserAttribute(%s) = %+v, %v", tt.path, a, ok)
		}
	}
	if g := Paths(Groups()); !slices.Equal(g, []string{DisplayName, ExternalID}) {
		t.Errorf("group paths = %v", g)
	}
}

func TestCanonicalAndUnwritable(t *testing.T) {
	tests := map[string]string{
		"urn:scim:schemas:extension:enterprise:1.0.department": Department,
		`addresses[type eq "untyped"].country`:                 Country,
		Title:                                                  Title,
		"bogus":                                                "bogus",
	}
	for in, want := range tests {
		if got := Canonical(in); got != want {
			t.Errorf("Canonical(%q) = %q, want %q", in, got, want)
		}
	}
	if _, ok := Unwritable(Members); !ok {
		t.Error("members must say why it is never mapped")
	}
	if _, ok := Unwritable(Title); ok {
		t.Error("title is writable")
	}
}

func TestBools(t *testing.T) {
	tests := []struct {
		in    string
		b, ok bool
	}{
		{"True", true, true}, {"true", true, true}, {"TRUE", true, true},
		{"False", false, true}, {"false", false, true},
		{"1", false, false}, {"yes", false, false}, {"", false, false}, {" true", false, false},
	}
	for _, tt := range tests {
		if b, ok := ParseBool(tt.in); b != tt.b || ok != tt.ok {
			t.Errorf("ParseBool(%q) = %v, %v; want %v, %v", tt.in, b, ok, tt.b, tt.ok)
		}
	}
	for _, b := range []bool{true, false} {
		if got, ok := ParseBool(FormatBool(b)); !ok || got != b {
			t.Errorf("FormatBool(%v) does not read back", b)
		}
	}
}
