package static

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"path"
	"testing"

	"github.com/andybalholm/brotli"
)

func get(t *testing.T, url, accept, ifNoneMatch string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, url, nil)
	if accept != "" {
		req.Header.Set("Accept-Encoding", accept)
	}
	if ifNoneMatch != "" {
		req.Header.Set("If-None-Match", ifNoneMatch)
	}
	rec := httptest.NewRecorder()
	Handler().ServeHTTP(rec, req)
	return rec
}

// TestPrecompressed: every stylesheet, script and SVG is served as built by
// `go generate ./static`, in brotli or gzip as accepted, each decompressing
// to the file's bytes (a stale .br or .gz fails here), with its own ETag,
// Vary and the original's type; a browser accepting neither gets the file.
func TestPrecompressed(t *testing.T) {
	n := 0
	for p, a := range assets {
		ext := path.Ext(p)
		if ext != ".css" && ext != ".js" && ext != ".svg" {
			continue
		}
		n++
		url := URL(p)
		tags := map[string]bool{}
		for _, c := range []struct {
			accept, encoding string
			decode           func(io.Reader) (io.Reader, error)
		}{
			{"gzip, deflate, br, zstd", "br", func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil }},
			{"gzip, br;q=0", "gzip", func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) }},
			{"", "", func(r io.Reader) (io.Reader, error) { return r, nil }},
			{"identity", "", func(r io.Reader) (io.Reader, error) { return r, nil }},
		} {
			rec := get(t, url, c.accept, "")
			if rec.Code != http.StatusOK || rec.Header().Get("Content-Encoding") != c.encoding {
				t.Fatalf("%s with %q: status %d, Content-Encoding %q, want %q", p, c.accept, rec.Code, rec.Header().Get("Content-Encoding"), c.encoding)
			}
			if rec.Header().Get("Content-Type") != a.contentType || rec.Header().Get("Vary") != "Accept-Encoding" ||
				rec.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
				t.Errorf("%s with %q: headers %v", p, c.accept, rec.Header())
			}
			r, err := c.decode(bytes.NewReader(rec.Body.Bytes()))
			if err != nil {
				t.Fatal(err)
			}
			got, err := io.ReadAll(r)
			if err != nil {
				t.Fatalf("%s (%s): %v", p, c.encoding, err)
			}
			if !bytes.Equal(got, a.raw) {
				t.Errorf("%s: its %s form is not the file: run go generate ./static", p, c.encoding)
			}
			tag := rec.Header().Get("ETag")
			if c.accept != "identity" && tags[tag] {
				t.Errorf("%s: ETag %s for two forms", p, tag)
			}
			tags[tag] = true
			if rec := get(t, url, c.accept, tag); rec.Code != http.StatusNotModified {
				t.Errorf("%s with If-None-Match %s: status %d, want 304", p, tag, rec.Code)
			}
		}
		if rec := get(t, url, "gzip", `"`+a.hash+`-br"`); rec.Code != http.StatusOK {
			t.Errorf("%s: the brotli form's ETag answered a gzip request with %d", p, rec.Code)
		}
	}
	if n < 5 {
		t.Fatalf("only %d compressible files", n)
	}
	if rec := get(t, "/static/css/app.css.gz", "gzip", ""); rec.Code != http.StatusNotFound {
		t.Errorf("a compressed form by its own name: status %d, want 404", rec.Code)
	}
}

func TestAcceptsEncoding(t *testing.T) {
	for _, c := range []struct {
		header, coding string
		want           bool
	}{
		{"gzip, deflate, br", "br", true},
		{"gzip, deflate", "br", false},
		{"br;q=0, gzip", "br", false},
		{"BR ; q=0.5", "br", true},
		{"*", "br", true},
		{"*, br;q=0", "br", false},
		{"*;q=0", "gzip", false},
		{"", "gzip", false},
		{"gzip;q=bad", "gzip", false},
	} {
		if got := AcceptsEncoding(c.header, c.coding); got != c.want {
			t.Errorf("AcceptsEncoding(%q, %q) = %v", c.header, c.coding, got)
		}
	}
}
