package formula

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"baocao/internal/decimal"
)

type opcode uint8

const (
	opNum      opcode = iota // num
	opRef                    // row ("" = current row before binding), col, period; slot after binding
	opRange                  // kids[0]:kids[1], both opRef; only before binding
	opChildren               // children; only before binding
	opNeg                    // -kids[0]
	opNot                    // NOT kids[0]
	opAdd                    // kids[0] ± kids[1] ± …; inv[i] means minus
	opMul                    // kids[0] */ kids[1] */ …; inv[i] means divide
	opCmp                    // kids[0] cmp kids[1]
	opAnd                    // kids[0] AND kids[1] AND …
	opOr                     // kids[0] OR kids[1] OR …
	opIf                     // IF(kids[0], kids[1], kids[2])
	opSum
	opMin
	opMax
	opAvg
	opRound // ROUND(kids[0], kids[1])
	opAbs   // ABS(kids[0])
)

type cmpKind uint8

const (
	cmpLT cmpKind = iota
	cmpLE
	cmpGT
	cmpGE
	cmpEQ
	cmpNE
)

// node is a syntax-tree node. Positions are byte offsets in the formula.
type node struct {
	op     opcode
	cmp    cmpKind
	period Period
	pos    int
	slot   int32
	num    decimal.Decimal
	row    string // opRef: row key as written (lower case), "" for the current row
	col    string // opRef: column code without leading zeros
	kids   []*node
	inv    []bool // opAdd: subtract; opMul: divide
}

type tokKind uint8

const (
	tEOF tokKind = iota
	tNum
	tIdent
	tPunct
)

type token struct {
	kind  tokKind
	pos   int
	text  string // identifiers in lower case; punctuation; number lexeme
	num   decimal.Decimal
	isInt bool // a number written with digits only
}

// syntaxError is a parse failure at a byte offset.
type syntaxError struct {
	pos   int
	msg   string
	depth bool // nesting limit rather than grammar
}

var funcs = map[string]bool{
	"sum": true, "min": true, "max": true, "avg": true, "if": true,
	"round": true, "abs": true, "prev": true, "lastyear": true,
}

const funcList = "SUM, MIN, MAX, AVG, IF, ROUND, ABS, PREV, LASTYEAR"

// lex splits src into tokens.
func lex(src string) ([]token, *syntaxError) {
	toks := make([]token, 0, len(src)/2+2)
	i := 0
	for i < len(src) {
		ch := src[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			i++
		case isDigit(ch) || ch == '.' && i+1 < len(src) && isDigit(src[i+1]) && !afterOperand(toks):
			start := i
			for i < len(src) && isDigit(src[i]) {
				i++
			}
			isInt := true
			if i < len(src) && src[i] == '.' {
				isInt = false
				i++
				for i < len(src) && isDigit(src[i]) {
					i++
				}
			}
			if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
				j := i + 1
				if j < len(src) && (src[j] == '+' || src[j] == '-') {
					j++
				}
				if j < len(src) && isDigit(src[j]) {
					isInt = false
					for j < len(src) && isDigit(src[j]) {
						j++
					}
					i = j
				}
			}
			text := src[start:i]
			v, err := decimal.ParseCanonical(text)
			if err != nil {
				return nil, &syntaxError{pos: start, msg: fmt.Sprintf("số %s quá lớn", text)}
			}
			toks = append(toks, token{kind: tNum, pos: start, text: text, num: v, isInt: isInt})
		case isLetter(ch) || ch == '_':
			start := i
			for i < len(src) && (isLetter(src[i]) || isDigit(src[i]) || src[i] == '_') {
				i++
			}
			toks = append(toks, token{kind: tIdent, pos: start, text: strings.ToLower(src[start:i])})
		case ch == '<' || ch == '>':
			n := 1
			if i+1 < len(src) && (src[i+1] == '=' || ch == '<' && src[i+1] == '>') {
				n = 2
			}
			toks = append(toks, token{kind: tPunct, pos: i, text: src[i : i+n]})
			i += n
		case strings.IndexByte("+-*/(),;:.=", ch) >= 0:
			text := src[i : i+1]
			if ch == ';' {
				text = ","
			}
			toks = append(toks, token{kind: tPunct, pos: i, text: text})
			i++
		case ch == '!' && i+1 < len(src) && src[i+1] == '=':
			return nil, &syntaxError{pos: i, msg: "viết <> cho phép so sánh khác, không viết !="}
		default:
			r, _ := utf8.DecodeRuneInString(src[i:])
			msg := fmt.Sprintf("ký tự %q không dùng được trong công thức", r)
			switch r {
			case '×', '·':
				msg += "; phép nhân viết *"
			case '÷':
				msg += "; phép chia viết /"
			case '≠':
				msg += "; phép so sánh khác viết <>"
			case '≤':
				msg += "; viết <="
			case '≥':
				msg += "; viết >="
			case '–', '−', '—':
				msg += "; dấu trừ viết -"
			default:
				if r >= 0x80 {
					msg += " (mã hàng chỉ gồm chữ a-z không dấu, chữ số và _)"
				}
			}
			return nil, &syntaxError{pos: i, msg: msg}
		}
	}
	toks = append(toks, token{kind: tEOF, pos: len(src)})
	return toks, nil
}

