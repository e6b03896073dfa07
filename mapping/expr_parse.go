package mapping

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

// MaxExpressionLength is Entra's limit on an expression's length.
const MaxExpressionLength = 10000

type nodeKind uint8

const (
	nodeAttr    nodeKind = iota // [name]
	nodeLit                     // "text", 12, &HF, vbTextCompare
	nodeCall                    // Name(args)
	nodeCompare                 // a = b, a <> b, ...
	nodeMissing                 // an empty optional argument
)

// node is one parsed piece of an expression.
type node struct {
	kind nodeKind
	pos  int    // 1-based character position in the expression
	name string // attribute name, or the function's canonical name
	lit  value
	fn   *function
	args []*node
	op   string
	// aux holds what a function prepared at compile time (a compiled regexp).
	aux any
}

// SyntaxError is a problem found while parsing or checking an expression.
// Pos is the 1-based character position it refers to.
type SyntaxError struct {
	Pos int
	Msg string
}

func (e *SyntaxError) Error() string { return fmt.Sprintf("position %d: %s", e.Pos, e.Msg) }

// parser reads an expression as runes so positions count characters.
type parser struct {
	src   []rune
	i     int
	depth int
}

// parseExpression parses and checks an Entra-syntax expression.
func parseExpression(src string) (*node, error) {
	if n := len([]rune(src)); n > MaxExpressionLength {
		return nil, &SyntaxError{1, fmt.Sprintf("expression is %d characters; Entra allows at most %d", n, MaxExpressionLength)}
	}
	p := &parser{src: []rune(src)}
	p.space()
	if p.eof() {
		return nil, &SyntaxError{1, "expression is empty"}
	}
	n, err := p.expr()
	if err != nil {
		return nil, err
	}
	p.space()
	if !p.eof() {
		return nil, p.errf("unexpected %s after the end of the expression", p.describe())
	}
	return n, nil
}

func (p *parser) eof() bool  { return p.i >= len(p.src) }
func (p *parser) peek() rune { return p.src[p.i] }
func (p *parser) pos() int   { return p.i + 1 }

func (p *parser) space() {
	for !p.eof() && unicode.IsSpace(p.peek()) {
		p.i++
	}
}

func (p *parser) errf(format string, args ...any) error {
	return &SyntaxError{p.pos(), fmt.Sprintf(format, args...)}
}

// describe names the character at the cursor for error messages.
func (p *parser) describe() string {
	if p.eof() {
		return "end of expression"
	}
	return strconv.QuoteRune(p.peek())
}

var compareOps = []string{"<>", "<=", ">=", "=", "<", ">"}

func (p *parser) expr() (*node, error) {
	left, err := p.operand()
	if err != nil {
		return nil, err
	}
	p.space()
	for _, op := range compareOps {
		if p.hasPrefix(op) {
			n := &node{kind: nodeCompare, pos: p.pos(), op: op}
			p.i += len(op)
			p.space()
			if p.eof() {
				return nil, &SyntaxError{n.pos, fmt.Sprintf("comparison %s needs a value on its right", op)}
			}
			right, err := p.operand()
			if err != nil {
				return nil, err
			}
			n.args = []*node{left, right}
			return n, nil
		}
	}
	return left, nil
}

func (p *parser) hasPrefix(s string) bool {
	if p.i+len(s) > len(p.src) {
		return false
	}
	return string(p.src[p.i:p.i+len(s)]) == s
}

func (p *parser) operand() (*node, error) {
	p.space()
	if p.eof() {
		return nil, p.errf("expected a value, found end of expression")
	}
	start := p.pos()
	c := p.peek()
	switch {
	case c == '[':
		return p.attribute()
	case c == '"':
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		return &node{kind: nodeLit, pos: start, lit: str(s)}, nil
	case c == '&' && p.i+1 < len(p.src) && unicode.ToUpper(p.src[p.i+1]) == 'H':
		return p.hex()
	case c == '-' || c == '.' || (c >= '0' && c <= '9'):
		return p.number()
	case unicode.IsLetter(c) || c == '_':
		return p.identifier()
	}
	return nil, p.errf("expected a value ([attribute], \"text\", number or Function(...)), found %s", p.describe())
}

func (p *parser) attribute() (*node, error) {
	start := p.pos()
	p.i++
	from := p.i
	for !p.eof() && p.peek() != ']' {
		if p.peek() == '[' || p.peek() == '"' {
			return nil, p.errf("unexpected %s inside attribute name opened at position %d", p.describe(), start)
		}
		p.i++
	}
	if p.eof() {
		return nil, &SyntaxError{start, "attribute name is missing its closing ]"}
	}
	name := strings.TrimSpace(string(p.src[from:p.i]))
	p.i++
	if name == "" {
		return nil, &SyntaxError{start, "empty attribute name []"}
	}
	return &node{kind: nodeAttr, pos: start, name: name}, nil
}

