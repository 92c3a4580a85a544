package dashboard_test

import (
	"context"
	"testing"
	"time"

	"baocao/internal/dashboard"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/decimal"
	"baocao/internal/seed"
	"baocao/internal/vn"
)

// demoProvince is the demo with its history: Tháng 1/2025 … Tháng 6/2025
// reported by 22 old communes, Tháng 7/2025 … Tháng 11/2026 by the 65 new ones.
func demoProvince(tb testing.TB) (*database.DB, int64, dashboard.Indicator) {
	tb.Helper()
	db := dbtest.New(tb)
	ctx := context.Background()
	for _, step := range []func(context.Context, *database.DB) error{seed.Reference, seed.Catalog, seed.DemoRegimes} {
		if err := step(ctx, db); err != nil {
			tb.Fatal(err)
		}
	}
	if _, err := seed.DemoHistory(ctx, db, time.Date(2026, 12, 1, 9, 0, 0, 0, vn.Location)); err != nil {
		tb.Fatal(err)
	}
	var regime int64
	if err := db.QueryRow(ctx, `SELECT id FROM regimes WHERE name = $1`, seed.HealthRegime).Scan(&regime); err != nil {
		tb.Fatal(err)
	}
	form := seed.HealthForm()
	return db, regime, dashboard.Indicator{Form: &form, RowKey: "r1", ColCode: "1"}
}

func idOf(tb testing.TB, db *database.DB, key string) int64 {
	tb.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), `SELECT id FROM units WHERE key = $1`, key).Scan(&id); err != nil {
		tb.Fatal(err)
	}
	return id
}

func sumOld(tb testing.TB, db *database.DB, period string, codes ...string) decimal.Decimal {
	tb.Helper()
	keys := make([]string, len(codes))
	for i, c := range codes {
		keys[i] = seed.OldCommuneKey(c)
	}
	var s string
	if err := db.QueryRow(context.Background(), `
		SELECT coalesce(sum(v.num), 0)::text FROM report_values v JOIN reports r ON r.id = v.report_id JOIN periods p ON p.id = r.period_id
		JOIN units u ON u.id = r.unit_id WHERE p.key = $1 AND u.key = ANY($2) AND v.row_key = 'r1' AND v.col_code = '1' AND r.status = 'accepted'`,
		period, keys).Scan(&s); err != nil {
		tb.Fatal(err)
	}
	return decimal.MustParse(s)
}

func TestRebasedTrendOfANewCommune(t *testing.T) {
	t.Parallel()
	db, regime, ind := demoProvince(t)
	ctx := context.Background()
	sc := dashboard.Scope{Receiver: idOf(t, db, "so-y-te")}
	f := dashboard.Filter{RegimeID: regime, Root: idOf(t, db, "xa-22333"), From: time.Date(2025, 5, 1, 0, 0, 0, 0, vn.Location),
		To: time.Date(2025, 8, 1, 0, 0, 0, 0, vn.Location)}
	// As reported: phường Bắc Nha Trang has no figure before Tháng 7/2025.
	plain, err := dashboard.Trend(ctx, db, sc, f, ind)
	if err != nil {
		t.Fatal(err)
	}
	re, err := dashboard.RebasedTrend(ctx, db, sc, f, ind)
	if err != nil {
		t.Fatal(err)
	}
	if len(plain) != 3 || len(re) != 3 { // Tháng 5, 6, 7/2025
		t.Fatalf("%d and %d points, want 3", len(plain), len(re))
	}
	want := sumOld(t, db, "2025-M06", "22327", "22330", "22333", "22339", "22384", "22387")
	if plain[1].OK {
		t.Errorf("as reported, Tháng 6/2025 has %s for a commune formed on 1/7/2025", plain[1].Value)
	}
	if p := re[1]; !p.OK || !p.Value.Equal(want) || !p.Rebased || p.Period.Key != "2025-M06" {
		t.Errorf("re-based Tháng 6/2025 = %+v, want %s from the six old communes, marked", p, want)
	}
	// From Tháng 7/2025 the commune reports for itself: the same figure, unmarked.
	if !plain[2].OK || !re[2].Value.Equal(plain[2].Value) || re[2].Rebased {
		t.Errorf("Tháng 7/2025: as reported %s, re-based %+v", plain[2].Value, re[2])
	}
}

