package seed

import (
	"bytes"
	"context"
	"encoding/csv"
	"testing"
	"time"

	"baocao/internal/database"
	"baocao/internal/database/dbtest"
)

type catalogCounts struct{ indicators, percent, summed, holidays, working, toConfirm int }

func mustCatalogCounts(tb testing.TB, db *database.DB) catalogCounts {
	tb.Helper()
	var c catalogCounts
	err := db.QueryRow(context.Background(), `
		SELECT (SELECT count(*) FROM indicators), (SELECT count(*) FROM indicators WHERE value_type = 'percent'),
		       (SELECT count(*) FROM indicators WHERE aggregation = 'sum'),
		       (SELECT count(*) FROM holidays), (SELECT count(*) FROM holidays WHERE working),
		       (SELECT count(*) FROM holidays WHERE status = 'to-confirm')`).
		Scan(&c.indicators, &c.percent, &c.summed, &c.holidays, &c.working, &c.toConfirm)
	if err != nil {
		tb.Fatal(err)
	}
	return c
}

func mustCatalog(tb testing.TB, db *database.DB) {
	tb.Helper()
	if err := Catalog(context.Background(), db); err != nil {
		tb.Fatalf("Catalog: %v", err)
	}
}

// csvRecords counts the records of an embedded CSV file after its header
// (a quoted field may hold a line break, so lines are not records).
func csvRecords(tb testing.TB, name string) int {
	tb.Helper()
	b, err := data.ReadFile("data/" + name)
	if err != nil {
		tb.Fatal(err)
	}
	recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
	if err != nil {
		tb.Fatal(err)
	}
	if lines := bytes.Count(bytes.TrimSpace(b), []byte("\n")); lines != len(recs)-1 {
		tb.Errorf("%s: %d lines after the header, %d records", name, lines, len(recs)-1)
	}
	return len(recs) - 1
}

func TestCatalogLoadsOnceAndKeepsEdits(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t)
	ctx := context.Background()
	if n := csvRecords(t, indicatorsCSV); n != 257 {
		t.Fatalf("indicators.csv has %d rows, want 257", n)
	}
	if n := csvRecords(t, holidaysCSV); n != 49 {
		t.Fatalf("the holiday list has %d rows, want 49", n)
	}

	mustCatalog(t, db)
	first := mustCatalogCounts(t, db)
	// 57 rows in % (percent, not summed) and 8 rates (‰, per km², per
	// 10.000 dân) are not summed; one compensatory Saturday (26/04/2025).
	want := catalogCounts{indicators: 257, percent: 57, summed: 257 - 57 - 8, holidays: 49, working: 1, toConfirm: 11}
	if first != want {
		t.Errorf("after the first run: %+v, want %+v", first, want)
	}
	var name, unit, valueType, aggregation, group string
	err := db.QueryRow(ctx, `
		SELECT name, unit_of_measure, value_type, aggregation, group_name FROM indicators
		WHERE code = '0501' AND source LIKE 'QĐ 293/QĐ-TTg%'`).Scan(&name, &unit, &valueType, &aggregation, &group)
	if err != nil || name != "Tổng sản phẩm trong nước (GDP)" || valueType != "number" || aggregation != "sum" || group != "Tài khoản quốc gia" {
		t.Errorf("indicator 0501: %q %q %q %q %q, %v", name, unit, valueType, aggregation, group, err)
	}
	var day time.Time
	var working bool
	if err := db.QueryRow(ctx, `SELECT day, working FROM holidays WHERE working`).Scan(&day, &working); err != nil ||
		day.Format("2006-01-02") != "2025-04-26" || !working {
		t.Errorf("the compensatory working day: %s %v, %v", day.Format("2006-01-02"), working, err)
	}

	// An administrator renames an indicator without a code and deletes a
	// holiday; the next start leaves both alone, and is cheap.
	if _, err := db.Exec(ctx, `UPDATE indicators SET name = 'Cơ cấu GDP theo khu vực kinh tế' WHERE name = 'Cơ cấu tổng sản phẩm trong nước'`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(ctx, `DELETE FROM holidays WHERE day = '2027-02-05'`); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	mustCatalog(t, db)
	if took := time.Since(start); took > time.Second {
		t.Errorf("the second run took %v", took)
	}
	second := mustCatalogCounts(t, db)
	if second.indicators != 257 || second.holidays != 48 {
		t.Errorf("after the second run: %+v", second)
	}

	// A new version of the files adds only what is missing by its key:
	// nothing is doubled (the renamed row comes back, the deleted day too).
	if _, err := db.Exec(ctx, `UPDATE seed_loads SET checksum = 'older' WHERE name = 'catalog'`); err != nil {
		t.Fatal(err)
	}
	mustCatalog(t, db)
	third := mustCatalogCounts(t, db)
	if third.indicators != 258 || third.holidays != 49 {
		t.Errorf("after a new version of the files: %+v", third)
	}
	var dups int
	if err := db.QueryRow(ctx, `
		SELECT count(*) FROM (SELECT 1 FROM indicators GROUP BY source, code, name HAVING count(*) > 1) d`).Scan(&dups); err != nil || dups != 0 {
		t.Errorf("%d doubled indicators, %v", dups, err)
	}
}
