package commands

import (
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/slackprov/slackprov/mapping"
	"github.com/slackprov/slackprov/provision"
	"github.com/slackprov/slackprov/views"
)

// TestMappingChangesReadEverythingAgain: after a first sync from Entra, a
// mapping change that reads the same attributes, or a new scoping filter,
// makes the very next sync (no --full) plan exactly what --full plans, and
// say why in one line.
func TestMappingChangesReadEverythingAgain(t *testing.T) {
	forSCIMVersions(t, testMappingChangesReadEverythingAgain)
}

func testMappingChangesReadEverythingAgain(t *testing.T, version string) {
	tests := []struct {
		name   string
		change func(m *mapping.Mapping)
		// moves says which operations the change must bring, so the
		// comparison cannot pass on two empty plans.
		moves func(p *provision.Plan) int
	}{
		{
			// The title joins two attributes the mapping already reads, so
			// the set of attributes read from Graph stays the same.
			name: "title from an expression over attributes already read",
			change: func(m *mapping.Mapping) {
				for i := range m.Users {
					if m.Users[i].Target == "title" {
						m.Users[i].Type, m.Users[i].Source = mapping.TypeExpression, ""
						m.Users[i].Expression = `Join(", ", [jobTitle], [department])`
					}
				}
			},
			moves: func(p *provision.Plan) int { return p.Users.Update },
		},
		{
			name: "scoping filter on department",
			change: func(m *mapping.Mapping) {
				m.UserScope = []mapping.Filter{{Name: "Engineering only", Clauses: []mapping.Clause{
					{Attribute: "department", Operator: "EQUALS", Value: "Engineering"}}}}
			},
			moves: func(p *provision.Plan) int { return p.Users.Deactivate },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := newEntraWorldAs(t, version, 120, 4)
			limit := 1000
			w.cfg.Safety.MaxDeactivations = &limit
			w.sync(false)
			if p := w.sync(true); !p.Incremental || p.HasChanges() {
				t.Fatalf("the run after the first is not an incremental no-op: %s", views.Summary(p))
			}

			m := mapping.Default()
			tt.change(m)
			data, err := m.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "mappings.yaml")
			if err := os.WriteFile(path, data, 0o600); err != nil {
				t.Fatal(err)
			}
			w.cfg.Mappings = path

			next, said := w.syncWith(true, false)
			full, _ := w.syncWith(true, true)
			if next.Incremental {
				t.Errorf("the sync after the mapping change read only the delta")
			}
			if !strings.Contains(said, "mappings, scoping filters or source settings changed") {
				t.Errorf("the sync did not say why it reads everything:\n%s", said)
			}
			if tt.moves(full) == 0 {
				t.Fatalf("the change plans nothing even with --full (%s): the test proves nothing", views.Summary(full))
			}
			if got, want := opKeys(next), opKeys(full); strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("next sync plans %d operations, --full plans %d:\nnext: %s\nfull: %s",
					len(got), len(want), views.Summary(next), views.Summary(full))
			}
		})
	}
}

// opKeys lists a plan's operations as comparable lines.
func opKeys(p *provision.Plan) []string {
	var out []string
	for _, op := range p.Operations {
		out = append(out, strings.Join([]string{string(op.Action), string(op.Kind), op.SourceID, op.Status}, " "))
	}
	sort.Strings(out)
	return out
}
