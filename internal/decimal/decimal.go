// Package decimal is the one number model of baocao (SPEC §3, "numbers are
// exact"): a figure is an exact decimal from the keyboard to PostgreSQL's
// numeric and back. It holds the one parser of what officials type (Parse),
// the one reader of machine text (ParseCanonical: PostgreSQL, JSON, xlsx),
// and the one formatter of what they read (Format, 1.234,5).
//
// The arithmetic is github.com/cockroachdb/apd/v3, the General Decimal
// Arithmetic behind CockroachDB's DECIMAL: every operation takes an explicit
// context (precision, rounding, traps) instead of shopspring/decimal's
// package-wide DivisionPrecision, and small coefficients live inline, so a
// sum over thousands of cells does not allocate for each addition.
package decimal

import (
	"encoding/json"
	"errors"
	"strings"

	"github.com/cockroachdb/apd/v3"
)

// MaxDigits is the most digits a typed or uploaded figure may have, as many
// as a spreadsheet keeps (Excel's 15 significant digits).
const MaxDigits = 15

// Decimal is an exact decimal number. The zero value is 0. Values are
// immutable: every operation returns a new one, so they may be copied and
// shared freely.
type Decimal struct {
	d apd.Decimal
}

// Arithmetic context of computed values: 34 significant digits (decimal128)
// for quotients, halves away from zero, and an exponent range far beyond
// any figure so that overflow is an error rather than a silent infinity.
var ctx = apd.Context{
	Precision:   34,
	MaxExponent: 200,
	MinExponent: -200,
	Rounding:    apd.RoundHalfUp,
	Traps:       apd.InvalidOperation,
}

// Zero is 0.
var Zero Decimal

// FromInt returns n.
func FromInt(n int64) Decimal {
	var r Decimal
	r.d.SetInt64(n)
	return r
}

// New returns coefficient × 10^exponent, e.g. New(12345, -1) is 1234,5.
func New(coefficient int64, exponent int32) Decimal {
	var r Decimal
	r.d.SetFinite(coefficient, exponent)
	return r.reduced()
}

// MustParse reads canonical text and panics on error: for constants in code
// and tests.
func MustParse(s string) Decimal {
	d, err := ParseCanonical(s)
	if err != nil {
		panic(err)
	}
	return d
}

// ParseCanonical reads a number written by a machine: PostgreSQL's
// numeric::text, a JSON number, the value of a spreadsheet cell ("1234.5",
// "-0.25", "1.5E-7"). A decimal point, no grouping.
func ParseCanonical(s string) (Decimal, error) {
	if r, ok := parseShort(s); ok {
		return r, nil
	}
	return parseGeneral(s)
}

func parseGeneral(s string) (Decimal, error) {
	var r Decimal
	if s == "" || strings.ContainsAny(s, " _,") {
		return r, errors.New("decimal: not a number: " + quote(s))
	}
	if _, _, err := r.d.SetString(s); err != nil {
		return Decimal{}, errors.New("decimal: not a number: " + quote(s))
	}
	if r.d.Form != apd.Finite {
		return Decimal{}, errors.New("decimal: not a finite number: " + quote(s))
	}
	if r.d.Exponent > 150 || r.d.Exponent < -150 || r.d.NumDigits() > 120 {
		return Decimal{}, errors.New("decimal: out of range: " + quote(s))
	}
	return r.reduced(), nil
}

