package periods

import (
	"os"
	"strings"
	"testing"
	"time"

	"baocao/internal/vn"
)

// holidays reads testdata/holidays.csv, a copy of the seed list
// data/vn-holidays-2025-2027.csv.
func holidays(t testing.TB) Calendar {
	t.Helper()
	f, err := os.Open("testdata/holidays.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	days, err := ParseHolidaysCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	return NewCalendar(days)
}

func TestParseHolidaysCSV(t *testing.T) {
	t.Parallel()
	f, err := os.Open("testdata/holidays.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	days, err := ParseHolidaysCSV(f)
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 49 {
		t.Errorf("read %d days, want 49", len(days))
	}
	first := days[0]
	if !first.Date.Equal(Date(2025, 1, 1)) || first.Name != "Tết Dương lịch" || first.Working {
		t.Errorf("first day = %+v", first)
	}
	var working []string
	for _, d := range days {
		if d.Working {
			working = append(working, vn.Date(d.Date)+" "+d.Name)
		}
	}
	if len(working) != 1 || working[0] != "26/04/2025 Làm bù cho ngày 02/5/2025" {
		t.Errorf("working days = %q", working)
	}
}

func TestParseHolidaysCSVFormats(t *testing.T) {
	t.Parallel()
	// A byte-order mark and dd/mm/yyyy dates, as a spreadsheet saves them;
	// columns in another order; a blank row; no status column.
	in := "\ufeffKind,Date,Name\r\nholiday,01/01/2026,Tết Dương lịch\r\n,,\r\nworking-day,2025-04-26,Ho\u0300a\r\n"
	days, err := ParseHolidaysCSV(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	if len(days) != 2 || !days[0].Date.Equal(Date(2026, 1, 1)) || days[0].Working ||
		!days[1].Working || days[1].Name != "Hòa" {
		t.Errorf("days = %+v", days)
	}
}

func TestParseHolidaysCSVErrors(t *testing.T) {
	t.Parallel()
	const header = "date,name,kind,status\n"
	cases := []struct{ in, want string }{
		{"", "trống"},
		{"date,name\n2026-01-01,Tết\n", `Dòng 1: thiếu cột "kind"`},
		{header + "2026-01-01,Tết Dương lịch,holiday,legal\n2026-02-30,Sai,holiday,legal\n", `Dòng 3: ngày "2026-02-30" không hợp lệ`},
		{header + "20260101,Tết,holiday,legal\n", `Dòng 2: ngày "20260101" không hợp lệ`},
		{header + "2026-01-01,,holiday,legal\n", "Dòng 2: thiếu tên ngày 01/01/2026"},
		{header + "2026-01-01,Tết,nghỉ,legal\n", `Dòng 2: loại ngày "nghỉ" không hợp lệ`},
		{header + "2026-01-01,Tết,holiday,legal\n\n2026-01-01,Tết,holiday,legal\n", "Dòng 4: ngày 01/01/2026 đã có ở dòng 2"},
		{header + "2026-04-27,Làm bù,working-day,legal\n", "Dòng 2: ngày làm bù 27/04/2026 không phải thứ Bảy hoặc Chủ nhật"},
		{header + "2026-01-01,\"Tết,holiday,legal\n", "tệp CSV sai định dạng"},
		{header + "2026-01-01\n", "Dòng 2: thiếu tên ngày 01/01/2026"},
	}
	for _, c := range cases {
		_, err := ParseHolidaysCSV(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseHolidaysCSV(%q) error = %v, want %q", c.in, err, c.want)
		}
	}
}

func TestIsWorkingDay(t *testing.T) {
	t.Parallel()
	cal := holidays(t)
	cases := []struct {
		day  time.Time
		want bool
	}{
		{Date(2025, 4, 25), true},                              // Friday
		{Date(2025, 4, 26), true},                              // Saturday, làm bù for 02/5/2025
		{Date(2025, 4, 27), false},                             // Sunday
		{Date(2025, 4, 30), false},                             // 30/4
		{Date(2025, 5, 2), false},                              // the bridge day that 26/4 pays for
		{Date(2026, 1, 1), false},                              // Tết Dương lịch
		{Date(2026, 2, 13), true},                              // Friday before Tết Bính Ngọ
		{Date(2026, 2, 14), false},                             // Saturday, first day of Tết
		{Date(2026, 2, 16), false},                             // Monday, Tết
		{Date(2026, 2, 20), false},                             // Friday, Tết
		{Date(2026, 2, 23), true},                              // Monday after Tết
		{Date(2026, 4, 27), false},                             // Monday, nghỉ bù Giỗ Tổ
		{time.Date(2026, 2, 13, 20, 0, 0, 0, time.UTC), false}, // 03:00 on Saturday 14/02 in Vietnam
	}
	for _, c := range cases {
		if got := cal.IsWorkingDay(c.day); got != c.want {
			t.Errorf("IsWorkingDay(%s %s) = %v, want %v", c.day.Weekday(), vn.Date(c.day), got, c.want)
		}
	}
	var weekends Calendar // the zero Calendar knows only weekends
	if !weekends.IsWorkingDay(Date(2026, 2, 16)) || weekends.IsWorkingDay(Date(2025, 4, 26)) {
		t.Error("the zero Calendar is not Monday to Friday")
	}
}

func TestNewCalendarLaterEntryWins(t *testing.T) {
	t.Parallel()
	cal := NewCalendar([]Day{
		{Date: Date(2026, 3, 2), Name: "Nghỉ", Working: false},
		{Date: time.Date(2026, 3, 2, 15, 0, 0, 0, vn.Location), Name: "Sửa lại", Working: true},
	})
	if !cal.IsWorkingDay(Date(2026, 3, 2)) {
		t.Error("the later entry did not win")
	}
}

func TestAddWorkingDays(t *testing.T) {
	t.Parallel()
	cal := holidays(t)
	cases := []struct {
		from time.Time
		n    int
		want time.Time
	}{
		{Date(2026, 1, 14), 2, Date(2026, 1, 16)},  // Wednesday → Friday
		{Date(2026, 1, 16), 1, Date(2026, 1, 19)},  // Friday → Monday
		{Date(2026, 2, 14), 1, Date(2026, 2, 23)},  // across Tết Bính Ngọ
		{Date(2026, 2, 13), 1, Date(2026, 2, 23)},  // Friday before Tết
		{Date(2025, 4, 25), 1, Date(2025, 4, 26)},  // làm bù Saturday counts
		{Date(2025, 4, 25), 2, Date(2025, 4, 28)},  // then Monday
		{Date(2025, 4, 29), 1, Date(2025, 5, 5)},   // across 30/4–4/5
		{Date(2025, 12, 31), 1, Date(2026, 1, 2)},  // across Tết Dương lịch
		{Date(2026, 2, 23), -1, Date(2026, 2, 13)}, // back across Tết
		{Date(2025, 4, 28), -1, Date(2025, 4, 26)}, // back to the làm bù Saturday
		{Date(2026, 2, 15), 0, Date(2026, 2, 15)},  // zero: the day itself
	}
	for _, c := range cases {
		got := cal.AddWorkingDays(c.from, c.n)
		if !got.Equal(c.want) {
			t.Errorf("AddWorkingDays(%s, %d) = %s %s, want %s %s", vn.Date(c.from), c.n,
				got.Weekday(), vn.Date(got), c.want.Weekday(), vn.Date(c.want))
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	t.Parallel()
	cal := holidays(t)
	cases := []struct {
		a, b time.Time
		want int
	}{
		{Date(2026, 2, 14), Date(2026, 2, 24), 2},  // Mon 23/02, Tue 24/02
		{Date(2026, 2, 24), Date(2026, 2, 13), -2}, // Mon 23/02, Fri 13/02
		{Date(2026, 2, 24), Date(2026, 2, 14), -1}, // back: Mon 23/02, then Tết
		{Date(2026, 2, 14), Date(2026, 2, 14), 0},
		{Date(2026, 2, 13), Date(2026, 2, 22), 0},     // the whole of Tết
		{Date(2025, 4, 24), Date(2025, 4, 28), 3},     // Fri 25, Sat 26 (làm bù), Mon 28
		{Date(2025, 12, 31), Date(2026, 12, 31), 250}, // working days of 2026 in the list
	}
	for _, c := range cases {
		if got := workingDaysBetween(cal, c.a, c.b); got != c.want {
			t.Errorf("workingDaysBetween(%s, %s) = %d, want %d", vn.Date(c.a), vn.Date(c.b), got, c.want)
		}
	}
}

// TestAddWorkingDaysEveryDay checks, from every day of 2024–2028 and for
// 1 to 10 working days either way, the property the fuzz test checks.
func TestAddWorkingDaysEveryDay(t *testing.T) {
	t.Parallel()
	cal := holidays(t)
	for d := Date(2024, 1, 1); d.Year() <= 2028; d = d.AddDate(0, 0, 1) {
		for n := -10; n <= 10; n++ {
			checkAddWorkingDays(t, cal, d, n)
		}
	}
}

func checkAddWorkingDays(t *testing.T, cal Calendar, d time.Time, n int) {
	t.Helper()
	got := cal.AddWorkingDays(d, n)
	switch {
	case n == 0:
		if !got.Equal(dayOf(d)) {
			t.Fatalf("AddWorkingDays(%s, 0) = %s", vn.Date(d), vn.Date(got))
		}
		return
	case n > 0 && !got.After(d), n < 0 && !got.Before(dayOf(d)):
		t.Fatalf("AddWorkingDays(%s, %d) = %s, on the wrong side", vn.Date(d), n, vn.Date(got))
	case !cal.IsWorkingDay(got):
		t.Fatalf("AddWorkingDays(%s, %d) = %s, not a working day", vn.Date(d), n, vn.Date(got))
	case got.Hour() != 0 || got.Location() != vn.Location:
		t.Fatalf("AddWorkingDays(%s, %d) = %v, not a date", vn.Date(d), n, got)
	}
	if between := workingDaysBetween(cal, d, got); between != n {
		t.Fatalf("workingDaysBetween(%s, AddWorkingDays(…, %d) = %s) = %d", vn.Date(d), n, vn.Date(got), between)
	}
}

func FuzzAddWorkingDays(f *testing.F) {
	cal := holidays(f)
	f.Add(int64(0), int8(2))
	f.Add(int64(44), int8(1))   // 14/02/2026, Tết
	f.Add(int64(-251), int8(1)) // 25/04/2025, before the làm bù Saturday
	f.Add(int64(-100), int8(-60))
	f.Add(int64(3000), int8(60))
	f.Fuzz(func(t *testing.T, offset int64, n int8) {
		// Any time within about 40 years of 2026, not only midnight.
		d := Date(2026, 1, 1).Add(time.Duration(offset%(40*366*24)) * time.Hour)
		checkAddWorkingDays(t, cal, d, int(n))
	})
}

// workingDaysBetween counts the working days met going from a to b, day by
// day, counting b but not a: those in (a, b] when b is after a, and minus
// those in [b, a) when b is before a. So workingDaysBetween(a,
// AddWorkingDays(a, n)) == n for every n, and a report sent on day b is
// workingDaysBetween(deadline, b) working days late when that is positive.
func workingDaysBetween(c Calendar, a, b time.Time) int {
	a, b = dayOf(a), dayOf(b)
	step := 1
	if b.Before(a) {
		step = -1
	}
	n := 0
	for d := a; !d.Equal(b); {
		d = Date(d.Year(), d.Month(), d.Day()+step)
		if c.IsWorkingDay(d) {
			n += step
		}
	}
	return n
}
