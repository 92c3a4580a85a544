package documents_test

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"

	"baocao/internal/documents"
	"baocao/internal/reports"
)

// BenchmarkRender renders Sở Y tế's seeded monthly report (the KT-XH form,
// 12 pages).
func BenchmarkRender(b *testing.B) {
	f := newFixture(b)
	r := f.approved(b, 0)
	for b.Loop() {
		if _, _, err := f.store.Render(f.ctx, r, "01/BC-SYT", f.leader, f.store.Now()); err != nil {
			b.Fatal(err)
		}
	}
}

// reset takes the report back to approved without a document.
func (f *fixture) reset(tb testing.TB, r *reports.Report) *reports.Report {
	tb.Helper()
	if _, err := f.db.Exec(f.ctx, `DELETE FROM report_documents WHERE report_id = $1`, r.ID); err != nil {
		tb.Fatal(err)
	}
	if _, err := f.db.Exec(f.ctx, `UPDATE reports SET status = 'approved' WHERE id = $1`, r.ID); err != nil {
		tb.Fatal(err)
	}
	return f.report(tb, r.ID)
}

// BenchmarkRenderAndSignTwice is the whole signing of a report on the
// server: render and number it, the leader's signature, the seal, each
// verified and stored (SPEC §8: ≤ 200 ms).
func BenchmarkRenderAndSignTwice(b *testing.B) {
	f := newFixture(b)
	r := f.approved(b, 0)
	for b.Loop() {
		b.StopTimer()
		r = f.reset(b, r)
		b.StartTimer()
		if err := f.store.SignOnServer(f.ctx, r, f.leader, documents.Personal); err != nil {
			b.Fatal(err)
		}
		if err := f.store.SignOnServer(f.ctx, f.report(b, r.ID), f.clerk, documents.Organisation); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkSignOnly is the leader's signature of an issued document.
func BenchmarkSignOnly(b *testing.B) {
	f := newFixture(b)
	r := f.approved(b, 0)
	for b.Loop() {
		b.StopTimer()
		r = f.reset(b, r)
		if _, err := f.store.Prepare(f.ctx, r, f.leader, documents.Personal); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if err := f.store.SignOnServer(f.ctx, r, f.leader, documents.Personal); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConcurrentRenderAndSign has 20 reports rendered and signed
// twice at once, and reports the process's peak resident memory.
func BenchmarkConcurrentRenderAndSign(b *testing.B) {
	f := newFixture(b)
	var list []*reports.Report
	for i := range 20 {
		list = append(list, f.approved(b, i))
	}
	for b.Loop() {
		b.StopTimer()
		for i := range list {
			list[i] = f.reset(b, list[i])
		}
		b.StartTimer()
		var wg sync.WaitGroup
		for _, r := range list {
			wg.Go(func() {
				if err := f.store.SignOnServer(f.ctx, r, f.leader, documents.Personal); err != nil {
					b.Error(err)
					return
				}
				if err := f.store.SignOnServer(f.ctx, f.report(b, r.ID), f.clerk, documents.Organisation); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
	}
	b.ReportMetric(peakRSS()/(1<<20), "MB-peak-RSS")
}

// peakRSS is the process's high-water resident set (VmHWM), in bytes.
func peakRSS() float64 {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
			return kb * 1024
		}
	}
	return 0
}
