package pdf

import (
	"baocao/internal/decimal"

	"bytes"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/signintech/gopdf"

	"baocao/internal/forms"
	"baocao/internal/vn"
)

const longPara = "Trong tháng, Ủy ban nhân dân phường đã tập trung chỉ đạo thực hiện quyết liệt các nhiệm vụ, giải pháp phát triển kinh tế - xã hội; công tác cải cách hành chính, chuyển đổi số được đẩy mạnh, tỷ lệ hồ sơ trực tuyến toàn trình đạt cao; an sinh xã hội được bảo đảm, quốc phòng - an ninh được giữ vững. Ông Nguyễn Văn Nghĩa, Chủ tịch Ủy ban nhân dân phường, đã chủ trì hội nghị đánh giá những kết quả đạt được, những tồn tại, hạn chế và đề ra giải pháp khắc phục trong thời gian tới."

// testDoc builds a document whose form has rows rows in a tree, six value
// columns under a two-level header.
func testDoc(rows int) Document {
	cols := []forms.Column{
		{Code: "1", Label: "Kế hoạch năm", Type: forms.Number, Decimals: 1},
		{Code: "2", Label: "Thực hiện tháng báo cáo", Groups: []string{"Thực hiện"}, Type: forms.Number, Decimals: 1},
		{Code: "3", Label: "Lũy kế từ đầu năm", Groups: []string{"Thực hiện"}, Type: forms.Number, Decimals: 1},
		{Code: "4", Label: "Cùng kỳ năm trước", Groups: []string{"Thực hiện"}, Type: forms.Number, Decimals: 1},
		{Code: "5", Label: "So với kế hoạch (%)", Groups: []string{"So sánh"}, Type: forms.Percent},
		{Code: "6", Label: "So với cùng kỳ (%)", Groups: []string{"So sánh"}, Type: forms.Percent},
	}
	f := forms.Form{Key: "b1", Code: "01/KTXH", Title: "BIỂU TỔNG HỢP CÁC CHỈ TIÊU KINH TẾ - XÃ HỘI CHỦ YẾU", Unit: "Triệu đồng", Columns: cols}
	values := map[string]string{}
	parent := ""
	for i := range rows {
		row := forms.Row{Key: fmt.Sprintf("r%d", i+1), Kind: forms.Indicator, Unit: "Triệu đồng"}
		switch {
		case i%20 == 0:
			row.Kind, row.STT = forms.Heading, romanNumeral(i/20+1)
			row.Label = "Lĩnh vực " + []string{"Kinh tế", "Văn hóa - Xã hội", "Quốc phòng - An ninh", "Nội chính", "Xây dựng chính quyền", "Chuyển đổi số", "Tài nguyên - Môi trường", "Đô thị", "Y tế", "Giáo dục", "Lao động", "Khác", "Khác", "Khác", "Khác", "Khác", "Khác", "Khác"}[i/20%18]
			row.Unit = ""
			parent = row.Key
		case i%5 == 1:
			row.Kind, row.Parent, row.STT = forms.Subtotal, parent, strconv.Itoa(i%20/5+1)
			row.Label = fmt.Sprintf("Tổng thu ngân sách nhà nước trên địa bàn nhóm %d", i)
		default:
			row.Parent = fmt.Sprintf("r%d", i-(i%5)+2)
			if i%5 == 0 {
				row.Parent = parent
			}
			row.STT = "-"
			row.Label = fmt.Sprintf("Chỉ tiêu số %d về hạ tầng kỹ thuật, giao thông và thủy lợi của phường", i)
			if i%7 == 0 {
				row.Kind, row.Label = forms.OfWhich, "Trong đó: vốn ngân sách Trung ương hỗ trợ có mục tiêu"
			}
		}
		f.Rows = append(f.Rows, row)
		if row.HasValues() {
			for j, c := range cols {
				x, _ := decimal.New(12345, -1).Mul(decimal.FromInt(int64((i + 1) * (j + 1))))
				x, _ = x.Quo(decimal.FromInt(7))
				if i == 3 && j == 0 {
					x = decimal.New(12345, -1)
				}
				if c.Type == forms.Percent {
					x, _ = decimal.FromInt(int64(100 * (i%9 + 1))).Quo(decimal.FromInt(7))
				}
				values["b1|"+row.Key+"|"+c.Code] = c.Format(c.Computed(x))
			}
		}
	}
	return Document{
		ParentAgency: "UBND TỈNH KHÁNH HÒA",
		Unit:         "ỦY BAN NHÂN DÂN\nPHƯỜNG NHA TRANG",
		Number:       "12/BC-UBND",
		Place:        "Khánh Hòa",
		Date:         time.Date(2026, 1, 5, 0, 0, 0, 0, vn.Location),
		Title:        "BÁO CÁO",
		Summary:      "Tình hình kinh tế - xã hội tháng 3/2026 và nhiệm vụ trọng tâm tháng 4/2026",
		Recipients:   []string{"Ủy ban nhân dân tỉnh Khánh Hòa", "Sở Tài chính"},
		Template: forms.Template{
			Outline: []forms.Section{
				{Key: "s1", Number: "I", Heading: "TÌNH HÌNH THỰC HIỆN NHIỆM VỤ KINH TẾ - XÃ HỘI"},
				{Key: "s2", Number: "II", Heading: "NHIỆM VỤ TRỌNG TÂM THÁNG TỚI, Ĩ ữ"},
			},
			Forms: []forms.Form{f},
		},
		Sections: map[string]string{
			"s1": "<p>" + longPara + "</p><p>" + longPara + " Thửnghiệmtừrấtdàikhôngcókhoảngtrắngđểkiểmtraviệctáchtừtrongdòngkhidàng.</p><ul><li>Thu ngân sách đạt 1.234,5 triệu đồng;</li><li>Hoàn thành chỉ tiêu giao.</li></ul>",
			"s2": "<p>Tiếp tục triển khai các nhiệm vụ; chữ Ĩ và chữ ữ hiển thị đúng.</p><p>" + longPara + "</p>",
		},
		Values:         values,
		Distribution:   []string{"UBND tỉnh (b/c)", "Thường trực Đảng ủy phường", "Chủ tịch, các PCT UBND phường", "Lưu: VT, VP"},
		SignerOnBehalf: "TM. ỦY BAN NHÂN DÂN",
		SignerTitle:    "CHỦ TỊCH",
		SignerName:     "Nguyễn Văn Nghĩa",
		Created:        time.Date(2026, 1, 5, 9, 30, 0, 0, vn.Location),
	}
}

