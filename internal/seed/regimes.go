package seed

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"baocao/internal/apperr"
	"baocao/internal/assignments"
	"baocao/internal/database"
	"baocao/internal/decimal"
	"baocao/internal/forms"
	"baocao/internal/periods"
	"baocao/internal/regimes"
	"baocao/internal/reports"
	"baocao/internal/vn"
)

// DemoRegimes adds the three demo regimes with published templates,
// assigns them and opens their current periods: the monthly socio-economic
// report (a form of over 300 indicator rows), the quarterly report on
// administrative procedures (Biểu 06/VPCP/KSTT) and the 6-monthly usage
// report of QĐ 2838 Điều 12.1. Regimes that exist already are left alone.
func DemoRegimes(ctx context.Context, db *database.DB) error {
	regimeStore := regimes.NewStore(db)
	ids := map[string]int64{}
	rows, _ := db.Query(ctx, `SELECT key, id FROM units WHERE key IS NOT NULL`)
	for rows.Next() {
		var key string
		var id int64
		if err := rows.Scan(&key, &id); err != nil {
			return err
		}
		ids[key] = id
	}
	if err := rows.Err(); err != nil {
		return err
	}
	unit := func(key string) int64 { return ids[key] }
	existing, err := regimeStore.Regimes(ctx, regimes.Filter{IncludeRetired: true})
	if err != nil {
		return err
	}
	have := map[string]bool{}
	for _, r := range existing {
		have[r.Name] = true
	}
	socio, err := SocioEconomicForm()
	if err != nil {
		return err
	}
	demo := []struct {
		input    regimes.Input
		template forms.Template
		assign   []assignments.Request
	}{
		{
			input: regimes.Input{Name: SocioEconomicRegime, Frequency: string(periods.Monthly),
				Content:        "Tình hình thực hiện các chỉ tiêu kinh tế - xã hội trong tháng, lũy kế từ đầu năm; tồn tại, hạn chế; nhiệm vụ, giải pháp tháng tới.",
				ReportingUnits: "Các sở, ban, ngành; Ủy ban nhân dân các xã, phường, đặc khu", ReceivingUnitID: unit("vp-ubnd"),
				OwnerUnitID: unit("vp-ubnd"), LegalNumber: "2838/QĐ-UBND", LegalDate: periods.Date(2024, 11, 1), RemindDays: 3,
				Deadlines: []regimes.Deadline{{Level: 1, WorkingDays: 2}, {Level: 2, WorkingDays: 3}}},
			template: forms.Template{Outline: socioOutline(), Forms: []forms.Form{socio}},
			assign: []assignments.Request{
				{Root: unit("ubnd-tinh"), Kind: "ubnd-xa", ReceiverUnitID: unit("vp-ubnd"), Level: 1},
				{Root: unit("ubnd-tinh"), Kind: "so", ReceiverUnitID: unit("vp-ubnd"), Level: 1},
			},
		},
		{
			input: regimes.Input{Name: "Báo cáo tình hình, kết quả giải quyết thủ tục hành chính quý", Frequency: string(periods.Quarterly),
				Content:        "Số hồ sơ thủ tục hành chính tiếp nhận, đã giải quyết và đang giải quyết theo lĩnh vực (Biểu số 06/VPCP/KSTT).",
				ReportingUnits: "Ủy ban nhân dân các xã, phường, đặc khu", ReceivingUnitID: unit("vp-ubnd"), OwnerUnitID: unit("vp-ubnd"),
				LegalNumber: "01/2020/TT-VPCP", LegalDate: periods.Date(2020, 10, 21), RemindDays: 5,
				Deadlines: []regimes.Deadline{{Level: 1, WorkingDays: 2}}},
			template: forms.Template{Outline: []forms.Section{
				{Key: "s1", Number: "I", Heading: "Tình hình, kết quả giải quyết thủ tục hành chính", Required: true, MaxChars: 20000},
				{Key: "s2", Number: "II", Heading: "Khó khăn, vướng mắc và kiến nghị", MaxChars: 10000},
			}, Forms: []forms.Form{ProceduresForm()}},
			assign: []assignments.Request{{Root: unit("ubnd-tinh"), Kind: "ubnd-xa", ReceiverUnitID: unit("vp-ubnd"), Level: 1}},
		},
		{
			input: regimes.Input{Name: HealthRegime, Frequency: string(periods.Monthly),
				Content:         "Kết quả khám, chữa bệnh, tiêm chủng, phòng chống dịch và an toàn thực phẩm tại y tế cơ sở trong tháng, lũy kế từ đầu năm.",
				ReportingUnits:  "Ủy ban nhân dân các xã, phường, đặc khu (Trạm Y tế tổng hợp); Sở Y tế tổng hợp báo cáo Ủy ban nhân dân tỉnh",
				ReceivingUnitID: unit("so-y-te"), OwnerUnitID: unit("so-y-te"), LegalNumber: "37/2019/TT-BYT", LegalDate: periods.Date(2019, 12, 30),
				RemindDays: 3, Deadlines: []regimes.Deadline{{Level: 1, WorkingDays: 2}, {Level: 2, WorkingDays: 5}}},
			template: forms.Template{Outline: []forms.Section{
				{Key: "s1", Number: "I", Heading: "Kết quả thực hiện", Required: true, MaxChars: 10000,
					Guidance:  "Khám, chữa bệnh; tiêm chủng mở rộng; chăm sóc sức khỏe bà mẹ, trẻ em; phòng, chống dịch bệnh; an toàn thực phẩm.",
					DraftRows: []string{"b1|r1", "b1|r3", "b1|r5", "b1|r7"}}, // Gợi ý nội dung (internal/narrative)
				{Key: "s2", Number: "II", Heading: "Khó khăn, vướng mắc và kiến nghị", MaxChars: 5000},
			}, Forms: []forms.Form{HealthForm()}},
			// Two levels: the communes report to Sở Y tế, which consolidates
			// them and reports to the provincial People's Committee.
			assign: []assignments.Request{
				{Root: unit("ubnd-tinh"), Kind: "ubnd-xa", ReceiverUnitID: unit("so-y-te"), Level: 1},
				{Root: unit("so-y-te"), Kind: "so", ReceiverUnitID: unit("vp-ubnd"), Level: 2},
			},
		},
		{
			input: regimes.Input{Name: "Báo cáo tình hình sử dụng Hệ thống thông tin báo cáo 6 tháng", Frequency: string(periods.HalfYear),
				Content:        "Tình hình sử dụng Hệ thống thông tin báo cáo tỉnh theo Điều 12.1 Quyết định 2838/QĐ-UBND.",
				ReportingUnits: "Các cơ quan, đơn vị sử dụng hệ thống", ReceivingUnitID: unit("so-kh-cn"), OwnerUnitID: unit("so-kh-cn"),
				LegalNumber: "2838/QĐ-UBND", LegalDate: periods.Date(2024, 11, 1), RemindDays: 7,
				Deadlines: []regimes.Deadline{{Level: 1, WorkingDays: 5}}},
			template: forms.Template{Outline: []forms.Section{
				{Key: "s1", Number: "I", Heading: "Tình hình sử dụng hệ thống", Required: true},
				{Key: "s2", Number: "II", Heading: "Khó khăn, vướng mắc"},
				{Key: "s3", Number: "III", Heading: "Kiến nghị, đề xuất"},
			}, Forms: []forms.Form{UsageForm()}},
			assign: []assignments.Request{{Root: unit("ubnd-tinh"), ReceiverUnitID: unit("so-kh-cn"), Level: 1}},
		},
	}
	assignStore := assignments.NewStore(db)
	for _, d := range demo {
		if have[d.input.Name] {
			continue
		}
		r, err := regimeStore.CreateRegime(ctx, d.input, 0)
		if err != nil {
			return fmt.Errorf("seed regime %q: %w", d.input.Name, err)
		}
		v, err := regimeStore.Draft(ctx, r.ID)
		if err != nil {
			return err
		}
		if err := regimeStore.SaveDraft(ctx, v, d.template, v.UpdatedAt); err != nil {
			return fmt.Errorf("seed template of %q: %w (%v)", d.input.Name, err, apperr.FieldErrors(err))
		}
		if v, err = regimeStore.Draft(ctx, r.ID); err != nil {
			return err
		}
		if err := regimeStore.Publish(ctx, v); err != nil {
			return fmt.Errorf("publish %q: %w", d.input.Name, err)
		}
		for _, req := range d.assign {
			req.RegimeID, req.ValidFrom = r.ID, periods.Date(2025, 7, 1)
			if _, err := assignStore.Assign(ctx, req); err != nil {
				return fmt.Errorf("assign %q: %w", d.input.Name, err)
			}
		}
	}
	_, err = reports.NewStore(db).OpenDue(ctx)
	return err
}

