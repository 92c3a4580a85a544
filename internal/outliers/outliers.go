// Package outliers flags a typed figure that is far from the unit's own
// history: robust rules (median and median absolute deviation of the
// previous periods, the change from one period to the next, the ratio to
// the same period last year) that adapt to how much a series varies, so
// that zero-heavy and skewed columns do not cry wolf. The scores are
// statistics for a warning, computed in float64; no figure is changed or
// stored from them.
package outliers

import (
	"math"
	"slices"

	"baocao/internal/decimal"
	"baocao/internal/vn"
)

// Kind is how a column's figures behave; the designer may choose it per
// column (forms.Column.Outlier), the default follows the column's type.
type Kind string

const (
	Count   Kind = "count"   // counts: people, cases, records
	Money   Kind = "money"   // amounts: skewed, may be large
	Percent Kind = "percent" // rates and shares
	Off     Kind = "off"     // never checked
)

// Kinds lists the choices of the designer, with their Vietnamese labels.
var Kinds = []struct {
	Kind  Kind
	Label string
}{
	{"", "Theo kiểu cột (mặc định)"},
	{Count, "Số đếm (người, ca, lượt)"},
	{Money, "Số tiền, giá trị"},
	{Percent, "Tỷ lệ (%)"},
	{Off, "Không kiểm tra"},
}

// Valid reports whether k is a kind the designer may choose ("" is the default).
func Valid(k Kind) bool {
	for _, c := range Kinds {
		if c.Kind == k {
			return true
		}
	}
	return false
}

// History is what a unit reported in one cell before: the previous
// periods, oldest first (at most a couple of years), and the same period
// last year when there was one.
type History struct {
	Previous []decimal.Decimal
	LastYear *decimal.Decimal
	Yearly   int // periods in a year (12 for monthly reports), 0 when not periodic
}

// Flag is a figure that looks wrong, with the reason in words.
type Flag struct {
	Reason string
	Score  float64 // how far, in robust deviations (for ordering)
}

// Parameters of the rules; Measure reports how they do.
const (
	minHistory = 6   // fewer previous periods: nothing is judged
	threshold  = 4.0 // robust deviations beyond which a figure is flagged
	// A figure must also differ by at least this share of what was
	// expected: a very steady series does not flag an ordinary 10 %.
	minRelative = 0.25
)

// Check judges x against h for a column of kind k; ok is false when x is
// unremarkable or there is too little history.
func Check(k Kind, x decimal.Decimal, h History) (Flag, bool) {
	if k == Off || len(h.Previous) < minHistory {
		return Flag{}, false
	}
	prev := make([]float64, len(h.Previous))
	nonNegative := true
	for i, p := range h.Previous {
		prev[i] = p.Float64()
		nonNegative = nonNegative && prev[i] >= 0
	}
	v := x.Float64()
	if v < 0 && nonNegative {
		return Flag{Reason: "là số âm, trong khi các kỳ trước đều không âm", Score: 100}, true
	}
	if k == Percent && v > 100 && slices.Max(prev) <= 100 {
		return Flag{Reason: "vượt 100%, trong khi các kỳ trước đều không quá 100%", Score: 100}, true
	}
	if v < 0 || !nonNegative {
		return Flag{}, false // series that go negative are not judged by ratios
	}
	if k == Count && !x.IsInteger() {
		return Flag{Reason: "không phải số nguyên, trong khi cột này đếm (người, ca, lượt)", Score: 100}, true
	}
	if k == Count && median(prev) < 5 && (h.LastYear == nil || dispersion(prev) < 3) {
		return rareCount(x, v, prev, h)
	}
	offset := offsetOf(k, prev)
	logs := make([]float64, len(prev))
	for i, p := range prev {
		logs[i] = math.Log(p + offset)
	}
	ms := expectations(logs, h, offset)
	// The model that explained the unit's past best judges the figure,
	// with every model about as good (a spread within consensus times
	// the best's): a figure is flagged only when all of them find it far.
	// Choosing the best of a few spreads measured on a handful of periods
	// favours one that looks steadier than the series is by chance;
	// asking the others too keeps that chance from flagging ordinary
	// figures.
	best := ms[0]
	for _, m := range ms[1:] {
		if m.spread < best.spread {
			best = m
		}
	}
	distance := func(w float64) float64 {
		z := math.Inf(1)
		for _, m := range ms {
			if m.spread <= consensus*best.spread {
				z = min(z, math.Abs(math.Log(w+offset)-m.expect)/math.Max(m.spread, floorOf(k)))
			}
		}
		return z
	}
	z := distance(v)
	expected := math.Exp(best.expect) - offset
	far := z >= threshold && math.Abs(v-expected) >= minRelative*math.Max(expected, offset)
	// Unless a season explains the series far better than its level (a
	// year's change spreads less than half as much), a figure must also
	// leave the range the unit itself reported, by half its largest
	// figure upwards or below two thirds of its least: a series measured
	// on a few periods looks steadier than it is.
	lo, hi := slices.Min(prev)+offset, slices.Max(prev)+offset
	seasonal := best.yearly && 2*best.spread <= ms[0].spread
	if far && !seasonal && (v+offset < expected && (v+offset)*rangeOut >= lo || v+offset >= expected && v+offset <= rangeOut*hi) {
		far = false
	}
	// Without last year's figure a count's fall is often its season
	// ending (dengue after the rains): it is flagged only below a quarter
	// of the least the unit ever reported. A count divided by a thousand
	// is still caught, as it stops being a whole number.
	if far && k == Count && !best.yearly && v < expected && (v+offset)*4 >= lo {
		far = false
	}
	// Far above anything the unit ever reported (four times its largest
	// figure) is flagged whatever the models say: a ×10 in a season's
	// trough still lands there.
	if !far && (v+offset) > 4*hi && math.Abs(v-expected) >= minRelative*math.Max(expected, offset) {
		far, z = true, math.Max(z, threshold)
	}
	// Two digits typed the wrong way round: a figure outside a tighter
	// band that one exchange of neighbouring digits brings close to what
	// was expected. Amounts carry many digits, one of whose exchanges
	// often fits by chance: they must be farther and fit closer.
	band, fit := swapBand, swapFit
	if k == Money {
		band, fit = swapBand+0.5, swapFit-0.1
	}
	var swap decimal.Decimal
	swappedFits := z >= band && func() bool {
		var ok bool
		swap, ok = swapped(x, func(c decimal.Decimal) bool { return c.Sign() >= 0 && distance(c.Float64()) <= fit })
		return ok
	}()
	switch {
	case swappedFits:
		return Flag{Reason: "có thể gõ đảo hai chữ số (" + swap.Format() + " mới gần với các kỳ trước); " + reason(x, h), Score: z}, true
	case far:
		return Flag{Reason: reason(x, h), Score: z}, true
	}
	return Flag{}, false
}

