// Package formula is the small formula language of report-form cells
// (công thức ô của biểu mẫu số liệu).
//
// A form (sheet) has rows identified by keys such as "r12", "gdp" or
// "thu_ngan_sach", arranged in a tree, and columns identified by number
// codes 1..n, printed on paper as (1), (2) … A cell formula computes one
// cell from other cells. The language has no loops, no user functions and
// no recursion beyond expression nesting, and every formula is bounded in
// size, so running it is always cheap and always terminates.
//
// # Language
//
// Keywords and function names are case-insensitive; spaces are free. A
// leading "=" (a habit from spreadsheets) is allowed and ignored.
//
//	12   3.5   1e3        numbers, with a decimal point (never a comma)
//	c3                    column 3 of the current row
//	(3)                   also column 3, as paper forms write (3) = (1) + (2);
//	                      a parenthesised whole number is ALWAYS a column
//	r12.c3                row r12, column 3
//	prev(c5)              the same cell in the previous period's report,
//	prev(r12.c5)          e.g. year to date: prev(c4) + c3
//	lastyear(c3)          the same cell in the same period last year,
//	                      e.g. growth: c3 / lastyear(c3) * 100
//	+ - * /  ( )          arithmetic with the usual precedence, unary minus
//	< <= > >= = <>        comparisons: 1 when true, 0 when false; = and <>
//	                      tolerate a relative difference of 1e-9
//	AND  OR  NOT          logic: 0 is false, anything else true
//	SUM(args…)            sum; an argument is an expression, a column range
//	                      of the current row c1:c4, a row range of one
//	                      column r1.c3:r9.c3 (rows in sheet order,
//	                      inclusive), or children: the same column of every
//	                      child row of the current row, SUM(children)
//	MIN, MAX, AVG         like SUM
//	IF(cond, a, b)        a when cond is true (not 0), else b
//	ROUND(x, n)           x rounded to n decimals, halves away from zero
//	                      (n may be negative: ROUND(1250, -2) = 1300)
//	ABS(x)                absolute value
//
// Precedence, loosest first: OR; AND; NOT; comparisons (not chainable:
// write a < b AND b < c); + and -; * and /; unary minus.
//
// A row key that looks like a keyword still works when written with its
// column (if.c3, children.c2); "c3" alone is always a column of the current
// row, never a row called c3. Arguments may also be separated with ";" as in
// spreadsheets with Vietnamese settings.
//
// # Blank cells
//
// An input cell may be blank. SUM, MIN, MAX and AVG skip blanks. In other
// operations a blank counts as 0, but a part of a formula whose cells are
// all blank stays blank (constants do not count: blank * 100 is blank), so
// a formula over an untouched row gives a blank result while c1 + c2 with
// c1 = 5 and c2 blank is 5. IF with a blank condition is blank (so a
// growth rate over last year stays blank when last year was not reported).
// Dividing by zero (by a plan of 0, or by a blank plan when the rest has a
// value) makes that result an error, never a number; so does overflow, and
// so does reading a formula cell whose result is an error.
//
// # Limits and checks
//
// A formula is at most 1,000 bytes long, nests parentheses, functions and
// unary operators at most 32 deep, and has at most 500 nodes after ranges
// and children are expanded. Compile rejects formulas with syntax errors,
// unknown rows or columns, cycles between cells, a divisor that is the
// constant 0, and prev/lastyear of anything but one cell; the messages are
// in Vietnamese (see HelpVI for the summary shown to template designers).
package formula

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"baocao/internal/decimal"
)

