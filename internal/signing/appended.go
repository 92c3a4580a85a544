package signing

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"sync"

	"github.com/digitorus/pdf"
)

// errChanged is what CheckAppended answers for any change beyond signing.
var errChanged = errors.New("phần thêm vào sau văn bản được cấp không chỉ là chữ ký số: nội dung văn bản đã bị thay đổi")

// CheckAppended makes sure that signed is issued followed by incremental
// updates that only sign it. It does not trust the updates' own account of
// what they change: every object of issued, as a reader resolves it in the
// signed file, must be what it was (a stream the same bytes at the same
// place), except the catalog, which may differ only in /AcroForm (signature
// fields) and /DSS (validation data), and the pages, which may differ only
// in /Annots, whose new entries must be signature widgets covering together
// at most a quarter of the page. Updates that readers disagree on (a
// hybrid /XRefStm, which this reader ignores and others follow) are
// refused. A signature covering the whole file proves the bytes were not
// altered after signing; this proves the signer did not alter the document
// while signing it.
//
// A pair found appended is remembered by the SHA-256 of both: sealing a
// report checks its leader's signature three times (the upload, then
// Verify before and after the validation data), 20–50 ms each.
func CheckAppended(issued, signed []byte) error {
	if len(signed) <= len(issued) || !bytes.HasPrefix(signed, issued) {
		return errChanged
	}
	key := appendedKey{sha256.Sum256(issued), sha256.Sum256(signed[len(issued):])}
	if appended.has(key) {
		return nil
	}
	if err := checkUpdates(issued, signed, false); err != nil {
		return err
	}
	appended.add(key)
	return nil
}

// appendedKey names a pair CheckAppended accepted: the issued file and
// what follows it in the signed one (which starts with the issued file).
type appendedKey [2][sha256.Size]byte

// appendedPairs are the pairs accepted lately, forgotten all at once
// when there are maxAppended.
type appendedPairs struct {
	mu    sync.Mutex
	pairs map[appendedKey]bool
}

const maxAppended = 256

var appended appendedPairs

func (a *appendedPairs) has(k appendedKey) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.pairs[k]
}

func (a *appendedPairs) add(k appendedKey) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.pairs == nil || len(a.pairs) >= maxAppended {
		a.pairs = make(map[appendedKey]bool, maxAppended)
	}
	a.pairs[k] = true
}

// checkValidationData makes sure that extended is signed followed by
// incremental updates that only add validation data: every object of signed
// is what it was, pages included, and the catalog differs only in a /DSS
// holding certificates, CRLs, OCSP answers and VRI entries, nothing shown.
func checkValidationData(signed, extended []byte) error { return checkUpdates(signed, extended, true) }

// checkUpdates is CheckAppended, or with dssOnly checkValidationData.
func checkUpdates(issued, signed []byte, dssOnly bool) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w (%v)", errChanged, r)
		}
	}()
	if len(signed) <= len(issued) || !bytes.HasPrefix(signed, issued) {
		return errChanged
	}
	if !plainUpdates(signed[len(issued):]) {
		return errChanged
	}
	before, err := pdf.NewReader(bytes.NewReader(issued), int64(len(issued)))
	if err != nil {
		return fmt.Errorf("signing: không đọc được văn bản được cấp: %w", err)
	}
	after, err := pdf.NewReader(bytes.NewReader(signed), int64(len(signed)))
	if err != nil {
		return fmt.Errorf("signing: không đọc được tệp đã ký: %w", err)
	}
	if !after.Trailer().Key("Encrypt").IsNull() {
		return errChanged
	}
	if info := after.Trailer().Key("Info"); dssOnly && !info.IsNull() && info.GetPtr() != before.Trailer().Key("Info").GetPtr() {
		return errChanged
	}
	n := before.NumPage()
	if after.NumPage() != n {
		return errChanged
	}
	pages := map[uint32]bool{}
	for i := 1; i <= n && !dssOnly; i++ {
		pages[idOf(before.Page(i).V)] = true
	}
	root := idOf(before.Trailer().Key("Root"))
	for _, x := range before.Xref() {
		ptr := x.Ptr()
		if id := ptr.GetID(); id == 0 || id == root || pages[id] {
			continue
		}
		if !equalValue(before.Resolve(ptr, ptr), after.Resolve(ptr, ptr)) {
			return errChanged
		}
	}
	oldRoot, newRoot := before.Trailer().Key("Root"), after.Trailer().Key("Root")
	if !validDSS(newRoot.Key("DSS")) {
		return errChanged
	}
	if dssOnly {
		if !sameExcept(oldRoot, newRoot, "DSS") {
			return errChanged
		}
		return nil
	}
	if !sameExcept(oldRoot, newRoot, "AcroForm", "DSS") || !onlySignatureFields(newRoot.Key("AcroForm")) {
		return errChanged
	}
	for i := 1; i <= n; i++ {
		old := before.Page(i).V
		if !sameExcept(old, after.Page(i).V, "Annots") || !onlySignaturesAdded(old, after.Page(i)) {
			return errChanged
		}
	}
	return nil
}

