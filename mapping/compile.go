package mapping

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/slackprov/slackprov/schema"
)

// compiledAttr is a validated attribute ready to evaluate.
type compiledAttr struct {
	Attribute
	node     *node
	redact   bool
	volatile bool
	// unique marks a SelectUniqueValue mapping: every candidate is evaluated.
	unique bool
	// boolean marks a boolean target (active): its value must be one.
	boolean bool
}

// Compiled is a mapping with every expression parsed once, ready to
// evaluate many objects. It is safe for concurrent use.
type Compiled struct {
	users, groups         []compiledAttr
	userMatch, groupMatch []string
	userScope, groupScope []compiledFilter
	sources               []string
	redactor              Redactor
	file                  string
	userSwitches          Switches
	groupSwitches         Switches
	pool                  sync.Pool
	// spare holds maps handed back by Recycle for the next evaluations. Not
	// a sync.Pool: a pool is emptied at every garbage collection, and
	// planning a million users collects often enough that most evaluations
	// would find it empty and allocate a map, which makes collections more
	// frequent still.
	spareMu sync.Mutex
	spare   []map[string]string
	// now and rand feed Now(), Guid() and RandomString(); tests replace them.
	now  func() time.Time
	rand io.Reader
	// rules are the target's validation rules; Slack's by default.
	rules Rules
}

// Rules are the validation rules evaluated values are checked against.
type Rules int

const (
	// RulesSlack are Slack's (reference slack-api.md §2): userName length
	// and characters, display name, emoji, required names.
	RulesSlack Rules = iota
	// RulesSCIM are RFC 7643's only, for any other SCIM 2.0 app: a user has
	// a userName, a group a displayName.
	RulesSCIM
)

// Compile validates the mapping and parses its expressions. Every problem
// is reported, each as "file:line:col: problem" when the mapping came from
// a file.
func (m *Mapping) Compile() (*Compiled, error) { return m.CompileFor(RulesSlack) }

// CompileFor compiles the mapping for a target with rules r: Slack's need a
// work email mapped, RFC 7643's only a userName; the same rules then check
// every evaluated value.
func (m *Mapping) CompileFor(r Rules) (*Compiled, error) {
	c, err := m.compile(r)
	if err != nil {
		return nil, err
	}
	c.rules = r
	return c, nil
}