// HelpVI is the summary of the formula language shown to template designers.
const HelpVI = `CÔNG THỨC TÍNH Ô TRONG BIỂU MẪU

Công thức tính giá trị một ô từ các ô khác. Không phân biệt chữ hoa, chữ
thường; dấu cách tùy ý; có thể bắt đầu bằng dấu = hoặc không.

Số: 12   3.5   1e3 (= 1000). Dùng dấu chấm cho phần thập phân, không dùng
dấu phẩy (dấu phẩy để ngăn cách đối số của hàm).

Tham chiếu ô
  c3              cột 3 của hàng đang tính
  (3)             cũng là cột 3, như trên biểu giấy: (3) = (1) + (2).
                  Chú ý: số nguyên đặt trong ngoặc luôn là cột, không phải số.
  r12.c3          cột 3 của hàng có mã r12
  prev(c5)        ô c5 trong báo cáo kỳ trước; lũy kế: prev(c4) + c3
  prev(r12.c5)    ô r12.c5 kỳ trước
  lastyear(c3)    ô c3 cùng kỳ năm trước; so cùng kỳ (%):
                  IF(lastyear(c3) = 0, 0, c3 / lastyear(c3) * 100)

Phép tính
  + - * /  và ngoặc ( )         nhân, chia trước; cộng, trừ sau
  < <= > >= = <>               so sánh (<> là khác); đúng = 1, sai = 0
  AND  OR  NOT                 và, hoặc, phủ định

Hàm (các đối số ngăn cách bằng dấu phẩy, hoặc dấu chấm phẩy như Excel)
  SUM(...)        tổng:  SUM(c1:c4)   SUM(r1.c3:r9.c3)   SUM(children)
                  SUM(c1, c2, r5.c3)
  MIN, MAX, AVG   nhỏ nhất, lớn nhất, trung bình; đối số như SUM
  IF(đk, a, b)    a nếu điều kiện đúng, ngược lại b:  IF(c1 > 0, c2 / c1 * 100, 0)
  ROUND(x, n)     làm tròn x đến n chữ số thập phân (từ 5 làm tròn lên):
                  ROUND(c4 / c1 * 100, 1)
  ABS(x)          giá trị tuyệt đối

Phạm vi (chỉ dùng trong SUM, MIN, MAX, AVG)
  c1:c4           các cột từ 1 đến 4 của hàng đang tính
  r1.c3:r9.c3     cột 3 của các hàng từ r1 đến r9 theo thứ tự trên biểu
  children        cùng cột của mọi hàng con của hàng đang tính

Ô trống
  SUM, MIN, MAX, AVG bỏ qua ô trống. Trong phép tính, ô trống được coi là 0
  nếu công thức có ít nhất một ô đã có số; nếu mọi ô đều trống thì kết quả
  cũng để trống (5 + ô trống = 5; hàng chưa nhập thì vẫn trống).
  IF có điều kiện trống cho kết quả trống. Chia cho 0 (ví dụ kế hoạch bằng
  0 hoặc chưa nhập) báo lỗi "Không tính được: chia cho 0".

Giới hạn
  Công thức dài tối đa 1000 byte, lồng tối đa 32 tầng ngoặc/hàm, tối đa 500
  phần tử sau khi khai triển phạm vi. Không được tham chiếu vòng (ô A dùng
  ô B, ô B lại dùng ô A), không chia cho hằng số 0.
`

// Limits on one formula.
const (
	MaxLen   = 1000 // bytes of formula text
	MaxDepth = 32   // nesting of parentheses, function calls and unary operators
	MaxNodes = 500  // syntax-tree nodes after expanding ranges and children
)

// Cell names one cell of a sheet. Col is the column code as a string, e.g. "3".
type Cell struct{ Row, Col string }

// String writes the cell as in formulas: r12.c3.
func (c Cell) String() string { return c.Row + ".c" + c.Col }

// Sheet is the layout of a form that formulas refer to.
type Sheet interface {
	Rows() []string               // row keys in sheet order
	Cols() []string               // column codes in order
	Children(row string) []string // child row keys in order
}

// Problem is a reason a set of formulas does not compile.
type Problem struct {
	Cell    Cell   // the cell whose formula is wrong
	Message string // in Vietnamese, starting "Công thức ô r12.c3: "
	Pos     int    // 1-based character (not byte) position in the formula, 0 when none
}