// parseShort reads the figures PostgreSQL prints for nearly every cell,
// "-1234.50" with at most 18 digits, without apd's general parser (a page
// reads 29.000 of them): the same reduced value ParseCanonical gives, or
// ok false for anything else.
func parseShort(s string) (r Decimal, ok bool) {
	i, neg := 0, false
	if len(s) > 0 && s[0] == '-' {
		i, neg = 1, true
	}
	var coef uint64
	var exp int32
	digits, point := 0, false
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			coef = coef*10 + uint64(c-'0')
			digits++
			if point {
				exp--
			}
		case c == '.' && !point && digits > 0:
			point = true
		default:
			return Decimal{}, false
		}
	}
	if digits == 0 || digits > 18 || s[len(s)-1] == '.' {
		return Decimal{}, false
	}
	if coef == 0 {
		return Decimal{}, true // zero has one representation: no sign, exponent 0
	}
	for coef%10 == 0 { // reduced: 25.70 is 257E-1, 100 is 1E+2
		coef /= 10
		exp++
	}
	x := int64(coef)
	if neg {
		x = -x
	}
	r.d.SetFinite(x, exp)
	return r, true
}

func quote(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return `"` + s + `"`
}

// reduced drops trailing zeros (25,70 is 25,7) and the sign of zero, so that
// equal numbers have one representation.
func (x Decimal) reduced() Decimal {
	var r Decimal
	r.d.Reduce(&x.d)
	if r.d.IsZero() {
		r.d.Negative = false
		r.d.Exponent = 0
	}
	return r
}

// String writes x canonically: a decimal point, no grouping, no exponent,
// no trailing zeros ("1234.5", "-0.25"). PostgreSQL reads it as numeric.
func (x Decimal) String() string {
	return x.d.Text('f')
}

// Cmp compares x and y: -1, 0 or +1.
func (x Decimal) Cmp(y Decimal) int { return x.d.Cmp(&y.d) }

// Equal reports whether x and y are the same number.
func (x Decimal) Equal(y Decimal) bool { return x.d.Cmp(&y.d) == 0 }

// Sign returns -1, 0 or +1.
func (x Decimal) Sign() int { return x.d.Sign() }

// IsZero reports whether x is 0.
func (x Decimal) IsZero() bool { return x.d.IsZero() }

// IsInteger reports whether x has no fractional part.
func (x Decimal) IsInteger() bool {
	r := x.reduced()
	return r.d.Exponent >= 0
}

// Decimals is the number of digits after the decimal point (0 for 12, 2 for
// 0,25).
func (x Decimal) Decimals() int {
	r := x.reduced()
	if r.d.Exponent >= 0 {
		return 0
	}
	return int(-r.d.Exponent)
}

// Positions is how many digit positions x needs: its integer digits and
// its decimals (5 for 1.234,5; 2 for 0,05; 27 for 0,000…001 with 27 places);
// the limit MaxDigits applies to it.
func (x Decimal) Positions() int {
	r := x.reduced()
	n, exp := int(r.d.NumDigits()), int(r.d.Exponent)
	if exp >= 0 {
		return n + exp
	}
	return max(n+exp, 0) + -exp
}

// Digits is the number of significant digits: 5 for 1.234,5, 1 for
// 0,05, 1 for 0.
func (x Decimal) Digits() int {
	r := x.reduced()
	n := int(r.d.NumDigits())
	if r.d.Exponent > 0 {
		n += int(r.d.Exponent)
	}
	return max(n, 1)
}

// Finite reports whether x is a number (not an overflow or an undefined
// result).
func (x Decimal) Finite() bool { return x.d.Form == apd.Finite }

// Result of an operation: the value, or ok false when it overflowed or is
// undefined (0/0 is reported by the caller, which knows what it means).
func result(r Decimal, cond apd.Condition, err error) (Decimal, bool) {
	if err != nil || r.d.Form != apd.Finite || cond.Overflow() {
		return Decimal{}, false
	}
	return r.reduced(), true
}

// Add returns x + y.
func (x Decimal) Add(y Decimal) (Decimal, bool) {
	var r Decimal
	c, err := ctx.Add(&r.d, &x.d, &y.d)
	return result(r, c, err)
}

// Sub returns x − y.
func (x Decimal) Sub(y Decimal) (Decimal, bool) {
	var r Decimal
	c, err := ctx.Sub(&r.d, &x.d, &y.d)
	return result(r, c, err)
}

