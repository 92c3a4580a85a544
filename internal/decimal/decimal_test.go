package decimal

import (
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// The spellings of SPEC §3 and what each becomes: the table of the note.
var spellings = []struct {
	typed string
	want  string // canonical value, "" when refused
}{
	{"1.234,5", "1234.5"},
	{"1234,5", "1234.5"},
	{"1234.5", "1234.5"},
	{"1,234.5", "1234.5"},
	{"1,234.56", "1234.56"},
	{"1.234", "1234"},
	{"12.345.678", "12345678"},
	{"1,234,567", "1234567"},
	{"1.234.567,89", "1234567.89"},
	{"1,234,567.89", "1234567.89"},
	{"1 234 567,5", "1234567.5"},
	{"1\u00a0234,5", "1234.5"},
	{"1 234.5", "1234.5"},
	{"25,75", "25.75"},
	{"1,234", "1.234"}, // a single comma is the decimal comma, as the page writes 1,234
	{"0.234", "0.234"},
	{"12.5", "12.5"},
	{"1234.567", "1234.567"},
	{",5", "0.5"},
	{".5", "0.5"},
	{"-1.234,5", "-1234.5"},
	{"−12,5", "-12.5"},
	{"+7", "7"},
	{"-0", "0"},
	{"25,70", "25.7"},
	{"007", "7"},
	{"0,000001", "0.000001"},
	{"123456789012345", "123456789012345"},
	{"12.345.678.901.234,5", "12345678901234.5"},
	{"  42  ", "42"},
	{"12.345.678.901.234,00", "12345678901234"}, // trailing zeros take no position
	{"1.000,000000000000", "1000"},
	// Refused.
	{"1,234,5", ""},
	{"1.23.4", ""},
	{"1.234,567.8", ""},
	{"1,234.567,8", ""},
	{"1.234.56", ""},
	{"12 34", ""},
	{"1 234.567.8", ""},
	{"0.234.567", ""},
	{"1e5", ""},
	{"1e308", ""},
	{"99999999999999999999", ""},
	{"1234567890123456", ""},
	{"0,000000000000000000000000001", ""}, // 27 decimal places
	{"0,0000000000000001", ""},
	{"NaN", ""},
	{"Inf", ""},
	{"--1", ""},
	{"5,", ""},
	{"5.", ""},
	{"", ""},
	{"-", ""},
	{"1,2,3", ""},
	{"12a", ""},
	{"1\x00", ""},
	{"(5)", ""},
	{"1.2,3,4", ""},
}

func TestParseSpellings(t *testing.T) {
	t.Parallel()
	for _, c := range spellings {
		got, err := Parse(c.typed)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("Parse(%q) = %s, want a refusal", c.typed, got)
		case c.want == "":
			if !strings.Contains(err.Error(), "1.234,5") {
				t.Errorf("Parse(%q) refusal %q does not show the expected form", c.typed, err)
			}
		case err != nil:
			t.Errorf("Parse(%q): %v, want %s", c.typed, err, c.want)
		case got.String() != c.want:
			t.Errorf("Parse(%q) = %s, want %s", c.typed, got, c.want)
		}
	}
}

func TestFormat(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, exact, fixed1 string }{
		{"1234.5", "1.234,5", "1.234,5"},
		{"1234567.891", "1.234.567,891", "1.234.567,9"},
		{"-0.25", "-0,25", "-0,3"},
		{"12", "12", "12,0"},
		{"0", "0", "0,0"},
		{"-0.04", "-0,04", "0,0"},
		{"999.95", "999,95", "1.000,0"},
		{"100", "100", "100,0"},
		{"1000", "1.000", "1.000,0"},
		{"2.675", "2,675", "2,7"},
	} {
		x := MustParse(c.in)
		if got := x.Format(); got != c.exact {
			t.Errorf("Format(%s) = %q, want %q", c.in, got, c.exact)
		}
		if got := x.FormatFixed(1); got != c.fixed1 {
			t.Errorf("FormatFixed(%s, 1) = %q, want %q", c.in, got, c.fixed1)
		}
	}
}

func TestArithmeticIsExact(t *testing.T) {
	t.Parallel()
	sum, _ := MustParse("0.1").Add(MustParse("0.2"))
	if !sum.Equal(MustParse("0.3")) {
		t.Errorf("0.1 + 0.2 = %s", sum)
	}
	q, ok := MustParse("1").Quo(MustParse("3"))
	if !ok || q.Round(2).String() != "0.33" {
		t.Errorf("1/3 rounded = %s", q.Round(2))
	}
	if _, ok := MustParse("1").Quo(Zero); ok {
		t.Error("1/0 computed")
	}
	if got := MustParse("2.675").Round(2).String(); got != "2.68" {
		t.Errorf("Round(2.675, 2) = %s", got)
	}
	if got := MustParse("-2.5").Round(0).String(); got != "-3" {
		t.Errorf("Round(-2.5, 0) = %s", got)
	}
	if got := MustParse("1234.5").Round(-2).String(); got != "1200" {
		t.Errorf("Round(1234.5, -2) = %s", got)
	}
	big := MustParse("1e100")
	square, _ := big.Mul(big)
	if _, ok := square.Mul(FromInt(10)); ok {
		t.Error("1e201 did not overflow")
	}
	if got := MustParse("0.30000000000000004").RoundDigits(15).String(); got != "0.3" {
		t.Errorf("RoundDigits = %s", got)
	}
}

