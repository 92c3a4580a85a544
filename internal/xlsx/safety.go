package xlsx

import (
	"archive/zip"
	"baocao/internal/forms"
	"bytes"
	"encoding/xml"
	"io"
	"path"
	"strconv"
	"strings"

	"github.com/xuri/excelize/v2"

	"baocao/internal/vn"
)

// Limits of an uploaded workbook. Everything is checked on the zip's
// central directory and by streaming the sheet's XML before excelize
// parses anything, so a hostile file costs at most a few milliseconds.
const (
	MaxFileSize     = 5 << 20              // bytes of the upload
	MaxUnzippedSize = 50 << 20             // bytes of all entries once inflated
	MaxSheetRows    = forms.MaxRows + 40   // last row holding a value: a form's rows plus its title, header and notes
	MaxSheetColumns = forms.MaxColumns + 8 // last column holding a value: a form's columns plus STT, label, unit and the key

	maxEntries     = 1000
	maxEntryRatio  = 200      // inflated/compressed, for entries above ratioFloor
	ratioFloor     = 1 << 20  // small entries may compress very well
	maxPartSize    = 4 << 20  // workbook.xml, its relationships, content types
	maxXMLPart     = 20 << 20 // any XML part: a 2,000 × 60 sheet needs a few MB
	maxCellTags    = 300_000  // <c> elements, empty formatted ones included
	maxFormatted   = 10_000   // last row of any <row>/<c>, empty or not
	maxFormatCols  = 256      // last column of any <c>
	maxFormatCells = 1_000_000
	maxMerges      = 5_000
)

var oleSignature = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// readUpload reads at most MaxFileSize bytes.
func readUpload(r io.Reader, size int64) ([]byte, error) {
	tooLarge := func(n int64) error {
		return refuse(ErrTooLarge, "Tệp có dung lượng %s MB, vượt giới hạn %d MB.",
			vn.Decimal(float64(n)/(1<<20), 1), MaxFileSize>>20)
	}
	if size > MaxFileSize {
		return nil, tooLarge(size)
	}
	b, err := io.ReadAll(io.LimitReader(r, MaxFileSize+1))
	if err != nil {
		return nil, refuse(ErrCorrupt, "Không đọc được tệp tải lên, vui lòng thử lại.")
	}
	if len(b) > MaxFileSize {
		return nil, tooLarge(int64(len(b)))
	}
	return b, nil
}

// workbookPackage is the checked zip of an .xlsx.
type workbookPackage struct {
	zr    *zip.Reader
	parts map[string]*zip.File // lower-cased part name → entry
}

