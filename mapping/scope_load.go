package mapping

import (
	"go.yaml.in/yaml/v3"
)

var (
	scopeKeys  = []string{"users", "groups"}
	filterKeys = []string{"name", "clauses"}
	clauseKeys = []string{"attribute", "operator", "value"}
)

// filterEntry is a filter as read, with nodes for positioned errors.
type filterEntry struct {
	filter  Filter
	node    *yaml.Node
	fields  map[string]*yaml.Node
	clauses []clauseEntry
}

type clauseEntry struct {
	node   *yaml.Node
	fields map[string]*yaml.Node
}

// scope reads the scope: section, a map with users and groups lists.
func (l *loader) scope(n *yaml.Node) (users, groups []filterEntry) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.MappingNode {
		l.errorf(n, "scope must be a map with users and/or groups lists of filters")
		return nil, nil
	}
	for key, val := range l.pairs(n, scopeKeys, "scope key") {
		if key.Value == "users" {
			users = l.filters(val, "scope.users")
		} else {
			groups = l.filters(val, "scope.groups")
		}
	}
	return users, groups
}

func (l *loader) filters(n *yaml.Node, list string) []filterEntry {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errorf(n, "%s must be a list of filters (- name: ..., clauses: [...])", list)
		return nil
	}
	var out []filterEntry
	for _, item := range n.Content {
		item = resolve(item)
		if item.Kind != yaml.MappingNode {
			l.errorf(item, "each %s entry must be a map with name and clauses", list)
			continue
		}
		fe := filterEntry{node: item, fields: map[string]*yaml.Node{}}
		fe.filter.Line, fe.filter.Column = item.Line, item.Column
		for key, val := range l.pairs(item, filterKeys, "filter key") {
			fe.fields[key.Value] = val
			switch key.Value {
			case "name":
				if val.Kind != yaml.ScalarNode {
					l.errorf(val, "name must be a single value")
					continue
				}
				fe.filter.Name = val.Value
			case "clauses":
				fe.clauses = l.clauses(val, &fe.filter)
			}
		}
		out = append(out, fe)
	}
	return out
}

func (l *loader) clauses(n *yaml.Node, f *Filter) []clauseEntry {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		l.errorf(n, "clauses must be a list of (attribute, operator, value) maps")
		return nil
	}
	var out []clauseEntry
	for _, item := range n.Content {
		item = resolve(item)
		if item.Kind != yaml.MappingNode {
			l.errorf(item, "each clause must be a map with attribute, operator and value")
			continue
		}
		ce := clauseEntry{node: item, fields: map[string]*yaml.Node{}}
		c := Clause{Line: item.Line, Column: item.Column}
		for key, val := range l.pairs(item, clauseKeys, "clause key") {
			ce.fields[key.Value] = val
			if val.Kind != yaml.ScalarNode {
				l.errorf(val, "%s must be a single value, not a list or map", key.Value)
				continue
			}
			if val.Tag == "!!null" {
				continue
			}
			switch key.Value {
			case "attribute":
				c.Attribute = val.Value
			case "operator":
				c.Operator = Operator(val.Value)
			case "value":
				c.Value = val.Value
			}
		}
		f.Clauses = append(f.Clauses, c)
		out = append(out, ce)
	}
	return out
}

// checkFilters validates filters and returns them with canonical operators.
func (l *loader) checkFilters(kind objectKind, entries []filterEntry) []Filter {
	if len(entries) == 0 {
		return nil
	}
	filters := make([]Filter, len(entries))
	for i, e := range entries {
		filters[i] = e.filter
	}
	compiled, issues := compileFilters(kind, filters)
	for _, is := range issues {
		e := entries[is.filter]
		at := e.node
		fields := e.fields
		if is.clause >= 0 {
			at, fields = e.clauses[is.clause].node, e.clauses[is.clause].fields
		}
		if f, ok := fields[is.field]; ok {
			at = f
		}
		l.errorf(at, "%s", is.msg)
	}
	for i, cf := range compiled {
		for j, cc := range cf.clauses {
			filters[i].Clauses[j].Operator = cc.Operator
		}
	}
	return filters
}