func romanNumeral(n int) string {
	r := []string{"", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV", "XVI", "XVII", "XVIII"}
	if n < len(r) {
		return r[n]
	}
	return strconv.Itoa(n)
}

func render(t testing.TB, d Document) ([]byte, Layout) {
	t.Helper()
	var buf bytes.Buffer
	lay, err := Render(&buf, d)
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes(), lay
}

func TestRender(t *testing.T) {
	d := testDoc(120)
	out, lay := render(t, d)
	if !bytes.HasPrefix(out, []byte("%PDF")) {
		t.Fatalf("output starts with %q", out[:min(10, len(out))])
	}
	again, _ := render(t, testDoc(120))
	if !bytes.Equal(out, again) {
		t.Fatal("two renders of the same document differ")
	}
	if lay.Pages < 3 {
		t.Fatalf("Pages = %d, want ≥ 3", lay.Pages)
	}
	if lay.SignaturePage != lay.Pages || lay.SignatureRect.H < 80 || lay.SignatureRect.W < 100 ||
		lay.SignatureRect.Y < marginTop || lay.SignatureRect.Y+lay.SignatureRect.H > PageHeight-marginBottom {
		t.Fatalf("layout %+v", lay)
	}
	llx, lly, urx, ury := lay.SignatureRectPDF()
	if math.Abs(urx-llx-lay.SignatureRect.W) > 1e-6 || math.Abs(ury-lly-lay.SignatureRect.H) > 1e-6 {
		t.Fatalf("SignatureRectPDF %v %v %v %v", llx, lly, urx, ury)
	}

	dir := t.TempDir()
	file := filepath.Join(dir, "r.pdf")
	if err := os.WriteFile(file, out, 0o644); err != nil {
		t.Fatal(err)
	}
	if dst := os.Getenv("PDF_SAMPLE_DIR"); dst != "" { // PDF_SAMPLE_DIR=var/pdf-sample keeps the sample
		_ = os.MkdirAll(dst, 0o755)
		_ = os.WriteFile(filepath.Join(dst, "report.pdf"), out, 0o644)
	}

	var pages int
	if _, err := exec.LookPath("pdfinfo"); err == nil {
		info, err := exec.Command("pdfinfo", file).Output()
		if err != nil {
			t.Fatalf("pdfinfo: %v", err)
		}
		m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(info)
		if m == nil {
			t.Fatalf("pdfinfo: %s", info)
		}
		pages, _ = strconv.Atoi(string(m[1]))
		if !bytes.Contains(info, []byte("A4")) {
			t.Errorf("not A4: %s", info)
		}
	} else {
		pages = len(regexp.MustCompile(`/Type\s*/Page\b[^s]`).FindAll(out, -1))
	}
	if pages != lay.Pages {
		t.Errorf("PDF has %d pages, Layout says %d", pages, lay.Pages)
	}

	if _, err := exec.LookPath("pdftotext"); err == nil {
		text, err := exec.Command("pdftotext", "-layout", file, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext: %v", err)
		}
		pageTexts := strings.Split(string(text), "\f")
		all := string(text)
		for _, want := range []string{
			"CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
			"Số: 12/BC-UBND", "Khánh Hòa, ngày 05 tháng 01 năm 2026",
			"UBND TỈNH KHÁNH HÒA", "ỦY BAN NHÂN DÂN", "PHƯỜNG NHA TRANG",
			"Nguyễn Văn Nghĩa", "I. TÌNH HÌNH THỰC HIỆN NHIỆM VỤ KINH TẾ - XÃ HỘI",
			"Ĩ ữ", "1.234,5", "Kính gửi:", "Nơi nhận:", "- Lưu: VT, VP.", "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH",
			"BIỂU TỔNG HỢP CÁC CHỈ TIÊU", "Đơn vị tính: Triệu đồng",
		} {
			if !strings.Contains(all, want) {
				t.Errorf("text lacks %q", want)
			}
		}
		if strings.Contains(pageTexts[0], "\n1\n") {
			t.Error("page 1 is numbered")
		}
		// Pages after the first start with their number; table continuation
		// pages repeat the header.
		continued := 0
		for i, p := range pageTexts[1 : len(pageTexts)-1] {
			first := strings.TrimSpace(strings.SplitN(strings.TrimLeft(p, "\n "), "\n", 2)[0])
			if first != strconv.Itoa(i+2) {
				t.Errorf("page %d starts with %q", i+2, first)
			}
			if strings.Contains(p, "Chỉ tiêu số") && strings.Contains(p, "Thực hiện") && strings.Contains(p, "So sánh") && strings.Contains(p, "(6)") {
				continued++
			}
		}
		if continued < 2 {
			t.Errorf("header repeated on %d pages, want ≥ 2", continued)
		}
	}

	if _, err := exec.LookPath("pdffonts"); err == nil {
		fonts, err := exec.Command("pdffonts", file).Output()
		if err != nil {
			t.Fatalf("pdffonts: %v", err)
		}
		for _, line := range strings.Split(string(fonts), "\n")[2:] {
			if strings.TrimSpace(line) == "" {
				continue
			}
			if !strings.Contains(line, "LiberationSerif") || !strings.Contains(line, " yes ") {
				t.Errorf("font not embedded Liberation Serif: %s", line)
			}
		}
		if !strings.Contains(string(fonts), "LiberationSerif-Bold") {
			t.Errorf("pdffonts: %s", fonts)
		}
	}
}

func TestDateLine(t *testing.T) {
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{time.Date(2026, 1, 5, 0, 0, 0, 0, vn.Location), "Khánh Hòa, ngày 05 tháng 01 năm 2026"},
		{time.Date(2026, 3, 15, 0, 0, 0, 0, vn.Location), "Khánh Hòa, ngày 15 tháng 3 năm 2026"},
		{time.Date(2026, 12, 31, 20, 0, 0, 0, time.UTC), "Khánh Hòa, ngày 01 tháng 01 năm 2027"},
	} {
		if got := dateLine("Khánh Hòa", c.t); got != c.want {
			t.Errorf("dateLine(%v) = %q, want %q", c.t, got, c.want)
		}
	}
}