// afterOperand reports whether the last token ends an operand, so that a
// following "." belongs to a reference (r1.c3) rather than a number (.5).
func afterOperand(toks []token) bool {
	if len(toks) == 0 {
		return false
	}
	t := toks[len(toks)-1]
	return t.kind == tIdent || t.kind == tNum || t.kind == tPunct && t.text == ")"
}

func isDigit(ch byte) bool  { return '0' <= ch && ch <= '9' }
func isLetter(ch byte) bool { return 'a' <= ch && ch <= 'z' || 'A' <= ch && ch <= 'Z' }

// colOf returns the column code of an identifier c<digits>.
func colOf(ident string) (string, bool) {
	if len(ident) < 2 || ident[0] != 'c' {
		return "", false
	}
	return normCol(ident[1:])
}

type parser struct {
	toks  []token
	i     int
	depth int
}

type parsePanic struct{ err *syntaxError }

// parse turns a formula into a syntax tree.
func parse(src string) (root *node, serr *syntaxError) {
	toks, serr := lex(src)
	if serr != nil {
		return nil, serr
	}
	p := &parser{toks: toks}
	defer func() {
		if r := recover(); r != nil {
			pp, ok := r.(parsePanic)
			if !ok {
				panic(r)
			}
			root, serr = nil, pp.err
		}
	}()
	if p.is("=") { // spreadsheet habit: =c1+c2
		p.i++
	}
	if p.peek().kind == tEOF {
		p.fail(p.peek().pos, "công thức trống")
	}
	root = p.parseExpr()
	if t := p.peek(); t.kind != tEOF {
		switch {
		case t.text == ",":
			p.fail(t.pos, "dấu phẩy chỉ dùng để ngăn cách đối số của hàm; số thập phân viết bằng dấu chấm, ví dụ 1.5")
		case t.text == ")":
			p.fail(t.pos, "thừa dấu ')'")
		case isCmp(t.text) && root.op == opCmp:
			p.fail(t.pos, "không so sánh liên tiếp được; viết a < b AND b < c")
		default:
			p.fail(t.pos, "không hiểu %s ở đây (thiếu phép tính?)", describe(t))
		}
	}
	return root, nil
}

func (p *parser) fail(pos int, format string, args ...any) {
	panic(parsePanic{&syntaxError{pos: pos, msg: fmt.Sprintf(format, args...)}})
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) peekAt(k int) token {
	if p.i+k < len(p.toks) {
		return p.toks[p.i+k]
	}
	return p.toks[len(p.toks)-1]
}
func (p *parser) next() token { t := p.toks[p.i]; p.i++; return t }
func (p *parser) is(punct string) bool {
	t := p.toks[p.i]
	return t.kind == tPunct && t.text == punct
}

// isWord reports whether the next token is the keyword w used as an
// operator (not a row key followed by ".").
func (p *parser) isWord(w string) bool {
	t := p.toks[p.i]
	return t.kind == tIdent && t.text == w && !(p.peekAt(1).kind == tPunct && p.peekAt(1).text == ".")
}

func (p *parser) expect(punct, what string) token {
	if !p.is(punct) {
		t := p.peek()
		p.fail(t.pos, "thiếu %s, gặp %s", what, describe(t))
	}
	return p.next()
}

func (p *parser) enter(pos int) {
	p.depth++
	if p.depth > MaxDepth {
		panic(parsePanic{&syntaxError{pos: pos, depth: true,
			msg: fmt.Sprintf("tối đa %d tầng ngoặc, hàm và dấu âm lồng nhau", MaxDepth)}})
	}
}

func (p *parser) leave() { p.depth-- }

func describe(t token) string {
	if t.kind == tEOF {
		return "cuối công thức"
	}
	return "'" + t.text + "'"
}

func isCmp(s string) bool {
	switch s {
	case "<", "<=", ">", ">=", "=", "<>":
		return true
	}
	return false
}

func (p *parser) parseExpr() *node { return p.parseOr() }

func (p *parser) parseOr() *node {
	left := p.parseAnd()
	if !p.isWord("or") {
		return left
	}
	n := &node{op: opOr, pos: left.pos, kids: []*node{left}}
	for p.isWord("or") {
		p.next()
		n.kids = append(n.kids, p.parseAnd())
	}
	return n
}

