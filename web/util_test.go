package web

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"

	"baocao/internal/reports"
)

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func newFormRequest(method, target string, form url.Values) *http.Request {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, target, body)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return req
}

func serve(h *harness, req *http.Request) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	h.s.ServeHTTP(rec, req)
	return rec
}

func draftOf(values map[string]string) reports.Draft { return reports.Draft{Values: values} }
