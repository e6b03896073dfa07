package mapping

import (
	"bytes"
	"errors"

	"go.yaml.in/yaml/v3"
)

// editDocument parses a mapping file's YAML, lets edit change its top-level
// map in place (comments and order survive) and writes it back.
func editDocument(orig []byte, edit func(root *yaml.Node) error) ([]byte, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(orig, &doc); err != nil {
		return nil, err
	}
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, errors.New("not a YAML map")
	}
	if err := edit(doc.Content[0]); err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// editSequence builds the new entry list: kept entries reuse their original
// node (and its comments) with changed keys updated in place; new entries
// are written as Marshal writes them.
func editSequence(old *yaml.Node, entries []EntryEdit) (*yaml.Node, error) {
	seq, oldItems := sequenceLike(old)
	for _, en := range entries {
		want, err := entryNode(en.Attribute)
		if err != nil {
			return nil, err
		}
		if en.Orig < 0 || en.Orig >= len(oldItems) || oldItems[en.Orig].Kind != yaml.MappingNode {
			seq.Content = append(seq.Content, want)
			continue
		}
		seq.Content = append(seq.Content, mergeEntry(oldItems[en.Orig], want))
	}
	return flowIfEmpty(seq), nil
}

// entryNode is one attribute as Marshal writes it, so the rules for
// which keys are written (type only when it can't be inferred, and so on)
// live in one place.
func entryNode(a Attribute) (*yaml.Node, error) {
	root, err := marshalled(&Mapping{Users: []Attribute{a}})
	if err != nil {
		return nil, err
	}
	users := valueOf(root, "users")
	if users == nil || len(users.Content) != 1 {
		return nil, errors.New("unexpected marshalled mapping")
	}
	return users.Content[0], nil
}

// mergeEntry updates old in place to hold want's keys: kept keys keep their
// comments and position, changed values keep their quoting when it is a
// quoted string, removed keys go, new keys are appended.
func mergeEntry(old, want *yaml.Node) *yaml.Node {
	var content []*yaml.Node
	for i := 0; i+1 < len(old.Content); i += 2 {
		k, v := old.Content[i], old.Content[i+1]
		nv := valueOf(want, k.Value)
		if nv == nil {
			continue
		}
		content = append(content, k, mergeScalar(v, nv))
	}
	for i := 0; i+1 < len(want.Content); i += 2 {
		if valueOf(old, want.Content[i].Value) == nil {
			content = append(content, want.Content[i], want.Content[i+1])
		}
	}
	old.Content = content
	old.Style &^= yaml.FlowStyle
	return old
}

// mergeScalar updates v to hold nv's value, keeping v's comments and, for
// a quoted string, its quoting; a v that is not a scalar is replaced.
func mergeScalar(v, nv *yaml.Node) *yaml.Node {
	if v.Kind != yaml.ScalarNode || nv.Kind != yaml.ScalarNode {
		return nv
	}
	if v.Value != nv.Value || v.Tag == "!!null" {
		quoted := v.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 && nv.Tag == "!!str"
		v.Value, v.Tag, v.Anchor = nv.Value, nv.Tag, ""
		if !quoted {
			v.Style = 0
		}
	}
	return v
}

func valueOf(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func setValue(m *yaml.Node, key string, v *yaml.Node) bool {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			v.LineComment = m.Content[i+1].LineComment
			m.Content[i+1] = v
			return true
		}
	}
	return false
}

// editSwitches writes the switches into the objects section, removing
// the section when every switch is at its default.
func editSwitches(root *yaml.Node, users, groups Switches) error {
	plain, err := marshalled(&Mapping{UserSwitches: users, GroupSwitches: groups})
	if err != nil {
		return err
	}
	objects := valueOf(plain, "objects")
	switch {
	case objects == nil:
		removeKey(root, "objects")
	case !setValue(root, "objects", objects):
		root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: "objects"}, objects)
	}
	return nil
}

func removeKey(m *yaml.Node, key string) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			m.Content = append(m.Content[:i], m.Content[i+2:]...)
			return
		}
	}
}

// marshalled is m as Marshal writes it, as the YAML tree of its top-level
// map: the one place that decides how entries, filters and switches are
// written.
func marshalled(m *Mapping) (*yaml.Node, error) {
	data, err := m.Marshal()
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	return doc.Content[0], nil
}

// sequenceLike starts a new sequence to replace old, with old's comments,
// and returns old's items for reuse; old may be missing or not a sequence.
func sequenceLike(old *yaml.Node) (seq *yaml.Node, oldItems []*yaml.Node) {
	seq = &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	if old != nil && old.Kind == yaml.SequenceNode {
		oldItems = old.Content
		seq.HeadComment, seq.LineComment, seq.FootComment = old.HeadComment, old.LineComment, old.FootComment
	}
	return seq, oldItems
}

// flowIfEmpty writes an empty sequence as [] rather than nothing.
func flowIfEmpty(seq *yaml.Node) *yaml.Node {
	if len(seq.Content) == 0 {
		seq.Style = yaml.FlowStyle
	}
	return seq
}