func (m *Mapping) compile(r Rules) (*Compiled, error) {
	userKind := userKind
	if r == RulesSCIM {
		userKind.required = []string{schema.UserName}
	}
	users, uerr := validate(userKind, m.Users)
	groups, gerr := validate(groupKind, m.Groups)
	var errs []error
	for _, is := range uerr {
		errs = append(errs, m.positionError(userKind, is))
	}
	for _, is := range gerr {
		errs = append(errs, m.positionError(groupKind, is))
	}
	userScope, uissues := compileFilters(userKind, m.UserScope)
	groupScope, gissues := compileFilters(groupKind, m.GroupScope)
	for _, is := range uissues {
		errs = append(errs, m.filterError(userKind, m.UserScope, is))
	}
	for _, is := range gissues {
		errs = append(errs, m.filterError(groupKind, m.GroupScope, is))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	c := &Compiled{
		userScope:     userScope,
		groupScope:    groupScope,
		users:         compileAttrs(userKind, users),
		groups:        compileAttrs(groupKind, groups),
		userMatch:     matching(users),
		groupMatch:    matching(groups),
		file:          m.File,
		userSwitches:  m.UserSwitches,
		groupSwitches: m.GroupSwitches,
		now:           time.Now,
		rand:          rand.Reader,
	}
	c.sources = sourceAttributes(c.users, c.groups)
	c.redactor = redactorOf(c.users)
	c.pool.New = func() any { return &evaluator{stack: make([]value, 0, 32)} }
	return c, nil
}

// positionError places a validation issue at the entry it concerns.
func (m *Mapping) positionError(kind objectKind, is issue) error {
	where := kind.name
	line, col := 0, 0
	if is.index >= 0 {
		attrs := m.Users
		if kind.name == groupKind.name {
			attrs = m.Groups
		}
		a := attrs[is.index]
		where = fmt.Sprintf("%s entry %d (%s)", kind.name, is.index+1, a.Target)
		line, col = a.Line, a.Column
	}
	msg := is.msg
	if is.pos > 0 {
		msg = fmt.Sprintf("expression position %d: %s", is.pos, msg)
	}
	return &PosError{File: m.File, Line: line, Column: col, Msg: where + ": " + msg}
}

// filterError places a scope-filter issue at the clause or filter it concerns.
func (m *Mapping) filterError(kind objectKind, filters []Filter, is filterIssue) error {
	f := filters[is.filter]
	line, col := f.Line, f.Column
	where := fmt.Sprintf("%s scope filter %d (%s)", strings.TrimSuffix(kind.name, "s"), is.filter+1, f.Name)
	if is.clause >= 0 {
		c := f.Clauses[is.clause]
		line, col = c.Line, c.Column
		where += fmt.Sprintf(" clause %d", is.clause+1)
	}
	return &PosError{File: m.File, Line: line, Column: col, Msg: where + ": " + is.msg}
}

// PosError is a problem in a mapping file, at a line and column.
type PosError struct {
	File         string
	Line, Column int
	Msg          string
}

func (e *PosError) Error() string {
	file := e.File
	if file == "" {
		file = "mapping"
	}
	switch {
	case e.Line == 0:
		return file + ": " + e.Msg
	case e.Column == 0:
		return fmt.Sprintf("%s:%d: %s", file, e.Line, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", file, e.Line, e.Column, e.Msg)
}

func compileAttrs(kind objectKind, in []checked) []compiledAttr {
	out := make([]compiledAttr, len(in))
	for i, c := range in {
		out[i] = compiledAttr{Attribute: c.Attribute, node: c.node}
		if t, ok := schema.UserAttribute(c.Target); ok && kind.name == userKind.name {
			out[i].boolean = t.Kind == schema.Bool
		}
		if c.node != nil {
			out[i].unique = c.node.kind == nodeCall && c.node.name == "SelectUniqueValue"
			c.node.walk(func(n *node) {
				if n.kind != nodeCall {
					return
				}
				out[i].redact = out[i].redact || n.name == "Redact"
				out[i].volatile = out[i].volatile || n.fn.volatile
			})
		}
	}
	return out
}

func matching(attrs []checked) []string {
	var m []checked
	for _, a := range attrs {
		if a.Match > 0 {
			m = append(m, a)
		}
	}
	sort.SliceStable(m, func(i, j int) bool { return m[i].Match < m[j].Match })
	out := make([]string, len(m))
	for i, a := range m {
		out[i] = a.Target
	}
	return out
}

func sourceAttributes(lists ...[]compiledAttr) []string {
	seen := map[string]bool{}
	for _, attrs := range lists {
		for _, a := range attrs {
			if a.Type == TypeDirect {
				seen[a.Source] = true
			}
			if a.node != nil {
				a.node.walk(func(n *node) {
					if n.kind == nodeAttr {
						seen[n.name] = true
					}
				})
			}
		}
	}
	delete(seen, SourceIsSoftDeleted)
	out := make([]string, 0, len(seen))
	for s := range seen {
		out = append(out, s)
	}
	sort.Strings(out)
	return out
}

// UserMatching lists the user matching targets, lowest precedence first.
func (c *Compiled) UserMatching() []string { return append([]string(nil), c.userMatch...) }

// GroupMatching lists the group matching targets, lowest precedence first.
func (c *Compiled) GroupMatching() []string { return append([]string(nil), c.groupMatch...) }

// OnCreateOnly reports whether the user target flows only on create.
func (c *Compiled) OnCreateOnly(target string) bool { return findAttr(c.users, target).OnCreate() }

// GroupOnCreateOnly reports whether the group target flows only on create.
func (c *Compiled) GroupOnCreateOnly(target string) bool {
	return findAttr(c.groups, target).OnCreate()
}

// Redacted reports whether the user target's value is wrapped in Redact():
// it is sent to Slack but must show as [Redact] in plans and logs.
func (c *Compiled) Redacted(target string) bool { return c.redactor.Redacted(target) }

// Volatile lists user targets whose expression changes on every evaluation
// (Now, Guid, RandomString); mapped "always", they update every sync.
func (c *Compiled) Volatile() []string {
	var out []string
	for _, a := range c.users {
		if a.volatile {
			out = append(out, a.Target)
		}
	}
	sort.Strings(out)
	return out
}

func findAttr(attrs []compiledAttr, target string) Attribute {
	for _, a := range attrs {
		if a.Target == target {
			return a.Attribute
		}
	}
	return Attribute{}
}

// GroupsEnabled reports whether the mapping provisions groups: a disabled
// group mapping (objects.groups.enabled: false), or one with no entries,
// leaves Slack's groups alone.
func (c *Compiled) GroupsEnabled() bool { return len(c.groups) > 0 && !c.groupSwitches.Disabled }

// UserTargets lists every mapped user target, sorted.
func (c *Compiled) UserTargets() []string { return targets(c.users) }

// GroupTargets lists every mapped group target, sorted.
func (c *Compiled) GroupTargets() []string { return targets(c.groups) }

func targets(attrs []compiledAttr) []string {
	out := make([]string, len(attrs))
	for i, a := range attrs {
		out[i] = a.Target
	}
	sort.Strings(out)
	return out
}

// SourceAttributes lists the directory attributes the mapping reads, sorted,
// without the computed IsSoftDeleted.
func (c *Compiled) SourceAttributes() []string { return append([]string(nil), c.sources...) }
