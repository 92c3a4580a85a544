package signing

import (
	"bytes"
	"io"
	"testing"

	"github.com/digitorus/pdf"
)

// pageContent is the content of page 1 as a reader of doc resolves it;
// ok is false when doc cannot be read.
func pageContent(doc []byte) (content []byte, ok bool) {
	defer func() {
		if recover() != nil {
			ok = false
		}
	}()
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		return nil, false
	}
	c := rdr.Page(1).V.Key("Contents")
	var streams []pdf.Value
	if c.Kind() == pdf.Array {
		for i := range c.Len() {
			streams = append(streams, c.Index(i))
		}
	} else {
		streams = append(streams, c)
	}
	var out bytes.Buffer
	for _, s := range streams {
		r := s.Reader()
		if _, err := io.Copy(&out, r); err != nil {
			return nil, false
		}
		r.Close()
	}
	return out.Bytes(), true
}

// FuzzCheckAppended appends arbitrary bytes to an issued document, from
// real signatures and the reviewer's forgeries onwards: CheckAppended
// never panics, and what it accepts shows a reader the issued page.
func FuzzCheckAppended(f *testing.F) {
	fx := newFixture(f, 1)
	fx.signBoth(f)
	issued := fx.unsigned
	f.Add(fx.signed1[len(issued):])
	f.Add(fx.final[len(issued):])
	f.Add(forgeUpdate(f, issued)[len(issued):])
	for _, kind := range []string{"comment", "dupprev", "free", "xrefstm"} {
		f.Add(forge(f, issued, kind)[len(issued):])
	}
	f.Add([]byte("\n%%EOF\n"))
	want, ok := pageContent(issued)
	if !ok {
		f.Fatal("the issued document does not read")
	}
	f.Fuzz(func(t *testing.T, tail []byte) {
		signed := append(bytes.Clone(issued), tail...)
		if err := CheckAppended(issued, signed); err != nil {
			return
		}
		got, ok := pageContent(signed)
		if !ok || !bytes.Equal(got, want) {
			t.Fatalf("accepted an update after which page 1 reads %q, issued %q", got, want)
		}
	})
}

// FuzzVerify reads arbitrary files as signed uploads, from real signed
// documents onwards: Verify answers an error or signatures, each invalid
// one with the reason in words; it never panics or hangs.
func FuzzVerify(f *testing.F) {
	fx := newFixture(f, 1)
	fx.signBoth(f)
	f.Add(fx.final)
	f.Add(fx.signed1)
	f.Add(fx.unsigned)
	f.Add(fx.final[:len(fx.final)/2])
	f.Add([]byte("%PDF-1.7\n%%EOF\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		infos, err := Verify(data, fx.roots, nil)
		if err != nil {
			return
		}
		for _, in := range infos {
			if (!in.Valid || !in.CertValid) && in.Problem == "" {
				t.Fatalf("a signature refused without a reason: %+v", in)
			}
		}
	})
}