func socioOutline() []forms.Section {
	return []forms.Section{
		{Key: "s1", Number: "I", Heading: "Kết quả thực hiện", Required: true, MaxChars: 30000,
			Guidance: "Đánh giá tình hình thực hiện các chỉ tiêu, nhiệm vụ kinh tế - xã hội trong tháng; so sánh với cùng kỳ và kế hoạch năm."},
		{Key: "s2", Parent: "s1", Number: "1", Heading: "Về kinh tế"},
		{Key: "s3", Parent: "s1", Number: "2", Heading: "Về văn hóa - xã hội"},
		{Key: "s4", Parent: "s1", Number: "3", Heading: "Về cải cách hành chính, chuyển đổi số"},
		{Key: "s5", Number: "II", Heading: "Tồn tại, hạn chế và nguyên nhân", Required: true, MaxChars: 10000},
		{Key: "s6", Number: "III", Heading: "Nhiệm vụ, giải pháp trọng tâm kỳ tới", Required: true, MaxChars: 10000},
		{Key: "s7", Number: "IV", Heading: "Kiến nghị, đề xuất", MaxChars: 5000},
	}
}

// socioSections places the catalogue's groups in the sections of the form.
var socioSections = []struct {
	stt, heading string
	groups       []string
	extra        []string // further indicators, "name|unit"
}{
	{"A", "KINH TẾ", []string{"Tài khoản quốc gia", "Nông, lâm nghiệp và thủy sản", "Công nghiệp", "Đầu tư và xây dựng",
		"Thương mại, dịch vụ", "Giá cả", "Giao thông vận tải", "Doanh nghiệp, cơ sở kinh tế, hành chính, sự nghiệp"}, nil},
	{"B", "NGÂN SÁCH NHÀ NƯỚC", []string{"Tài chính công", "Bảo hiểm"}, []string{
		"Thu ngân sách nhà nước trên địa bàn|Tỷ đồng", "Thu nội địa|Tỷ đồng", "Thu từ hoạt động xuất nhập khẩu|Tỷ đồng",
		"Chi ngân sách địa phương|Tỷ đồng", "Chi đầu tư phát triển|Tỷ đồng", "Chi thường xuyên|Tỷ đồng",
		"Giải ngân vốn đầu tư công|Tỷ đồng", "Tỷ lệ giải ngân vốn đầu tư công|%"}},
	{"C", "VĂN HÓA - XÃ HỘI", []string{"Dân số", "Đất đai, dân số", "Đất đai, khí hậu, đơn vị hành chính", "Lao động, việc làm và bình đẳng giới",
		"Giáo dục", "Y tế và chăm sóc sức khỏe", "Văn hóa, thể thao và du lịch", "Mức sống dân cư", "Bảo vệ môi trường"}, []string{
		"Số lao động được giải quyết việc làm|Người", "Số hộ nghèo|Hộ", "Tỷ lệ hộ nghèo|%", "Số lượt khách du lịch|Lượt người",
		"Số vụ tai nạn giao thông|Vụ", "Số người chết do tai nạn giao thông|Người"}},
	{"D", "CẢI CÁCH HÀNH CHÍNH", nil, []string{
		"Số thủ tục hành chính được công bố|Thủ tục", "Số thủ tục hành chính cung cấp dịch vụ công trực tuyến toàn trình|Thủ tục",
		"Số hồ sơ thủ tục hành chính tiếp nhận|Hồ sơ", "Số hồ sơ tiếp nhận trực tuyến|Hồ sơ", "Số hồ sơ đã giải quyết|Hồ sơ",
		"Số hồ sơ giải quyết đúng hạn|Hồ sơ", "Số hồ sơ giải quyết quá hạn|Hồ sơ", "Tỷ lệ hồ sơ giải quyết đúng hạn|%",
		"Tỷ lệ hồ sơ tiếp nhận trực tuyến|%", "Số phản ánh, kiến nghị về thủ tục hành chính|Phản ánh",
		"Số phản ánh, kiến nghị đã xử lý|Phản ánh", "Số hồ sơ được số hóa kết quả giải quyết|Hồ sơ",
		"Tỷ lệ số hóa hồ sơ, kết quả giải quyết|%", "Số cuộc kiểm tra công tác cải cách hành chính|Cuộc",
		"Số văn bản quy phạm pháp luật được ban hành|Văn bản", "Số văn bản được rà soát, kiểm tra|Văn bản",
		"Mức độ hài lòng của người dân, doanh nghiệp|%", "Số cán bộ, công chức được đào tạo, bồi dưỡng|Người",
		"Số đơn thư khiếu nại, tố cáo tiếp nhận|Đơn", "Số đơn thư khiếu nại, tố cáo đã giải quyết|Đơn"}},
	{"E", "CHUYỂN ĐỔI SỐ", []string{"Công nghệ thông tin và truyền thông"}, []string{
		"Số văn bản điện tử gửi, nhận trên hệ thống quản lý văn bản|Văn bản", "Tỷ lệ văn bản điện tử có ký số|%",
		"Số tài khoản định danh điện tử được kích hoạt|Tài khoản", "Số hồ sơ nộp trực tuyến qua Cổng dịch vụ công quốc gia|Hồ sơ",
		"Số giao dịch thanh toán trực tuyến|Giao dịch", "Số tổ công nghệ số cộng đồng|Tổ", "Số thành viên tổ công nghệ số cộng đồng|Người",
		"Số cơ sở dữ liệu dùng chung được kết nối|Cơ sở dữ liệu", "Số hệ thống thông tin được phê duyệt cấp độ an toàn|Hệ thống",
		"Số sự cố an toàn thông tin mạng|Sự cố", "Số điểm truy cập Wi-Fi công cộng|Điểm", "Số hộ gia đình có cáp quang băng rộng|Hộ",
		"Tỷ lệ dân số trưởng thành có điện thoại thông minh|%", "Số cuộc họp trực tuyến|Cuộc", "Số camera giám sát kết nối Trung tâm điều hành|Camera",
		"Doanh thu thương mại điện tử|Tỷ đồng", "Số doanh nghiệp công nghệ số|Doanh nghiệp", "Số người được tập huấn kỹ năng số|Người"}},
}