// equalValue compares an object of the issued file with what the signed
// file holds under the same number: a stream by its dictionary and the
// place of its bytes (which lie in the issued prefix, unchanged), anything
// else by its content, references by number.
func equalValue(old, now pdf.Value) bool {
	if old.Kind() != now.Kind() {
		return false
	}
	switch old.Kind() {
	case pdf.Dict:
		return sameExcept(old, now, "")
	case pdf.Array:
		if old.Len() != now.Len() {
			return false
		}
		for i := 0; i < old.Len(); i++ {
			if !sameValue(old, old.Index(i), now, now.Index(i)) {
				return false
			}
		}
		return true
	}
	return old.String() == now.String() // a stream prints as its dictionary and offset
}

// onlySignatureFields accepts the /AcroForm of a signed document: its
// fields and signature flags, nothing that changes what is shown (XFA,
// NeedAppearances).
func onlySignatureFields(form pdf.Value) bool {
	for _, k := range form.Keys() {
		switch k {
		case "Fields", "SigFlags", "DA", "DR":
		default:
			return false
		}
	}
	return true
}

// validDSS accepts a document security store (ISO 32000-2 §12.8.4.3)
// that holds only validation data: arrays of streams (certificates, CRLs,
// OCSP answers) and VRI entries referring to such streams; dss may be absent.
func validDSS(dss pdf.Value) bool {
	if dss.IsNull() {
		return true
	}
	streams := func(a pdf.Value) bool {
		if a.Kind() != pdf.Array {
			return false
		}
		for i := 0; i < a.Len(); i++ {
			if a.Index(i).Kind() != pdf.Stream {
				return false
			}
		}
		return true
	}
	if dss.Kind() != pdf.Dict {
		return false
	}
	for _, k := range dss.Keys() {
		v := dss.Key(k)
		switch k {
		case "Type":
			if v.Name() != "DSS" {
				return false
			}
		case "Certs", "CRLs", "OCSPs":
			if !streams(v) {
				return false
			}
		case "VRI":
			if v.Kind() != pdf.Dict {
				return false
			}
			for _, sig := range v.Keys() {
				if !validVRI(v.Key(sig), streams) {
					return false
				}
			}
		default:
			return false
		}
	}
	return true
}

// validVRI accepts one signature's VRI entry: its validation data and,
// optionally, the time (/TU) or time-stamp (/TS) it was gathered at.
func validVRI(e pdf.Value, streams func(pdf.Value) bool) bool {
	if e.Kind() != pdf.Dict {
		return false
	}
	for _, k := range e.Keys() {
		v := e.Key(k)
		switch k {
		case "Type":
			if v.Name() != "VRI" {
				return false
			}
		case "Cert", "CRL", "OCSP":
			if !streams(v) {
				return false
			}
		case "TU":
			if v.Kind() != pdf.String {
				return false
			}
		case "TS":
			if v.Kind() != pdf.Stream {
				return false
			}
		default:
			return false
		}
	}
	return true
}

// plainUpdates reports whether the updates are written as this reader
// and the others read them alike: classic cross-reference tables (as the
// issued document has), no hybrid /XRefStm, no cross-reference stream,
// and no entry freeing an object of the document.
func plainUpdates(appended []byte) bool {
	text := unescapeNames(streamBody.ReplaceAll(appended, nil)) // binary data may hold anything
	if bytes.Contains(text, []byte("XRefStm")) || typeXRef.Match(text) {
		return false
	}
	tokens := bytes.Fields(comment.ReplaceAll(text, nil))
	for i := 0; i < len(tokens); i++ {
		if string(tokens[i]) != "xref" {
			continue
		}
		for i++; i < len(tokens) && string(tokens[i]) != "trailer"; {
			if i+1 >= len(tokens) {
				return false
			}
			first, err1 := strconv.Atoi(string(tokens[i]))
			count, err2 := strconv.Atoi(string(tokens[i+1]))
			if err1 != nil || err2 != nil || count < 0 || i+2+3*count > len(tokens) {
				return false
			}
			for k := 0; k < count; k++ {
				if string(tokens[i+2+3*k+2]) == "f" && first+k != 0 {
					return false
				}
			}
			i += 2 + 3*count
		}
	}
	return true
}

