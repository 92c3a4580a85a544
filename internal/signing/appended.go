package signing

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"

	"github.com/digitorus/pdf"
)

// errChanged is what CheckAppended answers for any change beyond signing.
var errChanged = errors.New("phần thêm vào sau văn bản được cấp không chỉ là chữ ký số: nội dung văn bản đã bị thay đổi")

// CheckAppended makes sure that signed is issued followed by incremental
// updates that only sign it: the content, resources and every other object
// of issued stay as they were. An update may define new objects (the
// signature, its field and appearance), give the document a new catalog
// that differs only in /AcroForm, and redefine pages so that they differ
// only in /Annots, whose new entries must be signature widgets covering at
// most a quarter of the page. A signature covering the whole file proves
// the bytes were not altered after signing; this proves the signer did
// not alter the document while signing it.
func CheckAppended(issued, signed []byte) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w (%v)", errChanged, r)
		}
	}()
	if len(signed) <= len(issued) || !bytes.HasPrefix(signed, issued) {
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
	pages := map[uint32]bool{}
	n := before.NumPage()
	if after.NumPage() != n {
		return errChanged
	}
	for i := 1; i <= n; i++ {
		pages[idOf(before.Page(i).V)] = true
	}
	root := idOf(before.Trailer().Key("Root"))
	size := uint32(before.Trailer().Key("Size").Int64())
	redefined, err := updatedObjects(signed, len(issued))
	if err != nil {
		return err
	}
	for _, id := range redefined {
		if id < size && !pages[id] && id != root {
			return errChanged
		}
	}
	if !sameExcept(before.Trailer().Key("Root"), after.Trailer().Key("Root"), "AcroForm") {
		return errChanged
	}
	for i := 1; i <= n; i++ {
		old, now := before.Page(i).V, after.Page(i).V
		if !sameExcept(old, now, "Annots") || !onlySignaturesAdded(old, after.Page(i)) {
			return errChanged
		}
	}
	return nil
}

// sameExcept reports whether two dictionaries hold the same entries,
// except the key allowed to differ: the same indirect objects, or equal
// direct values.
func sameExcept(old, now pdf.Value, allowed string) bool {
	if old.Kind() != pdf.Dict || now.Kind() != pdf.Dict {
		return false
	}
	keys := func(v pdf.Value) map[string]bool {
		m := map[string]bool{}
		for _, k := range v.Keys() {
			if k != allowed {
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
// of at most a quarter of the page.
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
		if w*h > pageArea/4 {
			return false
		}
	}
	return true
}

var (
	startxref  = regexp.MustCompile(`startxref\s+(\d+)\s+%%EOF\s*$`)
	subsection = regexp.MustCompile(`^(\d+)\s+(\d+)$`)
	prevKey    = regexp.MustCompile(`/Prev\s+(\d+)`)
	indexKey   = regexp.MustCompile(`/Index\s*\[([\d\s]*)\]`)
	sizeKey    = regexp.MustCompile(`/Size\s+(\d+)`)
)

// updatedObjects lists the object numbers defined by the cross-reference
// sections that lie after from (the incremental updates), classic tables
// or cross-reference streams alike.
func updatedObjects(file []byte, from int) ([]uint32, error) {
	m := startxref.FindSubmatch(file)
	if m == nil {
		return nil, errChanged
	}
	offset, _ := strconv.Atoi(string(m[1]))
	var ids []uint32
	for seen := 0; offset >= from; seen++ {
		if offset >= len(file) || seen > 20 {
			return nil, errChanged
		}
		section := file[offset:]
		var next []byte
		if bytes.HasPrefix(section, []byte("xref")) {
			end := bytes.Index(section, []byte("trailer"))
			if end < 0 {
				return nil, errChanged
			}
			lines := bytes.Fields(bytes.ReplaceAll(section[4:end], []byte("\r"), []byte("\n")))
			for i := 0; i+1 < len(lines); {
				sub := subsection.FindSubmatch(append(append(append([]byte{}, lines[i]...), ' '), lines[i+1]...))
				if sub == nil {
					return nil, errChanged
				}
				first, _ := strconv.Atoi(string(sub[1]))
				count, _ := strconv.Atoi(string(sub[2]))
				i += 2
				for k := 0; k < count; k++ {
					if i+2 >= len(lines) {
						return nil, errChanged
					}
					if string(lines[i+2]) == "n" {
						ids = append(ids, uint32(first+k))
					}
					i += 3
				}
			}
			next = section[end:]
			if e := bytes.Index(next, []byte("startxref")); e >= 0 {
				next = next[:e]
			}
		} else {
			// A cross-reference stream: its /Index (or [0 Size]) names the objects.
			end := bytes.Index(section, []byte("stream"))
			if end < 0 {
				return nil, errChanged
			}
			dict := section[:end]
			ranges := []int{0, 0}
			if idx := indexKey.FindSubmatch(dict); idx != nil {
				ranges = ranges[:0]
				for _, f := range bytes.Fields(idx[1]) {
					v, _ := strconv.Atoi(string(f))
					ranges = append(ranges, v)
				}
			} else if sz := sizeKey.FindSubmatch(dict); sz != nil {
				ranges[1], _ = strconv.Atoi(string(sz[1]))
			}
			for i := 0; i+1 < len(ranges); i += 2 {
				for k := 0; k < ranges[i+1]; k++ {
					ids = append(ids, uint32(ranges[i]+k))
				}
			}
			next = dict
		}
		p := prevKey.FindSubmatch(next)
		if p == nil {
			return nil, errChanged // an update always points back to the revision it extends
		}
		offset, _ = strconv.Atoi(string(p[1]))
	}
	return ids, nil
}

// idOf is the number of the object v was read from.
func idOf(v pdf.Value) uint32 {
	p := v.GetPtr()
	return p.GetID()
}