func TestRebasedAcrossAPastPeriod(t *testing.T) {
	t.Parallel()
	db, regime, ind := demoProvince(t)
	ctx := context.Background()
	sc := dashboard.Scope{Receiver: idOf(t, db, "so-y-te")}
	f := dashboard.Filter{RegimeID: regime}
	var june int64
	if err := db.QueryRow(ctx, `SELECT id FROM periods WHERE regime_id = $1 AND key = '2025-M06'`, regime).Scan(&june); err != nil {
		t.Fatal(err)
	}
	plain, err := dashboard.Across(ctx, db, sc, f, june, ind)
	if err != nil {
		t.Fatal(err)
	}
	if len(plain) != 22 {
		t.Errorf("as reported, %d units in Tháng 6/2025, want the 22 old communes", len(plain))
	}
	re, err := dashboard.RebasedAcross(ctx, db, sc, f, june, ind)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]dashboard.RebasedValue{}
	for _, u := range re {
		got[u.Unit] = u
		if !u.Rebased() {
			t.Errorf("%s is not marked re-based in Tháng 6/2025", u.Unit)
		}
	}
	bnt := got["Ủy ban nhân dân phường Bắc Nha Trang"]
	if want := sumOld(t, db, "2025-M06", "22327", "22330", "22333", "22339", "22384", "22387"); !bnt.Value.Value.Equal(want) || len(bnt.Mapping.Sources) != 6 {
		t.Errorf("Bắc Nha Trang = %s from %d, want %s from 6", bnt.Value.Value, len(bnt.Mapping.Sources), want)
	}
	// The old communes of the demo went into Bắc Nha Trang, Nha Trang and
	// Cam Lâm, and (split ones) partly into Cam Hiệp, Cam An and Suối Dầu.
	for _, name := range []string{"phường Nha Trang", "xã Cam Lâm", "xã Cam Hiệp", "xã Cam An", "xã Suối Dầu"} {
		if _, ok := got["Ủy ban nhân dân "+name]; !ok {
			t.Errorf("%s missing from the re-based comparison: %v", name, re)
		}
	}
	if len(re) != 6 {
		t.Errorf("%d units re-based, want 6", len(re))
	}
	// Tháng 6/2026: each commune's own figure, beside last year's re-based
	// from its old communes (phường Bắc Nha Trang's: its six of Tháng 6/2025).
	var june26 int64
	if err := db.QueryRow(ctx, `SELECT id FROM periods WHERE regime_id = $1 AND key = '2026-M06'`, regime).Scan(&june26); err != nil {
		t.Fatal(err)
	}
	re, err = dashboard.RebasedAcross(ctx, db, sc, f, june26, ind)
	if err != nil {
		t.Fatal(err)
	}
	withLastYear := 0
	for _, u := range re {
		if u.Rebased() {
			t.Errorf("%s re-based in Tháng 6/2026", u.Unit)
		}
		if u.LastYear.OK {
			withLastYear++
			if !u.LastYearMapping.Rebased() || u.LastYearPeriod != "Tháng 6/2025" {
				t.Errorf("%s: last year %s from %+v (%s)", u.Unit, u.LastYear.Value, u.LastYearMapping, u.LastYearPeriod)
			}
		}
		if u.Unit == "Ủy ban nhân dân phường Bắc Nha Trang" {
			want := sumOld(t, db, "2025-M06", "22327", "22330", "22333", "22339", "22384", "22387")
			if !u.LastYear.OK || !u.LastYear.Value.Equal(want) {
				t.Errorf("Bắc Nha Trang's Tháng 6/2025 beside Tháng 6/2026 = %s, want %s", u.LastYear.Value, want)
			}
			t.Logf("Bắc Nha Trang 6/2026 = %s, cùng kỳ re-based = %s", u.Value.Value, u.LastYear.Value)
		}
	}
	if len(re) != 65 || withLastYear != 6 {
		t.Errorf("Tháng 6/2026: %d units, %d with last year's figure; want 65 and the 6 that hold old communes", len(re), withLastYear)
	}
}

