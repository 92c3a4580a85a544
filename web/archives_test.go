package web

import (
	"archive/zip"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"baocao/internal/accounts"
	"baocao/internal/jobs"
	"baocao/internal/notify"
)

// TestPeriodArchive: the receiver asks for the whole period; the page
// shows the archive waiting, two server instances' workers race for it and
// one builds it; the page then links the zip, which holds each sent
// report's PDF and one workbook. Another receiver cannot see it.
func TestPeriodArchive(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	_, period := dashboardFixture(h)
	receiver := h.account("tonghop.syte", "so-y-te", accounts.User, accounts.Consolidate)
	cookie, csrf := h.sessionFor(receiver)
	base := "/received/" + strconv.FormatInt(period, 10)
	rec := h.do(http.MethodPost, base+"/archives", cookie, url.Values{"csrf_token": {csrf}})
	if rec.Code != http.StatusSeeOther || !strings.HasPrefix(rec.Header().Get("Location"), base+"/archives/") {
		t.Fatalf("request: %d %s", rec.Code, rec.Header().Get("Location"))
	}
	page := rec.Header().Get("Location")
	// Asking again while it waits gives the same archive.
	if again := h.do(http.MethodPost, base+"/archives", cookie, url.Values{"csrf_token": {csrf}}); again.Header().Get("Location") != page {
		t.Errorf("second request went to %s, want %s", again.Header().Get("Location"), page)
	}
	if body := h.do(http.MethodGet, page, cookie, nil).Body.String(); !strings.Contains(body, "Đang chờ xử lý") || !strings.Contains(body, `hx-trigger="every 1s"`) {
		t.Fatalf("waiting page: %s", body)
	}
	if code := h.do(http.MethodGet, page+"/file", cookie, nil).Code; code != http.StatusConflict {
		t.Errorf("file before it is ready: %d, want 409", code)
	}

	// Two instances' job runners: the request's job is worked once.
	h.startJobs(t, 2)
	waitFor(t, "the archive to be built", func() bool {
		return strings.Contains(h.do(http.MethodGet, page, cookie, nil).Body.String(), "Tệp đã sẵn sàng")
	})
	waitFor(t, "the archive job to complete", func() bool {
		return h.count(`SELECT count(*) FROM river_job WHERE kind = 'build_archive' AND state = 'completed'`) == 1
	})
	if n := h.count(`SELECT count(*) FROM river_job WHERE kind = 'build_archive' AND attempt = 1 AND max_attempts = 3`); n != 1 {
		t.Fatalf("%d archive jobs worked once with retries left, want 1 (retries, so that a stopped instance's job is worked again)", n)
	}
	body := h.do(http.MethodGet, page, cookie, nil).Body.String()
	if !strings.Contains(body, "Tệp đã sẵn sàng") || strings.Contains(body, "hx-trigger") {
		t.Fatalf("finished page: %s", body)
	}
	rec = h.do(http.MethodGet, page+"/file", cookie, nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != "application/zip" {
		t.Fatalf("file: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	zr, err := zip.NewReader(bytes.NewReader(rec.Body.Bytes()), int64(rec.Body.Len()))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, f := range zr.File {
		names = append(names, f.Name)
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		var b bytes.Buffer
		_, _ = b.ReadFrom(rc)
		rc.Close()
		switch {
		case strings.HasSuffix(f.Name, ".pdf") && !bytes.HasPrefix(b.Bytes(), []byte("%PDF-")):
			t.Errorf("%s is not a PDF", f.Name)
		case strings.HasSuffix(f.Name, ".xlsx"):
			x, err := excelize.OpenReader(&b)
			if err != nil {
				t.Errorf("%s: %v", f.Name, err)
				continue
			}
			rows, _ := x.GetRows(x.GetSheetName(0))
			if len(rows) != 7 || rows[5][1] != "Ủy ban nhân dân phường Nha Trang" || rows[5][2] != "Đã tiếp nhận" {
				t.Errorf("list of reports: %q", rows)
			}
			// The consolidated form counts the accepted report only.
			form, _ := x.GetRows(x.GetSheetName(1), excelize.Options{RawCellValue: true})
			if sheets := x.GetSheetList(); len(sheets) != 2 || len(form) < 7 || form[6][1] != "Số lượt khám" || form[6][3] != "1000" {
				t.Errorf("consolidated sheet %q: %q", sheets, form)
			}
			x.Close()
		}
	}
	want := []string{"001 - Ủy ban nhân dân phường Nha Trang.pdf", "002 - Ủy ban nhân dân xã Cam Lâm.pdf", "Danh sách và số liệu tổng hợp.xlsx"}
	if !slices.Equal(names, want) {
		t.Errorf("zip holds %q, want %q", names, want)
	}

	// An archive whose instance stopped mid-way is built again from the
	// start when river rescues its job; a finished one is left alone.
	var stale int64
	if err := h.db.QueryRow(h.ctx, `
		INSERT INTO period_archives (period_id, receiver_unit_id, status, done)
		VALUES ($1, $2, 'running', 1) RETURNING id`, period, receiver.UnitID).Scan(&stale); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := h.s.archives.Work(h.ctx, stale, false); err != nil {
			t.Fatal(err)
		}
	}
	var staleStatus string
	var done, total int
	if err := h.db.QueryRow(h.ctx, `SELECT status, done, total FROM period_archives WHERE id = $1`, stale).Scan(&staleStatus, &done, &total); err != nil ||
		staleStatus != "done" || done != 2 || total != 2 {
		t.Errorf("rescued archive: %s, %d of %d (%v); want done, 2 of 2", staleStatus, done, total, err)
	}

	// A week after it was built, the archive is deleted.
	if _, err := h.db.Exec(h.ctx, `UPDATE period_archives SET finished_at = now() - interval '8 days' WHERE id = $1`, stale); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.archives.Purge(h.ctx); err != nil {
		t.Fatal(err)
	}
	if n := h.count(`SELECT count(*) FROM period_archives WHERE id = $1`, stale); n != 0 {
		t.Errorf("an archive finished 8 days ago is kept")
	}

	outsider := h.account("tonghop.tuphap", "so-tu-phap", accounts.User, accounts.Consolidate)
	cookie, _ = h.sessionFor(outsider)
	if code := h.do(http.MethodGet, page+"/file", cookie, nil).Code; code != http.StatusNotFound {
		t.Errorf("another receiver downloading: %d, want 404", code)
	}
}

// startJobs runs n server instances' job runners (every kind of work the
// stores queue, and the notifications) on the harness's database until
// the test ends.
func (h *harness) startJobs(t testing.TB, n int) {
	t.Helper()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	for range n {
		r, err := jobs.New(h.db, log, jobs.Work{Notifications: notify.New(h.db, &notify.Mailer{}, log), Archives: h.s.archives, Gov: h.s.gov}, nil)
		if err != nil {
			t.Fatal(err)
		}
		if err := r.Start(h.ctx); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			_ = r.Stop(ctx)
		})
	}
}

// waitFor polls cond until it holds, failing the test after two minutes
// (a loaded machine's worst case: the condition, not the time, is tested).
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(2 * time.Minute); !cond(); time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("gave up waiting for %s", what)
		}
	}
}
