package periods

import (
	"strings"
	"testing"
	"time"

	"baocao/internal/vn"
)

func TestNew(t *testing.T) {
	t.Parallel()
	cases := []struct {
		f        Frequency
		calendar bool
		year     int
		number   int
		start    time.Time
		end      time.Time
		label    string
		key      string
	}{
		// ND 09 Điều 12 windows, across the year boundary.
		{Monthly, false, 2026, 1, Date(2025, 12, 15), Date(2026, 1, 14), "Tháng 1/2026", "2026-M01"},
		{Monthly, false, 2026, 3, Date(2026, 2, 15), Date(2026, 3, 14), "Tháng 3/2026", "2026-M03"},
		{Monthly, false, 2026, 12, Date(2026, 11, 15), Date(2026, 12, 14), "Tháng 12/2026", "2026-M12"},
		{Quarterly, false, 2026, 1, Date(2025, 12, 15), Date(2026, 3, 14), "Quý I/2026", "2026-Q1"},
		{Quarterly, false, 2026, 2, Date(2026, 3, 15), Date(2026, 6, 14), "Quý II/2026", "2026-Q2"},
		{Quarterly, false, 2026, 3, Date(2026, 6, 15), Date(2026, 9, 14), "Quý III/2026", "2026-Q3"},
		{Quarterly, false, 2026, 4, Date(2026, 9, 15), Date(2026, 12, 14), "Quý IV/2026", "2026-Q4"},
		{HalfYear, false, 2026, 1, Date(2025, 12, 15), Date(2026, 6, 14), "6 tháng đầu năm 2026", "2026-H1"},
		{HalfYear, false, 2026, 2, Date(2026, 6, 15), Date(2026, 12, 14), "6 tháng cuối năm 2026", "2026-H2"},
		{NineMonths, false, 2026, 0, Date(2025, 12, 15), Date(2026, 9, 14), "9 tháng năm 2026", "2026-N9"},
		{Annual, false, 2026, 0, Date(2025, 12, 15), Date(2026, 12, 14), "Năm 2026", "2026-Y"},
		// Calendar periods.
		{Monthly, true, 2026, 1, Date(2026, 1, 1), Date(2026, 1, 31), "Tháng 1/2026", "2026-CM01"},
		{Monthly, true, 2026, 2, Date(2026, 2, 1), Date(2026, 2, 28), "Tháng 2/2026", "2026-CM02"},
		{Monthly, true, 2028, 2, Date(2028, 2, 1), Date(2028, 2, 29), "Tháng 2/2028", "2028-CM02"},
		{Monthly, true, 2026, 12, Date(2026, 12, 1), Date(2026, 12, 31), "Tháng 12/2026", "2026-CM12"},
		{Quarterly, true, 2026, 1, Date(2026, 1, 1), Date(2026, 3, 31), "Quý I/2026", "2026-CQ1"},
		{Quarterly, true, 2026, 2, Date(2026, 4, 1), Date(2026, 6, 30), "Quý II/2026", "2026-CQ2"},
		{Quarterly, true, 2026, 3, Date(2026, 7, 1), Date(2026, 9, 30), "Quý III/2026", "2026-CQ3"},
		{Quarterly, true, 2026, 4, Date(2026, 10, 1), Date(2026, 12, 31), "Quý IV/2026", "2026-CQ4"},
		{HalfYear, true, 2026, 1, Date(2026, 1, 1), Date(2026, 6, 30), "6 tháng đầu năm 2026", "2026-CH1"},
		{HalfYear, true, 2026, 2, Date(2026, 7, 1), Date(2026, 12, 31), "6 tháng cuối năm 2026", "2026-CH2"},
		{NineMonths, true, 2026, 0, Date(2026, 1, 1), Date(2026, 9, 30), "9 tháng năm 2026", "2026-CN9"},
		{Annual, true, 2026, 0, Date(2026, 1, 1), Date(2026, 12, 31), "Năm 2026", "2026-CY"},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			p, err := New(c.f, c.calendar, c.year, c.number)
			if err != nil {
				t.Fatal(err)
			}
			if !p.Start.Equal(c.start) || !p.End.Equal(c.end) {
				t.Errorf("window %s, want %s – %s", p.Window(), vn.Date(c.start), vn.Date(c.end))
			}
			if p.Start.Location() != vn.Location || p.Start.Hour() != 0 || p.End.Hour() != 0 {
				t.Errorf("dates not at midnight in Vietnam: %v, %v", p.Start, p.End)
			}
			if got := p.Label(); got != c.label {
				t.Errorf("Label = %q, want %q", got, c.label)
			}
			if got := p.Key(); got != c.key {
				t.Errorf("Key = %q, want %q", got, c.key)
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		f      Frequency
		year   int
		number int
	}{
		{Monthly, 2026, 0}, {Monthly, 2026, 13}, {Monthly, 2026, -1},
		{Quarterly, 2026, 0}, {Quarterly, 2026, 5},
		{HalfYear, 2026, 0}, {HalfYear, 2026, 3},
		{NineMonths, 2026, 1}, {Annual, 2026, 12},
		{Monthly, 0, 1}, {Annual, 10000, 0},
		{AdHocFreq, 2026, 0}, {"weekly", 2026, 1}, {"", 2026, 1},
	}
	for _, c := range cases {
		if p, err := New(c.f, false, c.year, c.number); err == nil {
			t.Errorf("New(%q, %d, %d) = %s, want an error", c.f, c.year, c.number, p.Key())
		}
	}
	_, err := New(Quarterly, false, 2026, 5)
	if err == nil || !strings.Contains(err.Error(), "Quý phải từ I đến IV") {
		t.Errorf("error for quarter 5 = %v", err)
	}
}

func TestWindowAndTitle(t *testing.T) {
	t.Parallel()
	p, _ := New(Monthly, false, 2026, 3)
	if got, want := p.Window(), "15/02/2026 – 14/03/2026"; got != want {
		t.Errorf("Window = %q, want %q", got, want)
	}
	if got, want := p.Title(Date(2026, 3, 17)), "Tháng 3/2026 (15/02/2026 – 14/03/2026), hạn gửi 17/03/2026"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
	if got, want := p.Title(time.Time{}), "Tháng 3/2026 (15/02/2026 – 14/03/2026)"; got != want {
		t.Errorf("Title without deadline = %q, want %q", got, want)
	}
}

func TestFrequencyName(t *testing.T) {
	t.Parallel()
	want := map[Frequency]string{
		Monthly: "Hằng tháng", Quarterly: "Hằng quý", HalfYear: "6 tháng",
		NineMonths: "9 tháng", Annual: "Hằng năm", AdHocFreq: "Đột xuất",
	}
	for _, f := range Frequencies {
		if got := f.Name(); got != want[f] {
			t.Errorf("%s.Name() = %q, want %q", f, got, want[f])
		}
		if !f.Valid() {
			t.Errorf("%s.Valid() = false", f)
		}
	}
	if Frequency("weekly").Valid() {
		t.Error(`"weekly" is valid`)
	}
}

func TestContaining(t *testing.T) {
	t.Parallel()
	cases := []struct {
		f        Frequency
		calendar bool
		day      time.Time
		key      string
	}{
		{Monthly, false, Date(2026, 1, 14), "2026-M01"},
		{Monthly, false, Date(2026, 1, 15), "2026-M02"},
		{Monthly, false, Date(2025, 12, 14), "2025-M12"},
		{Monthly, false, Date(2025, 12, 15), "2026-M01"},
		{Monthly, false, Date(2025, 12, 31), "2026-M01"},
		{Monthly, true, Date(2025, 12, 31), "2025-CM12"},
		{Monthly, true, Date(2026, 1, 1), "2026-CM01"},
		{Quarterly, false, Date(2025, 12, 14), "2025-Q4"},
		{Quarterly, false, Date(2025, 12, 15), "2026-Q1"},
		{Quarterly, false, Date(2026, 3, 14), "2026-Q1"},
		{Quarterly, false, Date(2026, 3, 15), "2026-Q2"},
		{Quarterly, false, Date(2026, 6, 14), "2026-Q2"},
		{Quarterly, false, Date(2026, 6, 15), "2026-Q3"},
		{Quarterly, false, Date(2026, 9, 14), "2026-Q3"},
		{Quarterly, false, Date(2026, 9, 15), "2026-Q4"},
		{Quarterly, true, Date(2026, 3, 31), "2026-CQ1"},
		{Quarterly, true, Date(2026, 4, 1), "2026-CQ2"},
		{HalfYear, false, Date(2025, 12, 15), "2026-H1"},
		{HalfYear, false, Date(2026, 6, 14), "2026-H1"},
		{HalfYear, false, Date(2026, 6, 15), "2026-H2"},
		{HalfYear, false, Date(2026, 12, 14), "2026-H2"},
		{HalfYear, true, Date(2026, 6, 30), "2026-CH1"},
		{HalfYear, true, Date(2026, 7, 1), "2026-CH2"},
		{NineMonths, false, Date(2025, 12, 15), "2026-N9"},
		{NineMonths, false, Date(2026, 9, 14), "2026-N9"},
		{NineMonths, false, Date(2026, 9, 15), "2027-N9"}, // in the gap: the next one
		{NineMonths, false, Date(2026, 12, 14), "2027-N9"},
		{NineMonths, true, Date(2026, 9, 30), "2026-CN9"},
		{NineMonths, true, Date(2026, 10, 1), "2027-CN9"},
		{Annual, false, Date(2025, 12, 14), "2025-Y"},
		{Annual, false, Date(2025, 12, 15), "2026-Y"},
		{Annual, false, Date(2026, 12, 14), "2026-Y"},
		{Annual, true, Date(2025, 12, 31), "2025-CY"},
		{Annual, true, Date(2026, 1, 1), "2026-CY"},
		// An instant late on 14/01 in UTC is already 15/01 in Vietnam.
		{Monthly, false, time.Date(2026, 1, 14, 18, 0, 0, 0, time.UTC), "2026-M02"},
	}
	for _, c := range cases {
		if got := Containing(c.f, c.calendar, c.day).Key(); got != c.key {
			t.Errorf("Containing(%s, %v, %s) = %s, want %s", c.f, c.calendar, vn.Date(c.day), got, c.key)
		}
	}
	if p := Containing(AdHocFreq, false, Date(2026, 1, 1)); !p.IsZero() {
		t.Errorf("Containing(ad_hoc) = %+v, want the zero Period", p)
	}
}

// TestContainingEveryDay checks every day of 2020–2035 for every frequency:
// the period returned contains the day, except in the nine-month gap, where
// it is the next window.
func TestContainingEveryDay(t *testing.T) {
	t.Parallel()
	for _, f := range Frequencies[:5] {
		for _, calendar := range []bool{false, true} {
			for d := Date(2020, 1, 1); d.Year() <= 2035; d = d.AddDate(0, 0, 1) {
				checkContaining(t, f, calendar, d)
			}
		}
	}
}

func checkContaining(t *testing.T, f Frequency, calendar bool, d time.Time) {
	t.Helper()
	p := Containing(f, calendar, d)
	if p.Contains(d) {
		return
	}
	if f == NineMonths && d.Before(p.Start) && d.After(p.Prev().End) {
		return
	}
	t.Fatalf("Containing(%s, %v, %s) = %s (%s)", f, calendar, vn.Date(d), p.Label(), p.Window())
}

func TestNextPrev(t *testing.T) {
	t.Parallel()
	cases := []struct{ from, next string }{
		{"2025-M12", "2026-M01"},
		{"2026-M01", "2026-M02"},
		{"2025-CM12", "2026-CM01"},
		{"2025-Q4", "2026-Q1"},
		{"2026-Q1", "2026-Q2"},
		{"2025-CQ4", "2026-CQ1"},
		{"2025-H2", "2026-H1"},
		{"2026-H1", "2026-H2"},
		{"2025-CH2", "2026-CH1"},
		{"2025-N9", "2026-N9"},
		{"2025-CN9", "2026-CN9"},
		{"2025-Y", "2026-Y"},
		{"2025-CY", "2026-CY"},
	}
	for _, c := range cases {
		p := mustParse(t, c.from)
		if got := p.Next().Key(); got != c.next {
			t.Errorf("%s.Next() = %s, want %s", c.from, got, c.next)
		}
		if got := mustParse(t, c.next).Prev().Key(); got != c.from {
			t.Errorf("%s.Prev() = %s, want %s", c.next, got, c.from)
		}
	}
	ad, _ := AdHoc("Rà soát", Date(2026, 1, 5), Date(2026, 1, 31))
	if !ad.Next().IsZero() || !ad.Prev().IsZero() || !ad.SamePeriodLastYear().IsZero() {
		t.Error("an ad-hoc period has a next, previous or same period last year")
	}
}

// TestNextPrevWalk walks every recurring frequency from 2020 to 2036 and
// back, checking that the windows tile time (except around nine months).
func TestNextPrevWalk(t *testing.T) {
	t.Parallel()
	for _, f := range Frequencies[:5] {
		for _, calendar := range []bool{false, true} {
			first := Containing(f, calendar, Date(2020, 1, 1))
			p := first
			steps := 0
			for p.Year < 2036 {
				next := p.Next()
				if got := next.Prev(); got != p {
					t.Fatalf("%s.Next().Prev() = %s", p.Key(), got.Key())
				}
				if next.Key() <= p.Key() {
					t.Fatalf("keys out of order: %s then %s", p.Key(), next.Key())
				}
				if f != NineMonths && !next.Start.Equal(p.End.AddDate(0, 0, 1)) {
					t.Fatalf("%s ends %s but %s starts %s", p.Label(), vn.Date(p.End), next.Label(), vn.Date(next.Start))
				}
				p = next
				steps++
			}
			for range steps {
				p = p.Prev()
			}
			if p != first {
				t.Errorf("%s, %v: walking back gave %s, want %s", f, calendar, p.Key(), first.Key())
			}
		}
	}
}

func TestSamePeriodLastYear(t *testing.T) {
	t.Parallel()
	for from, want := range map[string]string{
		"2026-M01": "2025-M01", "2026-Q1": "2025-Q1", "2026-H2": "2025-H2",
		"2026-N9": "2025-N9", "2026-Y": "2025-Y", "2026-CM03": "2025-CM03",
	} {
		if got := mustParse(t, from).SamePeriodLastYear().Key(); got != want {
			t.Errorf("%s.SamePeriodLastYear() = %s, want %s", from, got, want)
		}
	}
	p := mustParse(t, "2026-M01").SamePeriodLastYear()
	if !p.Start.Equal(Date(2024, 12, 15)) || !p.End.Equal(Date(2025, 1, 14)) {
		t.Errorf("Tháng 1/2025 = %s", p.Window())
	}
}

func TestAdHoc(t *testing.T) {
	t.Parallel()
	p, err := AdHoc("  Báo cáo rà soát ", time.Date(2026, 1, 5, 9, 30, 0, 0, vn.Location), Date(2026, 1, 31))
	if err != nil {
		t.Fatal(err)
	}
	if p.Label() != "Báo cáo rà soát" || !p.Start.Equal(Date(2026, 1, 5)) || !p.End.Equal(Date(2026, 1, 31)) || p.Year != 2026 {
		t.Errorf("AdHoc = %+v", p)
	}
	if got, want := p.Key(), "adhoc-20260105-20260131"; got != want {
		t.Errorf("Key = %q, want %q", got, want)
	}
	if got, want := p.Title(Date(2026, 2, 3)), "Báo cáo rà soát (05/01/2026 – 31/01/2026), hạn gửi 03/02/2026"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
	if _, err := AdHoc("Một ngày", Date(2026, 1, 5), Date(2026, 1, 5)); err != nil {
		t.Errorf("a one-day period: %v", err)
	}
	for _, c := range []struct {
		label      string
		start, end time.Time
	}{
		{" ", Date(2026, 1, 5), Date(2026, 1, 31)},
		{"Ngược", Date(2026, 1, 31), Date(2026, 1, 5)},
		{"Thiếu ngày", time.Time{}, Date(2026, 1, 5)},
		{"Thiếu ngày", Date(2026, 1, 5), time.Time{}},
	} {
		if _, err := AdHoc(c.label, c.start, c.end); err == nil {
			t.Errorf("AdHoc(%q, %s, %s) gave no error", c.label, vn.Date(c.start), vn.Date(c.end))
		}
	}
}

func TestKeyRoundTrip(t *testing.T) {
	t.Parallel()
	for _, f := range Frequencies[:5] {
		for _, calendar := range []bool{false, true} {
			for p := Containing(f, calendar, Date(2020, 1, 1)); p.Year <= 2035; p = p.Next() {
				got, err := ParseKey(p.Key())
				if err != nil {
					t.Fatalf("ParseKey(%q): %v", p.Key(), err)
				}
				if got != p {
					t.Fatalf("ParseKey(%q) = %+v, want %+v", p.Key(), got, p)
				}
			}
		}
	}
	ad, _ := AdHoc("Rà soát", Date(2025, 12, 29), Date(2026, 1, 31))
	got, err := ParseKey(ad.Key())
	if err != nil {
		t.Fatal(err)
	}
	ad.AdHocLabel = "" // the label is stored apart from the key
	if got != ad {
		t.Errorf("ParseKey(%q) = %+v, want %+v", ad.Key(), got, ad)
	}
}

func TestParseKeyErrors(t *testing.T) {
	t.Parallel()
	for _, key := range []string{
		"", "2026", "2026-", "2026-M3", "2026-M13", "2026-M00", "2026-Q0", "2026-Q5", "2026-Q01",
		"2026-H3", "2026-N8", "2026-N", "2026-Y1", "2026-X", "2026-C", "2026-CC Y", "26-M01",
		"+2026-M01", "2026-m01", " 2026-M01", "2026-CM1", "abcd-Y",
		"adhoc-", "adhoc-20260105", "adhoc-20260131-20260105", "adhoc-20260230-20260301",
		"adhoc-2026015-20260131", "adhoc-20260105-20260131-x",
	} {
		if p, err := ParseKey(key); err == nil {
			t.Errorf("ParseKey(%q) = %+v, want an error", key, p)
		}
	}
}

func mustParse(t *testing.T, key string) Period {
	t.Helper()
	p, err := ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func FuzzContaining(f *testing.F) {
	f.Add(int64(0), uint8(0), false)
	f.Add(int64(2000), uint8(3), true)
	f.Add(int64(-40000), uint8(4), false)
	f.Fuzz(func(t *testing.T, offset int64, which uint8, calendar bool) {
		// Any day from about 1900 to 2170.
		d := Date(2026, 1, 1).AddDate(0, 0, int(offset%50000))
		freq := Frequencies[int(which)%5]
		checkContaining(t, freq, calendar, d)
		p := Containing(freq, calendar, d)
		if got, err := ParseKey(p.Key()); err != nil || got != p {
			t.Fatalf("ParseKey(%q) = %+v, %v", p.Key(), got, err)
		}
	})
}
