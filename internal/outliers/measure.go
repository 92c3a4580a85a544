package outliers

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"sort"
	"strconv"
	"strings"

	"baocao/internal/decimal"
)

// Series is one cell of one unit over consecutive periods, oldest first,
// with the row above's figures at the same periods (for a value moved to
// the next row). Group names the column type in the measurement table.
type Series struct {
	Group  string
	Kind   Kind
	Values []decimal.Decimal
	Above  []decimal.Decimal // may be nil
	Yearly int               // periods in a year (12 monthly, 4 quarterly), 0: none
}

// Injection is a known error put into a clean figure.
type Injection struct {
	Name string
	// Apply gives the wrong figure; ok false when the error cannot show
	// on this figure (a zero times ten is still zero).
	Apply func(s Series, t int, rng *rand.Rand) (decimal.Decimal, bool)
}

// Injections are the errors the measurement puts in: the goals are 95 %
// for the first three and 70 % for the swaps.
var Injections = []Injection{
	{"×10", scale(10, false)},
	{"×1000", scale(1000, false)},
	{"÷1000", scale(1000, true)},
	{"đổi 2 chữ số đầu", swapDigits(true)},
	{"đổi 2 chữ số kề", swapDigits(false)},
	{"đổi dấu", func(s Series, t int, _ *rand.Rand) (decimal.Decimal, bool) {
		x := s.Values[t]
		return x.Neg(), !x.IsZero()
	}},
	{"sang dòng dưới", func(s Series, t int, _ *rand.Rand) (decimal.Decimal, bool) {
		if s.Above == nil || s.Above[t].Equal(s.Values[t]) {
			return decimal.Decimal{}, false
		}
		return s.Above[t], true
	}},
}

func scale(n int64, divide bool) func(Series, int, *rand.Rand) (decimal.Decimal, bool) {
	return func(s Series, t int, _ *rand.Rand) (decimal.Decimal, bool) {
		x := s.Values[t]
		if x.IsZero() {
			return x, false
		}
		var y decimal.Decimal
		var ok bool
		if divide {
			y, ok = x.Quo(decimal.FromInt(n))
		} else {
			y, ok = x.Mul(decimal.FromInt(n))
		}
		return y, ok
	}
}

// swapDigits exchanges two neighbouring, different digits of the figure:
// the first two, or a pair chosen at random.
func swapDigits(leading bool) func(Series, int, *rand.Rand) (decimal.Decimal, bool) {
	return func(s Series, t int, rng *rand.Rand) (decimal.Decimal, bool) {
		text := s.Values[t].String()
		neg := strings.HasPrefix(text, "-")
		text = strings.TrimPrefix(text, "-")
		var pairs []int // positions i with digits i and i+1 different
		for i := 0; i+1 < len(text); i++ {
			a, b := text[i], text[i+1]
			if a != b && a != '.' && b != '.' && !(i == 0 && b == '0') {
				pairs = append(pairs, i)
			}
		}
		if len(pairs) == 0 {
			return decimal.Decimal{}, false
		}
		i := pairs[0]
		if !leading {
			i = pairs[rng.IntN(len(pairs))]
		} else if i != 0 {
			return decimal.Decimal{}, false
		}
		b := []byte(text)
		b[i], b[i+1] = b[i+1], b[i]
		out := string(b)
		if neg {
			out = "-" + out
		}
		y, err := decimal.ParseCanonical(out)
		return y, err == nil
	}
}

// Result counts, for one group of series, the clean figures flagged and
// each injection's detections.
type Result struct {
	Group          string
	Clean, Flagged int
	Injected       map[string]int
	Detected       map[string]int
}

// Measure judges every figure of every series that has enough history,
// clean and with each injection, and tallies by group.
func Measure(series []Series, seed uint64) []Result { return MeasureFrom(series, seed, minHistory) }

// MeasureFrom is Measure over the figures with at least from periods
// before them.
func MeasureFrom(series []Series, seed uint64, from int) []Result {
	rng := rand.New(rand.NewPCG(seed, 18))
	byGroup := map[string]*Result{}
	for _, s := range series {
		r := byGroup[s.Group]
		if r == nil {
			r = &Result{Group: s.Group, Injected: map[string]int{}, Detected: map[string]int{}}
			byGroup[s.Group] = r
		}
		for t := max(from, minHistory); t < len(s.Values); t++ {
			h := historyAt(s, t)
			r.Clean++
			if _, ok := Check(s.Kind, s.Values[t], h); ok {
				r.Flagged++
			}
			for _, inj := range Injections {
				y, ok := inj.Apply(s, t, rng)
				if !ok || y.Equal(s.Values[t]) {
					continue
				}
				r.Injected[inj.Name]++
				if _, ok := Check(s.Kind, y, h); ok {
					r.Detected[inj.Name]++
				}
			}
		}
	}
	var out []Result
	for _, r := range byGroup {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Group < out[j].Group })
	return out
}