var romanNumbers = []string{"I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"}

// SocioEconomicForm builds the monthly socio-economic form: the
// catalogue's indicators by section, "parent – child" names nested, with
// the columns of the province's monthly report and their formulas.
func SocioEconomicForm() (forms.Form, error) {
	catalogue, err := readCSV("indicators.csv")
	if err != nil {
		return forms.Form{}, err
	}
	byGroup := map[string][]map[string]string{}
	for _, row := range catalogue {
		byGroup[row["group"]] = append(byGroup[row["group"]], row)
	}
	pct := func(v int64) *decimal.Decimal { x := decimal.FromInt(v); return &x }
	f := forms.Form{Key: "b1", Code: "01/KTXH", Title: "Một số chỉ tiêu kinh tế - xã hội chủ yếu",
		IssuedBy: "Kèm theo Quyết định số 2838/QĐ-UBND ngày 01/11/2024 của Ủy ban nhân dân tỉnh",
		Columns: []forms.Column{
			{Code: "1", Label: "Kế hoạch năm", Type: forms.Number, Decimals: 1, Aggregation: forms.Sum, Prefill: "previous"},
			{Code: "2", Label: "Thực hiện tháng trước", Groups: []string{"Thực hiện"}, Type: forms.Number, Decimals: 1, Formula: "prev(c3)"},
			{Code: "3", Label: "Ước thực hiện tháng", Groups: []string{"Thực hiện"}, Type: forms.Number, Decimals: 1, Aggregation: forms.Sum, NonNegative: true},
			{Code: "4", Label: "Lũy kế từ đầu năm", Groups: []string{"Thực hiện"}, Type: forms.Number, Decimals: 1, Formula: "prev(c4) + c3"},
			{Code: "5", Label: "So cùng kỳ (%)", Groups: []string{"So sánh"}, Type: forms.Percent, Decimals: 1,
				Formula: "IF(lastyear(c4) = 0, 0, c4 / lastyear(c4) * 100)", Max: pct(100000)},
			{Code: "6", Label: "So kế hoạch năm (%)", Groups: []string{"So sánh"}, Type: forms.Percent, Decimals: 1,
				Formula: "IF(c1 = 0, 0, c4 / c1 * 100)"},
			{Code: "7", Label: "Ghi chú", Type: forms.Text},
		},
	}
	n := 0
	add := func(parent, stt, label, kind, unit string) string {
		n++
		key := "r" + strconv.Itoa(n)
		row := forms.Row{Key: key, Parent: parent, STT: stt, Label: label, Kind: kind, Unit: unit, Bold: kind == forms.Heading}
		if unit == "%" && kind != forms.Heading {
			// A rate is not accumulated: its year-to-date is the month's.
			row.Formulas = map[string]string{"4": "c3"}
			row.Aggregation = map[string]string{"1": forms.Average, "3": forms.Average}
		}
		f.Rows = append(f.Rows, row)
		return key
	}
	for _, sec := range socioSections {
		top := add("", sec.stt, sec.heading, forms.Heading, "")
		for gi, group := range sec.groups {
			head := add(top, romanNumbers[gi], group, forms.Heading, "")
			addIndicators(byGroup[group], head, add)
		}
		if len(sec.extra) > 0 {
			head := head0(sec.groups, top, add)
			for i, e := range sec.extra {
				name, unit, _ := strings.Cut(e, "|")
				add(head, strconv.Itoa(i+1), name, forms.Indicator, unit)
			}
		}
	}
	return f, nil
}

