package reports_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/decimal"
	"baocao/internal/reports"
	"baocao/internal/seed"
	"baocao/internal/vn"
)

// demoReport seeds the demo province with the health regime's past and
// opens December 2026; it returns the store and phường Nha Trang's report
// of that month (17 accepted months before it).
func demoReport(tb testing.TB) (*database.DB, *reports.Store, *reports.Report) {
	tb.Helper()
	db := dbtest.New(tb)
	ctx := context.Background()
	for _, step := range []func(context.Context, *database.DB) error{seed.Reference, seed.Catalog, seed.DemoRegimes} {
		if err := step(ctx, db); err != nil {
			tb.Fatal(err)
		}
	}
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, vn.Location)
	if _, err := seed.DemoHistory(ctx, db, now); err != nil {
		tb.Fatal(err)
	}
	s := reports.NewStore(db)
	s.Now = func() time.Time { return now }
	if _, err := s.OpenDue(ctx); err != nil {
		tb.Fatal(err)
	}
	var id int64
	if err := db.QueryRow(ctx, `SELECT r.id FROM reports r JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id
		JOIN units u ON u.id = r.unit_id WHERE g.name = $1 AND p.key = '2026-M12' AND u.key = $2`, seed.HealthRegime, seed.DemoCommune).Scan(&id); err != nil {
		tb.Fatal(err)
	}
	r, err := s.Report(ctx, id)
	if err != nil {
		tb.Fatal(err)
	}
	return db, s, r
}

// TestCellHistoryRecordsEverySave: each save writes who changed which cell
// from what to what, by which way, with the values, and the audit log
// names the cells.
func TestCellHistoryRecordsEverySave(t *testing.T) {
	t.Parallel()
	db, s, r := demoReport(t)
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "Nguyễn Thị Hương"})
	if _, _, err := s.Save(ctx, r, reports.Draft{Values: map[string]string{"b1|r1|1": "1.234"}, Source: reports.SourceAutosave}, 0); err != nil {
		t.Fatal(err)
	}
	r, _ = s.Report(ctx, r.ID)
	if _, _, err := s.Save(ctx, r, reports.Draft{Values: map[string]string{"b1|r1|1": "1.240", "b1|r3|1": "15"}, Revision: r.Revision, Source: reports.SourceImport}, 0); err != nil {
		t.Fatal(err)
	}
	r, _ = s.Report(ctx, r.ID)
	// The same figures again change nothing, so they add no history.
	if _, _, err := s.Save(ctx, r, reports.Draft{Values: map[string]string{"b1|r1|1": "1.240", "b1|r3|1": "15"}, Revision: r.Revision}, 0); err != nil {
		t.Fatal(err)
	}
	r, _ = s.Report(ctx, r.ID)
	// A cell left out is cleared: that is a change too.
	if _, _, err := s.Save(ctx, r, reports.Draft{Values: map[string]string{"b1|r1|1": "1.240"}, Revision: r.Revision, Source: reports.SourceSave}, 0); err != nil {
		t.Fatal(err)
	}
	h, err := s.CellHistory(ctx, r, "b1|r1|1")
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 2 || h[0].Before != "1.234" || h[0].After != "1.240" || h[0].Source != reports.SourceImport ||
		h[1].Before != "" || h[1].After != "1.234" || h[1].Source != reports.SourceAutosave || h[1].By != "Nguyễn Thị Hương" {
		t.Fatalf("history of b1|r1|1 = %+v", h)
	}
	h, _ = s.CellHistory(ctx, r, "b1|r3|1")
	if len(h) != 2 || h[0].Before != "15" || h[0].After != "" || h[0].Source != reports.SourceSave {
		t.Fatalf("history of b1|r3|1 = %+v", h)
	}
	var events int
	if err := db.QueryRow(ctx, `SELECT count(*) FROM audit_log WHERE action = 'report.cells' AND object_id = $1`, r.ID).Scan(&events); err != nil || events != 3 {
		t.Fatalf("%d report.cells audit events, %v; want 3 (one per save that changed cells)", events, err)
	}
}

