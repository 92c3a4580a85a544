package signing

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/digitorus/pdf"
	"github.com/digitorus/pdfsign/revocation"
)

// The document security store (ISO 32000-2 §12.8.4.3, ETSI EN 319 142-1
// §5.4): an incremental update after the last signature holding what a
// verifier needs once the certificates have expired or the CAs are gone:
// the certificates of every signature and time-stamp, the OCSP answers and
// CRLs about them, and per signature a /VRI entry naming which of them are
// its own. With a signature time-stamp this is PAdES B-LT. The update
// signs nothing and changes nothing shown; the verifier accepts it after
// the last signature and nothing else (checkValidationData).

// AddValidationData appends the DSS update to file, whose signatures must
// all verify against roots: it gathers each signature's certificate chain
// and its time-stamping authority's, asks each certificate's OCSP responder
// (else fetches its CRL) now, and writes them with one /VRI entry per
// signature, keyed by the upper-case hexadecimal SHA-1 of its /Contents.
// A publisher that does not answer leaves its certificate without
// revocation data; the file is then B-T, as Verify says.
func AddValidationData(file []byte, roots, intermediates *x509.CertPool) (out []byte, err error) {
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("signing: tệp PDF bị lỗi cấu trúc: %v", r)
		}
	}()
	infos, err := Verify(file, roots, intermediates)
	if err != nil {
		return nil, err
	}
	if len(infos) == 0 {
		return nil, errors.New("signing: tệp chưa có chữ ký số")
	}
	st := newStore()
	status := map[[32]byte][2][]byte{} // a certificate's CRL and OCSP answer, fetched once
	for i, in := range infos {
		if !in.Valid || !in.CertValid {
			return nil, fmt.Errorf("signing: chữ ký số thứ %d không hợp lệ: %s", i+1, in.Problem)
		}
		v := &vriEntry{}
		for _, chain := range [][]*x509.Certificate{in.Chain, in.TSAChain} {
			for k, c := range chain {
				v.certs = append(v.certs, st.add(&st.certs, c.Raw))
				if k+1 >= len(chain) || c.Equal(chain[k+1]) {
					continue // a root
				}
				key := sha256.Sum256(c.Raw)
				got, ok := status[key]
				if !ok {
					crl, resp := fetchStatus(c, chain[k+1])
					got = [2][]byte{crl, resp}
					status[key] = got
				}
				if got[0] != nil {
					v.crls = append(v.crls, st.add(&st.crls, got[0]))
				}
				if got[1] != nil {
					v.ocsps = append(v.ocsps, st.add(&st.ocsps, got[1]))
				}
			}
		}
		st.vri[vriKey(in.contents)] = v
	}
	return st.appendTo(file)
}

// vriKey names a signature in the DSS: the SHA-1 of its /Contents string
// (the whole decoded string, padding included), upper-case hexadecimal.
func vriKey(contents []byte) string {
	sum := sha1.Sum(contents)
	return strings.ToUpper(hex.EncodeToString(sum[:]))
}

// dssStore is the DSS being written: each DER object once, in order.
type dssStore struct {
	certs, crls, ocsps [][]byte
	index              map[[32]byte]int
	vri                map[string]*vriEntry
}

// vriEntry lists one signature's objects by their place in the store's lists.
type vriEntry struct{ certs, crls, ocsps []int }

func newStore() *dssStore {
	return &dssStore{index: map[[32]byte]int{}, vri: map[string]*vriEntry{}}
}

// add puts der into list (once) and returns its place there.
func (s *dssStore) add(list *[][]byte, der []byte) int {
	key := sha256.Sum256(der)
	if i, ok := s.index[key]; ok {
		return i
	}
	*list = append(*list, der)
	s.index[key] = len(*list) - 1
	return len(*list) - 1
}

