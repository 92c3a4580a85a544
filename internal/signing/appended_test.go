package signing

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/digitorus/pdf"
)

// Forgeries a reviewer built against the first CheckAppended, which read
// the updates' cross-reference sections itself; readers saw other objects.

type forgeCtx struct {
	doc            []byte
	id, size, root int64
	prev           string
}

func ctxOf(t testing.TB, doc []byte) forgeCtx {
	rdr, err := pdf.NewReader(bytes.NewReader(doc), int64(len(doc)))
	if err != nil {
		t.Fatal(err)
	}
	c := rdr.Page(1).V.Key("Contents")
	if c.Kind() == pdf.Array {
		c = c.Index(0)
	}
	p := bytes.LastIndex(doc, []byte("startxref"))
	return forgeCtx{doc, int64(idOf(c)), rdr.Trailer().Key("Size").Int64(), int64(idOf(rdr.Trailer().Key("Root"))), strings.Fields(string(doc[p+9:]))[0]}
}

const forgedBody = "BT ET % FORGED"

func forge(t testing.TB, doc []byte, kind string) []byte {
	c := ctxOf(t, doc)
	var b bytes.Buffer
	b.Write(doc)
	objAt := b.Len() + 1
	if kind != "free" {
		fmt.Fprintf(&b, "\n%d 0 obj\n<< /Length %d >>\nstream\n%s\nendstream\nendobj\n", c.id, len(forgedBody), forgedBody)
	}
	switch kind {
	case "comment":
		xrefAt := b.Len()
		fmt.Fprintf(&b, "xref\n%%trailer\n%d 1\n%010d 00000 n\r\ntrailer\n<< /Size %d /Root %d 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n", c.id, objAt, c.size, c.root, c.prev, xrefAt)
	case "dupprev":
		h := b.Len()
		fmt.Fprintf(&b, "xref\n%d 1\n%010d 00000 n\r\ntrailer\n<< /Size %d /Root %d 0 R /Prev %s >>\n", c.id, objAt, c.size, c.root, c.prev)
		f := b.Len()
		fmt.Fprintf(&b, "xref\n0 0\ntrailer\n<< /Size %d /Root %d 0 R /Prev %s /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", c.size, c.root, c.prev, h, f)
	case "free":
		xrefAt := b.Len()
		fmt.Fprintf(&b, "\nxref\n%d 1\n0000000000 65535 f\r\ntrailer\n<< /Size %d /Root %d 0 R /Prev %s >>\nstartxref\n%d\n%%%%EOF\n", c.id, c.size, c.root, c.prev, xrefAt+1)
	case "xrefstm":
		xs := b.Len()
		data := []byte{1, byte(objAt >> 24), byte(objAt >> 16), byte(objAt >> 8), byte(objAt), 0, 0}
		fmt.Fprintf(&b, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Index [%d 1] /Length 7 >>\nstream\n%s\nendstream\nendobj\n", c.size+90, c.size, c.id, data)
		xrefAt := b.Len()
		fmt.Fprintf(&b, "xref\n0 0\ntrailer\n<< /Size %d /Root %d 0 R /Prev %s /XRefStm %d >>\nstartxref\n%d\n%%%%EOF\n", c.size, c.root, c.prev, xs, xrefAt)
	}
	return b.Bytes()
}

func TestCheckAppendedRefusesParserTricks(t *testing.T) {
	f := newFixture(t, 2)
	for _, kind := range []string{"comment", "dupprev", "xrefstm", "free"} {
		forged := forge(t, f.unsigned, kind)
		signed, err := signPDF(forged, f.person, time.Now(), Placement{Page: 1, X: 300, Y: 100, W: 150, H: 60})
		if err != nil {
			t.Fatalf("%s: sign: %v", kind, err)
		}
		if err := CheckAppended(f.unsigned, signed); err == nil {
			t.Errorf("%s: accepted", kind)
		}
	}
}
