package web

import (
	"net/http"
	"strings"
	"sync"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/gzhttp"

	"baocao/static"
)

// compressedTypes are the answers worth compressing: text. Workbooks,
// archives, PDFs and PNGs are compressed already and pass through as
// they are (gzip would only cost CPU and add bytes).
var compressedTypes = []string{
	"text/html", "text/css", "text/javascript", "application/javascript",
	"application/json", "image/svg+xml", "text/csv", "text/plain",
}

// compressLevel trades CPU for bytes. Measured on the filled 343-row
// entry page (588 KB) with the standard library: level 1 gives 46 KB for
// 1.9 ms, 5 gives 37.7 KB for 3.6 ms, 6 gives 35.6 KB for 4.1 ms, 9 gives
// 34 KB for 6.5 ms; gzhttp's level 6 (klauspost) gives 38.2 KB. 6 keeps
// the page under its 40 KB budget.
const compressLevel = 6

// brotliQuality is the brotli level of dynamic answers. On the same page
// (andybalholm/brotli, window 2^18): quality 2 gives 36.9 KB, 3 gives
// 31 KB for about 1.5× gzip 6's CPU, 4 gives 28 KB for 3×, 5 gives 25.4 KB
// for 4×. Static files are compressed once at build time at quality 11.
// A window of 2^16 (brotliWindow) gives 31.4 KB and holds 0.9 MB a writer
// instead of 2.2 MB: less memory for each answer being compressed.
const (
	brotliQuality = 3
	brotliWindow  = 16
)

// compressMinSize is the size below which an answer is sent as it is
// (gzhttp's default too): a header costs more than it saves.
const compressMinSize = 1024

// compress compresses text answers: brotli for clients that accept it
// (every current browser, over HTTPS), else gzip. gzhttp takes a
// compressor (about 1 MB of tables) only once an answer has passed 1 KB
// of compressible content, and returns it to a pool at the end: a request
// that waits (a sign-in in a storm, a long query) holds none. (chi's
// middleware.Compress took one at the start of every request, and 1,000
// queued sign-ins held 600 MB.) The brotli writer does the same. A handler
// that sets Content-Encoding itself (the static files, sent as built) is
// left alone.
func compress() func(http.Handler) http.HandlerFunc {
	wrap, err := gzhttp.NewWrapper(gzhttp.ContentTypes(compressedTypes), gzhttp.CompressionLevel(compressLevel),
		gzhttp.EnableZstd(false), gzhttp.SetContentType(false))
	if err != nil {
		panic(err) // the options above are constants
	}
	return func(next http.Handler) http.HandlerFunc {
		gzipped := wrap(next)
		return func(w http.ResponseWriter, r *http.Request) {
			if !static.AcceptsEncoding(r.Header.Get("Accept-Encoding"), "br") {
				gzipped(w, r)
				return
			}
			w.Header().Add("Vary", "Accept-Encoding")
			bw := &brotliResponse{ResponseWriter: w, status: http.StatusOK}
			defer bw.close()
			next.ServeHTTP(bw, r)
		}
	}
}

var brotliWriters = sync.Pool{New: func() any {
	return brotli.NewWriterOptions(nil, brotli.WriterOptions{Quality: brotliQuality, LGWin: brotliWindow})
}}

// brotliResponse holds the first compressMinSize bytes of an answer, then
// compresses the rest if the answer is text without an encoding of its own.
type brotliResponse struct {
	http.ResponseWriter
	status  int
	headed  bool // WriteHeader was called
	decided bool // compressing (bw) or passing through
	buf     []byte
	bw      *brotli.Writer
}

func (b *brotliResponse) WriteHeader(status int) {
	if b.headed || b.decided || status < 200 {
		if status < 200 {
			b.ResponseWriter.WriteHeader(status)
		}
		return
	}
	b.status, b.headed = status, true
	if !b.compressible() {
		b.passThrough()
	}
}

func (b *brotliResponse) compressible() bool {
	h := b.Header()
	if h.Get("Content-Encoding") != "" || b.status == http.StatusNoContent || b.status == http.StatusNotModified {
		return false
	}
	ct, _, _ := strings.Cut(h.Get("Content-Type"), ";")
	ct = strings.TrimSpace(strings.ToLower(ct))
	for _, t := range compressedTypes {
		if ct == t {
			return true
		}
	}
	return false
}

// passThrough sends the header and what was held as they are.
func (b *brotliResponse) passThrough() {
	b.decided = true
	b.ResponseWriter.WriteHeader(b.status)
	if len(b.buf) > 0 {
		_, _ = b.ResponseWriter.Write(b.buf)
		b.buf = nil
	}
}

func (b *brotliResponse) start() error {
	b.decided = true
	h := b.Header()
	h.Set("Content-Encoding", "br")
	h.Del("Content-Length")
	b.ResponseWriter.WriteHeader(b.status)
	b.bw = brotliWriters.Get().(*brotli.Writer)
	b.bw.Reset(b.ResponseWriter)
	_, err := b.bw.Write(b.buf)
	b.buf = nil
	return err
}

func (b *brotliResponse) Write(p []byte) (int, error) {
	switch {
	case b.bw != nil:
		return b.bw.Write(p)
	case b.decided:
		return b.ResponseWriter.Write(p)
	case !b.compressible():
		b.passThrough()
		return b.ResponseWriter.Write(p)
	}
	b.buf = append(b.buf, p...)
	if len(b.buf) >= compressMinSize {
		if err := b.start(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// Flush sends what is held now, compressed if it is to be.
func (b *brotliResponse) Flush() {
	if !b.decided {
		if b.compressible() && len(b.buf) > 0 {
			_ = b.start()
		} else {
			b.passThrough()
		}
	}
	if b.bw != nil {
		_ = b.bw.Flush()
	}
	if f, ok := b.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

func (b *brotliResponse) Unwrap() http.ResponseWriter { return b.ResponseWriter }

// close ends the answer: an answer shorter than compressMinSize goes as it is.
func (b *brotliResponse) close() {
	switch {
	case b.bw != nil:
		_ = b.bw.Close()
		b.bw.Reset(nil)
		brotliWriters.Put(b.bw)
		b.bw = nil
	case !b.decided && (b.headed || len(b.buf) > 0):
		b.passThrough()
	}
}

// adapt makes a middleware returning a HandlerFunc one chi's Use takes.
func adapt(m func(http.Handler) http.HandlerFunc) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return m(next) }
}
