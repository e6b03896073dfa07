package mapping

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/slackprov/slackprov/schema"
)

// The JSON of an Entra synchronization schema export (reference §9): what
// "Review your schema → Download" saves and GET …/jobs/{id}/schema returns.
type entraSchema struct {
	ID                   string      `json:"id"`
	SynchronizationRules []entraRule `json:"synchronizationRules"`
}

type entraRule struct {
	Name           string               `json:"name"`
	ObjectMappings []entraObjectMapping `json:"objectMappings"`
}

type entraObjectMapping struct {
	Name              string                  `json:"name"`
	Enabled           *bool                   `json:"enabled"`
	FlowTypes         string                  `json:"flowTypes"`
	SourceObjectName  string                  `json:"sourceObjectName"`
	TargetObjectName  string                  `json:"targetObjectName"`
	Scope             *entraFilter            `json:"scope"`
	AttributeMappings []entraAttributeMapping `json:"attributeMappings"`
}

type entraAttributeMapping struct {
	TargetAttributeName string              `json:"targetAttributeName"`
	Source              *entraMappingSource `json:"source"`
	MatchingPriority    int                 `json:"matchingPriority"`
	FlowType            string              `json:"flowType"`
	FlowBehavior        string              `json:"flowBehavior"`
	DefaultValue        *string             `json:"defaultValue"`
	ExportMissingRefs   bool                `json:"exportMissingReferences"`
}

type entraMappingSource struct {
	Expression string           `json:"expression"`
	Name       string           `json:"name"`
	Type       string           `json:"type"`
	Parameters []entraParameter `json:"parameters"`
}

type entraParameter struct {
	Key   string              `json:"key"`
	Value *entraMappingSource `json:"value"`
}

type entraFilter struct {
	Groups               []entraFilterGroup `json:"groups"`
	InputFilterGroups    []entraFilterGroup `json:"inputFilterGroups"`
	CategoryFilterGroups []entraFilterGroup `json:"categoryFilterGroups"`
}

type entraFilterGroup struct {
	Name    string              `json:"name"`
	Clauses []entraFilterClause `json:"clauses"`
}

type entraFilterClause struct {
	SourceOperandName string `json:"sourceOperandName"`
	OperatorName      string `json:"operatorName"`
	TargetOperand     *struct {
		Values []string `json:"values"`
	} `json:"targetOperand"`
}

// importer collects what could not be carried over.
type importer struct{ lost []string }

func (im *importer) lose(format string, args ...any) {
	im.lost = append(im.lost, fmt.Sprintf(format, args...))
}

// ImportEntraSchema converts the JSON of an Entra synchronization schema
// export into a slackprov mapping. The second result lists, one line each,
// every part that could not be carried over and what was done instead; the
// mapping returned compiles. It fails only when the JSON is not a schema or
// holds no usable user mapping.
func ImportEntraSchema(data []byte) (*Mapping, []string, error) {
	var s entraSchema
	if err := json.Unmarshal(data, &s); err != nil {
		return nil, nil, fmt.Errorf("not an Entra synchronization schema (JSON): %v", err)
	}
	rules := s.SynchronizationRules
	if len(rules) == 0 {
		return nil, nil, errors.New("the JSON has no synchronizationRules; export the schema from the app's Provisioning → Mappings → Show advanced options → Review your schema → Download, or GET …/synchronization/jobs/{jobId}/schema")
	}
	im := &importer{}
	m := &Mapping{Version: Version}
	var users, groups *entraObjectMapping
	for ri := range rules {
		for oi := range rules[ri].ObjectMappings {
			om := &rules[ri].ObjectMappings[oi]
			switch {
			case strings.EqualFold(om.SourceObjectName, "User") && users == nil:
				users = om
			case strings.EqualFold(om.SourceObjectName, "Group") && groups == nil:
				groups = om
			default:
				im.lose("object mapping %q (%s → %s): slackprov maps one user mapping and one group mapping; skipped", om.Name, om.SourceObjectName, om.TargetObjectName)
			}
		}
	}
	if users == nil {
		return nil, nil, errors.New("the schema has no object mapping with sourceObjectName \"User\"; it is not a user provisioning schema")
	}
	m.Users = im.attributes(userKind, users)
	m.UserScope = im.scope(userKind, users)
	m.UserSwitches = flowTypes(users)
	if users.Enabled != nil && !*users.Enabled {
		im.lose("user mapping %q is disabled in Entra, which Entra itself does not allow; imported enabled", users.Name)
	}
	if groups != nil {
		m.Groups = im.attributes(groupKind, groups)
		m.GroupScope = im.scope(groupKind, groups)
		m.GroupSwitches = flowTypes(groups)
		m.GroupSwitches.Disabled = groups.Enabled != nil && !*groups.Enabled
	}
	im.complete(m)
	if _, err := m.Compile(); err != nil {
		return nil, im.lost, fmt.Errorf("the imported mapping does not compile: %w", err)
	}
	return m, im.lost, nil
}