// appendTo writes the store as an incremental update of file: a stream
// object per certificate, CRL and OCSP answer, the DSS dictionary with its
// VRI entries, and the catalog rewritten with /DSS (all else as it was), in
// a classic cross-reference section.
func (s *dssStore) appendTo(file []byte) ([]byte, error) {
	rdr, err := pdf.NewReader(bytes.NewReader(file), int64(len(file)))
	if err != nil {
		return nil, err
	}
	tr := rdr.Trailer()
	root := tr.Key("Root")
	if root.Kind() != pdf.Dict || !tr.Key("Encrypt").IsNull() {
		return nil, errors.New("signing: tệp PDF không có danh mục (catalog) đọc được")
	}
	prev := bytes.LastIndex(file, []byte("startxref"))
	if prev < 0 {
		return nil, errors.New("signing: tệp PDF không có startxref")
	}
	prevXref := strings.Fields(string(file[prev+len("startxref"):]))
	if len(prevXref) == 0 {
		return nil, errors.New("signing: startxref không đọc được")
	}
	var b bytes.Buffer
	b.Grow(len(file) + 16<<10)
	b.Write(file)
	if !bytes.HasSuffix(file, []byte("\n")) {
		b.WriteByte('\n')
	}
	first := tr.Key("Size").Int64()
	next := first
	var offsets []int
	stream := func(der []byte) int64 {
		id := next
		next++
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n<< /Length %d >>\nstream\n", id, len(der))
		b.Write(der)
		b.WriteString("\nendstream\nendobj\n")
		return id
	}
	write := func(list [][]byte) []int64 {
		ids := make([]int64, len(list))
		for i, der := range list {
			ids[i] = stream(der)
		}
		return ids
	}
	certs, crls, ocsps := write(s.certs), write(s.crls), write(s.ocsps)
	refs := func(ids []int64, places []int) string {
		var r []string
		for _, p := range places {
			r = append(r, strconv.FormatInt(ids[p], 10)+" 0 R")
		}
		return "[" + strings.Join(r, " ") + "]"
	}
	all := func(ids []int64) []int {
		p := make([]int, len(ids))
		for i := range p {
			p[i] = i
		}
		return p
	}
	dssID := next
	next++
	offsets = append(offsets, b.Len())
	fmt.Fprintf(&b, "%d 0 obj\n<< /Type /DSS /Certs %s", dssID, refs(certs, all(certs)))
	if len(crls) > 0 {
		fmt.Fprintf(&b, " /CRLs %s", refs(crls, all(crls)))
	}
	if len(ocsps) > 0 {
		fmt.Fprintf(&b, " /OCSPs %s", refs(ocsps, all(ocsps)))
	}
	b.WriteString("\n/VRI <<")
	keys := make([]string, 0, len(s.vri))
	for k := range s.vri {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := s.vri[k]
		fmt.Fprintf(&b, "\n/%s << /Type /VRI /Cert %s", k, refs(certs, v.certs))
		if len(v.crls) > 0 {
			fmt.Fprintf(&b, " /CRL %s", refs(crls, v.crls))
		}
		if len(v.ocsps) > 0 {
			fmt.Fprintf(&b, " /OCSP %s", refs(ocsps, v.ocsps))
		}
		b.WriteString(" >>")
	}
	b.WriteString(" >> >>\nendobj\n")

	rp := root.GetPtr()
	rootAt := b.Len()
	fmt.Fprintf(&b, "%d %d obj\n<<", rp.GetID(), rp.GetGen())
	for _, k := range root.Keys() {
		if k == "DSS" {
			continue
		}
		b.WriteString(" /" + escapeName(k) + " ")
		if err := writeValue(&b, root, root.Key(k)); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(&b, " /DSS %d 0 R >>\nendobj\n", dssID)

	xrefAt := b.Len()
	fmt.Fprintf(&b, "xref\n%d 1\n%010d %05d n\r\n%d %d\n", rp.GetID(), rootAt, rp.GetGen(), first, next-first)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n\r\n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root %d %d R /Prev %s", next, rp.GetID(), rp.GetGen(), prevXref[0])
	for _, k := range []string{"Info", "ID"} {
		if v := tr.Key(k); !v.IsNull() {
			b.WriteString(" /" + k + " ")
			if err := writeValue(&b, tr, v); err != nil {
				return nil, err
			}
		}
	}
	fmt.Fprintf(&b, " >>\nstartxref\n%d\n%%%%EOF\n", xrefAt)
	return b.Bytes(), nil
}

// writeValue writes v, read from parent, in PDF syntax: an indirect object
// as a reference, anything else inline (strings in hexadecimal).
func writeValue(b *bytes.Buffer, parent, v pdf.Value) error {
	if p, q := v.GetPtr(), parent.GetPtr(); p != q {
		fmt.Fprintf(b, "%d %d R", p.GetID(), p.GetGen())
		return nil
	}
	switch v.Kind() {
	case pdf.Null:
		b.WriteString("null")
	case pdf.Bool:
		b.WriteString(strconv.FormatBool(v.Bool()))
	case pdf.Integer:
		b.WriteString(strconv.FormatInt(v.Int64(), 10))
	case pdf.Real:
		b.WriteString(strconv.FormatFloat(v.Float64(), 'f', -1, 64))
	case pdf.String:
		b.WriteString("<" + hex.EncodeToString([]byte(v.RawString())) + ">")
	case pdf.Name:
		b.WriteString("/" + escapeName(v.Name()))
	case pdf.Array:
		b.WriteString("[")
		for i := 0; i < v.Len(); i++ {
			if i > 0 {
				b.WriteString(" ")
			}
			if err := writeValue(b, v, v.Index(i)); err != nil {
				return err
			}
		}
		b.WriteString("]")
	case pdf.Dict:
		b.WriteString("<<")
		for _, k := range v.Keys() {
			b.WriteString(" /" + escapeName(k) + " ")
			if err := writeValue(b, v, v.Key(k)); err != nil {
				return err
			}
		}
		b.WriteString(" >>")
	default:
		return errors.New("signing: danh mục (catalog) có luồng dữ liệu viết trực tiếp")
	}
	return nil
}

// escapeName writes the bytes a PDF name cannot hold as #xx.
func escapeName(n string) string {
	var b strings.Builder
	for i := 0; i < len(n); i++ {
		c := n[i]
		if c < 0x21 || c > 0x7e || strings.IndexByte("()<>[]{}/%#", c) >= 0 {
			fmt.Fprintf(&b, "#%02X", c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// dssData is what a file's DSS holds: certificates, revocation answers and
// the names of the signatures it has a /VRI entry for.
type dssData struct {
	certs []*x509.Certificate
	rev   revocation.InfoArchival
	vri   map[string]bool
}

// readDSS reads the DSS of the file's latest catalog (zero when none).
func readDSS(rdr *pdf.Reader) dssData {
	d := dssData{vri: map[string]bool{}}
	dss := rdr.Trailer().Key("Root").Key("DSS")
	if dss.Kind() != pdf.Dict {
		return d
	}
	each := func(key string, use func([]byte)) {
		a := dss.Key(key)
		for i := 0; i < a.Len(); i++ {
			if s := a.Index(i); s.Kind() == pdf.Stream {
				if data, err := io.ReadAll(io.LimitReader(s.Reader(), 8<<20)); err == nil {
					use(data)
				}
			}
		}
	}
	each("Certs", func(der []byte) {
		if c, err := x509.ParseCertificate(der); err == nil {
			d.certs = append(d.certs, c)
		}
	})
	each("CRLs", func(der []byte) { _ = d.rev.AddCRL(der) })
	each("OCSPs", func(der []byte) { _ = d.rev.AddOCSP(der) })
	for _, k := range dss.Key("VRI").Keys() {
		d.vri[strings.ToUpper(k)] = true
	}
	return d
}
