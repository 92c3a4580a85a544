package formula

import (
	"math"
	"strconv"
	"strings"
)

// state says where a value comes from. Combining operands takes the
// maximum: any entered cell makes a value, otherwise any blank cell makes a
// blank, otherwise it is a constant.
type state uint8

const (
	stConst state = iota // computed from constants only
	stBlank              // every cell it reads is blank
	stVal                // at least one cell it reads has a value
)

// Slot states during evaluation.
const (
	slotBlank uint8 = iota
	slotValue
	slotError
)

const (
	reasonDivZero  = "chia cho 0"
	reasonOverflow = "kết quả quá lớn"
	reasonBadInput = "giá trị không hợp lệ"
)

type slotErr struct {
	root   int32 // the slot where the error started
	reason string
}

type evaluator struct {
	vals []float64
	st   []uint8
	errs []slotErr // allocated on the first error

	fail       bool
	failReason string // when the formula itself failed
	failFrom   int32  // the slot it read an error from, or -1
}

func (e *evaluator) failDirect(reason string) {
	if !e.fail {
		e.fail, e.failReason, e.failFrom = true, reason, -1
	}
}

func (e *evaluator) failSlot(s int32) {
	if !e.fail {
		e.fail, e.failFrom = true, s
	}
}

func (e *evaluator) setErr(s, root int32, reason string) {
	if e.errs == nil {
		e.errs = make([]slotErr, len(e.st))
	}
	e.st[s] = slotError
	e.errs[s] = slotErr{root, reason}
}