// attributes converts one object mapping's attribute mappings.
func (im *importer) attributes(kind objectKind, om *entraObjectMapping) []Attribute {
	singular := strings.TrimSuffix(kind.name, "s")
	var out []Attribute
	seen := map[string]bool{}
	usedMatch := map[int]bool{}
	for _, am := range om.AttributeMappings {
		what := fmt.Sprintf("%s attribute %q", singular, am.TargetAttributeName)
		if kind.name == groupKind.name && am.TargetAttributeName == "members" {
			// Membership is provisioned from the directory's groups.
			continue
		}
		// The source first: "AppRoleAssignmentsComplex is not supported"
		// says more than "unknown target roles".
		a, reason := im.source(am)
		if reason != "" {
			im.lose("%s: %s; skipped", what, reason)
			continue
		}
		target, ok := canonicalTarget(am.TargetAttributeName, kind.attrs)
		if !ok {
			im.lose("%s; skipped", importTargetError(singular, am.TargetAttributeName, kind.targets()))
			continue
		}
		if seen[target] {
			im.lose("%s is mapped twice; the later mapping was skipped", what)
			continue
		}
		a.Target = target
		switch am.FlowType {
		case "", "Always":
			a.Apply = ApplyAlways
		case "ObjectAddOnly":
			a.Apply = ApplyOnCreate
		case "AttributeAddOnly", "ValueAddOnly":
			a.Apply = ApplyOnCreate
			im.lose("%s: flowType %s (flow only while Slack has no value) has no slackprov equivalent; imported as on_create, which never overwrites an existing account", what, am.FlowType)
		default:
			a.Apply = ApplyAlways
			im.lose("%s: flowType %s has no slackprov equivalent; imported as always", what, am.FlowType)
		}
		if am.FlowBehavior == "FlowAlways" {
			im.lose("%s: flowBehavior FlowAlways (send even when unchanged) is not carried over: slackprov sends only real differences", what)
		}
		if am.MatchingPriority > 0 {
			switch {
			case !contains(kind.matchable(), target):
				im.lose("%s: matching on it (priority %d) is dropped: Slack can only find existing %s by %s", what, am.MatchingPriority, kind.name, orList(kind.matchable()))
			case usedMatch[am.MatchingPriority]:
				im.lose("%s: matching priority %d is already used by another attribute; matching on it is dropped", what, am.MatchingPriority)
			default:
				a.Match = am.MatchingPriority
				usedMatch[a.Match] = true
			}
		}
		seen[target] = true
		out = append(out, a)
	}
	return out
}

// source converts an attribute mapping's source; reason says why it can't.
func (im *importer) source(am entraAttributeMapping) (Attribute, string) {
	var a Attribute
	if am.DefaultValue != nil {
		a.Default = *am.DefaultValue
	}
	src := am.Source
	if src == nil {
		// Entra treats a mapping with only a default as a constant.
		if a.Default == "" {
			return a, "it has neither a source nor a default value"
		}
		a.Type, a.Value, a.Default = TypeConstant, a.Default, ""
		return a, ""
	}
	switch src.Type {
	case "Attribute":
		name := src.Name
		if name == "" {
			name = strings.Trim(strings.TrimSpace(src.Expression), "[]")
		}
		if name == "" {
			return a, "its source attribute has no name"
		}
		a.Type, a.Source = TypeDirect, name
		return a, ""
	case "Constant":
		a.Type = TypeConstant
		a.Value = src.Name
		if src.Name == "" && src.Expression != "" {
			if n, err := parseExpression(src.Expression); err == nil && n.kind == nodeLit {
				a.Value = n.lit.s
			}
		}
		return a, ""
	}
	expr := strings.TrimSpace(src.Expression)
	if expr == "" {
		expr = functionText(src)
	}
	if _, err := parseExpression(expr); err != nil {
		var se *SyntaxError
		if errors.As(err, &se) {
			return a, fmt.Sprintf("expression %s can't be used: %s (position %d)", expr, se.Msg, se.Pos)
		}
		return a, fmt.Sprintf("expression %s can't be used: %v", expr, err)
	}
	a.Type, a.Expression = TypeExpression, expr
	return a, ""
}

// functionText rebuilds an expression from a source's name and parameters,
// for exports that leave expression empty. Parameters are in argument order.
func functionText(s *entraMappingSource) string {
	if s == nil {
		return ""
	}
	switch s.Type {
	case "Attribute":
		return "[" + s.Name + "]"
	case "Constant":
		return strconv.Quote(s.Name)
	}
	args := make([]string, len(s.Parameters))
	for i, p := range s.Parameters {
		args[i] = functionText(p.Value)
	}
	return s.Name + "(" + strings.Join(args, ", ") + ")"
}