func (p *parser) parseAnd() *node {
	left := p.parseNot()
	if !p.isWord("and") {
		return left
	}
	n := &node{op: opAnd, pos: left.pos, kids: []*node{left}}
	for p.isWord("and") {
		p.next()
		n.kids = append(n.kids, p.parseNot())
	}
	return n
}

func (p *parser) parseNot() *node {
	if p.isWord("not") {
		t := p.next()
		p.enter(t.pos)
		x := p.parseNot()
		p.leave()
		return &node{op: opNot, pos: t.pos, kids: []*node{x}}
	}
	return p.parseCmp()
}

func (p *parser) parseCmp() *node {
	left := p.parseAdd()
	t := p.peek()
	if t.kind != tPunct || !isCmp(t.text) {
		return left
	}
	p.next()
	right := p.parseAdd()
	if u := p.peek(); u.kind == tPunct && isCmp(u.text) {
		p.fail(u.pos, "không so sánh liên tiếp được; viết a < b AND b < c")
	}
	var k cmpKind
	switch t.text {
	case "<":
		k = cmpLT
	case "<=":
		k = cmpLE
	case ">":
		k = cmpGT
	case ">=":
		k = cmpGE
	case "=":
		k = cmpEQ
	default:
		k = cmpNE
	}
	return &node{op: opCmp, cmp: k, pos: t.pos, kids: []*node{left, right}}
}

func (p *parser) parseAdd() *node {
	left := p.parseMul()
	if !p.is("+") && !p.is("-") {
		return left
	}
	n := &node{op: opAdd, pos: left.pos, kids: []*node{left}, inv: []bool{false}}
	for p.is("+") || p.is("-") {
		t := p.next()
		n.kids = append(n.kids, p.parseMul())
		n.inv = append(n.inv, t.text == "-")
	}
	return n
}

func (p *parser) parseMul() *node {
	left := p.parseUnary()
	if !p.is("*") && !p.is("/") {
		return left
	}
	n := &node{op: opMul, pos: left.pos, kids: []*node{left}, inv: []bool{false}}
	for p.is("*") || p.is("/") {
		t := p.next()
		n.kids = append(n.kids, p.parseUnary())
		n.inv = append(n.inv, t.text == "/")
	}
	return n
}

func (p *parser) parseUnary() *node {
	if p.is("-") || p.is("+") {
		t := p.next()
		p.enter(t.pos)
		x := p.parseUnary()
		p.leave()
		if t.text == "+" {
			return x
		}
		return &node{op: opNeg, pos: t.pos, kids: []*node{x}}
	}
	return p.parsePrimary()
}

func (p *parser) parsePrimary() *node {
	t := p.peek()
	switch t.kind {
	case tNum:
		p.next()
		return &node{op: opNum, pos: t.pos, num: t.num}
	case tIdent:
		return p.parseIdent()
	case tEOF:
		p.fail(t.pos, "công thức chưa hết, thiếu số hoặc ô")
	}
	switch t.text {
	case "(":
		if n, ok := p.parenCol(); ok {
			return p.maybeRange(n)
		}
		p.next()
		p.enter(t.pos)
		x := p.parseExpr()
		p.expect(")", "dấu ')'")
		p.leave()
		return x
	case ")", ",", "*", "/", "<", "<=", ">", ">=", "=", "<>":
		p.fail(t.pos, "thiếu số hoặc ô trước %s", describe(t))
	}
	p.fail(t.pos, "không hiểu %s ở đây", describe(t))
	return nil
}

// parenCol reads the paper-form column alias (3).
func (p *parser) parenCol() (*node, bool) {
	open, num, closing := p.peek(), p.peekAt(1), p.peekAt(2)
	if num.kind != tNum || !num.isInt || closing.kind != tPunct || closing.text != ")" {
		return nil, false
	}
	col, _ := normCol(num.text)
	p.i += 3
	return &node{op: opRef, pos: open.pos, col: col}, true
}