// Evaluate computes every formula cell in dependency order and returns the
// result of each. Current-period references to formula cells use the
// computed results; every other reference, and every prev and lastyear,
// reads in (which may be nil: all blank). Evaluate on a nil Program
// returns nil.
func (p *Program) Evaluate(in Values) map[Cell]Result {
	if p == nil {
		return nil
	}
	n := len(p.slots)
	nf := len(p.cells)
	e := evaluator{vals: make([]float64, n), st: make([]uint8, n)}
	if in != nil {
		for s := nf; s < n; s++ {
			k := p.slots[s]
			v, ok := in.Value(k.cell, k.period)
			switch {
			case !ok:
			case !finite(v):
				e.setErr(int32(s), int32(s), reasonBadInput)
			default:
				e.vals[s], e.st[s] = v, slotValue
			}
		}
	}
	out := make(map[Cell]Result, nf)
	for _, f := range p.order {
		e.fail = false
		v, st := e.eval(p.roots[f])
		var r Result
		switch {
		case e.fail && e.failFrom < 0:
			e.setErr(f, f, e.failReason)
			r.Err = "Không tính được: " + e.failReason
		case e.fail:
			se := e.errs[e.failFrom]
			e.setErr(f, se.root, se.reason)
			r.Err = "Không tính được: ô " + p.slots[se.root].String() + " có lỗi (" + se.reason + ")"
		case st == stBlank:
			// blank
		case !finite(v):
			e.setErr(f, f, reasonOverflow)
			r.Err = "Không tính được: " + reasonOverflow
		default:
			if v == 0 {
				v = 0 // no -0
			}
			e.vals[f], e.st[f] = v, slotValue
			r = Result{Value: v, OK: true}
		}
		out[p.cells[f]] = r
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// eval computes n. After a failure (e.fail) the value is meaningless.
func (e *evaluator) eval(n *node) (float64, state) {
	if e.fail {
		return 0, stVal
	}
	switch n.op {
	case opNum:
		return n.num, stConst
	case opRef:
		switch e.st[n.slot] {
		case slotValue:
			return e.vals[n.slot], stVal
		case slotError:
			e.failSlot(n.slot)
			return 0, stVal
		}
		return 0, stBlank
	case opNeg:
		v, s := e.eval(n.kids[0])
		return -v, s
	case opNot:
		v, s := e.eval(n.kids[0])
		return b2f(v == 0), s
	case opAdd:
		var sum float64
		st := stConst
		for i, k := range n.kids {
			v, s := e.eval(k)
			st = max(st, s)
			if n.inv[i] {
				sum -= v
			} else {
				sum += v
			}
		}
		return e.check(sum, st)
	case opMul:
		prod, st := e.eval(n.kids[0])
		divZero := false
		for i, k := range n.kids[1:] {
			v, s := e.eval(k)
			st = max(st, s)
			switch {
			case !n.inv[i+1]:
				prod *= v
			case v == 0:
				divZero = true
			default:
				prod /= v
			}
		}
		if divZero {
			if st == stBlank {
				return 0, stBlank
			}
			e.failDirect(reasonDivZero)
			return 0, stVal
		}
		return e.check(prod, st)
	case opCmp:
		a, sa := e.eval(n.kids[0])
		b, sb := e.eval(n.kids[1])
		c := compare(a, b)
		var r bool
		switch n.cmp {
		case cmpLT:
			r = c < 0
		case cmpLE:
			r = c <= 0
		case cmpGT:
			r = c > 0
		case cmpGE:
			r = c >= 0
		case cmpEQ:
			r = c == 0
		default:
			r = c != 0
		}
		return b2f(r), max(sa, sb)
	case opAnd, opOr:
		st := stConst
		for _, k := range n.kids {
			v, s := e.eval(k)
			st = max(st, s)
			if (v != 0) == (n.op == opOr) { // decided: false for AND, true for OR
				return b2f(n.op == opOr), st
			}
		}
		return b2f(n.op == opAnd), st
	case opIf:
		c, cs := e.eval(n.kids[0])
		if cs == stBlank {
			return 0, stBlank
		}
		k := n.kids[2]
		if c != 0 {
			k = n.kids[1]
		}
		v, s := e.eval(k)
		return v, max(cs, s)
	case opSum, opMin, opMax, opAvg:
		return e.aggregate(n)
	case opRound:
		x, sx := e.eval(n.kids[0])
		d, sd := e.eval(n.kids[1])
		return e.check(roundHalfAway(x, d), max(sx, sd))
	case opAbs:
		v, s := e.eval(n.kids[0])
		return math.Abs(v), s
	}
	panic("formula: unexpected node in evaluation") // unreachable: Compile binds every node
}

// check turns an overflow into an error.
func (e *evaluator) check(v float64, st state) (float64, state) {
	if finite(v) {
		return v, st
	}
	e.failDirect(reasonOverflow)
	return 0, stVal
}

// aggregate computes SUM, MIN, MAX and AVG, skipping blank arguments.
func (e *evaluator) aggregate(n *node) (float64, state) {
	st := stConst
	var acc float64
	count := 0
	for _, k := range n.kids {
		v, s := e.eval(k)
		st = max(st, s)
		if s == stBlank {
			continue
		}
		switch {
		case count == 0:
			acc = v
		case n.op == opMin:
			acc = min(acc, v)
		case n.op == opMax:
			acc = max(acc, v)
		default:
			acc += v
		}
		count++
	}
	if count == 0 {
		return 0, st
	}
	if n.op == opAvg {
		acc /= float64(count)
	}
	return e.check(acc, st)
}

// compare orders a and b, taking values within a relative 1e-9 as equal
// so that 0.1 + 0.2 = 0.3.
func compare(a, b float64) int {
	if a == b || math.Abs(a-b) <= 1e-9*max(math.Abs(a), math.Abs(b)) {
		return 0
	}
	if a < b {
		return -1
	}
	return 1
}

// roundHalfAway rounds x to d decimals (d truncated to an integer, may be
// negative), halves away from zero. It rounds the shortest decimal form of
// x, so ROUND(2.675, 2) is 2.68 as written, not 2.67 as stored in binary.
func roundHalfAway(x, d float64) float64 {
	if x == 0 || !finite(x) || math.IsNaN(d) {
		return x
	}
	d = math.Trunc(max(-400, min(400, d)))
	n := int(d)
	neg := x < 0
	s := strconv.FormatFloat(math.Abs(x), 'e', -1, 64) // d.ddde±xx
	ePos := strings.IndexByte(s, 'e')
	exp, _ := strconv.Atoi(s[ePos+1:])
	digits := strings.Replace(s[:ePos], ".", "", 1)
	// x = 0.digits × 10^(exp+1); keep k digits.
	k := exp + 1 + n
	if k >= len(digits) {
		return x
	}
	if k < 0 {
		return 0
	}
	kept := []byte(digits[:k])
	if digits[k] >= '5' {
		i := k - 1
		for ; i >= 0 && kept[i] == '9'; i-- {
			kept[i] = '0'
		}
		if i >= 0 {
			kept[i]++
		} else {
			kept = append([]byte{'1'}, kept...)
		}
	}
	if len(kept) == 0 {
		return 0
	}
	v, err := strconv.ParseFloat(string(kept)+"e"+strconv.Itoa(exp+1-k), 64)
	if err != nil && !math.IsInf(v, 0) {
		return x
	}
	if neg {
		v = -v
	}
	if v == 0 {
		return 0
	}
	return v
}
