package reports_test

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/database/dbtest"
	"baocao/internal/forms"
	"baocao/internal/reports"
	"baocao/internal/seed"
)

// entryFixture is one draft report of a small published template.
type entryFixture struct {
	db    *database.DB
	store *reports.Store
	rep   *reports.Report
	ctx   context.Context
}

func newEntry(t *testing.T) *entryFixture {
	t.Helper()
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "kiemthu", IP: "127.0.0.1"})
	db := dbtest.New(t)
	if err := seed.Reference(ctx, db); err != nil {
		t.Fatal(err)
	}
	tpl := forms.Template{
		Outline: []forms.Section{{Key: "s1", Number: "I", Heading: "Kết quả thực hiện", Required: true}},
		Forms: []forms.Form{{Key: "b1", Title: "Khám chữa bệnh", Columns: []forms.Column{
			{Code: "1", Label: "Kế hoạch", Type: forms.Number, NonNegative: true, Required: true, Prefill: "previous"},
			{Code: "2", Label: "Thực hiện", Type: forms.Integer},
			{Code: "3", Label: "Tỷ lệ (%)", Type: forms.Percent, Formula: "IF(c1 = 0, 0, c2 / c1 * 100)"},
			{Code: "4", Label: "Lũy kế", Type: forms.Number, Formula: "prev(c4) + c2"},
			{Code: "5", Label: "Ghi chú", Type: forms.Text},
		}, Rows: []forms.Row{
			{Key: "r1", Label: "Tổng số", Kind: forms.Subtotal},
			{Key: "r2", Parent: "r1", STT: "1", Label: "Số lượt khám", Kind: forms.Indicator},
			{Key: "r3", Parent: "r1", STT: "2", Label: "Số lượt cấp cứu", Kind: forms.Indicator},
		}, Rules: []forms.Rule{{Expr: "c2 <= c1 * 10", Message: "Thực hiện vượt quá 10 lần kế hoạch."}}}}}
	var ids [6]int64
	queries := []string{
		`SELECT id FROM units WHERE key = 'so-y-te'`,
		`SELECT id FROM units WHERE key = 'vp-ubnd'`,
	}
	for i, q := range queries {
		if err := db.QueryRow(ctx, q).Scan(&ids[i]); err != nil {
			t.Fatal(err)
		}
	}
	unit, receiver := ids[0], ids[1]
	var regime, version, period, assignment, id int64
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(db.QueryRow(ctx, `INSERT INTO regimes (name, receiving_unit_id, frequency, owner_unit_id) VALUES ('Y tế tháng', $1, 'monthly', $1) RETURNING id`, receiver).Scan(&regime))
	must(db.QueryRow(ctx, `INSERT INTO template_versions (regime_id, version, content, published_at) VALUES ($1, 1, $2, now()) RETURNING id`, regime, tpl).Scan(&version))
	for _, p := range []struct{ key, label, start, end string }{{"2026-M11", "Tháng 11/2026", "2026-10-15", "2026-11-14"}, {"2026-M12", "Tháng 12/2026", "2026-11-15", "2026-12-14"}} {
		must(db.QueryRow(ctx, `INSERT INTO periods (regime_id, key, label, start_date, end_date, template_version_id) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			regime, p.key, p.label, p.start, p.end, version).Scan(&period))
		if assignment == 0 {
			must(db.QueryRow(ctx, `INSERT INTO assignments (regime_id, unit_id, receiver_unit_id, valid_from, confirmed_at) VALUES ($1, $2, $3, '2026-01-01', now()) RETURNING id`,
				regime, unit, receiver).Scan(&assignment))
		}
		must(db.QueryRow(ctx, `INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline) VALUES ($1, $2, $3, $4, 1, $5::date + 2) RETURNING id`,
			period, unit, receiver, assignment, p.end).Scan(&id))
	}
	store := reports.NewStore(db)
	store.Now = func() time.Time { return time.Date(2026, 12, 10, 9, 0, 0, 0, time.UTC) }
	rep, err := store.Report(ctx, id)
	must(err)
	return &entryFixture{db: db, store: store, rep: rep, ctx: ctx}
}

func (f *entryFixture) reload(t *testing.T) {
	t.Helper()
	rep, err := f.store.Report(f.ctx, f.rep.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.rep = rep
}

// sealed gives the report's current version a signed and sealed
// document; its bytes do not matter here (the documents package verifies
// them), only that the signing steps happened.
func (f *entryFixture) sealed(t *testing.T) {
	t.Helper()
	_, err := f.db.Exec(f.ctx, `
		WITH a AS (
			INSERT INTO accounts (username, full_name, unit_id, tier, password_hash)
			SELECT 'lanhdao.kiemthu', 'Lãnh đạo', unit_id, 'user', 'x' FROM reports WHERE id = $1
			ON CONFLICT DO NOTHING RETURNING id)
		INSERT INTO report_documents (report_id, version, revision, signer_id, unit_id, year, number, symbol, stage, pdf,
		                              sig_page, sig_x, sig_y, sig_w, sig_h)
		SELECT r.id, r.version, r.revision, coalesce((SELECT id FROM a), (SELECT id FROM accounts WHERE username = 'lanhdao.kiemthu')),
		       r.unit_id, 2026, r.id * 1000 + r.version, 'x', 'organisation', '%PDF', 1, 0, 0, 1, 1
		FROM reports r WHERE r.id = $1
		ON CONFLICT (report_id, version) DO NOTHING`, f.rep.ID)
	if err != nil {
		t.Fatal(err)
	}
}

func cells(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func TestSaveComputesFormulasAndKeepsWhatWasTyped(t *testing.T) {
	t.Parallel()
	f := newEntry(t)
	problems, rev, err := f.store.Save(f.ctx, f.rep, reports.Draft{Values: cells(
		"b1|r2|1", "1.000", "b1|r2|2", "250", "b1|r3|1", "200,5", "b1|r3|2", "mười", "b1|r2|5", "Ghi chú <b>đậm</b>",
	), Sections: map[string]string{"s1": "<p>Đã khám</p>"}}, 0)
	if err != nil {
		t.Fatal(err)
	}
	if rev != 1 {
		t.Errorf("revision %d, want 1", rev)
	}
	if len(problems) != 1 || problems[0].Key != "b1|r3|2" {
		t.Errorf("problems %+v, want one on b1|r3|2 (text in an integer column)", problems)
	}
	f.reload(t)
	c, err := f.store.Content(f.ctx, f.rep)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{
		"b1|r2|1": "1.000", "b1|r2|3": "25", "b1|r1|1": "1.200,5", "b1|r1|2": "250", "b1|r2|4": "250",
		"b1|r3|2": "mười", "b1|r2|5": "Ghi chú <b>đậm</b>",
	} {
		if got := c.Values[key]; got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if c.Sections["s1"] != "<p>Đã khám</p>" {
		t.Errorf("section %q", c.Sections["s1"])
	}
}

func TestSaveRefusesForeignCellsAndStaleRevisions(t *testing.T) {
	t.Parallel()
	f := newEntry(t)
	if _, _, err := f.store.Save(f.ctx, f.rep, reports.Draft{Values: cells("b1|r2|1", "5")}, 0); err != nil {
		t.Fatal(err)
	}
	for name, d := range map[string]reports.Draft{
		"a cell of another form":       {Values: cells("b9|r2|1", "1"), Revision: 1},
		"a formula cell":               {Values: cells("b1|r2|3", "99"), Revision: 1},
		"a heading or unknown row":     {Values: cells("b1|r99|1", "1"), Revision: 1},
		"a section of another outline": {Sections: map[string]string{"s9": "x"}, Revision: 1},
	} {
		if _, _, err := f.store.Save(f.ctx, f.rep, d, 0); apperr.Code(err) != apperr.Invalid {
			t.Errorf("%s: %v, want Invalid", name, err)
		}
	}
	// Someone else saved revision 1 → 2; a save from revision 1 is stale.
	if _, _, err := f.store.Save(f.ctx, f.rep, reports.Draft{Values: cells("b1|r2|1", "7"), Revision: 1}, 0); err != nil {
		t.Fatal(err)
	}
	_, _, err := f.store.Save(f.ctx, f.rep, reports.Draft{Values: cells("b1|r2|1", "9"), Revision: 1}, 0)
	var conflict *reports.ConflictError
	if !errors.As(err, &conflict) || conflict.Theirs.Values["b1|r2|1"] != "7" {
		t.Fatalf("stale save: %v, want a conflict showing their 7", err)
	}
	f.reload(t)
	c, _ := f.store.Content(f.ctx, f.rep)
	if c.Values["b1|r2|1"] != "7" {
		t.Errorf("the stale save overwrote: %q", c.Values["b1|r2|1"])
	}
}

func TestPrevFeedsYearToDate(t *testing.T) {
	t.Parallel()
	f := newEntry(t)
	var previous int64
	if err := f.db.QueryRow(f.ctx, `SELECT r.id FROM reports r JOIN periods p ON p.id = r.period_id WHERE p.key = '2026-M11'`).Scan(&previous); err != nil {
		t.Fatal(err)
	}
	prevReport, _ := f.store.Report(f.ctx, previous)
	if _, _, err := f.store.Save(f.ctx, prevReport, reports.Draft{Values: cells("b1|r2|2", "100")}, 0); err != nil {
		t.Fatal(err)
	}
	if _, _, err := f.store.Save(f.ctx, f.rep, reports.Draft{Values: cells("b1|r2|2", "30")}, 0); err != nil {
		t.Fatal(err)
	}
	c, _ := f.store.Content(f.ctx, f.rep)
	if c.Values["b1|r2|4"] != "130" {
		t.Errorf("year to date %q, want 130 (100 last month + 30)", c.Values["b1|r2|4"])
	}
}

// TestSigningStepsNeedADocument: without a signed document a report is
// neither marked signed, nor sent, nor accepted.
func TestSigningStepsNeedADocument(t *testing.T) {
	t.Parallel()
	f := newEntry(t)
	for _, c := range []struct {
		from   reports.Status
		action reports.Action
	}{{"approved", reports.Sign}, {"signed", reports.Send}, {"sent", reports.Accept}} {
		if _, err := f.db.Exec(f.ctx, `UPDATE reports SET status = $2 WHERE id = $1`, f.rep.ID, c.from); err != nil {
			t.Fatal(err)
		}
		f.reload(t)
		if err := f.store.Move(f.ctx, f.rep, c.action, "", reports.Marks{}); apperr.Code(err) != apperr.Conflict {
			t.Errorf("%s without a document: %v, want a conflict", c.action, err)
		}
		if f.reload(t); f.rep.Status != c.from {
			t.Errorf("%s without a document moved the report to %s", c.action, f.rep.Status)
		}
	}
}

// TestTransitions walks every action from every status.
func TestTransitions(t *testing.T) {
	t.Parallel()
	statuses := []reports.Status{"draft", "awaiting_approval", "approved", "signed", "sent", "returned", "accepted"}
	to := map[reports.Action]map[reports.Status]reports.Status{
		reports.Submit:         {"draft": "awaiting_approval", "returned": "awaiting_approval"},
		reports.Approve:        {"awaiting_approval": "approved"},
		reports.ReturnInternal: {"awaiting_approval": "draft", "approved": "draft"},
		reports.Sign:           {"approved": "signed"},
		reports.Send:           {"signed": "sent"},
		reports.Accept:         {"sent": "accepted"},
		reports.Return:         {"sent": "returned"},
		reports.Supplement:     {"accepted": "draft"},
	}
	f := newEntry(t)
	if _, _, err := f.store.Save(f.ctx, f.rep, reports.Draft{Values: cells("b1|r2|1", "10", "b1|r3|1", "5"),
		Sections: map[string]string{"s1": "<p>Nội dung</p>"}}, 0); err != nil {
		t.Fatal(err)
	}
	for action, allowed := range to {
		for _, from := range statuses {
			if _, err := f.db.Exec(f.ctx, `UPDATE reports SET status = $2 WHERE id = $1`, f.rep.ID, from); err != nil {
				t.Fatal(err)
			}
			f.reload(t)
			f.sealed(t)
			err := f.store.Move(f.ctx, f.rep, action, "Lý do thử", reports.Marks{})
			want, ok := allowed[from]
			f.reload(t)
			switch {
			case ok && err != nil:
				t.Errorf("%s from %s: %v", action, from, err)
			case ok && f.rep.Status != want:
				t.Errorf("%s from %s: status %s, want %s", action, from, f.rep.Status, want)
			case !ok && apperr.Code(err) != apperr.Conflict:
				t.Errorf("%s from %s: %v, want Conflict", action, from, err)
			case !ok && f.rep.Status != from:
				t.Errorf("%s from %s changed the status to %s", action, from, f.rep.Status)
			}
		}
	}
}

func TestSubmitNeedsACompleteReportAndReturnsNeedReasons(t *testing.T) {
	t.Parallel()
	f := newEntry(t)
	err := f.store.Move(f.ctx, f.rep, reports.Submit, "", reports.Marks{})
	var incomplete *reports.IncompleteError
	if !errors.As(err, &incomplete) || len(incomplete.Problems) < 3 { // s1, r2 c1, r3 c1
		t.Fatalf("submit of an empty report: %v", err)
	}
	if _, _, err := f.store.Save(f.ctx, f.rep, reports.Draft{Values: cells("b1|r2|1", "10", "b1|r3|1", "5"),
		Sections: map[string]string{"s1": "<p>Nội dung</p>"}}, 0); err != nil {
		t.Fatal(err)
	}
	f.reload(t)
	if err := f.store.Move(f.ctx, f.rep, reports.Submit, "", reports.Marks{}); err != nil {
		t.Fatal(err)
	}
	f.reload(t)
	if err := f.store.Move(f.ctx, f.rep, reports.ReturnInternal, "  ", reports.Marks{}); apperr.Code(err) != apperr.Invalid {
		t.Errorf("return without a reason: %v", err)
	}
	if _, _, err := f.store.Save(f.ctx, f.rep, reports.Draft{Values: cells("b1|r2|1", "11"), Revision: f.rep.Revision}, 0); apperr.Code(err) != apperr.Conflict {
		t.Errorf("saving a report awaiting approval: %v, want Conflict", err)
	}
}

func TestSendDecidesLatenessAndSnapshots(t *testing.T) {
	t.Parallel()
	f := newEntry(t)
	for i, c := range []struct {
		now  time.Time
		late bool
	}{
		{time.Date(2026, 12, 16, 16, 59, 0, 0, time.UTC), false}, // 23:59 on the deadline day in Vietnam
		{time.Date(2026, 12, 16, 17, 1, 0, 0, time.UTC), true},   // 00:01 the day after
	} {
		if _, err := f.db.Exec(f.ctx, `UPDATE reports SET status = 'signed' WHERE id = $1`, f.rep.ID); err != nil {
			t.Fatal(err)
		}
		f.reload(t)
		f.sealed(t)
		f.store.Now = func() time.Time { return c.now }
		if err := f.store.Move(f.ctx, f.rep, reports.Send, "", reports.Marks{}); err != nil {
			t.Fatal(err)
		}
		f.reload(t)
		if f.rep.Late != c.late {
			t.Errorf("case %d: late = %v, want %v", i, f.rep.Late, c.late)
		}
	}
	// An outage over the deadline with a grace period until the 18th.
	if _, err := f.db.Exec(f.ctx, `INSERT INTO outages (started_at, ended_at, grace_until) VALUES ('2026-12-16 08:00+07', '2026-12-16 20:00+07', '2026-12-18 17:00+07')`); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(f.ctx, `UPDATE reports SET status = 'signed' WHERE id = $1`, f.rep.ID); err != nil {
		t.Fatal(err)
	}
	f.reload(t)
	f.sealed(t)
	f.store.Now = func() time.Time { return time.Date(2026, 12, 18, 2, 0, 0, 0, time.UTC) }
	if err := f.store.Move(f.ctx, f.rep, reports.Send, "", reports.Marks{}); err != nil {
		t.Fatal(err)
	}
	f.reload(t)
	if f.rep.Late {
		t.Error("sent within an outage's grace period but counted late")
	}
	var snapshots int
	if err := f.db.QueryRow(f.ctx, `SELECT count(*) FROM report_snapshots WHERE report_id = $1`, f.rep.ID).Scan(&snapshots); err != nil || snapshots != 1 {
		t.Errorf("snapshots %d, %v", snapshots, err)
	}
}

func TestConcurrentMovesOneWins(t *testing.T) {
	t.Parallel()
	f := newEntry(t)
	if _, err := f.db.Exec(f.ctx, `UPDATE reports SET status = 'sent' WHERE id = $1`, f.rep.ID); err != nil {
		t.Fatal(err)
	}
	f.reload(t)
	f.sealed(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, a := range []reports.Action{reports.Accept, reports.Return} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rep := *f.rep
			errs[i] = f.store.Move(f.ctx, &rep, a, "Lý do "+strconv.Itoa(i), reports.Marks{})
		}()
	}
	wg.Wait()
	if (errs[0] == nil) == (errs[1] == nil) {
		t.Fatalf("accept and return at once: %v / %v, want exactly one to win", errs[0], errs[1])
	}
	var events int
	if err := f.db.QueryRow(f.ctx, `SELECT count(*) FROM report_events WHERE report_id = $1`, f.rep.ID).Scan(&events); err != nil || events != 1 {
		t.Errorf("events %d, %v; want 1", events, err)
	}
}

func TestSendViaEOfficeDuringAnOutage(t *testing.T) {
	t.Parallel()
	f := newEntry(t)
	if err := f.store.RecordOutage(f.ctx, reports.Outage{}, 0); apperr.Code(err) != apperr.Invalid {
		t.Fatalf("an empty outage: %v", err)
	}
	start := time.Date(2026, 12, 16, 8, 0, 0, 0, time.UTC)
	if err := f.store.RecordOutage(f.ctx, reports.Outage{Start: start, End: start.Add(30 * time.Hour), GraceUntil: start.Add(80 * time.Hour),
		Description: "Mất kết nối trung tâm dữ liệu"}, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := f.db.Exec(f.ctx, `UPDATE reports SET status = 'signed' WHERE id = $1`, f.rep.ID); err != nil {
		t.Fatal(err)
	}
	f.reload(t)
	f.sealed(t)
	f.store.Now = func() time.Time { return time.Date(2026, 12, 20, 2, 0, 0, 0, time.UTC) }
	if err := f.store.SendViaEOffice(f.ctx, f.rep, reports.EOffice{}); apperr.Code(err) != apperr.Invalid {
		t.Fatalf("without number and date: %v", err)
	}
	// Sent through E-Office on 18/12, within the grace period of the outage over the deadline (16/12).
	if err := f.store.SendViaEOffice(f.ctx, f.rep, reports.EOffice{Number: "125/UBND-VP", Date: time.Date(2026, 12, 18, 0, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
	f.reload(t)
	if f.rep.Status != "sent" || !f.rep.ViaEOffice || f.rep.Late {
		t.Fatalf("after E-Office: status %s, via %v, late %v; want sent, true, false", f.rep.Status, f.rep.ViaEOffice, f.rep.Late)
	}
}

func TestPrefillCarriesPlanFiguresFromThePreviousPeriod(t *testing.T) {
	t.Parallel()
	f := newEntry(t)
	var previous int64
	if err := f.db.QueryRow(f.ctx, `SELECT r.id FROM reports r JOIN periods p ON p.id = r.period_id WHERE p.key = '2026-M11'`).Scan(&previous); err != nil {
		t.Fatal(err)
	}
	prevReport, _ := f.store.Report(f.ctx, previous)
	if _, _, err := f.store.Save(f.ctx, prevReport, reports.Draft{Values: cells("b1|r2|1", "1.200", "b1|r2|2", "100")}, 0); err != nil {
		t.Fatal(err)
	}
	got, err := f.store.Prefill(f.ctx, f.rep)
	if err != nil {
		t.Fatal(err)
	}
	if got["b1|r2|1"] != "1.200" || got["b1|r2|2"] != "" {
		t.Fatalf("prefill %v, want the plan 1.200 and nothing for the month's figure", got)
	}
	if _, _, err := f.store.Save(f.ctx, f.rep, reports.Draft{Values: cells("b1|r2|1", "900")}, 0); err != nil {
		t.Fatal(err)
	}
	f.reload(t)
	if got, _ := f.store.Prefill(f.ctx, f.rep); len(got) != 0 {
		t.Errorf("prefill after the first save: %v, want nothing (the unit's own figures win)", got)
	}
}

func TestEOfficeNeedsAnOutageOverTheDeadline(t *testing.T) {
	t.Parallel()
	f := newEntry(t)
	if _, err := f.db.Exec(f.ctx, `UPDATE reports SET status = 'signed' WHERE id = $1`, f.rep.ID); err != nil {
		t.Fatal(err)
	}
	f.reload(t)
	f.sealed(t)
	f.store.Now = func() time.Time { return time.Date(2026, 12, 20, 2, 0, 0, 0, time.UTC) }
	err := f.store.SendViaEOffice(f.ctx, f.rep, reports.EOffice{Number: "99/UBND", Date: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)})
	if apperr.Code(err) != apperr.Invalid {
		t.Fatalf("E-Office without any outage: %v, want Invalid", err)
	}
	f.reload(t)
	if f.rep.Status != "signed" {
		t.Fatalf("status changed to %s", f.rep.Status)
	}
}

func TestSubmitRefusesContentChangedAfterTheCheck(t *testing.T) {
	t.Parallel()
	f := newEntry(t)
	if _, _, err := f.store.Save(f.ctx, f.rep, reports.Draft{Values: cells("b1|r2|1", "10", "b1|r3|1", "5"),
		Sections: map[string]string{"s1": "<p>Nội dung</p>"}}, 0); err != nil {
		t.Fatal(err)
	}
	f.reload(t)
	stale := *f.rep
	// Another tab saves after this page loaded: the submission is a conflict.
	if _, _, err := f.store.Save(f.ctx, f.rep, reports.Draft{Values: cells("b1|r2|1", "11", "b1|r3|1", "5"), Revision: f.rep.Revision,
		Sections: map[string]string{"s1": "<p>Nội dung</p>"}}, 0); err != nil {
		t.Fatal(err)
	}
	if err := f.store.Move(f.ctx, &stale, reports.Submit, "", reports.Marks{}); apperr.Code(err) != apperr.Conflict {
		t.Fatalf("submit of a stale page: %v, want Conflict", err)
	}
}
