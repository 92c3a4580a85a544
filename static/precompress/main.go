// Command precompress writes, beside each stylesheet, script and SVG of
// static/, its gzip (.gz) and brotli (.br) forms at the highest levels, so
// that the server sends them as they are, compressing nothing at run time.
// Run by `go generate ./static` (make generate); the outputs are committed
// and embedded, and static's test fails when one is stale.
package main

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/andybalholm/brotli"
)

func main() {
	if err := run("."); err != nil {
		fmt.Fprintln(os.Stderr, "precompress:", err)
		os.Exit(1)
	}
}

// compressible are the extensions worth compressing (the others, such as
// PNG, are compressed already).
var compressible = map[string]bool{".css": true, ".js": true, ".svg": true}

func run(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !compressible[filepath.Ext(path)] {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression) // no name, no time: the same bytes every run
		if _, err := zw.Write(src); err != nil {
			return err
		}
		if err := zw.Close(); err != nil {
			return err
		}
		var br bytes.Buffer
		bw := brotli.NewWriterLevel(&br, brotli.BestCompression)
		if _, err := bw.Write(src); err != nil {
			return err
		}
		if err := bw.Close(); err != nil {
			return err
		}
		if err := os.WriteFile(path+".gz", gz.Bytes(), 0o644); err != nil {
			return err
		}
		return os.WriteFile(path+".br", br.Bytes(), 0o644)
	})
}
