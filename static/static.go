// Package static embeds the stylesheets, scripts and images. Their URLs
// carry a hash of the content so browsers may cache them for a year.
// Stylesheets, scripts and SVGs are sent compressed as built by
// `go generate ./static` (brotli, else gzip, as the browser accepts).
package static

//go:generate go run ./precompress

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
)

//go:embed css js img
var files embed.FS

// asset is a file and its compressed forms (nil when there are none).
type asset struct {
	hash        string
	contentType string
	raw, gz, br []byte
}

var assets = func() map[string]*asset {
	m := map[string]*asset{}
	_ = fs.WalkDir(files, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(p, ".gz") || strings.HasSuffix(p, ".br") {
			return err
		}
		b, err := files.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		a := &asset{hash: hex.EncodeToString(sum[:])[:12], contentType: mime.TypeByExtension(path.Ext(p)), raw: b}
		if a.contentType == "" {
			a.contentType = http.DetectContentType(b)
		}
		a.gz, _ = files.ReadFile(p + ".gz")
		a.br, _ = files.ReadFile(p + ".br")
		m[p] = a
		return nil
	})
	return m
}()

// URL returns the URL of the file at path (e.g. "css/app.css").
func URL(path string) string {
	a := assets[path]
	if a == nil {
		return "/static/" + path + "?v="
	}
	return "/static/" + path + "?v=" + a.hash
}

// Handler serves the files under /static/, compressed when they have a
// compressed form the browser accepts. Each form has its own ETag, so a
// cache keyed on it never mixes them up.
func Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := assets[strings.TrimPrefix(r.URL.Path, "/static/")]
		if a == nil {
			http.NotFound(w, r)
			return
		}
		h := w.Header()
		if v := r.URL.Query().Get("v"); v != "" && v == a.hash {
			h.Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			h.Set("Cache-Control", "no-cache")
		}
		h.Set("Content-Type", a.contentType)
		body, tag := a.raw, a.hash
		if a.gz != nil || a.br != nil {
			h.Add("Vary", "Accept-Encoding")
		}
		switch accept := r.Header.Get("Accept-Encoding"); {
		case a.br != nil && AcceptsEncoding(accept, "br"):
			body, tag = a.br, a.hash+"-br"
			h.Set("Content-Encoding", "br")
		case a.gz != nil && AcceptsEncoding(accept, "gzip"):
			body, tag = a.gz, a.hash+"-gz"
			h.Set("Content-Encoding", "gzip")
		}
		h.Set("ETag", strconv.Quote(tag))
		http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
	})
}

// AcceptsEncoding reports whether an Accept-Encoding header accepts the
// coding (a q-value of 0 refuses it; "*" stands for any coding not named).
func AcceptsEncoding(header, coding string) bool {
	star := false
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != coding && name != "*" {
			continue
		}
		ok := true
		for p := range strings.SplitSeq(params, ";") {
			if k, v, found := strings.Cut(strings.TrimSpace(p), "="); found && strings.EqualFold(strings.TrimSpace(k), "q") {
				q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
				ok = err == nil && q > 0
			}
		}
		if name == coding {
			return ok
		}
		star = ok
	}
	return star
}