// TestNotes: an explanation is kept on an input cell, travels with the
// sent version, and bad ones are refused with a message, changing nothing.
func TestNotes(t *testing.T) {
	t.Parallel()
	_, s, r := demoReport(t)
	ctx := context.Background()
	if err := s.SetNote(ctx, r, "b1|r5|1", "Dịch sốt xuất huyết bùng phát tại tổ dân phố 3."); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ key, body, want string }{
		{"b1|r5|1", strings.Repeat("á", reports.MaxNote+1), "không được dài quá 500 ký tự"},
		{"b1|r5|2", "Lũy kế", "tự tính theo công thức"},
		{"b1|r99|1", "Không có dòng này", "không thuộc biểu mẫu"},
	} {
		err := s.SetNote(ctx, r, c.key, c.body)
		if msg := apperr.Message(err) + strings.Join(mapValues(apperr.FieldErrors(err)), " "); !strings.Contains(msg, c.want) {
			t.Errorf("SetNote(%s) = %v (%s), want %q", c.key, err, msg, c.want)
		}
	}
	notes, err := s.Notes(ctx, r.ID)
	if err != nil || len(notes) != 1 || notes["b1|r5|1"].Body != "Dịch sốt xuất huyết bùng phát tại tổ dân phố 3." {
		t.Fatalf("notes = %+v, %v", notes, err)
	}
	sent := *r
	sent.Status = reports.StatusSent
	if err := s.SetNote(ctx, &sent, "b1|r5|1", "Sửa sau khi gửi"); apperr.Code(err) != apperr.Conflict {
		t.Errorf("a note after sending: %v, want a conflict", err)
	}
	if err := s.SetNote(ctx, r, "b1|r5|1", ""); err != nil {
		t.Fatal(err)
	}
	if notes, _ := s.Notes(ctx, r.ID); len(notes) != 0 {
		t.Errorf("an empty note should remove it: %+v", notes)
	}
}

func mapValues(m map[string]string) []string {
	var out []string
	for _, v := range m {
		out = append(out, v)
	}
	return out
}

// TestFlagsAgainstOwnHistory: a figure ten times the unit's usual is
// flagged with the reason in words; its usual figure is not.
func TestFlagsAgainstOwnHistory(t *testing.T) {
	t.Parallel()
	db, s, r := demoReport(t)
	ctx := context.Background()
	var usual, lastYear string
	if err := db.QueryRow(ctx, `SELECT v.num::text FROM report_values v JOIN reports x ON x.id = v.report_id JOIN periods p ON p.id = x.period_id
		WHERE x.unit_id = $1 AND p.regime_id = $2 AND p.key = '2026-M11' AND v.form_key = 'b1' AND v.row_key = 'r1' AND v.col_code = '1'`, r.UnitID, r.RegimeID).Scan(&usual); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(ctx, `SELECT v.num::text FROM report_values v JOIN reports x ON x.id = v.report_id JOIN periods p ON p.id = x.period_id
		WHERE x.unit_id = $1 AND p.regime_id = $2 AND p.key = '2025-M12' AND v.form_key = 'b1' AND v.row_key = 'r1' AND v.col_code = '1'`, r.UnitID, r.RegimeID).Scan(&lastYear); err != nil {
		t.Fatal(err)
	}
	x := mustDecimal(t, usual)
	ten, _ := x.Mul(mustDecimal(t, "10"))
	flags, err := s.Flags(ctx, r, map[string]decimal.Decimal{"b1|r1|1": ten, "b1|r3|1": mustDecimal(t, "-3")})
	if err != nil {
		t.Fatal(err)
	}
	if f, ok := flags["b1|r1|1"]; !ok || !strings.Contains(f.Reason, "lần cùng kỳ năm trước ("+mustDecimal(t, lastYear).Format()+")") {
		t.Errorf("×10 of %s: flag %+v, want one against last year's %s", usual, flags["b1|r1|1"], lastYear)
	}
	if f := flags["b1|r3|1"]; !strings.Contains(f.Reason, "số âm") {
		t.Errorf("a negative count: %+v", f)
	}
	if flags, _ := s.Flags(ctx, r, map[string]decimal.Decimal{"b1|r1|1": x}); len(flags) != 0 {
		t.Errorf("last month's own figure flagged: %+v", flags)
	}
}