// head0 is where a section's further indicators go: under their own
// heading when the section has catalogue groups, else straight under it.
func head0(groups []string, top string, add func(parent, stt, label, kind, unit string) string) string {
	if len(groups) == 0 {
		return top
	}
	return add(top, romanNumbers[len(groups)], "Chỉ tiêu khác", forms.Heading, "")
}

// addIndicators adds a group's indicators; "Parent – child" rows go under
// their parent, which sums them when they share its unit.
func addIndicators(rows []map[string]string, head string, add func(parent, stt, label, kind, unit string) string) {
	parents := map[string]string{}
	children := map[string][]map[string]string{}
	var order []string
	for _, r := range rows {
		parent, child, nested := strings.Cut(r["name"], " – ")
		if !nested {
			parent, child = r["name"], ""
		}
		if _, seen := children[parent]; !seen {
			order = append(order, parent)
			children[parent] = nil
		}
		if child == "" {
			parents[parent] = r["unit"]
		} else {
			children[parent] = append(children[parent], map[string]string{"name": child, "unit": r["unit"]})
		}
	}
	for i, parent := range order {
		kids := children[parent]
		unit, standalone := parents[parent]
		kind := forms.Indicator
		if len(kids) > 0 {
			kind = forms.Subtotal
			for _, k := range kids {
				if k["unit"] != unit || unit == "%" || !standalone && k["unit"] != kids[0]["unit"] {
					kind = forms.Heading
				}
			}
			if !standalone && kind == forms.Subtotal {
				unit = kids[0]["unit"]
			}
		}
		key := add(head, strconv.Itoa(i+1), parent, kind, unit)
		for _, k := range kids {
			add(key, "-", k["name"], forms.Indicator, k["unit"])
		}
	}
}