// Period selects which report a value comes from.
type Period int

// The periods a formula can read.
const (
	Current  Period = iota // this report
	Previous               // the previous period's report: prev(…)
	LastYear               // the same period last year: lastyear(…)
)

// Values supplies input cells. Value reports false when the cell is blank.
type Values interface {
	Value(c Cell, p Period) (decimal.Decimal, bool)
}

// Result is the value of one formula cell. OK false with an empty Err means
// blank (all the inputs it depends on are blank); Err, in Vietnamese,
// explains why the value cannot be computed, e.g. "Không tính được: chia cho 0".
type Result struct {
	Value decimal.Decimal
	OK    bool
	Err   string
}

// Program is a compiled set of formulas of one sheet. It is immutable and
// safe for concurrent use.
type Program struct {
	cells []Cell   // formula cells, sorted in sheet order; slot i is cells[i]
	roots []*node  // bound formula of cells[i]
	deps  [][]Cell // current-period cells cells[i] reads, in order of first use
	index map[Cell]int
	order []int32   // evaluation order, as indexes into cells
	slots []slotKey // every value a program reads; the first len(cells) are the formula cells
}

type slotKey struct {
	cell   Cell
	period Period
}

func (k slotKey) String() string {
	switch k.period {
	case Previous:
		return k.cell.String() + " kỳ trước"
	case LastYear:
		return k.cell.String() + " cùng kỳ năm trước"
	}
	return k.cell.String()
}

// Order returns the formula cells in evaluation order: every cell comes
// after the formula cells it reads.
func (p *Program) Order() []Cell {
	if p == nil {
		return nil
	}
	out := make([]Cell, len(p.order))
	for i, f := range p.order {
		out[i] = p.cells[f]
	}
	return out
}

// Deps returns the current-period cells that the formula of c reads, input
// and formula cells alike, after expanding ranges and children, each once,
// in order of first use. It is nil when c has no formula.
func (p *Program) Deps(c Cell) []Cell {
	if p == nil {
		return nil
	}
	i, ok := p.index[c]
	if !ok {
		return nil
	}
	return slices.Clone(p.deps[i])
}

// Compile parses every formula (keyed by the cell it computes), binds
// current-row references, expands ranges and children, and checks syntax,
// unknown rows and columns, cycles, constant division by zero, prev and
// lastyear of anything but a cell, and the limits. Formulas that are empty
// or only spaces are ignored: such a cell is an input. When there is any
// problem the Program is nil; problems come in sheet order of their cells.
func Compile(sheet Sheet, formulas map[Cell]string) (*Program, []Problem) {
	c := newCompiler(sheet)
	return c.compile(formulas)
}

func problemf(cell Cell, pos int, format string, args ...any) Problem {
	return Problem{Cell: cell, Pos: pos, Message: "Công thức ô " + cell.String() + ": " + fmt.Sprintf(format, args...)}
}

// runePos converts a byte offset in src to a 1-based character position.
func runePos(src string, off int) int {
	if off > len(src) {
		off = len(src)
	}
	return utf8.RuneCountInString(src[:off]) + 1
}

// normCol turns the digits of a column reference into a column code
// without leading zeros ("03" → "3"); it reports false for non-digits.
func normCol(s string) (string, bool) {
	if s == "" {
		return "", false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", false
		}
	}
	t := strings.TrimLeft(s, "0")
	if t == "" {
		t = "0"
	}
	return t, true
}

// ReadsEarlier reports whether some formula reads the previous period or
// the same period last year (prev, lastyear), so that a caller fetches
// those periods only when they count.
func (p *Program) ReadsEarlier() bool {
	if p == nil {
		return false
	}
	for _, s := range p.slots {
		if s.period != Current {
			return true
		}
	}
	return false
}
