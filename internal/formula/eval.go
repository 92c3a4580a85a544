package formula

import (
	"iter"
	"strconv"
	"strings"

	"baocao/internal/decimal"
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
)

type slotErr struct {
	root   int32 // the slot where the error started
	reason string
}

type evaluator struct {
	vals []decimal.Decimal
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
// result of each, exactly (quotients to 34 significant digits). Current-
// period references to formula cells use the computed results; every other
// reference, and every prev and lastyear, reads in (which may be nil: all
// blank). Evaluate on a nil Program returns nil.
func (p *Program) Evaluate(in Values) map[Cell]Result {
	if p == nil {
		return nil
	}
	out := make(map[Cell]Result, len(p.cells))
	for cell, r := range p.Results(in) {
		out[cell] = r
	}
	return out
}

// Results is Evaluate giving each result in turn, in dependency order,
// without the map: an autosave of the 1.228-cell form reads each once.
func (p *Program) Results(in Values) iter.Seq2[Cell, Result] {
	return func(yield func(Cell, Result) bool) {
		if p == nil {
			return
		}
		n := len(p.slots)
		nf := len(p.cells)
		e := evaluator{vals: make([]decimal.Decimal, n), st: make([]uint8, n)}
		if in != nil {
			for s := nf; s < n; s++ {
				k := p.slots[s]
				if v, ok := in.Value(k.cell, k.period); ok {
					e.vals[s], e.st[s] = v, slotValue
				}
			}
		}
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
			default:
				e.vals[f], e.st[f] = v, slotValue
				r = Result{Value: v, OK: true}
			}
			if !yield(p.cells[f], r) {
				return
			}
		}
	}
}

var one = decimal.FromInt(1)

// comparedDigits is how many significant digits comparisons look at.
const comparedDigits = 28

func truth(b bool) decimal.Decimal {
	if b {
		return one
	}
	return decimal.Zero
}

// eval computes n. After a failure (e.fail) the value is meaningless.
func (e *evaluator) eval(n *node) (decimal.Decimal, state) {
	if e.fail {
		return decimal.Zero, stVal
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
			return decimal.Zero, stVal
		}
		return decimal.Zero, stBlank
	case opNeg:
		v, s := e.eval(n.kids[0])
		return v.Neg(), s
	case opNot:
		v, s := e.eval(n.kids[0])
		return truth(v.IsZero()), s
	case opAdd:
		sum := decimal.Zero
		st := stConst
		for i, k := range n.kids {
			v, s := e.eval(k)
			st = max(st, s)
			ok := true
			if n.inv[i] {
				sum, ok = sum.Sub(v)
			} else {
				sum, ok = sum.Add(v)
			}
			if !ok {
				return e.overflow()
			}
		}
		return sum, st
	case opMul:
		prod, st := e.eval(n.kids[0])
		divZero := false
		for i, k := range n.kids[1:] {
			v, s := e.eval(k)
			st = max(st, s)
			ok := true
			switch {
			case !n.inv[i+1]:
				prod, ok = prod.Mul(v)
			case v.IsZero():
				divZero = true
			default:
				prod, ok = prod.Quo(v)
			}
			if !ok {
				return e.overflow()
			}
		}
		if divZero {
			if st == stBlank {
				return decimal.Zero, stBlank
			}
			e.failDirect(reasonDivZero)
			return decimal.Zero, stVal
		}
		return prod, st
	case opCmp:
		a, sa := e.eval(n.kids[0])
		b, sb := e.eval(n.kids[1])
		// Compared to 28 significant digits: quotients carry 34, so that
		// 100/3 + 100/3 + 100/3 (99,999…9) equals 100 as every sheet shows.
		c := a.RoundDigits(comparedDigits).Cmp(b.RoundDigits(comparedDigits))
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
		return truth(r), max(sa, sb)
	case opAnd, opOr:
		st := stConst
		for _, k := range n.kids {
			v, s := e.eval(k)
			st = max(st, s)
			if !v.IsZero() == (n.op == opOr) { // decided: false for AND, true for OR
				return truth(n.op == opOr), st
			}
		}
		return truth(n.op == opAnd), st
	case opIf:
		c, cs := e.eval(n.kids[0])
		if cs == stBlank {
			return decimal.Zero, stBlank
		}
		k := n.kids[2]
		if !c.IsZero() {
			k = n.kids[1]
		}
		v, s := e.eval(k)
		return v, max(cs, s)
	case opSum, opMin, opMax, opAvg:
		return e.aggregate(n)
	case opRound:
		x, sx := e.eval(n.kids[0])
		d, sd := e.eval(n.kids[1])
		return x.Round(places(d)), max(sx, sd)
	case opAbs:
		v, s := e.eval(n.kids[0])
		return v.Abs(), s
	}
	panic("formula: unexpected node in evaluation") // unreachable: Compile binds every node
}

// overflow fails the formula with a result too large to hold.
func (e *evaluator) overflow() (decimal.Decimal, state) {
	e.failDirect(reasonOverflow)
	return decimal.Zero, stVal
}

// places is ROUND's number of decimals: truncated to an integer, within
// ±100.
func places(d decimal.Decimal) int {
	whole, _, _ := strings.Cut(d.String(), ".")
	n, err := strconv.Atoi(whole)
	if err != nil || n > 100 {
		if strings.HasPrefix(whole, "-") {
			return -100
		}
		return 100
	}
	return max(n, -100)
}

// aggregate computes SUM, MIN, MAX and AVG, skipping blank arguments.
func (e *evaluator) aggregate(n *node) (decimal.Decimal, state) {
	st := stConst
	acc := decimal.Zero
	count := 0
	for _, k := range n.kids {
		v, s := e.eval(k)
		st = max(st, s)
		if s == stBlank {
			continue
		}
		ok := true
		switch {
		case count == 0:
			acc = v
		case n.op == opMin:
			if v.Cmp(acc) < 0 {
				acc = v
			}
		case n.op == opMax:
			if v.Cmp(acc) > 0 {
				acc = v
			}
		default:
			acc, ok = acc.Add(v)
		}
		if !ok {
			return e.overflow()
		}
		count++
	}
	if count == 0 {
		return decimal.Zero, st
	}
	if n.op == opAvg {
		var ok bool
		if acc, ok = acc.Quo(decimal.FromInt(int64(count))); !ok {
			return e.overflow()
		}
	}
	return acc, st
}