// ProceduresForm is Biểu số 06/VPCP/KSTT (Thông tư 01/2020/TT-VPCP).
func ProceduresForm() forms.Form {
	received, resolved, pending := "Số hồ sơ nhận giải quyết", "Số hồ sơ đã giải quyết", "Số hồ sơ đang giải quyết"
	f := forms.Form{Key: "b1", Code: "06/VPCP/KSTT", Title: "Tình hình, kết quả giải quyết thủ tục hành chính",
		IssuedBy: "Ban hành kèm theo Thông tư số 01/2020/TT-VPCP ngày 21/10/2020 của Văn phòng Chính phủ", Unit: "Số hồ sơ",
		Columns: []forms.Column{
			{Code: "1", Label: "Tổng số", Groups: []string{received}, Type: forms.Integer, Formula: "c2 + c3 + c4"},
			{Code: "2", Label: "Trực tuyến", Groups: []string{received, "Trong đó"}, Type: forms.Integer, Aggregation: forms.Sum, NonNegative: true},
			{Code: "3", Label: "Trực tiếp, bưu chính", Groups: []string{received, "Trong đó"}, Type: forms.Integer, Aggregation: forms.Sum, NonNegative: true},
			{Code: "4", Label: "Từ kỳ trước chuyển qua", Groups: []string{received, "Trong đó"}, Type: forms.Integer, Aggregation: forms.Sum, NonNegative: true},
			{Code: "5", Label: "Tổng số", Groups: []string{resolved}, Type: forms.Integer, Formula: "c6 + c7 + c8"},
			{Code: "6", Label: "Trước hạn", Groups: []string{resolved, "Trong đó"}, Type: forms.Integer, Aggregation: forms.Sum, NonNegative: true},
			{Code: "7", Label: "Đúng hạn", Groups: []string{resolved, "Trong đó"}, Type: forms.Integer, Aggregation: forms.Sum, NonNegative: true},
			{Code: "8", Label: "Quá hạn", Groups: []string{resolved, "Trong đó"}, Type: forms.Integer, Aggregation: forms.Sum, NonNegative: true},
			{Code: "9", Label: "Tổng số", Groups: []string{pending}, Type: forms.Integer, Formula: "c10 + c11"},
			{Code: "10", Label: "Trong hạn", Groups: []string{pending, "Trong đó"}, Type: forms.Integer, Aggregation: forms.Sum, NonNegative: true},
			{Code: "11", Label: "Quá hạn", Groups: []string{pending, "Trong đó"}, Type: forms.Integer, Aggregation: forms.Sum, NonNegative: true},
		},
		Rules: []forms.Rule{{Expr: "c5 + c9 <= c1", Message: "Số hồ sơ đã và đang giải quyết không được lớn hơn số hồ sơ nhận giải quyết."}},
	}
	f.Rows = append(f.Rows, forms.Row{Key: "r1", Label: "Tổng số", Kind: forms.Subtotal, Bold: true})
	for i, field := range []string{"Tư pháp - Hộ tịch", "Chứng thực", "Đất đai", "Xây dựng", "Tài nguyên và môi trường", "Lao động, thương binh và xã hội",
		"Kinh tế, kế hoạch và đầu tư", "Giáo dục và đào tạo", "Y tế", "Văn hóa, thể thao", "Nông nghiệp", "Công thương", "Giao thông vận tải",
		"Nội vụ", "Tôn giáo", "Khác"} {
		f.Rows = append(f.Rows, forms.Row{Key: "r" + strconv.Itoa(i+2), Parent: "r1", STT: strconv.Itoa(i + 1), Label: "Lĩnh vực " + vn.LowerFirst(field), Kind: forms.Indicator})
	}
	return f
}

