package consolidation_test

import (
	"context"
	"testing"
	"time"

	"baocao/internal/consolidation"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/decimal"
	"baocao/internal/formula"
	"baocao/internal/seed"
	"baocao/internal/vn"
)

// demoDB is the demo province with its health regime's past: the 22 old
// communes of phường Bắc Nha Trang, phường Nha Trang and xã Cam Lâm sent
// Tháng 1–6/2025 to Sở Y tế, the 65 new communes every month since.
func demoDB(tb testing.TB) *database.DB {
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
	return db
}

func idOf(tb testing.TB, db *database.DB, query string, args ...any) int64 {
	tb.Helper()
	var id int64
	if err := db.QueryRow(context.Background(), query, args...).Scan(&id); err != nil {
		tb.Fatalf("%s %v: %v", query, args, err)
	}
	return id
}

// sumOver adds up a cell of the health form over the accepted reports of
// the month key by the units whose key is in keys (all when nil),
// straight from the table.
func sumOver(tb testing.TB, db *database.DB, key, row, col string, keys []string) decimal.Decimal {
	tb.Helper()
	var s string
	err := db.QueryRow(context.Background(), `
		SELECT coalesce(sum(v.num), 0)::text FROM report_values v JOIN reports r ON r.id = v.report_id
		JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id JOIN units u ON u.id = r.unit_id
		WHERE g.name = $1 AND p.key = $2 AND v.form_key = 'b1' AND v.row_key = $3 AND v.col_code = $4
		  AND r.status = 'accepted' AND r.level = 1 AND ($5::text[] IS NULL OR u.key = ANY($5))`, seed.HealthRegime, key, row, col, keys).Scan(&s)
	if err != nil {
		tb.Fatal(err)
	}
	return decimal.MustParse(s)
}