// TestHeaderBreaksBetweenGroups: a header line breaks only between the
// word groups it is given, shrinking the font before it breaks a group.
func TestHeaderBreaksBetweenGroups(t *testing.T) {
	r := &renderer{gp: &gopdf.GoPdf{}, widths: map[widthKey]float64{}, style: -1}
	r.gp.Start(gopdf.Config{PageSize: gopdf.Rect{W: PageWidth, H: PageHeight}, Unit: gopdf.UnitPT})
	for i, data := range [][]byte{fontRegular, fontBold, fontItalic, fontBoldItalic} {
		if err := r.gp.AddTTFFontData(families[i], data); err != nil {
			t.Fatal(err)
		}
	}
	const w = contentWidth * 0.42
	for _, c := range []struct {
		in   string
		want []string
	}{
		{"ỦY BAN NHÂN DÂN\nXÃ CAM LÂM", []string{"ỦY BAN NHÂN DÂN", "XÃ CAM LÂM"}},
		{"ỦY BAN NHÂN DÂN\nPHƯỜNG BẮC NHA TRANG", []string{"ỦY BAN NHÂN DÂN", "PHƯỜNG BẮC NHA TRANG"}},
		{"SỞ Y TẾ", []string{"SỞ Y TẾ"}},
		{"SỞ NÔNG NGHIỆP\nVÀ MÔI TRƯỜNG", []string{"SỞ NÔNG NGHIỆP", "VÀ MÔI TRƯỜNG"}},
		{"VĂN PHÒNG\nỦY BAN NHÂN DÂN\nTỈNH", []string{"VĂN PHÒNG", "ỦY BAN NHÂN DÂN TỈNH"}},
		{"", nil},
	} {
		got := r.headLines(bold, c.in, w)
		if strings.Join(got, "|") != strings.Join(c.want, "|") {
			t.Errorf("headLines(%q) = %q, want %q", c.in, got, c.want)
		}
	}
	// A group too wide at 13 pt is set smaller, not broken.
	long := "SỞ KHOA HỌC VÀ CÔNG NGHỆ"
	if got := r.headLines(bold, long, w); len(got) != 1 || r.size >= headSize || r.size < minHeadSize {
		t.Errorf("headLines(%q) = %q at %v pt", long, got, r.size)
	}
	// One wider still breaks between its words, at the normal size.
	longer := "ỦY BAN NHÂN DÂN PHƯỜNG BẮC NHA TRANG KHÁNH HÒA"
	if got := r.headLines(bold, longer, w); len(got) < 2 || r.size != headSize {
		t.Errorf("headLines(%q) = %q at %v pt", longer, got, r.size)
	}
}

func TestWrapSplitsLongWords(t *testing.T) {
	d := testDoc(3)
	d.Number = ""
	d.Recipients = d.Recipients[:1]
	d.Sections["s1"] = "<p>" + strings.Repeat("Nghĩa", 200) + "</p>"
	out, lay := render(t, d)
	if lay.Pages < 1 || !bytes.HasPrefix(out, []byte("%PDF")) {
		t.Fatal("no output")
	}
}

// BenchmarkRender renders a report with a 343-row form (like the seeded
// one), about a dozen pages.
func BenchmarkRender(b *testing.B) {
	d := testDoc(343)
	var buf bytes.Buffer
	lay, err := Render(&buf, d)
	if err != nil {
		b.Fatal(err)
	}
	size := buf.Len()
	for b.Loop() {
		buf.Reset()
		if _, err := Render(&buf, d); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(lay.Pages), "pages")
	b.ReportMetric(float64(size), "pdf-bytes")
}