// Mul returns x × y.
func (x Decimal) Mul(y Decimal) (Decimal, bool) {
	var r Decimal
	c, err := ctx.Mul(&r.d, &x.d, &y.d)
	return result(r, c, err)
}

// Quo returns x ÷ y to 34 significant digits; ok is false when y is 0.
func (x Decimal) Quo(y Decimal) (Decimal, bool) {
	if y.IsZero() {
		return Decimal{}, false
	}
	var r Decimal
	c, err := ctx.Quo(&r.d, &x.d, &y.d)
	return result(r, c, err)
}

// Neg returns −x.
func (x Decimal) Neg() Decimal {
	var r Decimal
	r.d.Neg(&x.d)
	return r.reduced()
}

// Abs returns |x|.
func (x Decimal) Abs() Decimal {
	var r Decimal
	r.d.Abs(&x.d)
	return r
}

// Round rounds x to n decimals (n may be negative: tens, hundreds), halves
// away from zero: Round(2,675; 2) is 2,68.
func (x Decimal) Round(n int) Decimal {
	n = max(-100, min(100, n))
	if x.Decimals() <= n {
		return x
	}
	var r Decimal
	if _, err := ctx.Quantize(&r.d, &x.d, int32(-n)); err != nil || r.d.Form != apd.Finite {
		return x
	}
	return r.reduced()
}

// RoundDigits rounds x to n significant digits, as a spreadsheet keeps 15.
func (x Decimal) RoundDigits(n int) Decimal {
	if x.IsZero() || x.d.NumDigits() <= int64(n) {
		return x
	}
	c := ctx
	c.Precision = uint32(n)
	var r Decimal
	if _, err := c.Round(&r.d, &x.d); err != nil {
		return x
	}
	return r.reduced()
}

// Int64 returns x as an integer, and false when it has a fractional part or
// does not fit.
func (x Decimal) Int64() (int64, bool) {
	if !x.IsInteger() {
		return 0, false
	}
	r := x.reduced()
	n, err := r.d.Int64()
	return n, err == nil
}

// Float64 returns the nearest float64, for charts and coordinates only:
// never for a value that is stored, compared or shown as a figure.
func (x Decimal) Float64() float64 {
	// Exact coefficient and power of ten as float64s: one correctly
	// rounded operation (apd's own way formats and parses text).
	if x.d.Form == apd.Finite && x.d.Coeff.IsUint64() && x.d.Exponent >= -22 && x.d.Exponent <= 22 {
		if c := x.d.Coeff.Uint64(); c < 1<<53 {
			f := float64(c)
			if x.d.Exponent < 0 {
				f /= pow10[-x.d.Exponent]
			} else {
				f *= pow10[x.d.Exponent]
			}
			if x.d.Negative {
				f = -f
			}
			return f
		}
	}
	f, _ := x.d.Float64()
	return f
}

// pow10 are the powers of ten a float64 holds exactly.
var pow10 = [23]float64{1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22}

// MarshalJSON writes x as a JSON number with its exact digits.
func (x Decimal) MarshalJSON() ([]byte, error) { return []byte(x.String()), nil }

// UnmarshalJSON reads a JSON number (or a string holding one) exactly.
func (x *Decimal) UnmarshalJSON(b []byte) error {
	s := string(b)
	if strings.HasPrefix(s, `"`) {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	}
	d, err := ParseCanonical(s)
	if err != nil {
		return err
	}
	*x = d
	return nil
}

// Scan reads a PostgreSQL numeric sent as text (cast num::text in the query).
func (x *Decimal) Scan(src any) error {
	switch v := src.(type) {
	case string:
		d, err := ParseCanonical(v)
		*x = d
		return err
	case []byte:
		d, err := ParseCanonical(string(v))
		*x = d
		return err
	}
	return errors.New("decimal: cannot scan a value of this type; cast it to text")
}
