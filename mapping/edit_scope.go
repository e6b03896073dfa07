package mapping

import (
	"errors"

	"go.yaml.in/yaml/v3"
)

// editScope rewrites the filter lists of the scope: section that differ
// from the file as loaded; an unchanged list is left exactly as written.
// Kept filters and clauses reuse their nodes (and comments); a changed
// clause is updated key by key, keeping the operator's spelling when it
// still means the same operator.
func editScope(root *yaml.Node, orig []byte, scope [2][]FilterEdit) error {
	was, err := Parse("loaded", orig)
	if err != nil {
		return err
	}
	loaded := [2][]Filter{was.UserScope, was.GroupScope}
	section := valueOf(root, "scope")
	for k, key := range []string{"users", "groups"} {
		if SameFilters(Filters(scope[k]), loaded[k]) {
			continue
		}
		if section == nil || section.Kind != yaml.MappingNode {
			fresh := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
			if section == nil || !setValue(root, "scope", fresh) {
				root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "scope"}, fresh)
			}
			section = fresh
		}
		old := valueOf(section, key)
		if old == nil && len(scope[k]) == 0 {
			continue
		}
		seq, err := editFilters(old, scope[k], loaded[k])
		if err != nil {
			return err
		}
		if !setValue(section, key, seq) {
			section.Content = append(section.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, seq)
		}
	}
	return nil
}

// editFilters builds a kind's new filter list from the old sequence node
// and the filters as loaded from it.
func editFilters(old *yaml.Node, l []FilterEdit, loaded []Filter) (*yaml.Node, error) {
	seq, oldItems := sequenceLike(old)
	for _, f := range l {
		want, err := filterNode(f.Filter())
		if err != nil {
			return nil, err
		}
		if f.Orig < 0 || f.Orig >= len(oldItems) || f.Orig >= len(loaded) || oldItems[f.Orig].Kind != yaml.MappingNode {
			seq.Content = append(seq.Content, want)
			continue
		}
		seq.Content = append(seq.Content, mergeFilter(oldItems[f.Orig], want, f, loaded[f.Orig]))
	}
	return flowIfEmpty(seq), nil
}

// mergeFilter updates a filter's old node in place: its name, and its
// clause list with kept clauses reusing their nodes.
func mergeFilter(old, want *yaml.Node, f FilterEdit, loaded Filter) *yaml.Node {
	wantClauses := valueOf(want, "clauses")
	oldClauses := valueOf(old, "clauses")
	clauses, oldItems := sequenceLike(oldClauses)
	for j, c := range f.Clauses {
		w := wantClauses.Content[j]
		if c.Orig < 0 || c.Orig >= len(oldItems) || c.Orig >= len(loaded.Clauses) || oldItems[c.Orig].Kind != yaml.MappingNode {
			clauses.Content = append(clauses.Content, w)
			continue
		}
		o := oldItems[c.Orig]
		if !SameClause(c.Clause, loaded.Clauses[c.Orig]) {
			keepOperatorSpelling(o, w)
			o = mergeEntry(o, w)
		}
		clauses.Content = append(clauses.Content, o)
	}
	flowIfEmpty(clauses)
	wantName := valueOf(want, "name")
	if name := valueOf(old, "name"); name != nil {
		setValue(old, "name", mergeScalar(name, wantName))
	} else {
		old.Content = append([]*yaml.Node{{Kind: yaml.ScalarNode, Value: "name"}, wantName}, old.Content...)
	}
	if !setValue(old, "clauses", clauses) {
		old.Content = append(old.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "clauses"}, clauses)
	}
	old.Style &^= yaml.FlowStyle
	return old
}

// keepOperatorSpelling writes the old operator's spelling into want when
// both spell the same operator (an Entra export's "equals" stays so).
func keepOperatorSpelling(old, want *yaml.Node) {
	o, w := valueOf(old, "operator"), valueOf(want, "operator")
	if o != nil && w != nil && o.Kind == yaml.ScalarNode && Operator(o.Value).Canonical() == Operator(w.Value).Canonical() {
		w.Value = o.Value
	}
}

// filterNode is one filter as Marshal writes it, so the rules for
// which keys are written (no value for IS NULL, and so on) live in one place.
func filterNode(f Filter) (*yaml.Node, error) {
	root, err := marshalled(&Mapping{UserScope: []Filter{f}})
	if err != nil {
		return nil, err
	}
	users := valueOf(valueOf(root, "scope"), "users")
	if users == nil || len(users.Content) != 1 {
		return nil, errors.New("unexpected marshalled scope")
	}
	return users.Content[0], nil
}
