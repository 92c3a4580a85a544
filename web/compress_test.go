package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"

	"baocao/internal/accounts"
	"baocao/static"
)

// get serves a GET as a browser that accepts gzip would send it.
func (h *harness) getGzip(target string, cookie *http.Cookie) *httptest.ResponseRecorder {
	return h.getEncoded(target, cookie, "gzip, deflate")
}

// getEncoded GETs target as a browser accepting the codings of accept.
func (h *harness) getEncoded(target string, cookie *http.Cookie, accept string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Accept-Encoding", accept)
	if cookie != nil {
		req.AddCookie(cookie)
	}
	rec := httptest.NewRecorder()
	h.s.ServeHTTP(rec, req)
	return rec
}

func gunzip(t testing.TB, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// The 343-row data-entry page travels gzipped (SPEC §8: ≤ 40 KB on the
// wire); the workbook download, compressed already, is sent as it is.
func TestCompressedAnswers(t *testing.T) {
	t.Parallel()
	h := newHarness(t)
	id, d := seededMonthlyReport(t, h)
	rep, _ := h.s.reports.Report(h.ctx, id)
	if _, _, err := h.s.reports.Save(h.ctx, rep, d, 0); err != nil {
		t.Fatal(err)
	}
	user := h.account("nhaplieu.nen", "xa-22366", accounts.User, accounts.Enter)
	cookie, _ := h.sessionFor(user)

	plain := h.do("GET", reportPath(id), cookie, nil)
	page := h.getGzip(reportPath(id), cookie)
	if page.Code != http.StatusOK || page.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("page: status %d, Content-Encoding %q", page.Code, page.Header().Get("Content-Encoding"))
	}
	if vary := strings.Join(page.Header().Values("Vary"), ", "); !strings.Contains(vary, "Accept-Encoding") {
		t.Errorf("page: Vary %q, want Accept-Encoding", vary)
	}
	html := gunzip(t, page.Body.Bytes())
	if !strings.Contains(string(html), "</html>") || len(html) < plain.Body.Len()*9/10 {
		t.Errorf("page: %d bytes unzipped, %d bytes plain", len(html), plain.Body.Len())
	}
	t.Logf("entry page: %d bytes, %d gzipped", plain.Body.Len(), page.Body.Len())
	if page.Body.Len() > 40<<10 {
		t.Errorf("entry page: %d bytes on the wire, budget 40 KB", page.Body.Len())
	}

	xlsx := h.getGzip(reportPath(id)+"/forms/b1/xlsx", cookie)
	if xlsx.Code != http.StatusOK || xlsx.Header().Get("Content-Encoding") != "" || !bytes.HasPrefix(xlsx.Body.Bytes(), []byte("PK")) {
		t.Errorf("xlsx: status %d, Content-Encoding %q, starts %q", xlsx.Code, xlsx.Header().Get("Content-Encoding"), xlsx.Body.Bytes()[:min(4, xlsx.Body.Len())])
	}

	js := h.getGzip(static.URL("js/htmx.min.js"), nil)
	if js.Code != http.StatusOK || js.Header().Get("Content-Encoding") != "gzip" {
		t.Fatalf("htmx.min.js: status %d, Content-Encoding %q", js.Code, js.Header().Get("Content-Encoding"))
	}
	if src := gunzip(t, js.Body.Bytes()); !bytes.Contains(src, []byte("htmx")) {
		t.Errorf("htmx.min.js unzipped: %.60q", src)
	}

	if rec := h.do("GET", reportPath(id), cookie, nil); rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("a client that accepts no encoding got %q", rec.Header().Get("Content-Encoding"))
	}

	// A browser accepting brotli gets the page in brotli, the static files
	// as built (static's own test checks their bytes), small answers and
	// workbooks as they are.
	br := h.getEncoded(reportPath(id), cookie, "gzip, deflate, br, zstd")
	if br.Code != http.StatusOK || br.Header().Get("Content-Encoding") != "br" ||
		!strings.Contains(strings.Join(br.Header().Values("Vary"), ", "), "Accept-Encoding") {
		t.Fatalf("page in brotli: status %d, headers %v", br.Code, br.Header())
	}
	wireBr := br.Body.Len()
	unbr, err := io.ReadAll(brotli.NewReader(br.Body))
	if err != nil || !strings.Contains(string(unbr), "</html>") || len(unbr) < plain.Body.Len()*9/10 {
		t.Errorf("page in brotli: %d bytes decoded (%v), %d bytes plain", len(unbr), err, plain.Body.Len())
	}
	t.Logf("entry page: %d bytes in brotli", wireBr)
	if rec := h.getEncoded(reportPath(id)+"/forms/b1/xlsx", cookie, "br"); rec.Header().Get("Content-Encoding") != "" || !bytes.HasPrefix(rec.Body.Bytes(), []byte("PK")) {
		t.Errorf("xlsx with brotli accepted: Content-Encoding %q", rec.Header().Get("Content-Encoding"))
	}
	if rec := h.getEncoded(static.URL("js/htmx.min.js"), nil, "br"); rec.Header().Get("Content-Encoding") != "br" {
		t.Errorf("htmx.min.js with brotli accepted: Content-Encoding %q", rec.Header().Get("Content-Encoding"))
	} else if src, err := io.ReadAll(brotli.NewReader(rec.Body)); err != nil || !bytes.Contains(src, []byte("htmx")) {
		t.Errorf("htmx.min.js in brotli compressed twice or damaged: %v %.60q", err, src)
	}
	if rec := h.getEncoded("/healthz", nil, "br"); rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != "" {
		t.Errorf("a short answer: status %d, Content-Encoding %q", rec.Code, rec.Header().Get("Content-Encoding"))
	}
}

// Every page carries the CSRF token masked afresh, so that gzip cannot
// reveal it (BREACH); each masked form and the plain token are accepted.
func TestCSRFMasked(t *testing.T) {
	t.Parallel()
	token := "c2Vzc2lvbi10b2tlbi1vZi10aGlydHktdHdvLWJ5dGVz"
	a, b := maskCSRF(token), maskCSRF(token)
	if a == b || strings.Contains(a, token) {
		t.Fatalf("masked twice: %q and %q", a, b)
	}
	for _, got := range []string{a, b, token} {
		if !csrfMatches(got, token) {
			t.Errorf("%q refused", got)
		}
	}
	for _, got := range []string{"", maskCSRF("b3RoZXItc2Vzc2lvbnMtdG9rZW4tb2YtMzItYnl0ZXM"), a[:len(a)-2], "csrf-anonymous"} {
		if csrfMatches(got, token) {
			t.Errorf("%q accepted", got)
		}
	}
	if csrfMatches(a, "") {
		t.Error("a session without a token accepted one")
	}
}
