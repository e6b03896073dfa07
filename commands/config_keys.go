package commands

import (
	"fmt"
	"reflect"
	"sort"
	"strings"

	"github.com/xrash/smetrics"
	"go.yaml.in/yaml/v3"
)

// checkKeys walks a config file's YAML against the Config type and reports
// every key it does not know, and every value of the wrong kind, by the
// dotted name the user wrote and its line: yaml's own strict mode speaks in
// Go types ("field statedir not found in type commands.configFile").
func checkKeys(path string, n *yaml.Node, t reflect.Type, at string) []string {
	return keyChecker{path: path, inside: map[*yaml.Node]bool{}}.check(n, t, at)
}

type keyChecker struct {
	path string
	// inside holds the aliased nodes being checked, so an alias to a
	// section that contains it is reported instead of followed forever.
	inside map[*yaml.Node]bool
}

func (c keyChecker) check(n *yaml.Node, t reflect.Type, at string) []string {
	path := c.path
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.AliasNode {
		if c.inside[n.Alias] {
			return []string{fmt.Sprintf("%s:%d: %s: the alias *%s refers to a section that contains it", path, n.Line, at, n.Value)}
		}
		c.inside[n.Alias] = true
		defer delete(c.inside, n.Alias)
		n = n.Alias
	}
	if isNull(n) {
		return nil
	}
	where := fmt.Sprintf("%s:%d: %s", path, n.Line, at)
	switch t.Kind() {
	case reflect.Struct:
		if n.Kind != yaml.MappingNode {
			return []string{where + ": expected a section of `key: value` lines, got " + describe(n)}
		}
		fields := yamlFields(t)
		var errs []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Tag == "!!merge" {
				// `<<: *defaults` brings in another section's keys.
				merged := []*yaml.Node{v}
				if v.Kind == yaml.SequenceNode {
					merged = v.Content
				}
				for _, m := range merged {
					errs = append(errs, c.check(m, t, at)...)
				}
				continue
			}
			name := join(at, k.Value)
			ft, ok := fields[k.Value]
			if !ok {
				errs = append(errs, fmt.Sprintf("%s:%d: %s: unknown key; %s", path, k.Line, name, suggest(k.Value, fields)))
				continue
			}
			errs = append(errs, c.check(v, ft, name)...)
		}
		return errs
	case reflect.Map:
		if n.Kind != yaml.MappingNode {
			return []string{where + ": expected a section of `key: value` lines, got " + describe(n)}
		}
		if t.Elem() != reflect.TypeOf(yaml.Node{}) {
			return nil
		}
		// profiles: each value is a whole profile.
		var errs []string
		for i := 0; i+1 < len(n.Content); i += 2 {
			errs = append(errs, c.check(n.Content[i+1], reflect.TypeOf(Config{}), join(at, n.Content[i].Value))...)
		}
		return errs
	case reflect.Slice:
		return c.checkList(n, t, at, where)
	case reflect.String:
		if n.Kind != yaml.ScalarNode {
			return []string{where + ": expected a single value, got " + describe(n)}
		}
	case reflect.Int:
		if n.Kind != yaml.ScalarNode || n.Tag != "!!int" {
			return []string{fmt.Sprintf("%s: expected a whole number, got %s", where, describe(n))}
		}
	case reflect.Float64:
		if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") {
			return []string{fmt.Sprintf("%s: expected a number, got %s", where, describe(n))}
		}
	}
	return nil
}

// checkList checks a list and each of its items.
func (c keyChecker) checkList(n *yaml.Node, t reflect.Type, at, where string) []string {
	if n.Kind != yaml.SequenceNode {
		return []string{where + ": expected a list ([a, b], or one `- item` per line), got " + describe(n)}
	}
	var errs []string
	for i, item := range n.Content {
		errs = append(errs, c.check(item, t.Elem(), fmt.Sprintf("%s[%d]", at, i))...)
	}
	return errs
}

func isNull(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null"
}

func describe(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a section"
	case yaml.SequenceNode:
		return "a list"
	}
	return fmt.Sprintf("%q", n.Value)
}

func join(at, key string) string {
	if at == "" {
		return key
	}
	return at + "." + key
}

// yamlFields maps each yaml key of struct t to its type; inline structs
// contribute their keys and "-" fields none.
func yamlFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		switch {
		case name == "-" || !f.IsExported():
		case opts == "inline":
			for k, v := range yamlFields(f.Type) {
				out[k] = v
			}
		case name != "":
			out[name] = f.Type
		}
	}
	return out
}

// suggest offers the known key nearest to key, or lists them all.
func suggest(key string, fields map[string]reflect.Type) string {
	known := make([]string, 0, len(fields))
	for k := range fields {
		known = append(known, k)
	}
	sort.Strings(known)
	best, bestDist := "", 3
	squash := func(s string) string {
		return strings.ToLower(strings.ReplaceAll(strings.ReplaceAll(s, "_", ""), "-", ""))
	}
	for _, k := range known {
		d := smetrics.WagnerFischer(squash(key), squash(k), 1, 1, 1)
		if d < bestDist {
			best, bestDist = k, d
		}
	}
	if best != "" {
		return "did you mean " + best + "?"
	}
	return "known keys here: " + strings.Join(known, ", ")
}
