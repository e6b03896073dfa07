package slackscim

import (
	"encoding/json"
	"strconv"
	"strings"
)

// scimFilter is a parsed list filter: comparisons joined by and/or with
// parentheses. Attribute names and operators are case-insensitive.
type scimFilter interface {
	match(get scimAttrGetter) bool
}

// scimAttrGetter returns an attribute's values and whether comparisons on it
// are case-exact (RFC 7643: externalId is, userName and emails are not).
type scimAttrGetter func(attr string) (values []string, caseExact bool)

type scimFilterAnd struct{ l, r scimFilter }
type scimFilterOr struct{ l, r scimFilter }
type scimFilterCmp struct {
	attr, op, value string
}

func (f scimFilterAnd) match(g scimAttrGetter) bool { return f.l.match(g) && f.r.match(g) }
func (f scimFilterOr) match(g scimAttrGetter) bool  { return f.l.match(g) || f.r.match(g) }

func (f scimFilterCmp) match(g scimAttrGetter) bool {
	values, exact := g(f.attr)
	want := f.value
	for _, v := range values {
		if !exact {
			v, want = strings.ToLower(v), strings.ToLower(want)
		}
		var hit bool
		switch f.op {
		case "pr":
			hit = v != ""
		case "eq":
			hit = v == want
		case "co":
			hit = strings.Contains(v, want)
		case "sw":
			hit = strings.HasPrefix(v, want)
		case "gt":
			hit = v > want
		case "ge":
			hit = v >= want
		case "lt":
			hit = v < want
		case "le":
			hit = v <= want
		}
		if hit {
			return true
		}
	}
	return false
}

var scimFilterOps = map[string]bool{"eq": true, "co": true, "sw": true, "pr": true, "gt": true, "ge": true, "lt": true, "le": true}

// scimFilterParser is a recursive-descent parser. attrs lists the filterable
// attributes (lowercased) of the endpoint being listed.
type scimFilterParser struct {
	toks  []string
	pos   int
	attrs map[string]bool
}

// scimParseFilter parses Slack's filter syntax. Slack requires expressions to
// be separated by single spaces, so doubled spaces are incomplete_filter.
func scimParseFilter(s string, attrs map[string]bool) (scimFilter, *scimError) {
	if strings.TrimSpace(s) == "" {
		return nil, scimBadRequest("no_filters")
	}
	toks, err := scimTokenizeFilter(s)
	if err != nil {
		return nil, err
	}
	p := &scimFilterParser{toks: toks, attrs: attrs}
	f, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		if p.toks[p.pos] == ")" {
			return nil, scimBadRequest("invalid_filter_group")
		}
		return nil, scimBadRequest("invalid_query")
	}
	return f, nil
}

// scimTokenizeFilter splits on single spaces and parentheses; quoted strings
// keep their quotes so the parser can tell literals from words.
func scimTokenizeFilter(s string) ([]string, *scimError) {
	var toks []string
	i := 0
	for i < len(s) {
		switch c := s[i]; c {
		case ' ':
			if i == 0 || i == len(s)-1 || s[i+1] == ' ' {
				return nil, scimBadRequest("incomplete_filter")
			}
			i++
		case '(', ')':
			toks = append(toks, string(c))
			i++
		case '"', '\'':
			j := i + 1
			for j < len(s) && s[j] != c {
				if c == '"' && s[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(s) {
				return nil, scimBadRequest("incomplete_filter")
			}
			toks = append(toks, s[i:j+1])
			i = j + 1
		default:
			j := i
			for j < len(s) && s[j] != ' ' && s[j] != '(' && s[j] != ')' {
				j++
			}
			toks = append(toks, s[i:j])
			i = j
		}
	}
	return toks, nil
}

func (p *scimFilterParser) peek() string {
	if p.pos < len(p.toks) {
		return p.toks[p.pos]
	}
	return ""
}

func (p *scimFilterParser) or() (scimFilter, *scimError) {
	l, err := p.and()
	for err == nil && strings.EqualFold(p.peek(), "or") {
		p.pos++
		var r scimFilter
		if r, err = p.and(); err == nil {
			l = scimFilterOr{l, r}
		}
	}
	return l, err
}

func (p *scimFilterParser) and() (scimFilter, *scimError) {
	l, err := p.term()
	for err == nil && strings.EqualFold(p.peek(), "and") {
		p.pos++
		var r scimFilter
		if r, err = p.term(); err == nil {
			l = scimFilterAnd{l, r}
		}
	}
	return l, err
}

func (p *scimFilterParser) term() (scimFilter, *scimError) {
	tok := p.peek()
	switch tok {
	case "":
		return nil, scimBadRequest("incomplete_filter")
	case "(":
		p.pos++
		f, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ")" {
			return nil, scimBadRequest("invalid_filter_group")
		}
		p.pos++
		return f, nil
	case ")":
		return nil, scimBadRequest("invalid_filter_group")
	}
	attr := strings.ToLower(tok)
	if strings.ContainsAny(tok, `"'`) || !p.attrs[attr] {
		return nil, scimBadRequest("invalid_query")
	}
	p.pos++
	op := strings.ToLower(p.peek())
	if op == "" || op == ")" {
		return nil, scimBadRequest("incomplete_filter")
	}
	if !scimFilterOps[op] {
		return nil, scimBadRequest("invalid_query")
	}
	p.pos++
	if op == "pr" {
		return scimFilterCmp{attr: attr, op: op}, nil
	}
	lit := p.peek()
	if lit == "" || lit == ")" || lit == "(" {
		return nil, scimBadRequest("incomplete_filter")
	}
	p.pos++
	value, err := scimFilterLiteral(lit)
	if err != nil {
		return nil, err
	}
	return scimFilterCmp{attr: attr, op: op, value: value}, nil
}

// scimFilterLiteral accepts JSON strings, single-quoted strings (used in
// Slack's own examples) and JSON true/false/null/numbers.
func scimFilterLiteral(lit string) (string, *scimError) {
	switch lit[0] {
	case '"':
		var s string
		if json.Unmarshal([]byte(lit), &s) != nil {
			return "", scimBadRequest("invalid_query")
		}
		return s, nil
	case '\'':
		return lit[1 : len(lit)-1], nil
	}
	switch lit {
	case "true", "false", "null":
		return lit, nil
	}
	if _, err := strconv.ParseFloat(lit, 64); err == nil {
		return lit, nil
	}
	return "", scimBadRequest("invalid_query")
}