func TestJSON(t *testing.T) {
	t.Parallel()
	var x Decimal
	if err := x.UnmarshalJSON([]byte("1234.50")); err != nil || x.String() != "1234.5" {
		t.Fatalf("UnmarshalJSON = %s, %v", x, err)
	}
	b, _ := x.MarshalJSON()
	if string(b) != "1234.5" {
		t.Errorf("MarshalJSON = %s", b)
	}
	for _, bad := range []string{"NaN", `"Inf"`, "1e999", `"1,5"`} {
		if err := x.UnmarshalJSON([]byte(bad)); err == nil {
			t.Errorf("UnmarshalJSON(%s) accepted", bad)
		}
	}
}

// FuzzRoundTrip: what the page shows reads back as the same number, for
// every number of decimals a column may have.
func FuzzRoundTrip(f *testing.F) {
	for _, s := range []string{"1234.5", "-0.25", "0", "123456789012345", "0.000001", "1000", "999999.999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x, err := ParseCanonical(s)
		if err != nil || x.Positions() > MaxDigits {
			return
		}
		shown := x.Format()
		back, err := Parse(shown)
		if err != nil {
			t.Fatalf("Parse(Format(%s) = %q): %v", x, shown, err)
		}
		if !back.Equal(x) || back.String() != x.String() {
			t.Fatalf("Parse(Format(%s)) = %s", x, back)
		}
		for n := 0; n <= 6; n++ {
			r := x.Round(n)
			if back, err := Parse(r.Format()); err != nil || !back.Equal(r) {
				t.Fatalf("Parse(Format(Round(%s, %d))) = %s, %v", x, n, back, err)
			}
		}
		// The plain canonical text is an accepted spelling too, except where a
		// dot followed by three digits reads as thousands (1.234).
		if back, err := Parse(x.String()); err == nil && !back.Equal(x) {
			if !(x.Decimals() == 3 && len(strings.TrimPrefix(strings.Split(x.String(), ".")[0], "-")) <= 3) {
				t.Fatalf("Parse(%s) = %s", x, back)
			}
		}
	})
}

// FuzzParse: whatever is typed is refused or read as a number that formats
// back to itself; never a panic.
func FuzzParse(f *testing.F) {
	for _, c := range spellings {
		f.Add(c.typed)
	}
	f.Fuzz(func(t *testing.T, s string) {
		x, err := Parse(s)
		if err != nil {
			return
		}
		if x.Positions() > MaxDigits {
			t.Fatalf("Parse(%q) kept %d digit positions", s, x.Positions())
		}
		if back, err := Parse(x.Format()); err != nil || !back.Equal(x) {
			t.Fatalf("Parse(%q) = %s, but its display %q reads %s, %v", s, x, x.Format(), back, err)
		}
	})
}

func TestAmbiguous(t *testing.T) {
	t.Parallel()
	for raw, want := range map[string]bool{
		"12,345": true, "1,234": true, "-123,456": true, "999,000": true,
		"0,125": false, "12,34": false, "12,3456": false, "1.234": false, "1,234.5": false, "1234,567": false, "12,345,678": false,
	} {
		if got := Ambiguous(raw); got != want {
			t.Errorf("Ambiguous(%q) = %v", raw, got)
		}
	}
	if msg := AmbiguousMessage("12,345"); !strings.Contains(msg, "ghi 12.345 nếu là hàng nghìn, hoặc 12,3450 nếu là phần thập phân") {
		t.Errorf("message %q", msg)
	}
	// Both ways it suggests read unambiguously.
	for _, s := range []string{"12.345", "12,3450"} {
		if Ambiguous(s) {
			t.Errorf("%s is ambiguous", s)
		}
	}
}

// The short path reads what apd's parser reads, to the representation:
// same coefficient, exponent and sign; and it declines what it cannot.
func TestParseShortIsParseGeneral(t *testing.T) {
	inputs := []string{"0", "-0", "0.00", "-0.000", "1", "-1", "100", "25.70", "1234.5", "-0.25", "007", "0.000001",
		"999999999999999999", "1000000000000000000", "123456789012345678.9", "12.3456789012345678", "5.", ".5", "-", "", "1e5",
		"1.5E-7", "1,5", "1 5", "+1", "--1", "1.2.3", "NaN", "Infinity"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		if rng.IntN(3) == 0 {
			b.WriteByte('-')
		}
		n := 1 + rng.IntN(20)
		dot := rng.IntN(n + 3)
		for i := range n {
			if i == dot && i > 0 {
				b.WriteByte('.')
			}
			if rng.IntN(4) == 0 {
				b.WriteByte('0')
			} else {
				b.WriteByte(byte('0' + rng.IntN(10)))
			}
		}
		inputs = append(inputs, b.String())
	}
	for _, s := range inputs {
		fast, ok := parseShort(s)
		slow, err := parseGeneral(s)
		if !ok {
			continue
		}
		if err != nil {
			t.Fatalf("parseShort(%q) = %s, apd refuses it: %v", s, fast, err)
		}
		if fast.d.Negative != slow.d.Negative || fast.d.Exponent != slow.d.Exponent || fast.d.Coeff.String() != slow.d.Coeff.String() || fast.d.Form != slow.d.Form {
			t.Fatalf("parseShort(%q) = %v, apd reads %v", s, fast.d, slow.d)
		}
	}
}

// Float64's exact path gives what parsing the decimal's text gives.
func TestFloat64IsCorrectlyRounded(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for range 100000 {
		c := rng.Int64N(1 << 53)
		if rng.IntN(2) == 0 {
			c = rng.Int64N(100000)
		}
		if rng.IntN(3) == 0 {
			c = -c
		}
		var x Decimal
		x.d.SetFinite(c, int32(rng.IntN(51)-25))
		want, err := strconv.ParseFloat(x.d.Text('e'), 64)
		if err != nil {
			t.Fatal(err)
		}
		if got := x.Float64(); got != want {
			t.Fatalf("Float64(%s) = %v, want %v", x, got, want)
		}
	}
}
