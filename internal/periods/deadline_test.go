package periods

import (
	"strings"
	"testing"
	"time"

	"baocao/internal/vn"
)

func TestDeadline(t *testing.T) {
	t.Parallel()
	cal := holidays(t)
	adHoc := func(start, end time.Time) Period {
		p, err := AdHoc("Đột xuất", start, end)
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	twoDays := Rule{WorkingDays: 2}
	cases := []struct {
		name string
		p    Period
		rule Rule
		want time.Time
	}{
		{"Tháng 1/2026 ends Wed 14/01: Thu 15, Fri 16",
			mustParse(t, "2026-M01"), twoDays, Date(2026, 1, 16)},
		// Tháng 2/2026 ends Sat 14/02/2026, the first day of Tết Bính Ngọ.
		// The list gives 14/02 (Sat) to 22/02 (Sun) as holidays, so the
		// first working day after the cut-off is Mon 23/02 and the second
		// Tue 24/02.
		{"Tháng 2/2026 ends on Tết", mustParse(t, "2026-M02"), twoDays, Date(2026, 2, 24)},
		{"Tháng 3/2026 ends Sat 14/03: Mon 16, Tue 17",
			mustParse(t, "2026-M03"), twoDays, Date(2026, 3, 17)},
		{"Quý I/2026 ends Sat 14/03",
			mustParse(t, "2026-Q1"), twoDays, Date(2026, 3, 17)},
		{"Tháng 8/2026 ends Fri 14/08: deadline Tue 18/08",
			mustParse(t, "2026-M08"), twoDays, Date(2026, 8, 18)},
		{"Năm 2026 ends Mon 14/12",
			mustParse(t, "2026-Y"), twoDays, Date(2026, 12, 16)},
		{"Tháng 1/2025 ends Tue 14/01/2025",
			mustParse(t, "2025-M01"), twoDays, Date(2025, 1, 16)},
		{"calendar Tháng 12/2025 ends Wed 31/12, 01/01 off: Fri 02/01, Mon 05/01",
			mustParse(t, "2025-CM12"), twoDays, Date(2026, 1, 5)},
		{"zero rule means the default of 2 working days",
			mustParse(t, "2026-M01"), Rule{}, Date(2026, 1, 16)},
		{"one working day",
			mustParse(t, "2026-M01"), Rule{WorkingDays: 1}, Date(2026, 1, 15)},
		{"Fri 24/01/2025 before Tết Ất Tỵ (25/01–02/02): Mon 03/02, Tue 04/02",
			adHoc(Date(2025, 1, 1), Date(2025, 1, 24)), twoDays, Date(2025, 2, 4)},
		{"Fri 25/04/2025: the làm bù Saturday 26/04 counts, then Mon 28/04",
			adHoc(Date(2025, 4, 1), Date(2025, 4, 25)), twoDays, Date(2025, 4, 28)},
		{"Fri 25/04/2025, one day: the làm bù Saturday",
			adHoc(Date(2025, 4, 1), Date(2025, 4, 25)), Rule{WorkingDays: 1}, Date(2025, 4, 26)},
		{"Tue 29/04/2025 before 30/4–4/5: Mon 05/05, Tue 06/05",
			adHoc(Date(2025, 4, 1), Date(2025, 4, 29)), twoDays, Date(2025, 5, 6)},
		{"Fri 24/04/2026, Giỗ Tổ on Sunday 26/04 and nghỉ bù Mon 27/04: Tue 28, Wed 29",
			adHoc(Date(2026, 4, 1), Date(2026, 4, 24)), twoDays, Date(2026, 4, 29)},
		{"Fri 28/08/2026, Quốc khánh 01–02/09: Mon 31/08, Thu 03/09",
			adHoc(Date(2026, 8, 1), Date(2026, 8, 28)), twoDays, Date(2026, 9, 3)},

		// The first such day after the period ends.
		{"day 20 after Tháng 3/2026 (ends 14/03): Fri 20/03",
			mustParse(t, "2026-M03"), Rule{FixedDay: 20}, Date(2026, 3, 20)},
		{"day 20 after Tháng 9/2026 (ends 14/09): Sun 20/09 moves to Mon 21/09",
			mustParse(t, "2026-M09"), Rule{FixedDay: 20}, Date(2026, 9, 21)},
		{"day 10 after Tháng 3/2026 (ends 14/03): Fri 10/04",
			mustParse(t, "2026-M03"), Rule{FixedDay: 10}, Date(2026, 4, 10)},
		{"day 20 after calendar Tháng 8/2026 (ends 31/08): Sun 20/09 → Mon 21/09",
			mustParse(t, "2026-CM08"), Rule{FixedDay: 20}, Date(2026, 9, 21)},
		{"day 16 after Tháng 2/2026 (ends Sat 14/02): Mon 16/02 is Tết, so Mon 23/02",
			mustParse(t, "2026-M02"), Rule{FixedDay: 16}, Date(2026, 2, 23)},
		{"day 31 after calendar Tháng 1/2026: clamped to Sat 28/02, then Mon 02/03",
			mustParse(t, "2026-CM01"), Rule{FixedDay: 31}, Date(2026, 3, 2)},
		{"day 31 after calendar Tháng 3/2026: 30/04 and 01/05 off, weekend, Mon 04/05",
			mustParse(t, "2026-CM03"), Rule{FixedDay: 31}, Date(2026, 5, 4)},
		{"day 29 after calendar Tháng 1/2028 (leap year): Tue 29/02/2028",
			mustParse(t, "2028-CM01"), Rule{FixedDay: 29}, Date(2028, 2, 29)},
		{"day 10 after Năm 2026 (ends 14/12/2026): Sun 10/01/2027 → Mon 11/01",
			mustParse(t, "2026-Y"), Rule{FixedDay: 10}, Date(2027, 1, 11)},
	}
	for _, c := range cases {
		got := c.rule.Deadline(c.p, cal)
		if !got.Equal(c.want) {
			t.Errorf("%s: Deadline(%s) = %s %s, want %s %s", c.name, c.p.Title(time.Time{}),
				got.Weekday(), vn.Date(got), c.want.Weekday(), vn.Date(c.want))
		}
	}

	// Without the holiday list, Tháng 2/2026 would be due Tue 17/02.
	if got := twoDays.Deadline(mustParse(t, "2026-M02"), Calendar{}); !got.Equal(Date(2026, 2, 17)) {
		t.Errorf("Tháng 2/2026 without holidays: %s", vn.Date(got))
	}
}

func TestDeadlineTitle(t *testing.T) {
	t.Parallel()
	p := mustParse(t, "2026-M03")
	got := p.Title(DefaultRule().Deadline(p, holidays(t)))
	if want := "Tháng 3/2026 (15/02/2026 – 14/03/2026), hạn gửi 17/03/2026"; got != want {
		t.Errorf("Title = %q, want %q", got, want)
	}
}

func TestRuleValidate(t *testing.T) {
	t.Parallel()
	for _, r := range []Rule{DefaultRule(), {WorkingDays: 1}, {WorkingDays: 60}, {FixedDay: 1}, {FixedDay: 31}} {
		if err := r.Validate(); err != nil {
			t.Errorf("%+v: %v", r, err)
		}
	}
	cases := []struct {
		rule Rule
		want string
	}{
		{Rule{}, "ít nhất 1 ngày làm việc"},
		{Rule{WorkingDays: 2, FixedDay: 20}, "Chọn một trong hai"},
		{Rule{WorkingDays: -1}, "ít nhất 1 ngày làm việc"},
		{Rule{WorkingDays: 61}, "không quá 60 ngày làm việc"},
		{Rule{FixedDay: 32}, "từ 1 đến 31"},
		{Rule{FixedDay: -5}, "từ 1 đến 31"},
	}
	for _, c := range cases {
		err := c.rule.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v.Validate() = %v, want %q", c.rule, err, c.want)
		}
	}
}

func TestStoredRule(t *testing.T) {
	t.Parallel()
	five, twenty := 5, 20
	for _, c := range []struct {
		working, fixed *int
		want           Rule
	}{
		{nil, nil, DefaultRule()},
		{&five, nil, Rule{WorkingDays: 5}},
		{nil, &twenty, Rule{FixedDay: 20}},
	} {
		if got := StoredRule(c.working, c.fixed); got != c.want {
			t.Errorf("StoredRule(%v, %v) = %+v, want %+v", c.working, c.fixed, got, c.want)
		}
	}
}
