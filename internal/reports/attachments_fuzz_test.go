package reports_test

import (
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"baocao/internal/apperr"
	"baocao/internal/reports"
)

// FuzzCheckAttachment sniffs arbitrary files under arbitrary names, from
// the kinds officials attach and the disguises the tests refuse onwards:
// an accepted file has a clean name without folders and bytes of the kind
// its extension says; a refused one gets a message, never an internal error.
func FuzzCheckAttachment(f *testing.F) {
	f.Add("Công văn số 12.pdf", []byte("%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"))
	f.Add("anh.png", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"))
	f.Add("anh.jpg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"))
	f.Add("bang.xlsx", []byte("PK\x03\x04\x14\x00\x06\x00"))
	f.Add("hoa-don.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"))
	f.Add("chay.sh", []byte("#!/bin/sh\nrm -rf /"))
	f.Add("../../etc/passwd.pdf", []byte("%PDF-1.4"))
	f.Add("c:\\windows\\a.doc", []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"))
	f.Add("rong.pdf", []byte{})
	f.Fuzz(func(t *testing.T, filename string, data []byte) {
		name, contentType, err := reports.CheckAttachment(filename, data)
		if err != nil {
			if apperr.Code(err) == apperr.Internal || apperr.Message(err) == "" {
				t.Fatalf("refused without a message: %v", err)
			}
			return
		}
		if !utf8.ValidString(name) || strings.ContainsAny(name, "/\\\x00") || len(name) > 200 {
			t.Fatalf("stored name %q", name)
		}
		ext := strings.ToLower(filepath.Ext(name))
		if ext == "" || contentType == "" || len(data) == 0 || len(data) > reports.MaxAttachmentSize {
			t.Fatalf("accepted %q (%s, %d bytes)", name, contentType, len(data))
		}
		if ext == ".pdf" && !strings.HasPrefix(string(data), "%PDF-") {
			t.Fatalf("accepted %q as PDF: %.20q", name, data)
		}
	})
}