// rangeOut is how far outside the unit's own range a figure judged on
// its past alone must be.
const rangeOut = 1.5

// consensus: the models whose spread is within this many times the
// best's judge a figure together.
const consensus = 1.5

// Bands of the check of swapped digits, in robust deviations.
const (
	swapBand = 2.5 // the figure is at least this far
	swapFit  = 0.6 // and its digits exchanged are at most this far
)

// swapped looks for one exchange of two neighbouring, different digits
// of x that fits; the figure it gives.
func swapped(x decimal.Decimal, fits func(decimal.Decimal) bool) (decimal.Decimal, bool) {
	text := x.String()
	for i := 0; i+1 < len(text); i++ {
		a, b := text[i], text[i+1]
		if a == b || a < '0' || a > '9' || b < '0' || b > '9' || (i == 0 && b == '0') {
			continue
		}
		t := []byte(text)
		t[i], t[i+1] = b, a
		c, err := decimal.ParseCanonical(string(t))
		if err == nil && fits(c) {
			return c, true
		}
	}
	return decimal.Decimal{}, false
}

// model is one way to expect the figure, in logarithms: the expected
// value and the robust spread of the series' misses under it.
type model struct {
	expect, spread float64
	yearly         bool // from the same period last year
}

// expectations are the ways to expect the next figure of a series: the
// level of the series; its last value with the usual change from one
// period to the next; and the same period last year with the change of
// the last year (the seasonal ratio), whose spread is drawn towards an
// assumed one while a year's change has been seen only a few times.
func expectations(logs []float64, h History, offset float64) []model {
	ms := []model{{expect: median(logs), spread: robustSpread(logs)}}
	steps := make([]float64, len(logs)-1)
	for i := 1; i < len(logs); i++ {
		steps[i-1] = logs[i] - logs[i-1]
	}
	if len(steps) >= minHistory {
		ms = append(ms, model{expect: logs[len(logs)-1] + median(steps), spread: robustSpread(steps)})
	}
	if h.LastYear != nil && h.LastYear.Sign() >= 0 && h.Yearly > 0 {
		var years []float64
		for i := h.Yearly; i < len(logs); i++ {
			years = append(years, logs[i]-logs[i-h.Yearly])
		}
		n := float64(len(years))
		change, seen := 0.0, 0.0
		if len(years) > 0 {
			change, seen = median(years), 1.4826*mad(years)
		}
		ms = append(ms, model{expect: math.Log(h.LastYear.Float64()+offset) + change,
			spread: (n*seen + yearPrior*yearSpread) / (n + yearPrior), yearly: true})
	}
	return ms
}

// The assumed spread of a year's change (in logarithms, about ±35 %)
// and how many years' changes it counts as.
const (
	yearSpread = 0.3
	yearPrior  = 6.0
)

