package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/forms"
	"baocao/internal/periods"
	"baocao/internal/reports"
	"baocao/internal/seed"
	"baocao/templates/components"
)

// Benchmarks of the largest seeded form (SPEC §8: render ≤ 20 ms).
// Run: go test ./web -run XXX -bench . -benchmem

func BenchmarkDesignCheckSocioEconomicForm(b *testing.B) {
	f, err := seed.SocioEconomicForm()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, problems := f.Compile(); len(problems) > 0 {
			b.Fatal(problems)
		}
	}
}

func BenchmarkRenderGridSocioEconomicForm(b *testing.B) {
	f, err := seed.SocioEconomicForm()
	if err != nil {
		b.Fatal(err)
	}
	grid := components.FormGrid(components.Grid{Form: &f})
	for b.Loop() {
		if err := grid.Render(context.Background(), io.Discard); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkPreviewPage serves the whole preview page of the seeded monthly
// form: session, policy, loading the version from PostgreSQL, rendering.
func BenchmarkPreviewPage(b *testing.B) {
	h := newHarness(b)
	if err := seed.DemoRegimes(h.ctx, h.db); err != nil {
		b.Fatal(err)
	}
	admin := h.account("qt.vpubnd", "vp-ubnd", accounts.UnitAdmin)
	cookie, _ := h.sessionFor(admin)
	var id int64
	if err := h.db.QueryRow(h.ctx, `SELECT id FROM regimes WHERE frequency = 'monthly'`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	path := regimePath(id) + "/template/forms/b1/preview"
	for b.Loop() {
		if rec := h.do("GET", path, cookie, nil); rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// seededMonthlyReport opens the demo regimes and returns a commune's
// monthly report with every input cell of the 343-row form filled.
func seededMonthlyReport(b testing.TB, h *harness) (int64, reports.Draft) {
	if err := seed.DemoRegimes(h.ctx, h.db); err != nil {
		b.Fatal(err)
	}
	var id int64
	if err := h.db.QueryRow(h.ctx, `
		SELECT r.id FROM reports r JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id
		JOIN units u ON u.id = r.unit_id WHERE g.frequency = 'monthly' AND u.key = 'xa-22366'`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	rep, err := h.s.reports.Report(h.ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	tpl, _, err := h.s.reports.Template(h.ctx, rep.TemplateVersionID)
	if err != nil {
		b.Fatal(err)
	}
	d := reports.Draft{Values: map[string]string{}}
	n := 0
	for _, f := range tpl.Forms {
		for _, row := range f.Rows {
			for _, col := range f.Columns {
				if row.HasValues() && !f.IsFormula(row, col) {
					n++
					if col.Type == "text" {
						d.Values[forms.CellKey(f.Key, row.Key, col.Code)] = "Ghi chú " + strconv.Itoa(n)
					} else {
						d.Values[forms.CellKey(f.Key, row.Key, col.Code)] = strconv.Itoa(n*37%10000) + ",5"
					}
				}
			}
		}
	}
	return id, d
}

// BenchmarkReportSave saves every input cell of the largest seeded form
// (SPEC §8: ≤ 30 ms), formulas computed on the server, one cell changed
// each time as by an autosave; without a past, and with the two years of
// accepted monthly reports a commune has (every save judges the figures
// against them).
func BenchmarkReportSave(b *testing.B) {
	for _, months := range []int{0, 24} {
		b.Run(strconv.Itoa(months)+"_months_past", func(b *testing.B) {
			h := newHarness(b)
			id, d := seededMonthlyReport(b, h)
			withPast(b, h, id, d, months)
			d.Revision++
			var key string
			for k := range d.Values {
				key = k
				break
			}
			n := 0
			defer reportCPU(b)()
			for b.Loop() {
				rep, err := h.s.reports.Report(h.ctx, id)
				if err != nil {
					b.Fatal(err)
				}
				n++
				d.Values[key] = strconv.Itoa(n)
				d.Revision = rep.Revision
				if _, err := h.s.reports.SaveChanges(h.ctx, rep, d, 0); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkReportPage serves the filled report page (SPEC §8: ≤ 20 ms),
// without a past and with two years of it.
func BenchmarkReportPage(b *testing.B) {
	for _, months := range []int{0, 24} {
		b.Run(strconv.Itoa(months)+"_months_past", func(b *testing.B) {
			h := newHarness(b)
			id, d := seededMonthlyReport(b, h)
			withPast(b, h, id, d, months)
			user := h.account("nhaplieu.bench", "xa-22366", accounts.User, accounts.Enter)
			cookie, _ := h.sessionFor(user)
			defer reportCPU(b)()
			for b.Loop() {
				if rec := h.do("GET", reportPath(id), cookie, nil); rec.Code != http.StatusOK {
					b.Fatalf("status %d", rec.Code)
				}
			}
		})
	}
}

// withPast saves d into report id and gives its unit the accepted
// reports of the months before its period, each with the same figures (a
// past the outlier rules read on every save and page).
func withPast(b testing.TB, h *harness, id int64, d reports.Draft, months int) {
	rep, err := h.s.reports.Report(h.ctx, id)
	if err != nil {
		b.Fatal(err)
	}
	if _, _, err := h.s.reports.Save(h.ctx, rep, d, 0); err != nil {
		b.Fatal(err)
	}
	if months == 0 {
		return
	}
	p, err := periods.ParseKey(rep.PeriodKey)
	if err != nil {
		b.Fatal(err)
	}
	for range months {
		p = p.Prev()
		if _, err := h.db.Exec(h.ctx, `
			WITH cur AS (SELECT r.*, q.regime_id, q.template_version_id FROM reports r JOIN periods q ON q.id = r.period_id WHERE r.id = $1),
			period AS (
				INSERT INTO periods (regime_id, key, label, start_date, end_date, template_version_id)
				SELECT regime_id, $2, $3, $4, $5, template_version_id FROM cur RETURNING id
			), report AS (
				INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline, status, sent_at)
				SELECT period.id, unit_id, receiver_unit_id, assignment_id, level, $5, 'accepted', now() FROM period, cur RETURNING id
			)
			INSERT INTO report_values (report_id, form_key, row_key, col_code, num, txt, computed)
			SELECT report.id, v.form_key, v.row_key, v.col_code, v.num, v.txt, v.computed FROM report, report_values v WHERE v.report_id = $1`,
			id, p.Key(), p.Label(), p.Start, p.End); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := h.db.Exec(h.ctx, `VACUUM ANALYZE report_values`); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkReportPageGzip serves the filled report page to a browser that
// accepts gzip, as every browser does (SPEC §8: ≤ 40 KB on the wire).
func BenchmarkReportPageGzip(b *testing.B) {
	h := newHarness(b)
	id, d := seededMonthlyReport(b, h)
	withPast(b, h, id, d, 0) // saved, without a past
	user := h.account("nhaplieu.bench", "xa-22366", accounts.User, accounts.Enter)
	cookie, _ := h.sessionFor(user)
	wire := 0
	defer reportCPU(b)()
	for b.Loop() {
		rec := h.getGzip(reportPath(id), cookie)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		wire = rec.Body.Len()
	}
	b.ReportMetric(float64(wire), "wire-B")
}

// reportCPU reports the process's CPU time per iteration (user and
// system, the server's own and not PostgreSQL's): on a shared machine
// it varies much less than the wall time. Use: defer reportCPU(b)().
func reportCPU(b *testing.B) func() {
	start := processCPU()
	return func() {
		b.ReportMetric(float64((processCPU()-start).Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}

func processCPU() time.Duration {
	var u syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &u)
	return time.Duration(u.Utime.Nano() + u.Stime.Nano())
}

// BenchmarkRowsEditor serves the designer's rows editor of the 343-row
// form: its size as sent (html-B) and on the wire with gzip (wire-B).
func BenchmarkRowsEditor(b *testing.B) {
	h := newHarness(b)
	if err := seed.DemoRegimes(h.ctx, h.db); err != nil {
		b.Fatal(err)
	}
	admin := h.account("qt.vpubnd", "vp-ubnd", accounts.UnitAdmin)
	cookie, _ := h.sessionFor(admin)
	var id int64
	if err := h.db.QueryRow(h.ctx, `SELECT id FROM regimes WHERE frequency = 'monthly'`).Scan(&id); err != nil {
		b.Fatal(err)
	}
	if _, err := h.s.regimes.NewDraft(h.ctx, id, admin.ID); err != nil {
		b.Fatal(err)
	}
	path := regimePath(id) + "/template/forms/b1/rows"
	html, wire := 0, 0
	defer reportCPU(b)()
	for b.Loop() {
		rec := h.do("GET", path, cookie, nil)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
		html = rec.Body.Len()
		if os.Getenv("DUMP") != "" {
			_ = os.WriteFile(os.Getenv("DUMP"), rec.Body.Bytes(), 0o644)
		}
		wire = h.getGzip(path, cookie).Body.Len()
	}
	b.ReportMetric(float64(html), "html-B")
	b.ReportMetric(float64(wire), "wire-B")
}

// BenchmarkAutosave is an autosave over HTTP, through every middleware,
// of one cell of the largest seeded form: as the page sends it (only the
// changed field) and as it sent it before (every field of the form).
func BenchmarkAutosave(b *testing.B) {
	for _, whole := range []bool{false, true} {
		name := "one_field"
		if whole {
			name = "whole_form"
		}
		b.Run(name, func(b *testing.B) {
			h := newHarness(b)
			id, d := seededMonthlyReport(b, h)
			withPast(b, h, id, d, 0) // saved, without a past
			cookie, csrf := h.sessionFor(h.account("nhaplieu.bench", "xa-22366", accounts.User, accounts.Enter))
			form := url.Values{"csrf_token": {csrf}}
			var edited string
			for key, v := range d.Values {
				parts := strings.SplitN(key, "|", 3)
				if edited == "" && strings.HasSuffix(v, ",5") {
					edited = components.CellName(parts[0], parts[1], parts[2])
				}
				if whole {
					form.Set(components.CellName(parts[0], parts[1], parts[2]), v)
				}
			}
			if !whole {
				form.Set("partial", "1")
			}
			revision, n := 1, 0
			defer reportCPU(b)()
			for b.Loop() {
				n++
				form.Set(edited, strconv.Itoa(n))
				form.Set("revision", strconv.Itoa(revision))
				req := newFormRequest("POST", reportPath(id), form)
				req.AddCookie(cookie)
				req.Header.Set("HX-Request", "true")
				if rec := serve(h, req); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Đã lưu") {
					b.Fatalf("autosave: %d %.300s", rec.Code, rec.Body.String())
				}
				revision++
			}
		})
	}
}

// BenchmarkReceivedPage serves a receiver's consolidation page of the
// largest seeded form, one commune's report accepted (SPEC §8: ≤ 20 ms):
// the board and the consolidated grid with its drill-down links.
func BenchmarkReceivedPage(b *testing.B) {
	h := newHarness(b)
	id, d := seededMonthlyReport(b, h)
	withPast(b, h, id, d, 0) // saved, without a past
	var receiver string
	var period int64
	if err := h.db.QueryRow(h.ctx, `UPDATE reports r SET status = 'accepted', sent_at = now() FROM units u
		WHERE r.id = $1 AND u.id = r.receiver_unit_id RETURNING u.key, r.period_id`, id).Scan(&receiver, &period); err != nil {
		b.Fatal(err)
	}
	cookie, _ := h.sessionFor(h.account("tonghop.bench", receiver, accounts.User, accounts.Consolidate))
	path := "/received/" + strconv.FormatInt(period, 10)
	defer reportCPU(b)()
	for b.Loop() {
		req := newFormRequest("GET", path, nil)
		req.AddCookie(cookie)
		if rec := serve(h, req); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "Xem số liệu của từng đơn vị") {
			b.Fatalf("received page: %d %.300s", rec.Code, rec.Body.String())
		}
	}
}