var (
	streamBody = regexp.MustCompile(`(?s)stream\r?\n.*?endstream`)
	comment    = regexp.MustCompile(`%[^\r\n]*`)
	typeXRef   = regexp.MustCompile(`/Type\s*/XRef\b`)
)

// unescapeNames decodes the #xx escapes of PDF names, so that a key
// written /XRef#53tm is seen as /XRefStm.
func unescapeNames(b []byte) []byte {
	if !bytes.Contains(b, []byte("#")) {
		return b
	}
	return hexEscape.ReplaceAllFunc(b, func(m []byte) []byte {
		v, _ := strconv.ParseUint(string(m[1:]), 16, 8)
		return []byte{byte(v)}
	})
}

var hexEscape = regexp.MustCompile(`#[0-9A-Fa-f]{2}`)

// sameExcept reports whether two dictionaries hold the same entries,
// except the keys allowed to differ: the same indirect objects, or equal
// direct values.
func sameExcept(old, now pdf.Value, allowed ...string) bool {
	if old.Kind() != pdf.Dict || now.Kind() != pdf.Dict {
		return false
	}
	keys := func(v pdf.Value) map[string]bool {
		m := map[string]bool{}
		for _, k := range v.Keys() {
			if !slices.Contains(allowed, k) {
				m[k] = true
			}
		}
		return m
	}
	a, b := keys(old), keys(now)
	if len(a) != len(b) {
		return false
	}
	for k := range a {
		if !b[k] || !sameValue(old, old.Key(k), now, now.Key(k)) {
			return false
		}
	}
	return true
}

// sameValue compares a value of two dictionaries: two indirect objects by
// their numbers (the update may not redefine them: CheckAppended checks
// that), otherwise by the written form, in which references are numbers.
func sameValue(oldParent, old, nowParent, now pdf.Value) bool {
	if old.GetPtr() != oldParent.GetPtr() && now.GetPtr() != nowParent.GetPtr() {
		return old.GetPtr() == now.GetPtr()
	}
	// One side written inline (signing tools copy a page's resources into
	// it): the same entries, referring to the same objects.
	return old.String() == now.String()
}

// onlySignaturesAdded checks a page's new annotations: signature widgets
// covering together at most a quarter of the page.
func onlySignaturesAdded(old pdf.Value, page pdf.Page) bool {
	now := page.V
	kept := map[uint32]bool{}
	for i := 0; i < old.Key("Annots").Len(); i++ {
		kept[idOf(old.Key("Annots").Index(i))] = true
	}
	box := pdf.Value{}
	for v, up := now, 0; !v.IsNull() && box.IsNull() && up < 32; v, up = v.Key("Parent"), up+1 { // inherited
		box = v.Key("MediaBox")
	}
	pageArea := (box.Index(2).Float64() - box.Index(0).Float64()) * (box.Index(3).Float64() - box.Index(1).Float64())
	annots := now.Key("Annots")
	area := 0.0
	for i := 0; i < annots.Len(); i++ {
		a := annots.Index(i)
		if kept[idOf(a)] && a.GetPtr() != now.GetPtr() {
			continue
		}
		ft := a.Key("FT").Name()
		if ft == "" {
			ft = a.Key("Parent").Key("FT").Name()
		}
		if a.Key("Subtype").Name() != "Widget" || ft != "Sig" {
			return false
		}
		r := a.Key("Rect")
		w, h := r.Index(2).Float64()-r.Index(0).Float64(), r.Index(3).Float64()-r.Index(1).Float64()
		if w < 0 {
			w = -w
		}
		if h < 0 {
			h = -h
		}
		if area += w * h; area > pageArea/4 {
			return false
		}
	}
	return true
}

// idOf is the number of the object v was read from.
func idOf(v pdf.Value) uint32 {
	p := v.GetPtr()
	return p.GetID()
}
