package seed

import (
	"context"
	"testing"
	"time"

	"baocao/internal/database/dbtest"
	"baocao/internal/vn"
)

func TestDemoHistory(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t)
	ctx := context.Background()
	if err := Reference(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := Catalog(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := DemoRegimes(ctx, db); err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, vn.Location)
	start := time.Now()
	n, err := DemoHistory(ctx, db, now)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d past reports in %v", n, time.Since(start))
	if again, err := DemoHistory(ctx, db, now); err != nil || again != 0 {
		t.Fatalf("second run wrote %d reports, %v; want none", again, err)
	}
	count := func(sql string) int {
		t.Helper()
		var n int
		if err := db.QueryRow(ctx, sql).Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	// Tháng 7/2025 … Tháng 11/2026: 17 months of 65 communes and Sở Y tế;
	// Tháng 1/2025 … Tháng 6/2025: 6 months of the 22 old communes of
	// phường Bắc Nha Trang (6), phường Nha Trang (5) and xã Cam Lâm (11).
	if n != 17*66+6*22 {
		t.Errorf("%d past reports, want %d", n, 17*66+6*22)
	}
	past := `FROM reports r JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id
		WHERE g.name = '` + HealthRegime + `' AND p.key < '2026-M12'`
	if got := count(`SELECT count(*) ` + past + ` AND r.status <> 'accepted'`); got != 2 {
		t.Errorf("%d past reports not accepted, want the 2 communes missing in the last month", got)
	}
	if got := count(`SELECT count(*) ` + past + ` AND r.late`); got < 20 || got > 150 {
		t.Errorf("%d late reports, want some", got)
	}
	if got := count(`SELECT count(*) ` + past + ` AND r.version = 2`); got < 20 {
		t.Errorf("%d reports returned once, want some", got)
	}
	if got := count(`SELECT count(*) ` + past + ` AND r.via_eoffice AND NOT r.late AND p.key = '2026-M09'`); got == 0 {
		t.Error("no report sent by E-Office during the outage")
	}
	if got := count(`SELECT count(*) ` + past + ` AND r.late AND p.key = '2026-M09' AND r.level = 1`); got != 0 {
		t.Errorf("%d communes late in the month of the outage, want none (grace period)", got)
	}
	if got := count(`SELECT count(*) FROM outages`); got != 1 {
		t.Errorf("%d outages, want 1", got)
	}
	// Sở Y tế's month is the sum of its communes' accepted months.
	if got := count(`SELECT count(*) FROM (
		SELECT p.key, sum(v.num) FILTER (WHERE r.level = 1) AS communes, sum(v.num) FILTER (WHERE r.level = 2) AS dept
		FROM reports r JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id JOIN report_values v ON v.report_id = r.id
		WHERE g.name = '` + HealthRegime + `' AND p.key < '2026-M12' AND v.row_key = 'r1' AND v.col_code = '1' AND r.status = 'accepted'
		GROUP BY p.key) x WHERE communes <> dept`); got != 0 {
		t.Errorf("%d months where Sở Y tế's figure is not its communes' sum", got)
	}
	// Every accepted report has its history, and every value is a number.
	if got := count(`SELECT count(*) ` + past + ` AND r.status = 'accepted' AND NOT EXISTS (
		SELECT 1 FROM report_events e WHERE e.report_id = r.id AND e.action = 'accept')`); got != 0 {
		t.Errorf("%d accepted reports without an acceptance event", got)
	}
	if elapsed := time.Since(start); elapsed > 20*time.Second {
		t.Errorf("the demo history took %v", elapsed)
	}
}