// scope converts an object mapping's scoping filters. A filter with a
// clause that can't be expressed is dropped whole: that narrows the scope
// (users leave through the plan and its safety checks) rather than widening
// it to people who were never meant to have Slack.
func (im *importer) scope(kind objectKind, om *entraObjectMapping) []Filter {
	if om.Scope == nil {
		return nil
	}
	singular := strings.TrimSuffix(kind.name, "s")
	if n := len(om.Scope.InputFilterGroups) + len(om.Scope.CategoryFilterGroups); n > 0 {
		im.lose("%s scope: %d experimental inputFilterGroups/categoryFilterGroups are not supported; skipped (only groups are carried over)", singular, n)
	}
	var out []Filter
	for _, g := range om.Scope.Groups {
		f := Filter{Name: g.Name}
		ok := true
		for _, c := range g.Clauses {
			var values []string
			if c.TargetOperand != nil {
				values = c.TargetOperand.Values
			}
			op, known := ParseOperator(c.OperatorName)
			cl := Clause{Attribute: c.SourceOperandName, Operator: op}
			switch {
			case !known:
				im.lose("%s scope filter %q: operator %q is unknown to slackprov; the whole filter was skipped, so fewer objects are in scope", singular, g.Name, c.OperatorName)
				ok = false
			case len(values) > 1:
				im.lose("%s scope filter %q: clause %s %s has %d values; slackprov clauses take one, so the whole filter was skipped", singular, g.Name, c.SourceOperandName, c.OperatorName, len(values))
				ok = false
			case len(values) == 1 && !op.unary():
				cl.Value = values[0]
			}
			if !ok {
				break
			}
			f.Clauses = append(f.Clauses, cl)
		}
		if !ok {
			continue
		}
		if _, issues := compileFilters(kind, []Filter{f}); len(issues) > 0 {
			im.lose("%s scope filter %q: %s; the whole filter was skipped, so fewer objects are in scope", singular, g.Name, issues[0].msg)
			continue
		}
		out = append(out, f)
	}
	return out
}

// flowTypes reads an object mapping's target object actions (Entra's
// "Add, Update, Delete"); absent means all three, as in Entra.
func flowTypes(om *entraObjectMapping) Switches {
	if om.FlowTypes == "" {
		return Switches{}
	}
	have := map[string]bool{}
	for _, t := range strings.Split(om.FlowTypes, ",") {
		have[strings.ToLower(strings.TrimSpace(t))] = true
	}
	return Switches{NoCreate: !have["add"], NoUpdate: !have["update"], NoDelete: !have["delete"]}
}

// complete fills what Slack requires and the export lacked with slackprov's
// defaults, so the result is usable, and says so.
func (im *importer) complete(m *Mapping) {
	defaults := Default()
	fill := func(kind objectKind, attrs *[]Attribute, from []Attribute) {
		have := map[string]bool{}
		for _, a := range *attrs {
			have[a.Target] = true
		}
		for _, r := range kind.required {
			if have[r] {
				continue
			}
			for _, d := range from {
				if d.Target == r {
					d.Match = 0
					*attrs = append(*attrs, d)
					im.lose("%s: the export does not map %s, which Slack requires; slackprov's default (%s) was added", kind.name, quote(r), describeSource(d))
				}
			}
		}
	}
	fill(userKind, &m.Users, defaults.Users)
	if len(m.Groups) > 0 {
		fill(groupKind, &m.Groups, defaults.Groups)
	}
	// Slack finds users by email or userName and groups by displayName.
	ensureMatch := func(kind objectKind, attrs []Attribute, prefer ...string) {
		if len(attrs) == 0 {
			return
		}
		for _, a := range attrs {
			if a.Match > 0 {
				return
			}
		}
		for _, p := range prefer {
			for i := range attrs {
				if attrs[i].Target == p {
					attrs[i].Match = 1
					im.lose("%s: no attribute Slack can match on was marked for matching; %s is now the matching attribute", kind.name, quote(p))
					return
				}
			}
		}
	}
	ensureMatch(userKind, m.Users, schema.WorkEmail, schema.UserName)
	ensureMatch(groupKind, m.Groups, schema.DisplayName)
}

func describeSource(a Attribute) string {
	switch a.Type {
	case TypeDirect:
		return a.Source
	case TypeConstant:
		return strconv.Quote(a.Value)
	}
	return a.Expression
}

// importTargetError is targetError without the list of every valid target,
// which would swamp an import report.
func importTargetError(kind, path string, valid []string) string {
	if reason, ok := schema.Unwritable(path); ok {
		return kind + " attribute " + quote(path) + " can't be mapped: " + reason
	}
	msg := kind + " attribute " + quote(path) + ": Slack has no such " + kind + " attribute"
	if s := closeMatches(path, valid, 1); len(s) > 0 {
		msg += " (the nearest is " + quote(s[0]) + ")"
	}
	return msg
}