// BenchmarkRebasedTrend measures a year of the trend of one indicator
// over the 65 communes that report to Sở Y tế (Tháng 7/2025 … Tháng
// 6/2026, with last year's figures), re-based on today's units against
// the same trend as reported:
//
//	go test -run '^$' -bench RebasedTrend -benchtime 20x ./internal/dashboard
func BenchmarkRebasedTrend(b *testing.B) {
	db, regime, ind := demoProvince(b)
	ctx := context.Background()
	sc := dashboard.Scope{Receiver: idOf(b, db, "so-y-te")}
	f := dashboard.Filter{RegimeID: regime, From: time.Date(2025, 6, 15, 0, 0, 0, 0, vn.Location), To: time.Date(2026, 6, 14, 0, 0, 0, 0, vn.Location)}
	b.Run("as reported", func(b *testing.B) {
		for b.Loop() {
			if pts, err := dashboard.Trend(ctx, db, sc, f, ind); err != nil || len(pts) != 12 {
				b.Fatal(len(pts), err)
			}
		}
	})
	b.Run("re-based", func(b *testing.B) {
		for b.Loop() {
			if pts, err := dashboard.RebasedTrend(ctx, db, sc, f, ind); err != nil || len(pts) != 12 {
				b.Fatal(len(pts), err)
			}
		}
	})
}

// The grid of Tháng 6/2025 as reported lists the 22 old communes that
// reported it; re-based, their reports sit in the lines of the 6 new
// communes that hold their territory (a split old commune in each of its
// heirs' lines), and the totals still count 22 reports, each once.
func TestStatusGridOfJune2025OnTheOldTreeAndRebased(t *testing.T) {
	t.Parallel()
	db, regime, _ := demoProvince(t)
	ctx := context.Background()
	sc := dashboard.Scope{Receiver: idOf(t, db, "so-y-te")}
	june := time.Date(2025, 6, 14, 0, 0, 0, 0, vn.Location)
	f := dashboard.Filter{RegimeID: regime, From: june, To: june}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, vn.Location)
	plain, err := dashboard.StatusGrid(ctx, db, sc, f, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(plain.Periods) != 1 || plain.Periods[0].Key != "2025-M06" || len(plain.Lines) != 22 ||
		plain.Total.Assigned != 22 || plain.Total.States["Đã tiếp nhận"] != 22 {
		t.Fatalf("as reported: %d periods, %d lines, %d assigned, %v", len(plain.Periods), len(plain.Lines), plain.Total.Assigned, plain.Total.States)
	}
	re, err := dashboard.RebasedStatusGrid(ctx, db, sc, f, now)
	if err != nil {
		t.Fatal(err)
	}
	sources := map[string]int{}
	lines := 0
	for _, l := range re.Lines {
		if c := l.Cells[0]; c.State != "" {
			lines++
			sources[l.Unit] = len(c.Sources)
			if !c.Rebased || c.State != "Đã tiếp nhận" {
				t.Errorf("%s: %+v, want re-based and accepted", l.Unit, c)
			}
		}
	}
	if len(re.Lines) != 65 {
		t.Errorf("%d lines, want the 65 communes of today", len(re.Lines))
	}
	// CSV: Bắc Nha Trang 6 whole; Nha Trang 5 whole; Cam Lâm 4 whole + 7
	// parts; Cam Hiệp 5 parts (Cam Tân, Cam Hòa, Cam Hiệp Bắc, Cam Hiệp
	// Nam, Suối Tân); Cam An 2 parts; Suối Dầu 3 parts (Cam Tân, Cam Hòa,
	// Suối Tân) — of the demo's 22 old communes.
	want := map[string]int{"phường Bắc Nha Trang": 6, "phường Nha Trang": 5, "xã Cam Lâm": 11, "xã Cam Hiệp": 5, "xã Cam An": 2, "xã Suối Dầu": 3}
	for name, n := range want {
		if got := sources["Ủy ban nhân dân "+name]; got != n {
			t.Errorf("%s stands for %d reports, want %d", name, got, n)
		}
	}
	if lines != 6 {
		t.Errorf("%d lines with reports, want 6", lines)
	}
	if re.Total.Assigned != 22 || re.Columns[0].Assigned != 22 || re.Total.States["Đã tiếp nhận"] != 22 {
		t.Errorf("re-based totals: %d assigned (column %d), %v; want 22, each report once", re.Total.Assigned, re.Columns[0].Assigned, re.Total.States)
	}
}
