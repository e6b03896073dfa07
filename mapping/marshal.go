package mapping

import (
	"bytes"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// Marshal writes the mapping in the file format Parse reads. Keys that
// Parse would infer (type, apply: always, match: 0) are left out.
func (m *Mapping) Marshal() ([]byte, error) {
	root := &yaml.Node{Kind: yaml.MappingNode}
	addScalar(root, "version", strconv.Itoa(Version), "!!int")
	addList(root, "users", m.Users)
	addList(root, "groups", m.Groups)
	if len(m.UserScope)+len(m.GroupScope) > 0 {
		scope := &yaml.Node{Kind: yaml.MappingNode}
		for _, s := range []struct {
			key     string
			filters []Filter
		}{{"users", m.UserScope}, {"groups", m.GroupScope}} {
			if len(s.filters) > 0 {
				scope.Content = append(scope.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: s.key}, filterList(s.filters))
			}
		}
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "scope"}, scope)
	}
	if obj := switchesNode(m.UserSwitches, m.GroupSwitches); obj != nil {
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "objects"}, obj)
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(root); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func addScalar(n *yaml.Node, key, value, tag string) {
	n.Content = append(n.Content,
		&yaml.Node{Kind: yaml.ScalarNode, Value: key},
		&yaml.Node{Kind: yaml.ScalarNode, Value: value, Tag: tag})
}

func addList(root *yaml.Node, key string, attrs []Attribute) {
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, a := range attrs {
		e := &yaml.Node{Kind: yaml.MappingNode}
		addScalar(e, "target", a.Target, "!!str")
		t := inferType(Attribute{Source: a.Source, Value: a.Value, Expression: a.Expression, Default: a.Default})
		if a.Type != "" && a.Type != t {
			addScalar(e, "type", string(a.Type), "!!str")
		}
		switch a.Type {
		case TypeDirect:
			addScalar(e, "source", a.Source, "!!str")
		case TypeConstant:
			addScalar(e, "value", a.Value, "!!str")
		case TypeExpression:
			addScalar(e, "expression", a.Expression, "!!str")
		default:
			for _, f := range [][2]string{{"source", a.Source}, {"value", a.Value}, {"expression", a.Expression}} {
				if f[1] != "" {
					addScalar(e, f[0], f[1], "!!str")
				}
			}
		}
		if a.Default != "" {
			addScalar(e, "default", a.Default, "!!str")
		}
		if a.Apply != "" && a.Apply != ApplyAlways {
			addScalar(e, "apply", string(a.Apply), "!!str")
		}
		if a.Match != 0 {
			addScalar(e, "match", strconv.Itoa(a.Match), "!!int")
		}
		seq.Content = append(seq.Content, e)
	}
	if len(seq.Content) == 0 {
		seq.Style = yaml.FlowStyle
	}
	root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, seq)
}

func filterList(filters []Filter) *yaml.Node {
	seq := &yaml.Node{Kind: yaml.SequenceNode}
	for _, f := range filters {
		e := &yaml.Node{Kind: yaml.MappingNode}
		addScalar(e, "name", f.Name, "!!str")
		clauses := &yaml.Node{Kind: yaml.SequenceNode}
		for _, c := range f.Clauses {
			ce := &yaml.Node{Kind: yaml.MappingNode}
			addScalar(ce, "attribute", c.Attribute, "!!str")
			addScalar(ce, "operator", string(c.Operator), "!!str")
			if !c.Operator.unary() || c.Value != "" {
				addScalar(ce, "value", c.Value, "!!str")
			}
			clauses.Content = append(clauses.Content, ce)
		}
		e.Content = append(e.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "clauses"}, clauses)
		seq.Content = append(seq.Content, e)
	}
	return seq
}