func (p *parser) parseIdent() *node {
	t := p.next()
	if p.is(".") { // row.cN
		p.next()
		c := p.peek()
		col, ok := "", false
		if c.kind == tIdent {
			col, ok = colOf(c.text)
		}
		if !ok {
			p.fail(c.pos, "sau '%s.' phải là một cột, ví dụ %s.c3", t.text, t.text)
		}
		p.next()
		return p.maybeRange(&node{op: opRef, pos: t.pos, row: t.text, col: col})
	}
	if p.is("(") && funcs[t.text] {
		return p.parseCall(t)
	}
	if col, ok := colOf(t.text); ok {
		return p.maybeRange(&node{op: opRef, pos: t.pos, col: col})
	}
	switch {
	case t.text == "children":
		return &node{op: opChildren, pos: t.pos}
	case funcs[t.text]:
		p.fail(p.peek().pos, "thiếu dấu '(' sau %s", strings.ToUpper(t.text))
	case t.text == "and" || t.text == "or":
		p.fail(t.pos, "thiếu số hoặc ô trước %s", strings.ToUpper(t.text))
	case p.is("("):
		p.fail(t.pos, "không có hàm %s (các hàm: %s)", strings.ToUpper(t.text), funcList)
	}
	p.fail(t.pos, "không hiểu tên '%s'; ô viết là c3 (cột 3 hàng này) hoặc %s.c3 (cột 3 hàng %s)", t.text, t.text, t.text)
	return nil
}

// maybeRange completes from:to when a ":" follows a cell reference.
func (p *parser) maybeRange(from *node) *node {
	if !p.is(":") {
		return from
	}
	p.next()
	t := p.peek()
	var to *node
	switch {
	case t.kind == tIdent && p.peekAt(1).kind == tPunct && p.peekAt(1).text == ".":
		p.next()
		p.next()
		c := p.peek()
		col, ok := "", false
		if c.kind == tIdent {
			col, ok = colOf(c.text)
		}
		if !ok {
			p.fail(c.pos, "sau '%s.' phải là một cột, ví dụ %s.c3", t.text, t.text)
		}
		p.next()
		to = &node{op: opRef, pos: t.pos, row: t.text, col: col}
	case t.kind == tIdent:
		col, ok := colOf(t.text)
		if !ok {
			p.fail(t.pos, "sau dấu ':' phải là ô cuối của phạm vi, ví dụ c1:c4 hoặc r1.c3:r9.c3")
		}
		p.next()
		to = &node{op: opRef, pos: t.pos, col: col}
	case t.kind == tPunct && t.text == "(":
		n, ok := p.parenCol()
		if !ok {
			p.fail(t.pos, "sau dấu ':' phải là ô cuối của phạm vi, ví dụ c1:c4 hoặc r1.c3:r9.c3")
		}
		to = n
	default:
		p.fail(t.pos, "sau dấu ':' phải là ô cuối của phạm vi, ví dụ c1:c4 hoặc r1.c3:r9.c3")
	}
	if p.is(":") {
		p.fail(p.peek().pos, "phạm vi chỉ có một dấu ':'")
	}
	return &node{op: opRange, pos: from.pos, kids: []*node{from, to}}
}

func (p *parser) parseCall(name token) *node {
	open := p.next() // "("
	p.enter(name.pos)
	var args []*node
	if !p.is(")") {
		for {
			args = append(args, p.parseExpr())
			if p.is(",") {
				p.next()
				continue
			}
			break
		}
	}
	if !p.is(")") {
		t := p.peek()
		if t.kind == tEOF {
			p.fail(open.pos, "thiếu dấu ')' đóng %s(", strings.ToUpper(name.text))
		}
		p.fail(t.pos, "thiếu dấu ',' hoặc ')' trong %s(…), gặp %s", strings.ToUpper(name.text), describe(t))
	}
	closing := p.next()
	p.leave()
	fn := strings.ToUpper(name.text)
	want := func(n int, form string) {
		if len(args) != n {
			p.fail(name.pos, "%s cần đúng %d đối số: %s", fn, n, form)
		}
	}
	n := &node{pos: name.pos, kids: args}
	switch name.text {
	case "sum", "min", "max", "avg":
		if len(args) == 0 {
			p.fail(closing.pos, "%s cần ít nhất một đối số, ví dụ %s(c1:c4)", fn, fn)
		}
		n.op = map[string]opcode{"sum": opSum, "min": opMin, "max": opMax, "avg": opAvg}[name.text]
	case "if":
		want(3, "IF(điều kiện, giá trị nếu đúng, giá trị nếu sai)")
		n.op = opIf
	case "round":
		want(2, "ROUND(số, số chữ số thập phân)")
		n.op = opRound
	case "abs":
		want(1, "ABS(số)")
		n.op = opAbs
	case "prev", "lastyear":
		if len(args) != 1 || args[0].op != opRef || args[0].period != Current {
			pos := name.pos
			if len(args) > 0 {
				pos = args[0].pos
			}
			p.fail(pos, "%s chỉ nhận đúng một ô, ví dụ %s(c5) hoặc %s(r12.c5)", fn, fn, fn)
		}
		ref := args[0]
		ref.pos = name.pos
		ref.period = Previous
		if name.text == "lastyear" {
			ref.period = LastYear
		}
		return ref
	}
	return n
}
