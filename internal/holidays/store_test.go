package holidays

import (
	"context"
	"strings"
	"testing"
	"time"

	"baocao/internal/apperr"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/periods"
	"baocao/internal/vn"
)

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, vn.Location) }

func newStore(tb testing.TB) (*Store, *database.DB) {
	tb.Helper()
	db := dbtest.New(tb)
	return NewStore(db), db
}

func auditActions(tb testing.TB, db *database.DB) string {
	tb.Helper()
	rows, err := db.Query(context.Background(), `SELECT action || ' ' || (detail->>'date') FROM audit_log WHERE object_type = 'holiday' ORDER BY id`)
	if err != nil {
		tb.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			tb.Fatal(err)
		}
		out = append(out, s)
	}
	return strings.Join(out, "; ")
}

func TestValidate(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		d     periods.Day
		field string
		want  string
	}{
		{"no date", periods.Day{Name: "Tết Dương lịch"}, "date", "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 01/01/2026."},
		{"no name", periods.Day{Date: day(2026, 1, 1), Name: " "}, "name", "Nhập tên ngày nghỉ lễ hoặc lý do làm bù."},
		{"a compensatory Wednesday", periods.Day{Date: day(2026, 4, 15), Name: "Làm bù", Working: true}, "working",
			"Ngày làm bù phải là thứ Bảy hoặc Chủ nhật; ngày 15/04/2026 là Thứ Tư."},
		{"an unknown status", periods.Day{Date: day(2026, 1, 1), Name: "Tết", Status: "maybe"}, "status", "Trạng thái không hợp lệ."},
	}
	for _, c := range cases {
		if got := apperr.FieldErrors(Validate(&c.d))[c.field]; got != c.want {
			t.Errorf("%s: %s = %q, want %q", c.name, c.field, got, c.want)
		}
	}
	// A holiday on a weekend is allowed (it only informs); so is a
	// compensatory Saturday. The status defaults to announced.
	for _, d := range []periods.Day{{Date: day(2026, 5, 2), Name: "Ngày Quốc tế Lao động (bù)"}, {Date: day(2025, 4, 26), Name: "Làm bù", Working: true}} {
		if err := Validate(&d); err != nil || d.Status != "announced" {
			t.Errorf("%s: %v, status %q", vn.Date(d.Date), err, d.Status)
		}
	}
	if got := Weekday(day(2026, 3, 15)) + ", " + Weekday(day(2026, 3, 16)); got != "Chủ nhật, Thứ Hai" {
		t.Errorf("Weekday: %s", got)
	}
}

func TestSetAndDeleteDays(t *testing.T) {
	t.Parallel()
	s, db := newStore(t)
	ctx := context.Background()
	for _, d := range []periods.Day{
		{Date: day(2026, 1, 1), Name: "Tết Dương lịch", Status: "legal"},
		{Date: day(2026, 4, 30), Name: "Ngày Chiến thắng"},
		{Date: day(2027, 1, 1), Name: "Tết Dương lịch", Status: "legal"},
		{Date: day(2026, 1, 1), Name: "Tết Dương lịch", Status: "legal"}, // unchanged: not recorded again
		{Date: day(2026, 4, 30), Name: "Ngày Giải phóng miền Nam, thống nhất đất nước", Status: "legal"},
	} {
		if err := s.SetDay(ctx, d); err != nil {
			t.Fatalf("SetDay(%s): %v", vn.Date(d.Date), err)
		}
	}
	days, err := s.Days(ctx, 2026)
	if err != nil || len(days) != 2 {
		t.Fatalf("Days(2026): %+v, %v", days, err)
	}
	if d := days[1]; !d.Date.Equal(day(2026, 4, 30)) || d.Date.Location() != vn.Location || d.Status != "legal" ||
		d.Name != "Ngày Giải phóng miền Nam, thống nhất đất nước" {
		t.Errorf("30/04/2026: %+v", d)
	}
	if all, err := s.All(ctx); err != nil || len(all) != 3 || all[2].Date.Year() != 2027 {
		t.Errorf("All: %+v, %v", all, err)
	}
	err = s.SetDay(ctx, periods.Day{Date: day(2026, 4, 15), Name: "Làm bù", Working: true})
	if apperr.FieldErrors(err)["working"] == "" {
		t.Errorf("a compensatory Wednesday: %v", err)
	}
	if err := s.DeleteDay(ctx, day(2027, 1, 1)); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteDay(ctx, day(2027, 1, 1)); apperr.Code(err) != apperr.NotFound {
		t.Errorf("deleting a missing day: %v", err)
	}
	if _, err := s.Day(ctx, day(2027, 1, 1)); apperr.Code(err) != apperr.NotFound {
		t.Errorf("deleted day: %v", err)
	}
	want := "holiday.set 01/01/2026; holiday.set 30/04/2026; holiday.set 01/01/2027; holiday.set 30/04/2026; holiday.delete 01/01/2027"
	if got := auditActions(t, db); got != want {
		t.Errorf("audit:\n%s\nwant\n%s", got, want)
	}
	var detail string
	if err := db.QueryRow(ctx, `SELECT detail::text FROM audit_log WHERE action = 'holiday.set' ORDER BY id DESC LIMIT 1`).Scan(&detail); err != nil ||
		!strings.Contains(detail, `"status": {"to": "legal", "from": "announced"}`) {
		t.Errorf("change detail: %s, %v", detail, err)
	}
}