// Sở Y tế's consolidation of Tháng 6/2025 as reported holds the 22 old
// communes' reports; re-based, it holds the 65 communes of today, phường
// Bắc Nha Trang's line adding up its six old communes, and the total is
// the same figure (every old commune's territory went, whole or in
// shares adding up to 100 %, to communes that report to Sở Y tế today).
func TestRebasedConsolidationOfJune2025(t *testing.T) {
	t.Parallel()
	db := demoDB(t)
	ctx := context.Background()
	dept := idOf(t, db, `SELECT id FROM units WHERE key = $1`, seed.DemoDepartment)
	june := idOf(t, db, `SELECT p.id FROM periods p JOIN regimes g ON g.id = p.regime_id WHERE g.name = $1 AND p.key = '2025-M06'`, seed.HealthRegime)
	form := seed.HealthForm()
	asReported, err := consolidation.Compute(ctx, db, &form, june, dept, false)
	if err != nil {
		t.Fatal(err)
	}
	re, err := consolidation.ComputeRebased(ctx, db, &form, june, dept, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(asReported.ReportIDs) != 22 || len(re.ReportIDs) != 22 {
		t.Fatalf("reports counted: as reported %d, re-based %d, want 22 and 22", len(asReported.ReportIDs), len(re.ReportIDs))
	}
	if len(re.Units) != 65 {
		t.Errorf("re-based lines = %d, want the 65 communes of today", len(re.Units))
	}
	r1c1 := formula.Cell{Row: "r1", Col: "1"}
	all := sumOver(t, db, "2025-M06", "r1", "1", nil)
	if got, want := asReported.Cells[r1c1], all; !got.OK || !got.Value.Equal(want) {
		t.Errorf("as reported r1.c1 = %s, want %s", got.Value, want)
	}
	if got := re.Cells[r1c1]; !got.OK || !got.Value.Equal(all) {
		t.Errorf("re-based r1.c1 = %s from %d units, want %s (the same reports, each territory counted once)", got.Value, got.Reports, all)
	}
	// The formula cells are computed again from the re-based inputs: the
	// year to date adds this month to the receiver's consolidation of
	// Tháng 5/2025, as the view as reported does.
	if got, want := re.Cells[formula.Cell{Row: "r1", Col: "2"}], asReported.Cells[formula.Cell{Row: "r1", Col: "2"}]; got.Rule != consolidation.Formula || !got.Value.Equal(want.Value) || want.Value.Cmp(all) <= 0 {
		t.Errorf("re-based r1.c2 = %s (%s), want %s computed as reported", got.Value, got.Rule, want.Value)
	}
	if !re.Marked[r1c1] {
		t.Error("r1.c1 holds old communes' figures but is not marked")
	}
	six := []string{"22327", "22330", "22333", "22339", "22384", "22387"}
	keys := make([]string, len(six))
	for i, c := range six {
		keys[i] = seed.OldCommuneKey(c)
	}
	bac := idOf(t, db, `SELECT id FROM units WHERE key = 'xa-22333'`)
	withValue := 0
	for _, u := range re.RebasedDrillDown(r1c1) {
		if u.Value.OK {
			withValue++
		}
		if u.Unit.UnitID != bac {
			continue
		}
		want := sumOver(t, db, "2025-M06", "r1", "1", keys)
		if !u.Unit.Rebased() || len(u.Unit.Mapping.Sources) != 6 || !u.Value.Value.Equal(want) {
			t.Errorf("Bắc Nha Trang's line = %s from %d old communes, want %s from 6", u.Value.Value, len(u.Unit.Mapping.Sources), want)
		}
		t.Logf("Sở Y tế 6/2025 r1.c1: as reported %s over 22 reports; re-based %s; Bắc Nha Trang's line %s", all, re.Cells[r1c1].Value, want)
	}
	if got := re.Cells[r1c1].Reports; got != withValue || got < 3 {
		t.Errorf("units with a value = %d, the total says %d", withValue, got)
	}
	// Tháng 7/2025 has nothing to re-base: the same figures, nothing marked.
	july := idOf(t, db, `SELECT p.id FROM periods p JOIN regimes g ON g.id = p.regime_id WHERE g.name = $1 AND p.key = '2025-M07'`, seed.HealthRegime)
	a, _ := consolidation.Compute(ctx, db, &form, july, dept, false)
	b, err := consolidation.ComputeRebased(ctx, db, &form, july, dept, false)
	if err != nil {
		t.Fatal(err)
	}
	if len(b.Marked) != 0 || !a.Cells[r1c1].Value.Equal(b.Cells[r1c1].Value) || len(a.ReportIDs) != len(b.ReportIDs) {
		t.Errorf("7/2025 re-based %s (%d marked, %d reports), as reported %s (%d reports)", b.Cells[r1c1].Value, len(b.Marked), len(b.ReportIDs), a.Cells[r1c1].Value, len(a.ReportIDs))
	}
}

// BenchmarkRebasedConsolidation measures Sở Y tế's consolidation of Tháng
// 6/2025 (22 old communes' reports) as reported against re-based on the
// 65 communes of today:
//
//	go test -run '^$' -bench RebasedConsolidation -benchtime 50x ./internal/consolidation
func BenchmarkRebasedConsolidation(b *testing.B) {
	db := demoDB(b)
	ctx := context.Background()
	dept := idOf(b, db, `SELECT id FROM units WHERE key = $1`, seed.DemoDepartment)
	june := idOf(b, db, `SELECT p.id FROM periods p JOIN regimes g ON g.id = p.regime_id WHERE g.name = $1 AND p.key = '2025-M06'`, seed.HealthRegime)
	form := seed.HealthForm()
	b.Run("as reported", func(b *testing.B) {
		for b.Loop() {
			if res, err := consolidation.Compute(ctx, db, &form, june, dept, false); err != nil || len(res.ReportIDs) != 22 {
				b.Fatal(err)
			}
		}
	})
	b.Run("re-based", func(b *testing.B) {
		for b.Loop() {
			if res, err := consolidation.ComputeRebased(ctx, db, &form, june, dept, false); err != nil || len(res.ReportIDs) != 22 {
				b.Fatal(err)
			}
		}
	})
}

// Sở Y tế's consolidated "Lũy kế" (c2 = prev(c2) + c1) adds up its
// consolidated months, and its "Cùng kỳ năm trước" (c3 = lastyear(c2))
// reads its consolidation of a year before: hand sums of the communes'
// monthly figures (c1) of the demo, the old communes' until Tháng 6/2025
// and the new communes' after; the year to date starts again in January.
func TestConsolidationReadsEarlierConsolidatedPeriods(t *testing.T) {
	t.Parallel()
	db := demoDB(t)
	ctx := context.Background()
	dept := idOf(t, db, `SELECT id FROM units WHERE key = $1`, seed.DemoDepartment)
	form := seed.HealthForm()
	period := func(key string) int64 {
		return idOf(t, db, `SELECT p.id FROM periods p JOIN regimes g ON g.id = p.regime_id WHERE g.name = $1 AND p.key = $2`, seed.HealthRegime, key)
	}
	months := func(keys ...string) decimal.Decimal {
		total := decimal.Zero
		for _, k := range keys {
			total, _ = total.Add(sumOver(t, db, k, "r1", "1", nil))
		}
		return total
	}
	c := func(col string) formula.Cell { return formula.Cell{Row: "r1", Col: col} }
	for _, x := range []struct {
		key      string
		ytd      decimal.Decimal
		lastYear decimal.Decimal // zero: blank
	}{
		{"2025-M03", months("2025-M01", "2025-M02", "2025-M03"), decimal.Zero},
		{"2025-M07", months("2025-M01", "2025-M02", "2025-M03", "2025-M04", "2025-M05", "2025-M06", "2025-M07"), decimal.Zero},
		// The year to date starts again in Tháng 1/2026.
		{"2026-M06", months("2026-M01", "2026-M02", "2026-M03", "2026-M04", "2026-M05", "2026-M06"), months("2025-M01", "2025-M02", "2025-M03", "2025-M04", "2025-M05", "2025-M06")},
	} {
		res, err := consolidation.Compute(ctx, db, &form, period(x.key), dept, false)
		if err != nil {
			t.Fatal(err)
		}
		if x.ytd.Sign() > 0 {
			if got := res.Cells[c("2")]; !got.OK || !got.Value.Equal(x.ytd) {
				t.Errorf("%s: consolidated lũy kế r1.c2 = %s, want the months' sum %s", x.key, got.Value, x.ytd)
			}
		}
		got := res.Cells[c("3")]
		switch {
		case x.lastYear.Sign() == 0 && got.OK && got.Value.Sign() != 0:
			t.Errorf("%s: cùng kỳ r1.c3 = %s, want blank (no consolidation a year before)", x.key, got.Value)
		case x.lastYear.Sign() > 0 && (!got.OK || !got.Value.Equal(x.lastYear)):
			t.Errorf("%s: cùng kỳ r1.c3 = %s, want Sở Y tế's lũy kế of Tháng 6/2025 %s", x.key, got.Value, x.lastYear)
		}
		if stored := sumOver(t, db, x.key, "r1", "2", nil); x.key == "2026-M06" && !stored.Equal(x.ytd) {
			t.Errorf("%s: the communes' own lũy kế add up to %s, the consolidated months to %s", x.key, stored, x.ytd)
		}
		t.Logf("%s: c1 %s, lũy kế %s, cùng kỳ %s (%v), so cùng kỳ %s %%", x.key, res.Cells[c("1")].Value, res.Cells[c("2")].Value, got.Value, got.OK, res.Cells[c("4")].Value)
	}
}