// checkPackage looks at the bytes and the zip's central directory only:
// no entry is inflated except [Content_Types].xml, whose size was checked.
func checkPackage(b []byte) (*workbookPackage, error) {
	if bytes.HasPrefix(b, oleSignature) {
		// An OLE compound file is either an encrypted OOXML package or a
		// legacy .xls workbook.
		if bytes.Contains(b, utf16le("EncryptionInfo")) || bytes.Contains(b, utf16le("EncryptedPackage")) {
			return nil, refuse(ErrEncrypted, "%s", msgEncrypted)
		}
		return nil, refuse(ErrNotXLSX, "%s", msgOldXLS)
	}
	if !bytes.HasPrefix(b, []byte("PK")) {
		return nil, refuse(ErrNotXLSX, "%s", msgNotXLSX)
	}
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, refuse(ErrNotXLSX, "%s", msgNotXLSX)
	}
	// An OpenDocument spreadsheet is a zip too: its first entry names it.
	if len(zr.File) > 0 && zr.File[0].Name == "mimetype" {
		return nil, refuse(ErrNotXLSX, "%s", msgODS)
	}
	if len(zr.File) > maxEntries {
		return nil, refuse(ErrZipBomb, msgZipBomb, MaxUnzippedSize>>20)
	}
	var total uint64
	p := &workbookPackage{zr: zr, parts: make(map[string]*zip.File, len(zr.File))}
	for _, f := range zr.File {
		size, packed := f.UncompressedSize64, f.CompressedSize64
		total += size
		xmlPart := strings.HasSuffix(strings.ToLower(f.Name), ".xml") || strings.HasSuffix(strings.ToLower(f.Name), ".rels")
		if size > MaxUnzippedSize || total > MaxUnzippedSize || xmlPart && size > maxXMLPart ||
			(size > ratioFloor && (packed == 0 || size/packed > maxEntryRatio)) {
			return nil, refuse(ErrZipBomb, msgZipBomb, MaxUnzippedSize>>20)
		}
		name := strings.ToLower(strings.TrimPrefix(strings.ReplaceAll(f.Name, `\`, "/"), "/"))
		p.parts[name] = f
	}
	for name := range p.parts {
		if path.Base(name) == "vbaproject.bin" || strings.HasSuffix(name, ".bin") && strings.Contains(name, "vba") {
			return nil, refuse(ErrMacro, "%s", msgMacro)
		}
	}
	types, err := p.read("[content_types].xml")
	if err != nil {
		return nil, refuse(ErrNotXLSX, "%s", msgNotXLSX)
	}
	lower := bytes.ToLower(types)
	switch {
	case bytes.Contains(lower, []byte("macroenabled")):
		return nil, refuse(ErrMacro, "%s", msgMacro)
	case !bytes.Contains(lower, []byte("spreadsheetml")):
		return nil, refuse(ErrNotXLSX, "%s", msgNotXLSX) // a .docx, a .pptx, an .xlsb …
	}
	return p, nil
}

func utf16le(s string) []byte {
	out := make([]byte, 0, 2*len(s))
	for _, c := range []byte(s) {
		out = append(out, c, 0)
	}
	return out
}

// read returns a small part of the package.
func (p *workbookPackage) read(name string) ([]byte, error) {
	f, ok := p.parts[strings.ToLower(name)]
	if !ok {
		return nil, errMissingPart
	}
	if f.UncompressedSize64 > maxPartSize {
		return nil, errMissingPart
	}
	rc, err := f.Open()
	if err != nil {
		return nil, refuse(ErrCorrupt, "%s", msgCorrupt)
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, maxPartSize))
	if err != nil { // a damaged member: zip's checksum or deflate error
		return nil, refuse(ErrCorrupt, "%s", msgCorrupt)
	}
	return b, nil
}

var errMissingPart = refuse(ErrNotXLSX, "%s", msgNotXLSX)

// sheetRef is a worksheet listed in workbook.xml.
type sheetRef struct {
	Name    string
	Part    string // zip entry name, lower case
	Visible bool
}

// sheets lists the worksheets (not chart sheets) in workbook order.
func (p *workbookPackage) sheets() ([]sheetRef, error) {
	workbook := "xl/workbook.xml"
	if rels, err := p.read("_rels/.rels"); err == nil {
		for _, rel := range relationships(rels) {
			if strings.HasSuffix(rel.Type, "/officeDocument") {
				workbook = resolvePart("", rel.Target)
			}
		}
	}
	wb, err := p.read(workbook)
	if err != nil {
		return nil, err
	}
	dir, base := path.Split(workbook)
	rels, err := p.read(dir + "_rels/" + base + ".rels")
	if err != nil {
		return nil, err
	}
	targets := map[string]string{}
	for _, rel := range relationships(rels) {
		if strings.HasSuffix(rel.Type, "/worksheet") {
			targets[rel.ID] = resolvePart(dir, rel.Target)
		}
	}
	var out []sheetRef
	dec := xml.NewDecoder(bytes.NewReader(wb))
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, refuse(ErrCorrupt, "%s", msgCorrupt)
		}
		el, ok := tok.(xml.StartElement)
		if !ok || el.Name.Local != "sheet" {
			continue
		}
		var s sheetRef
		var id string
		state := ""
		for _, a := range el.Attr {
			switch {
			case a.Name.Local == "name" && a.Name.Space == "":
				s.Name = a.Value
			case a.Name.Local == "state":
				state = a.Value
			case a.Name.Local == "id" && a.Name.Space != "":
				id = a.Value
			}
		}
		part, ok := targets[id]
		if !ok {
			continue // a chart sheet or a dialog sheet
		}
		s.Part = part
		s.Visible = state == "" || state == "visible"
		out = append(out, s)
	}
	return out, nil
}

type relationship struct{ ID, Type, Target string }

func relationships(b []byte) []relationship {
	var out []relationship
	dec := xml.NewDecoder(bytes.NewReader(b))
	for {
		tok, err := dec.RawToken()
		if err != nil {
			return out
		}
		if el, ok := tok.(xml.StartElement); ok && el.Name.Local == "Relationship" {
			var r relationship
			for _, a := range el.Attr {
				switch a.Name.Local {
				case "Id":
					r.ID = a.Value
				case "Type":
					r.Type = a.Value
				case "Target":
					r.Target = a.Value
				}
			}
			out = append(out, r)
		}
	}
}

func resolvePart(dir, target string) string {
	if strings.HasPrefix(target, "/") {
		return strings.ToLower(strings.TrimPrefix(path.Clean(target), "/"))
	}
	return strings.ToLower(strings.TrimPrefix(path.Clean("/"+dir+target), "/"))
}

// sheetStats is what scanSheet learnt about the used range.
type sheetStats struct {
	lastRow, lastCol int // of cells holding a value (1-based), 0: none
}

// scanSheet streams the worksheet XML once, refusing as soon as it meets
// a formula, a value beyond the row or column limit, or a formatted area
// too large for excelize to load cheaply.
func (p *workbookPackage) scanSheet(part string) (sheetStats, error) {
	var st sheetStats
	f, ok := p.parts[part]
	if !ok {
		return st, refuse(ErrCorrupt, "%s", msgCorrupt)
	}
	rc, err := f.Open()
	if err != nil {
		return st, refuse(ErrCorrupt, "%s", msgCorrupt)
	}
	defer rc.Close()
	dec := xml.NewDecoder(rc)
	var (
		row, col, cells, merges int
		ref                     string
		hasValue, inV, inF      bool
		inCell                  bool
		text                    strings.Builder
		anyRow, anyCol          int
	)
	tooWide := func(col int) error {
		return refuse(ErrTooManyColumns, "Trang tính có dữ liệu đến cột %s, vượt giới hạn %d cột của một biểu. Hãy xóa các cột thừa rồi tải lên lại.",
			columnName(col), MaxSheetColumns)
	}
	tooLong := func(row int) error {
		return refuse(ErrTooManyRows, "Trang tính có dữ liệu đến dòng %s, vượt giới hạn %s dòng của một biểu. Hãy xóa các dòng thừa rồi tải lên lại.",
			vn.Int(int64(row)), vn.Int(MaxSheetRows))
	}
	formatted := func(col, row int) error {
		return refuse(ErrTooManyRows, "Trang tính có vùng được định dạng quá lớn (đến ô %s). Hãy xóa các dòng, cột trống thừa ở cuối bảng rồi tải lên lại.",
			cellName(col, row))
	}
	for {
		tok, err := dec.RawToken()
		if err == io.EOF {
			return st, nil
		}
		if err != nil {
			return st, refuse(ErrCorrupt, "%s", msgCorrupt)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "row":
				row, col = row+1, 0
				if v := attr(t, "r"); v != "" {
					if n, err := strconv.Atoi(v); err == nil {
						row = n
					}
				}
				if row > maxFormatted {
					return st, formatted(1, row)
				}
			case "c":
				col++
				inCell = true
				ref = attr(t, "r")
				if ref != "" {
					if c, r, err := excelize.CellNameToCoordinates(ref); err == nil {
						col, row = c, r
					}
				} else {
					ref = cellName(col, max(row, 1))
				}
				if cells++; cells > maxCellTags {
					return st, formatted(col, row)
				}
				anyRow, anyCol = max(anyRow, row), max(anyCol, col)
				if row > maxFormatted || col > maxFormatCols || anyRow*anyCol > maxFormatCells {
					return st, formatted(anyCol, anyRow)
				}
				hasValue = false
			case "v":
				inV = inCell
				text.Reset()
			case "is":
				hasValue = hasValue || inCell
			case "f": // only inside a cell: extLst data validations have <xm:f>
				inF = inCell
				text.Reset()
			case "mergeCell":
				if merges++; merges > maxMerges {
					return st, refuse(ErrTooManyColumns, "Trang tính có quá %s vùng ô gộp. Hãy bỏ các ô gộp thừa rồi tải lên lại.", vn.Int(maxMerges))
				}
			}
		case xml.CharData:
			if (inV || inF) && text.Len() < 1024 {
				text.Write(t)
			}
		case xml.EndElement:
			switch t.Name.Local {
			case "v":
				if inV && strings.TrimSpace(text.String()) != "" {
					hasValue = true
				}
				inV = false
			case "f":
				if !inF {
					continue
				}
				inF = false
				formula := strings.TrimSpace(text.String())
				if formula == "" {
					return st, refuse(ErrFormula, "Ô %s có công thức Excel. Hãy xóa công thức, hệ thống sẽ tự tính theo công thức khai báo trong mẫu.", ref)
				}
				if r := []rune(formula); len(r) > 60 {
					formula = string(r[:57]) + "…"
				}
				return st, refuse(ErrFormula, "Ô %s có công thức Excel (=%s). Hãy xóa công thức, hệ thống sẽ tự tính theo công thức khai báo trong mẫu.", ref, formula)
			case "c":
				inCell = false
				if hasValue {
					if row > MaxSheetRows {
						return st, tooLong(row)
					}
					if col > MaxSheetColumns {
						return st, tooWide(col)
					}
					st.lastRow, st.lastCol = max(st.lastRow, row), max(st.lastCol, col)
				}
			}
		}
	}
}

func attr(el xml.StartElement, local string) string {
	for _, a := range el.Attr {
		if a.Name.Local == local && a.Name.Space == "" {
			return a.Value
		}
	}
	return ""
}
