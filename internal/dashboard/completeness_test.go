package dashboard_test

import (
	"context"
	"testing"
	"time"

	"baocao/internal/consolidation"
	"baocao/internal/dashboard"
	"baocao/internal/reports"
	"baocao/internal/usage"
	"baocao/internal/vn"
)

// A regime assigned to the old communes until their last day (30/6/2025)
// and to the new communes from 1/7/2025: Tháng 7/2025 (15/6 – 14/7/2025)
// straddles the change. Each period expects its own reporters, the old
// communes' until Tháng 6/2025 and the new ones' from Tháng 7/2025,
// nothing twice, nothing missing (issue 17). Hand counts from the demo:
// 22 old communes × Tháng 1–6/2025 = 132 reports due in the first half of
// 2025, 36 of them by the six old communes of phường Bắc Nha Trang; 65
// communes in Tháng 7/2025.
func TestCompletenessAcrossTheReorganisation(t *testing.T) {
	t.Parallel()
	db, regime, _ := demoProvince(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, vn.Location)
	dept, root, bnt, vinhHoa := idOf(t, db, "so-y-te"), idOf(t, db, "ubnd-tinh"), idOf(t, db, "xa-22333"), idOf(t, db, "xa-cu-22327")
	h1 := [2]time.Time{time.Date(2025, 1, 1, 0, 0, 0, 0, vn.Location), time.Date(2025, 7, 1, 0, 0, 0, 0, vn.Location)}
	h2 := [2]time.Time{h1[1], time.Date(2026, 1, 1, 0, 0, 0, 0, vn.Location)}
	// The old communes' assignments end on their last day.
	if _, err := db.Exec(ctx, `UPDATE assignments SET valid_to = '2025-06-30' WHERE regime_id = $1 AND unit_id IN (SELECT id FROM units WHERE key LIKE 'xa-cu-%')`, regime); err != nil {
		t.Fatal(err)
	}
	// The opener, run in Tháng 7/2025, makes no report for an old commune.
	store := reports.NewStore(db)
	store.Now = func() time.Time { return time.Date(2025, 7, 5, 9, 0, 0, 0, vn.Location) }
	if _, err := store.OpenDue(ctx); err != nil {
		t.Fatal(err)
	}
	var old int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM reports r JOIN units u ON u.id = r.unit_id JOIN periods p ON p.id = r.period_id
		WHERE p.key = '2025-M07' AND u.key LIKE 'xa-cu-%'`).Scan(&old); err != nil || old != 0 {
		t.Errorf("old communes' reports of Tháng 7/2025 = %d (%v), want none", old, err)
	}
	before, err := usage.Of(ctx, db, root, true, h2[0], h2[1], now)
	if err != nil {
		t.Fatal(err)
	}
	// Vĩnh Hòa has the draft of Tháng 7/2025 an opener made on 15/6/2025,
	// before the reorganisation was recorded.
	var july int64
	if err := db.QueryRow(ctx, `
		INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline)
		SELECT p.id, a.unit_id, a.receiver_unit_id, a.id, 1, '2025-07-16' FROM periods p JOIN assignments a ON a.regime_id = p.regime_id
		WHERE p.regime_id = $1 AND p.key = '2025-M07' AND a.unit_id = $2 RETURNING period_id`, regime, vinhHoa).Scan(&july); err != nil {
		t.Fatal(err)
	}
	f := dashboard.Filter{RegimeID: regime, From: time.Date(2025, 6, 1, 0, 0, 0, 0, vn.Location), To: time.Date(2025, 7, 14, 0, 0, 0, 0, vn.Location)}
	st, err := dashboard.StatusGrid(ctx, db, dashboard.Scope{Receiver: dept}, f, now)
	if err != nil {
		t.Fatal(err)
	}
	if len(st.Periods) != 2 || st.Columns[0].Assigned != 22 || st.Columns[1].Assigned != 65 || st.Total.Assigned != 87 {
		t.Fatalf("grid as reported: %d periods, %d + %d = %d assigned; want 22 (Tháng 6) + 65 (Tháng 7) = 87", len(st.Periods), st.Columns[0].Assigned, st.Columns[1].Assigned, st.Total.Assigned)
	}
	for _, l := range st.Lines {
		if l.UnitID == vinhHoa && l.Cells[1].State != "" {
			t.Errorf("Vĩnh Hòa owes Tháng 7/2025: %+v", l.Cells[1])
		}
	}
	re, err := dashboard.RebasedStatusGrid(ctx, db, dashboard.Scope{Receiver: dept}, f, now)
	if err != nil {
		t.Fatal(err)
	}
	if re.Columns[0].Assigned != 22 || re.Columns[1].Assigned != 65 || re.Total.Assigned != 87 || len(re.Lines) != 65 {
		t.Errorf("grid re-based: %d + %d = %d assigned in %d lines; want 22 + 65 = 87 in the 65 communes' lines", re.Columns[0].Assigned, re.Columns[1].Assigned, re.Total.Assigned, len(re.Lines))
	}
	board, err := consolidation.Board(ctx, db, july, dept, now)
	if err != nil || len(board) != 65 {
		t.Errorf("Sở Y tế's board of Tháng 7/2025: %d units (%v), want 65", len(board), err)
	}
	// The usage report follows the tree of its half-year.
	for _, c := range []struct {
		name string
		unit int64
		want int
	}{{"the province", root, 132}, {"phường Bắc Nha Trang with its old communes", bnt, 36}} {
		u, err := usage.Of(ctx, db, c.unit, true, h1[0], h1[1], now)
		if err != nil || u.Due != c.want || u.OnTime+u.Late != c.want {
			t.Errorf("usage of %s, first half of 2025: %d due, %d sent (%v); want %d", c.name, u.Due, u.OnTime+u.Late, err, c.want)
		}
	}
	after, err := usage.Of(ctx, db, root, true, h2[0], h2[1], now)
	if err != nil || after.Due != before.Due || after.Missing != before.Missing {
		t.Errorf("usage of the second half of 2025: %d due, %d missing with Vĩnh Hòa's draft; %d and %d before (%v)", after.Due, after.Missing, before.Due, before.Missing, err)
	}
	ranking, err := usage.Ranking(ctx, db, 0, h1[0], h1[1], now)
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range ranking {
		switch {
		case u.UnitID == bnt:
			t.Error("phường Bắc Nha Trang, formed on 1/7/2025, is ranked in the first half of 2025")
		case u.UnitID == vinhHoa && u.Due != 6:
			t.Errorf("Vĩnh Hòa's first half of 2025: %d due, want 6", u.Due)
		}
	}
	t.Logf("due: first half of 2025 %d (province), 36 (Bắc Nha Trang); second half %d; Tháng 6/2025 22, Tháng 7/2025 65", 132, after.Due)
}