func mustDecimal(tb testing.TB, s string) decimal.Decimal {
	tb.Helper()
	x, err := decimal.ParseCanonical(s)
	if err != nil {
		tb.Fatal(err)
	}
	return x
}

// TestSelectiveReturnLocksTheRest: after a return pointing at one cell,
// only that cell (and the formula cells computed from it) may change;
// the others keep their figures whether a save leaves them out or not,
// and a save changing one is refused naming it. "Trả lại toàn bộ" opens
// everything.
func TestSelectiveReturnLocksTheRest(t *testing.T) {
	t.Parallel()
	db, s, r := demoReport(t)
	ctx := context.Background()
	values := map[string]string{"b1|r1|1": "1.200", "b1|r3|1": "30", "b1|r5|1": "14"}
	if _, _, err := s.Save(ctx, r, reports.Draft{Values: values}, 0); err != nil {
		t.Fatal(err)
	}
	returnWith := func(marks reports.Marks) *reports.Report {
		t.Helper()
		// Sent as the workflow would after signing; the return is the store's own.
		if _, err := db.Exec(ctx, `UPDATE reports SET status = 'sent', sent_at = now() WHERE id = $1`, r.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(ctx, `INSERT INTO report_snapshots (report_id, version, content) VALUES ($1, $2, '{"values": {}}')
			ON CONFLICT DO NOTHING`, r.ID, r.Version); err != nil {
			t.Fatal(err)
		}
		sent, _ := s.Report(ctx, r.ID)
		if err := s.Move(ctx, sent, reports.Return, "Kiểm tra lại số lượt khám", marks); err != nil {
			t.Fatal(err)
		}
		back, _ := s.Report(ctx, r.ID)
		return back
	}
	back := returnWith(reports.Marks{Cells: []string{"b1|r1|1"}})
	locks, err := s.Locks(ctx, back)
	if err != nil || locks == nil || !locks.Open("b1|r1|1") || locks.Open("b1|r3|1") {
		t.Fatalf("locks = %+v, %v", locks, err)
	}
	// The page posts only the open cell: the others keep their figures.
	if _, _, err := s.Save(ctx, back, reports.Draft{Values: map[string]string{"b1|r1|1": "1.150"}, Revision: back.Revision}, 0); err != nil {
		t.Fatal(err)
	}
	back, _ = s.Report(ctx, r.ID)
	c, _ := s.Content(ctx, back)
	if c.Values["b1|r1|1"] != "1.150" || c.Values["b1|r3|1"] != "30" || c.Values["b1|r5|1"] != "14" {
		t.Errorf("after saving the open cell: %v", c.Values)
	}
	// Changing a locked one is refused, naming it, and changes nothing.
	_, _, err = s.Save(ctx, back, reports.Draft{Values: map[string]string{"b1|r1|1": "1.150", "b1|r3|1": "31", "b1|r5|1": "14"}, Revision: back.Revision}, 0)
	if apperr.Code(err) != apperr.Conflict || !strings.Contains(apperr.Message(err), "Số trẻ em dưới 1 tuổi") {
		t.Errorf("changing a locked cell: %v", err)
	}
	if c, _ := s.Content(ctx, back); c.Values["b1|r3|1"] != "30" {
		t.Errorf("a refused save changed a locked cell: %v", c.Values["b1|r3|1"])
	}

	// A whole return opens every cell.
	if _, err := db.Exec(ctx, `UPDATE reports SET status = 'sent' WHERE id = $1`, r.ID); err != nil {
		t.Fatal(err)
	}
	back = returnWith(reports.Marks{Cells: []string{"b1|r1|1"}, All: true})
	if locks, err := s.Locks(ctx, back); err != nil || locks != nil {
		t.Errorf("trả lại toàn bộ: locks %+v, %v", locks, err)
	}
}

// TestAutosaveJudgesTheCellsItChanged: an autosave judges the figures it
// changed, flagged or ordinary, and says nothing of the others, whose
// marks stand; what the marks add up to is the whole form's judgement.
func TestAutosaveJudgesTheCellsItChanged(t *testing.T) {
	t.Parallel()
	db, s, r := demoReport(t)
	ctx := context.Background()
	// Last month's typed figures, as typed again this month.
	rows, _ := db.Query(ctx, `SELECT v.form_key || '|' || v.row_key || '|' || v.col_code, v.num::text FROM report_values v
		JOIN reports x ON x.id = v.report_id JOIN periods p ON p.id = x.period_id
		WHERE x.unit_id = $1 AND p.regime_id = $2 AND p.key = '2026-M11' AND NOT v.computed AND v.num IS NOT NULL`, r.UnitID, r.RegimeID)
	d := reports.Draft{Values: map[string]string{}, Source: reports.SourceAutosave}
	var key, num string
	if _, err := pgx.ForEachRow(rows, []any{&key, &num}, func() error {
		d.Values[key] = mustDecimal(t, num).Format()
		return nil
	}); err != nil || len(d.Values) < 5 {
		t.Fatalf("last month's figures: %d, %v", len(d.Values), err)
	}
	usual := d.Values["b1|r1|1"]
	ten, _ := mustDecimal(t, strings.ReplaceAll(strings.ReplaceAll(usual, ".", ""), ",", ".")).Mul(mustDecimal(t, "10"))
	marks := map[string]string{} // what the page shows after each answer
	save := func(what string, change map[string]string) map[string]string {
		t.Helper()
		for k, v := range change {
			d.Values[k] = v
		}
		now, err := s.Report(ctx, r.ID)
		if err != nil {
			t.Fatal(err)
		}
		d.Revision = now.Revision
		saved, err := s.SaveChanges(ctx, now, d, 0)
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		for k, why := range saved.Flags {
			if why == "" {
				delete(marks, k)
			} else {
				marks[k] = why
			}
		}
		return saved.Flags
	}
	first := save("the first save", map[string]string{"b1|r1|1": ten.Format()})
	if len(first) != len(d.Values) || first["b1|r1|1"] == "" {
		t.Fatalf("the first save judged %d of %d cells, r1.1 = %q: every cell is new", len(first), len(d.Values), first["b1|r1|1"])
	}
	if got := save("a negative count", map[string]string{"b1|r3|1": "-3"}); len(got) != 1 || !strings.Contains(got["b1|r3|1"], "số âm") {
		t.Errorf("changing r3.1 only judged %+v, want r3.1 alone, as negative", got)
	}
	if got := save("nothing changed", nil); len(got) != 0 {
		t.Errorf("a save that changed nothing judged %+v", got)
	}
	if got := save("r1.1 back to usual", map[string]string{"b1|r1|1": usual}); len(got) != 1 || got["b1|r1|1"] != "" {
		t.Errorf("r1.1 typed back to %s judged %+v, want it alone and ordinary", usual, got)
	}
	if marks["b1|r3|1"] == "" || marks["b1|r1|1"] != "" {
		t.Errorf("marks after the saves: %+v, want r3.1 flagged and r1.1 not", marks)
	}
	// The marks are what judging the whole stored form gives.
	now, _ := s.Report(ctx, r.ID)
	content, err := s.Content(ctx, now)
	if err != nil {
		t.Fatal(err)
	}
	typed := map[string]decimal.Decimal{}
	for k, x := range content.Numbers {
		if !content.Computed[k] {
			typed[k] = x
		}
	}
	whole, err := s.Flags(ctx, now, typed)
	if err != nil {
		t.Fatal(err)
	}
	if len(whole) != len(marks) {
		t.Errorf("the page marks %d cells, the whole form has %d flagged: %+v vs %+v", len(marks), len(whole), marks, whole)
	}
	for k, f := range whole {
		if marks[k] != f.Reason {
			t.Errorf("%s: marked %q, the whole form's judgement %q", k, marks[k], f.Reason)
		}
	}
}