// HealthRegime is the demo's regime of two levels.
// SocioEconomicRegime is the name of the monthly regime of the
// socio-economic form (SocioEconomicForm), the largest.
const SocioEconomicRegime = "Báo cáo tình hình kinh tế - xã hội tháng"

const HealthRegime = "Báo cáo kết quả công tác y tế cơ sở tháng"

// healthRows are the indicators of the monthly health form, with the
// demo's typical monthly figure of a commune of average size.
var healthRows = []struct {
	key, parent, stt, label, kind, unit string
	typical                             int
}{
	{"r1", "", "1", "Số lượt khám bệnh tại trạm y tế", forms.Indicator, "Lượt", 900},
	{"r2", "r1", "-", "Trong đó: khám bệnh có bảo hiểm y tế", forms.OfWhich, "Lượt", 700},
	{"r3", "", "2", "Số trẻ em dưới 1 tuổi được tiêm chủng đầy đủ", forms.Indicator, "Trẻ", 28},
	{"r4", "", "3", "Số phụ nữ có thai được khám thai từ 4 lần trở lên", forms.Indicator, "Người", 22},
	{"r5", "", "4", "Số ca mắc sốt xuất huyết", forms.Indicator, "Ca", 6},
	{"r6", "", "5", "Số ca mắc tay chân miệng", forms.Indicator, "Ca", 2},
	{"r7", "", "6", "Số người dân được lập hồ sơ sức khỏe điện tử", forms.Indicator, "Người", 450},
	{"r8", "", "7", "Số cơ sở thực phẩm được kiểm tra", forms.Indicator, "Cơ sở", 9},
	{"r9", "r8", "-", "Trong đó: số cơ sở vi phạm", forms.OfWhich, "Cơ sở", 1},
}

