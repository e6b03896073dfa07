package tui

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"go.yaml.in/yaml/v3"

	"github.com/slackprov/slackprov/mapping"
)

// render turns the edited lists into file content. When the file existed
// it edits the original YAML tree in place, so comments, key order and
// unknown top-level sections survive; the result is checked to read back
// as exactly the edited mapping, and if it does not (an exotic file), the
// plain mapping.Marshal form is used and kept reports false.
func render(orig []byte, users, groups list, scope [2]scopeList) (data []byte, kept bool, err error) {
	filters := [2][]mapping.Filter{scope[0].filters(), scope[1].filters()}
	m := &mapping.Mapping{Version: mapping.Version, Users: users.attrs(), Groups: groups.attrs(), UserScope: filters[0], GroupScope: filters[1]}
	plain, err := m.Marshal()
	if err != nil {
		return nil, false, fmt.Errorf("writing the mapping as YAML: %w", err)
	}
	if len(bytes.TrimSpace(orig)) == 0 {
		return plain, true, nil
	}
	edited, err := editTree(orig, users, groups, scope)
	if err != nil {
		return plain, false, nil
	}
	back, err := mapping.Parse("edited", edited)
	if err != nil || !newList(back.Users).sameAs(users) || !newList(back.Groups).sameAs(groups) ||
		!sameFilters(back.UserScope, filters[0]) || !sameFilters(back.GroupScope, filters[1]) {
		return plain, false, nil
	}
	return edited, true, nil
}

// editTree rewrites the users and groups sequences of the original file,
// and the scope section's filter lists that changed.
func editTree(orig []byte, users, groups list, scope [2]scopeList) ([]byte, error) {
	return editDocument(orig, func(root *yaml.Node) error {
		for _, part := range []struct {
			key string
			l   list
		}{{"users", users}, {"groups", groups}} {
			seq, err := editSequence(valueOf(root, part.key), part.l)
			if err != nil {
				return err
			}
			if !setValue(root, part.key, seq) {
				root.Content = append(root.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: part.key}, seq)
			}
		}
		return editScope(root, orig, scope)
	})
}

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
// are written as mapping.Marshal writes them.
func editSequence(old *yaml.Node, l list) (*yaml.Node, error) {
	var oldItems []*yaml.Node
	seq := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	if old != nil && old.Kind == yaml.SequenceNode {
		oldItems = old.Content
		seq.HeadComment, seq.LineComment, seq.FootComment = old.HeadComment, old.LineComment, old.FootComment
	}
	for _, r := range l.rows {
		want, err := entryNode(r.attr)
		if err != nil {
			return nil, err
		}
		if r.orig < 0 || r.orig >= len(oldItems) || oldItems[r.orig].Kind != yaml.MappingNode {
			seq.Content = append(seq.Content, want)
			continue
		}
		seq.Content = append(seq.Content, mergeEntry(oldItems[r.orig], want))
	}
	if len(seq.Content) == 0 {
		seq.Style = yaml.FlowStyle
	}
	return seq, nil
}

// entryNode is one attribute as mapping.Marshal writes it, so the rules for
// which keys are written (type only when it can't be inferred, and so on)
// live in one place.
func entryNode(a mapping.Attribute) (*yaml.Node, error) {
	data, err := (&mapping.Mapping{Users: []mapping.Attribute{a}}).Marshal()
	if err != nil {
		return nil, err
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, err
	}
	users := valueOf(doc.Content[0], "users")
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

// validateContent is the gate before anything is written: the content must
// load and compile exactly as `slackprov sync` would load it.
func validateContent(path string, data []byte) error {
	m, err := mapping.Parse(path, data)
	if err != nil {
		return err
	}
	_, err = m.Compile()
	return err
}

// writeAtomic replaces path with data through a temporary file in the same
// folder and a rename, so a crash leaves the old file or the new one, never
// half of one. An existing file's permissions are kept.
func writeAtomic(path string, data []byte) error {
	mode := fs.FileMode(0o644)
	if st, err := os.Stat(path); err == nil {
		mode = st.Mode().Perm()
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("saving %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("saving %s: %w", path, err)
	}
	if err := tmp.Chmod(mode); err != nil {
		tmp.Close()
		return fmt.Errorf("saving %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("saving %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("saving %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("saving %s: %w", path, err)
	}
	return nil
}