// str reads a double-quoted string; \" and \\ are escapes, and any other
// backslash is kept as written so regex patterns copied from Entra's docs
// keep working whichever way they were escaped.
func (p *parser) str() (string, error) {
	start := p.pos()
	p.i++
	var b strings.Builder
	for !p.eof() {
		c := p.peek()
		switch c {
		case '"':
			p.i++
			return b.String(), nil
		case '\\':
			if p.i+1 < len(p.src) && (p.src[p.i+1] == '"' || p.src[p.i+1] == '\\') {
				b.WriteRune(p.src[p.i+1])
				p.i += 2
				continue
			}
		}
		b.WriteRune(c)
		p.i++
	}
	return "", &SyntaxError{start, "string is missing its closing \" (write \\\" for a quote inside a string)"}
}

func (p *parser) hex() (*node, error) {
	start := p.pos()
	p.i += 2
	from := p.i
	for !p.eof() && strings.ContainsRune("0123456789abcdefABCDEF", p.peek()) {
		p.i++
	}
	if from == p.i {
		return nil, &SyntaxError{start, "&H must be followed by hexadecimal digits"}
	}
	v, err := strconv.ParseInt(string(p.src[from:p.i]), 16, 64)
	if err != nil {
		return nil, &SyntaxError{start, "hexadecimal number is too large"}
	}
	return &node{kind: nodeLit, pos: start, lit: str(strconv.FormatInt(v, 10))}, nil
}

func (p *parser) number() (*node, error) {
	start := p.pos()
	from := p.i
	if p.peek() == '-' {
		p.i++
	}
	for !p.eof() && (p.peek() >= '0' && p.peek() <= '9' || p.peek() == '.') {
		p.i++
	}
	text := string(p.src[from:p.i])
	if _, err := strconv.ParseFloat(text, 64); err != nil {
		return nil, &SyntaxError{start, fmt.Sprintf("%q is not a number", text)}
	}
	return &node{kind: nodeLit, pos: start, lit: str(text)}, nil
}

// namedConstants are the bare words Entra accepts as arguments; true and
// false are booleans.
var namedConstants = map[string]value{
	"vbtextcompare":   str("vbTextCompare"),
	"vbbinarycompare": str("vbBinaryCompare"),
	"true":            boolean(true),
	"false":           boolean(false),
}

func (p *parser) identifier() (*node, error) {
	start := p.pos()
	from := p.i
	for !p.eof() && (unicode.IsLetter(p.peek()) || unicode.IsDigit(p.peek()) || p.peek() == '_') {
		p.i++
	}
	name := string(p.src[from:p.i])
	p.space()
	if p.eof() || p.peek() != '(' {
		if c, ok := namedConstants[strings.ToLower(name)]; ok {
			return &node{kind: nodeLit, pos: start, lit: c}, nil
		}
		return nil, &SyntaxError{start, fmt.Sprintf("unexpected name %s: attribute names go in square brackets, e.g. [%s], and functions need parentheses, e.g. %s(...)", name, name, name)}
	}
	fn, err := lookupFunction(name)
	if err != nil {
		return nil, &SyntaxError{start, err.Error()}
	}
	p.i++ // (
	if p.depth++; p.depth > MaxExpressionDepth {
		return nil, &SyntaxError{start, fmt.Sprintf("function calls are nested more than %d deep; simplify the expression", MaxExpressionDepth)}
	}
	defer func() { p.depth-- }()
	n := &node{kind: nodeCall, pos: start, name: fn.name, fn: fn}
	p.space()
	if !p.eof() && p.peek() == ')' {
		p.i++
	} else if err := p.arguments(n); err != nil {
		return nil, err
	}
	if err := fn.checkArity(n); err != nil {
		return nil, err
	}
	if fn.prepare != nil {
		if err := fn.prepare(n); err != nil {
			return nil, err
		}
	}
	return n, nil
}

func (p *parser) arguments(n *node) error {
	for {
		p.space()
		if p.eof() {
			return &SyntaxError{n.pos, fmt.Sprintf("%s( is missing its closing )", n.name)}
		}
		if c := p.peek(); c == ',' || c == ')' {
			n.args = append(n.args, &node{kind: nodeMissing, pos: p.pos()})
		} else {
			a, err := p.expr()
			if err != nil {
				return err
			}
			n.args = append(n.args, a)
			p.space()
		}
		if p.eof() {
			return &SyntaxError{n.pos, fmt.Sprintf("%s( is missing its closing )", n.name)}
		}
		switch p.peek() {
		case ',':
			p.i++
		case ')':
			p.i++
			return nil
		default:
			return p.errf("expected , or ) in the arguments of %s, found %s", n.name, p.describe())
		}
	}
}

// walk calls f for n and every node below it.
func (n *node) walk(f func(*node)) {
	f(n)
	for _, a := range n.args {
		a.walk(f)
	}
}
