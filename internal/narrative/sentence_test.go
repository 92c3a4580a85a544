package narrative

import (
	"testing"

	"golang.org/x/text/unicode/norm"

	"baocao/internal/decimal"
)

func fig(s string) Figure {
	if s == "" {
		return Figure{}
	}
	x, err := decimal.Parse(s)
	if err != nil {
		panic(err)
	}
	return Figure{Value: x, OK: true}
}

// TestSentenceCases is the case table of the sentence builder.
func TestSentenceCases(t *testing.T) {
	t.Parallel()
	khám := Row{Label: "Số lượt khám bệnh", Unit: "lượt", Places: 0}
	thu := Row{Label: "Tổng thu ngân sách nhà nước trên địa bàn", Unit: "tỷ đồng", Places: -1}
	tỉlệ := Row{Label: "Tỉ lệ hồ sơ giải quyết đúng hạn", Unit: "%", Percent: true, Places: 1}
	cases := []struct {
		name                string
		row                 Row
		cur, ytd, last, pln string
		want                string
	}{
		{"increase", khám, "10810", "", "10000", "", "Số lượt khám bệnh đạt 10.810 lượt, tăng 8,1% so với cùng kỳ năm trước."},
		{"decrease", khám, "9190", "", "10000", "", "Số lượt khám bệnh đạt 9.190 lượt, giảm 8,1% so với cùng kỳ năm trước."},
		{"equal", khám, "10000", "", "10000", "", "Số lượt khám bệnh đạt 10.000 lượt, bằng cùng kỳ năm trước."},
		{"almost equal rounds to nothing", khám, "100001", "", "100000", "", "Số lượt khám bệnh đạt 100.001 lượt, tương đương cùng kỳ năm trước."},
		{"exactly double is an increase", khám, "20000", "", "10000", "", "Số lượt khám bệnh đạt 20.000 lượt, tăng 100,0% so với cùng kỳ năm trước."},
		{"above 200 % reads gấp", khám, "21000", "", "10000", "", "Số lượt khám bệnh đạt 21.000 lượt, gấp 2,1 lần cùng kỳ năm trước."},
		{"zero base: no comparison", khám, "500", "", "0", "", "Số lượt khám bệnh đạt 500 lượt."},
		{"missing base: no comparison", khám, "500", "", "", "", "Số lượt khám bệnh đạt 500 lượt."},
		{"nothing at all", khám, "", "", "", "", "Số lượt khám bệnh: chưa có số liệu."},
		{"year to date and plan", thu, "1234,5", "4567,8", "1100", "5360",
			"Tổng thu ngân sách nhà nước trên địa bàn đạt 1.234,5 tỷ đồng, tăng 12,2% so với cùng kỳ năm trước; lũy kế từ đầu năm đạt 4.567,8 tỷ đồng, đạt 85,2% kế hoạch năm."},
		{"only year to date", thu, "", "4567,8", "", "2000", "Tổng thu ngân sách nhà nước trên địa bàn lũy kế từ đầu năm đạt 4.567,8 tỷ đồng, gấp 2,3 lần kế hoạch năm."},
		{"zero plan: no share", thu, "10", "", "", "0", "Tổng thu ngân sách nhà nước trên địa bàn đạt 10 tỷ đồng."},
		{"negative values change by difference", Row{Label: "Cân đối thu chi", Unit: "tỷ đồng", Places: 1}, "-5", "", "-3,25", "",
			"Cân đối thu chi đạt -5 tỷ đồng, giảm 1,8 tỷ đồng so với cùng kỳ năm trước."},
		{"negative to positive", Row{Label: "Cân đối thu chi", Unit: "tỷ đồng", Places: 0}, "2", "", "-3", "",
			"Cân đối thu chi đạt 2 tỷ đồng, tăng 5 tỷ đồng so với cùng kỳ năm trước."},
		{"percentages change by points", tỉlệ, "97,5", "", "95,25", "", "Tỉ lệ hồ sơ giải quyết đúng hạn đạt 97,5%, tăng 2,3 điểm phần trăm so với cùng kỳ năm trước."},
		{"percentage plan is shown, not divided", tỉlệ, "90", "", "", "95", "Tỉ lệ hồ sơ giải quyết đúng hạn đạt 90% (kế hoạch năm 95%)."},
		{"rounding to the column's decimals", Row{Label: "Diện tích gieo trồng", Unit: "ha", Places: 2, Percent: false}, "-1,005", "", "-2", "",
			"Diện tích gieo trồng đạt -1,005 ha, tăng 1,00 ha so với cùng kỳ năm trước."},
		{"diacritics ĩ ữ kept, decomposed label made NFC", Row{Label: norm.NFD.String("Số người được chữa bệnh sốt xuất huyết (kĩ thuật mới):"), Unit: norm.NFD.String("người")},
			"12", "", "10", "", "Số người được chữa bệnh sốt xuất huyết (kĩ thuật mới) đạt 12 người, tăng 20,0% so với cùng kỳ năm trước."},
		{"year to date against last year's year to date", Row{Label: "Số lượt khám bệnh", Unit: "Lượt", Places: 0, YearToDateLastYear: fig("40000")},
			"4300", "42000", "", "", "Số lượt khám bệnh đạt 4.300 lượt; lũy kế từ đầu năm đạt 42.000 lượt, tăng 5,0% so với cùng kỳ năm trước."},
		{"acronym unit stays", Row{Label: "Kim ngạch xuất khẩu", Unit: "USD", Places: -1}, "12,5", "", "", "", "Kim ngạch xuất khẩu đạt 12,5 USD."},
		{"no unit", Row{Label: "Số doanh nghiệp thành lập mới"}, "3", "", "4", "", "Số doanh nghiệp thành lập mới đạt 3, giảm 25,0% so với cùng kỳ năm trước."},
	}
	for _, c := range cases {
		r := c.row
		r.Current, r.YearToDate, r.LastYear, r.Plan = fig(c.cur), fig(c.ytd), fig(c.last), fig(c.pln)
		if r.YearToDateLastYear.OK && c.ytd == "" {
			r.YearToDateLastYear = Figure{}
		}
		got := Text(Sentence(r))
		if got != c.want {
			t.Errorf("%s:\n got %q\nwant %q", c.name, got, c.want)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Errorf("%s: not NFC: %q", c.name, got)
		}
	}
}

func TestSentenceContributors(t *testing.T) {
	t.Parallel()
	r := Row{Label: "Số lượt khám bệnh", Unit: "lượt", Places: 0, Current: fig("1150"), LastYear: fig("1000"),
		Contributors: []Change{
			{Unit: "Phường Nha Trang", Current: decimal.MustParse("541"), Base: decimal.MustParse("500")},
			{Unit: "Xã Cam Lâm", Current: decimal.MustParse("310"), Base: decimal.MustParse("295")},
			{Unit: "Xã Diên Khánh", Current: decimal.MustParse("199"), Base: decimal.MustParse("205")}, // went the other way
			{Unit: "Xã Mới", Current: decimal.MustParse("100"), Base: decimal.MustParse("0")},          // no base
		}}
	want := "Số lượt khám bệnh đạt 1.150 lượt, tăng 15,0% so với cùng kỳ năm trước, tăng chủ yếu ở phường Nha Trang (+8,2%) và xã Cam Lâm (+5,1%)."
	if got := Text(Sentence(r)); got != want {
		t.Fatalf("\n got %q\nwant %q", got, want)
	}
}
