package web

import (
	"archive/zip"
	"bytes"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/xuri/excelize/v2"

	"baocao/internal/accounts"
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

	// Two instances' workers at once: exactly one builds it.
	var wg sync.WaitGroup
	built := make([]int, 2)
	for i := range built {
		wg.Go(func() {
			n, err := h.s.archives.BuildWaiting(h.ctx)
			if err != nil {
				t.Error(err)
			}
			built[i] = n
		})
	}
	wg.Wait()
	if built[0]+built[1] != 1 {
		t.Fatalf("built %v, want exactly one archive", built)
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

	// An archive whose instance stopped mid-way (its lease ran out) is
	// built again by another; one still leased is left alone.
	var stale, leased int64
	for _, lease := range []struct {
		until string
		id    *int64
	}{{"-1 minute", &stale}, {"1 minute", &leased}} {
		if err := h.db.QueryRow(h.ctx, `
			INSERT INTO period_archives (period_id, receiver_unit_id, status, done, lease_until)
			VALUES ($1, $2, 'running', 1, now() + $3::interval) RETURNING id`, period, receiver.UnitID, lease.until).Scan(lease.id); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := h.s.archives.BuildWaiting(h.ctx); n != 1 || err != nil {
		t.Fatalf("built %d (%v), want the stale one only", n, err)
	}
	var staleStatus, leasedStatus string
	if err := h.db.QueryRow(h.ctx, `SELECT (SELECT status FROM period_archives WHERE id = $1), (SELECT status FROM period_archives WHERE id = $2)`,
		stale, leased).Scan(&staleStatus, &leasedStatus); err != nil || staleStatus != "done" || leasedStatus != "running" {
		t.Errorf("stale %s, leased %s (%v); want done, running", staleStatus, leasedStatus, err)
	}

	// A week after it was built, the archive is deleted.
	if _, err := h.db.Exec(h.ctx, `UPDATE period_archives SET finished_at = now() - interval '8 days' WHERE id = $1`, stale); err != nil {
		t.Fatal(err)
	}
	if _, err := h.s.archives.BuildWaiting(h.ctx); err != nil {
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
