package web

import (
	"net/http"

	"github.com/klauspost/compress/gzhttp"
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

// compress gzips text answers for clients that accept it. gzhttp takes a
// compressor (about 1 MB of tables) only once an answer has passed 1 KB
// of compressible content, and returns it to a pool at the end: a request
// that waits (a sign-in in a storm, a long query) holds none. (chi's
// middleware.Compress took one at the start of every request, and 1,000
// queued sign-ins held 600 MB.) A handler that sets Content-Encoding
// itself is left alone.
func compress() func(http.Handler) http.HandlerFunc {
	wrap, err := gzhttp.NewWrapper(gzhttp.ContentTypes(compressedTypes), gzhttp.CompressionLevel(compressLevel),
		gzhttp.EnableZstd(false), gzhttp.SetContentType(false))
	if err != nil {
		panic(err) // the options above are constants
	}
	return wrap
}

// adapt makes a middleware returning a HandlerFunc one chi's Use takes.
func adapt(m func(http.Handler) http.HandlerFunc) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler { return m(next) }
}