// historyAt is what the unit had reported before period t.
func historyAt(s Series, t int) History {
	from := max(0, t-24)
	h := History{Previous: s.Values[from:t], Yearly: s.Yearly}
	if s.Yearly > 0 && t >= s.Yearly {
		ly := s.Values[t-s.Yearly]
		h.LastYear = &ly
	}
	return h
}

// Total adds the results up.
func Total(results []Result, group string) Result {
	t := Result{Group: group, Injected: map[string]int{}, Detected: map[string]int{}}
	for _, r := range results {
		t.Clean += r.Clean
		t.Flagged += r.Flagged
		for k, v := range r.Injected {
			t.Injected[k] += v
		}
		for k, v := range r.Detected {
			t.Detected[k] += v
		}
	}
	return t
}

// Rate is a share in percent.
func Rate(n, of int) float64 {
	if of == 0 {
		return math.NaN()
	}
	return 100 * float64(n) / float64(of)
}

// WriteTable prints the results as a Markdown table.
func WriteTable(w io.Writer, results []Result) {
	fmt.Fprint(w, "| nhóm cột | ô sạch | báo nhầm |")
	for _, inj := range Injections {
		fmt.Fprintf(w, " %s |", inj.Name)
	}
	fmt.Fprint(w, "\n|---|---:|---:|")
	for range Injections {
		fmt.Fprint(w, "---:|")
	}
	fmt.Fprintln(w)
	for _, r := range results {
		fmt.Fprintf(w, "| %s | %d | %s |", r.Group, r.Clean, pct(r.Flagged, r.Clean))
		for _, inj := range Injections {
			fmt.Fprintf(w, " %s |", pct(r.Detected[inj.Name], r.Injected[inj.Name]))
		}
		fmt.Fprintln(w)
	}
}

func pct(n, of int) string {
	if of == 0 {
		return "—"
	}
	return strconv.FormatFloat(Rate(n, of), 'f', 1, 64) + " % (" + strconv.Itoa(n) + "/" + strconv.Itoa(of) + ")"
}

// Generated are series like the province's columns, made with a fixed
// seed: steady and seasonal counts, zero-heavy counts of rare events,
// growing counts, skewed amounts of money and percentages.
func Generated(seed uint64, units, periods int) []Series {
	rng := rand.New(rand.NewPCG(seed, 2026))
	season := []float64{0.4, 0.2, 0.15, 0.15, 0.25, 0.6, 1.2, 1.8, 2.2, 2.4, 2.0, 1.1}
	var out []Series
	integer := func(f float64) decimal.Decimal { return decimal.FromInt(int64(math.Round(math.Max(f, 0)))) }
	for u := 0; u < units; u++ {
		base := math.Exp(math.Log(50) + rng.Float64()*math.Log(200)) // 50 … 10 000
		steady := make([]decimal.Decimal, periods)
		seasonal := make([]decimal.Decimal, periods)
		rare := make([]decimal.Decimal, periods)
		growing := make([]decimal.Decimal, periods)
		money := make([]decimal.Decimal, periods)
		percent := make([]decimal.Decimal, periods)
		lambda := 0.1 + rng.Float64()*1.4
		amount := math.Exp(math.Log(1e3) + rng.Float64()*math.Log(1e6)) // 1.000 … 10⁹
		coverage := 80 + rng.Float64()*18
		for t := 0; t < periods; t++ {
			steady[t] = integer(base * (0.9 + 0.2*rng.Float64()))
			seasonal[t] = integer(base / 5 * season[t%12] * (0.8 + 0.4*rng.Float64()))
			rare[t] = decimal.FromInt(int64(poisson(rng, lambda)))
			growing[t] = integer(base * math.Pow(1.03, float64(t)) * (0.92 + 0.16*rng.Float64()))
			money[t] = decimal.MustParse(strconv.FormatFloat(amount*math.Exp(0.3*rng.NormFloat64()), 'f', 1, 64))
			percent[t] = decimal.MustParse(strconv.FormatFloat(math.Min(100, coverage+1.5*rng.NormFloat64()), 'f', 1, 64))
		}
		out = append(out,
			Series{Group: "số đếm ổn định", Kind: Count, Values: steady, Above: percent, Yearly: 12},
			Series{Group: "số đếm theo mùa", Kind: Count, Values: seasonal, Above: steady, Yearly: 12},
			Series{Group: "số đếm hiếm (nhiều số 0)", Kind: Count, Values: rare, Above: seasonal, Yearly: 12},
			Series{Group: "số đếm tăng dần", Kind: Count, Values: growing, Above: rare, Yearly: 12},
			Series{Group: "số tiền (lệch phải)", Kind: Money, Values: money, Above: growing, Yearly: 12},
			Series{Group: "tỷ lệ %", Kind: Percent, Values: percent, Above: money, Yearly: 12},
		)
	}
	return out
}

func poisson(rng *rand.Rand, lambda float64) int {
	l, k, p := math.Exp(-lambda), 0, 1.0
	for {
		p *= rng.Float64()
		if p <= l {
			return k
		}
		k++
	}
}