// rareCount judges a count of rare events (a few a period, often none)
// by how unlikely it is for a Poisson count of the series' rate, made
// generous for counts that vary more than Poisson's: 0, 1, 0, 2, 3 is
// ordinary, 20 is not; nor is 10 after ones and twos. Too few to judge
// the other way.
func rareCount(x decimal.Decimal, v float64, prev []float64, h History) (Flag, bool) {
	sum := 0.0
	for _, p := range prev {
		sum += p
	}
	// Four times the most the unit ever reported, and some: a series of
	// ones and twos does not reach ten.
	if v >= 4*slices.Max(prev)+3 {
		return Flag{Reason: reason(x, h), Score: v / (slices.Max(prev) + 1)}, true
	}
	// Counts that vary more than Poisson's (a season, clusters) widen
	// the rate by how much more.
	lambda := rareGenerosity*sum/float64(len(prev))*math.Max(1, dispersion(prev)) + 0.3
	if v <= lambda {
		return Flag{}, false
	}
	// P(X ≥ v) for X ~ Poisson(lambda), summed from v upwards.
	n := math.Floor(v)
	term := math.Exp(-lambda + n*math.Log(lambda) - lgamma(n+1))
	tail := 0.0
	for i := n; term > 1e-300 && i < n+1000; i++ {
		tail += term
		term *= lambda / (i + 1)
	}
	if tail >= rareTail {
		return Flag{}, false
	}
	return Flag{Reason: reason(x, h), Score: -math.Log10(tail)}, true
}

// A rare count is judged as a Poisson count of a rate this much above the
// series' mean, flagged below this probability.
const (
	rareGenerosity = 1.25
	rareTail       = 1e-3
)

// dispersion is the variance of counts over their mean: about 1 for
// counts of independent events, more for a season or clusters.
func dispersion(xs []float64) float64 {
	mean := 0.0
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	variance := 0.0
	for _, x := range xs {
		variance += (x - mean) * (x - mean)
	}
	return variance / float64(len(xs)-1) / math.Max(mean, 0.1)
}

func lgamma(x float64) float64 {
	r, _ := math.Lgamma(x)
	return r
}

// offsetOf is added before taking logarithms so that zeros and small
// counts do not make huge ratios: 0 → 2 cases is not "infinitely more".
func offsetOf(k Kind, prev []float64) float64 {
	typical := median(prev)
	switch k {
	case Percent:
		return math.Max(1, 0.05*typical)
	case Money:
		return math.Max(0.01*typical, 1e-9)
	}
	return math.Max(3, 0.05*typical)
}

// floorOf is the least spread assumed in log units: a series that never
// moved still allows some change.
func floorOf(k Kind) float64 {
	if k == Percent {
		return 0.05
	}
	return 0.1
}

// reason says in words how x compares: to the same period last year when
// there is one, else to the median of the previous periods.
func reason(x decimal.Decimal, h History) string {
	ref, what := median10(h.Previous), "trung vị "+vn.Int(int64(len(h.Previous)))+" kỳ trước ("+median10(h.Previous).Format()+")"
	if h.LastYear != nil && !h.LastYear.IsZero() {
		ref, what = *h.LastYear, "cùng kỳ năm trước ("+h.LastYear.Format()+")"
	}
	if ref.IsZero() {
		return "khác thường so với " + what
	}
	q, ok := x.Quo(ref)
	if !ok {
		return "khác thường so với " + what
	}
	if q.Cmp(decimal.FromInt(1)) >= 0 {
		return "gấp " + q.Round(1).Format() + " lần " + what
	}
	pct, _ := q.Mul(decimal.FromInt(100))
	if pct.Cmp(decimal.FromInt(1)) < 0 {
		return "chỉ bằng " + pct.RoundDigits(2).Format() + "% " + what
	}
	return "chỉ bằng " + pct.Round(1).Format() + "% " + what
}

// median10 is the median of exact figures (the lower middle one): a
// figure that was reported, not an average.
func median10(xs []decimal.Decimal) decimal.Decimal {
	s := slices.Clone(xs)
	slices.SortFunc(s, decimal.Decimal.Cmp)
	return s[(len(s)-1)/2]
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	var buf [scratch]float64 // a report's two years of monthly figures sort on the stack
	s := append(buf[:0], xs...)
	slices.Sort(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return (s[n/2-1] + s[n/2]) / 2
}

// robustSpread is the spread of misses estimated from the median
// absolute deviation, widened for few of them (a handful of periods
// can look steadier than the series is); fewer than three tell nothing.
func robustSpread(xs []float64) float64 {
	if len(xs) < 3 {
		return math.Inf(1)
	}
	return 1.4826 * mad(xs) * (1 + 2/float64(len(xs)))
}

func mad(xs []float64) float64 {
	m := median(xs)
	var buf [scratch]float64
	d := buf[:0]
	for _, x := range xs {
		d = append(d, math.Abs(x-m))
	}
	return median(d)
}

// scratch is how many figures a median sorts without allocating: every
// period of two years of monthly reports, and some.
const scratch = 32