// HealthForm is the monthly health form of the communes and of Sở Y tế:
// the month's figure, the year to date and last year's.
func HealthForm() forms.Form {
	f := forms.Form{Key: "b1", Code: "01/YT-CS", Title: "Kết quả một số chỉ tiêu y tế cơ sở",
		IssuedBy: "Theo Thông tư số 37/2019/TT-BYT ngày 30/12/2019 của Bộ Y tế",
		Columns: []forms.Column{
			{Code: "1", Label: "Thực hiện tháng", Type: forms.Integer, Aggregation: forms.Sum, NonNegative: true, Role: forms.RoleCurrent},
			{Code: "2", Label: "Lũy kế từ đầu năm", Type: forms.Integer, Formula: "prev(c2) + c1", Role: forms.RoleYearToDate},
			{Code: "3", Label: "Cùng kỳ năm trước", Groups: []string{"So sánh"}, Type: forms.Integer, Formula: "lastyear(c2)", Role: forms.RoleYearToDateLastYear},
			{Code: "4", Label: "So cùng kỳ (%)", Groups: []string{"So sánh"}, Type: forms.Percent, Decimals: 1, Formula: "IF(c3 = 0, 0, c2 / c3 * 100)"},
			{Code: "5", Label: "Ghi chú", Type: forms.Text},
		},
		Rules: []forms.Rule{
			{Expr: "r2.c1 <= r1.c1", Message: "Số lượt khám có bảo hiểm y tế không được lớn hơn tổng số lượt khám.", Rows: []string{"r2"}},
			{Expr: "r9.c1 <= r8.c1", Message: "Số cơ sở vi phạm không được lớn hơn số cơ sở được kiểm tra.", Rows: []string{"r9"}},
		},
	}
	for _, r := range healthRows {
		f.Rows = append(f.Rows, forms.Row{Key: r.key, Parent: r.parent, STT: r.stt, Label: r.label, Kind: r.kind, Unit: r.unit})
	}
	return f
}

// UsageForm is the table of the usage report (QĐ 2838 Điều 12.1).
func UsageForm() forms.Form {
	f := forms.Form{Key: "b1", Title: "Tình hình sử dụng Hệ thống thông tin báo cáo",
		Columns: []forms.Column{
			{Code: "1", Label: "Số lượng", Type: forms.Integer, Aggregation: forms.Sum, NonNegative: true, Prefill: "usage"},
			{Code: "2", Label: "Ghi chú", Type: forms.Text},
		},
	}
	// The figures come from the system (usage.Metrics): the unit checks them.
	rows := []struct{ key, parent, stt, label, kind, unit, metric string }{
		{"r1", "", "I", "Tài khoản", forms.Heading, "", ""},
		{"r2", "r1", "1", "Tổng số tài khoản", forms.Indicator, "Tài khoản", "accounts"},
		{"r3", "r2", "-", "Trong đó: đang hoạt động", forms.OfWhich, "Tài khoản", "accounts_active"},
		{"r4", "r2", "-", "Trong đó: bị khóa", forms.OfWhich, "Tài khoản", "accounts_locked"},
		{"r5", "r2", "-", "Trong đó: không sử dụng quá 45 ngày", forms.OfWhich, "Tài khoản", "accounts_unused"},
		{"r6", "r1", "2", "Số lượt đăng nhập", forms.Indicator, "Lượt", "sign_ins"},
		{"r7", "", "II", "Báo cáo", forms.Heading, "", ""},
		{"r8", "r7", "1", "Số báo cáo phải gửi", forms.Indicator, "Báo cáo", "reports_due"},
		{"r9", "r7", "2", "Số báo cáo gửi đúng hạn", forms.Indicator, "Báo cáo", "reports_on_time"},
		{"r10", "r7", "3", "Số báo cáo gửi muộn", forms.Indicator, "Báo cáo", "reports_late"},
		{"r11", "r7", "4", "Số báo cáo chưa gửi", forms.Indicator, "Báo cáo", "reports_missing"},
		{"r12", "r7", "5", "Số báo cáo bị trả lại", forms.Indicator, "Báo cáo", "reports_returned"},
	}
	for _, r := range rows {
		f.Rows = append(f.Rows, forms.Row{Key: r.key, Parent: r.parent, STT: r.stt, Label: r.label, Kind: r.kind, Unit: r.unit,
			Bold: r.kind == forms.Heading, Metric: r.metric})
	}
	f.Rules = []forms.Rule{{Expr: "r9.c1 + r10.c1 + r11.c1 <= r8.c1", Message: "Số báo cáo đúng hạn, muộn và chưa gửi không vượt số báo cáo phải gửi.", Rows: []string{"r8"}}}
	return f
}
