package web

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"baocao/internal/apperr"
	"baocao/internal/policy"
	"baocao/internal/usage"
	"baocao/internal/vn"
	"baocao/internal/xlsx"
	"baocao/templates/components"
	"baocao/templates/pages"
)

// usageWindow is a half-year ("2026-H1") or a year ("2026") as [from, to).
func usageWindow(key string) (from, to time.Time, label string, ok bool) {
	year, half := 0, 0
	if y, h, found := strings.Cut(key, "-H"); found {
		year, _ = strconv.Atoi(y)
		half, _ = strconv.Atoi(h)
		if half != 1 && half != 2 {
			return from, to, "", false
		}
	} else {
		year, _ = strconv.Atoi(key)
	}
	if year < 2020 || year > 2100 {
		return from, to, "", false
	}
	from = time.Date(year, 1, 1, 0, 0, 0, 0, vn.Location)
	to = from.AddDate(1, 0, 0)
	label = "Năm " + strconv.Itoa(year)
	switch half {
	case 1:
		to, label = from.AddDate(0, 6, 0), "6 tháng đầu năm "+strconv.Itoa(year)
	case 2:
		from, label = from.AddDate(0, 6, 0), "6 tháng cuối năm "+strconv.Itoa(year)
	}
	return from, to, label, true
}

// usagePeriods offers the current and the three previous half-years and
// the current and previous years.
func usagePeriods(now time.Time, selected string) []components.Option {
	now = now.In(vn.Location)
	y, h := now.Year(), 1
	if now.Month() > 6 {
		h = 2
	}
	var keys []string
	for range 4 {
		keys = append(keys, strconv.Itoa(y)+"-H"+strconv.Itoa(h))
		if h--; h == 0 {
			y, h = y-1, 2
		}
	}
	keys = append(keys, strconv.Itoa(now.Year()), strconv.Itoa(now.Year()-1))
	opts := make([]components.Option, 0, len(keys))
	for _, k := range keys {
		_, _, label, _ := usageWindow(k)
		opts = append(opts, components.Option{Value: k, Label: label, Selected: k == selected})
	}
	return opts
}

// usagePage shows the usage of the viewer's subtree (the province for the
// system admin), its units ranked; ?format=csv downloads the ranking.
func (s *Server) usagePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	now := s.now()
	key := r.URL.Query().Get("period")
	if key == "" {
		key = usagePeriods(now, "")[0].Value
	}
	from, to, label, ok := usageWindow(key)
	if !ok {
		s.fail(w, r, apperr.New(apperr.Invalid, "Kỳ không hợp lệ: chọn 6 tháng (ví dụ 2026-H1) hoặc một năm (ví dụ 2026)."))
		return
	}
	scope := policy.Scope(currentAccount(r))
	list, err := usage.Ranking(ctx, s.read(r), scope, from, to, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if format := r.URL.Query().Get("format"); format == "csv" || format == "xlsx" {
		s.sendTable(w, r, usageTable(list, label), format, "tinh-hinh-su-dung-"+key)
		return
	}
	v := pages.UsageView{Scope: "toàn tỉnh", Window: vn.Date(from) + " đến " + vn.Date(to.AddDate(0, 0, -1)) + " (" + label + ")",
		Periods: usagePeriods(now, key), Total: usage.Total(list), Units: list, Export: "/usage?period=" + key + "&format="}
	if scope != 0 {
		u, err := s.units.Unit(ctx, scope)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Scope = u.Name + " và các đơn vị trực thuộc"
	}
	s.render(w, r, http.StatusOK, pages.Usage(s.page(r, "Tình hình sử dụng hệ thống", "usage", crumbHome), v))
}

// usageTable is the ranking as the downloads give it.
func usageTable(list []usage.Figures, label string) xlsx.Table {
	t := xlsx.Table{Sheet: "Sử dụng", Title: "TÌNH HÌNH SỬ DỤNG HỆ THỐNG THÔNG TIN BÁO CÁO", Lines: []string{label},
		Columns: []xlsx.TableColumn{{Label: "Hạng"}, {Label: "Đơn vị", Text: true},
			{Label: "Tổng số", Group: "Tài khoản"}, {Label: "Đang hoạt động", Group: "Tài khoản"}, {Label: "Bị khóa", Group: "Tài khoản"},
			{Label: "Không sử dụng quá 45 ngày", Group: "Tài khoản"}, {Label: "Lượt đăng nhập"},
			{Label: "Phải gửi", Group: "Báo cáo"}, {Label: "Đúng hạn", Group: "Báo cáo"}, {Label: "Muộn", Group: "Báo cáo"},
			{Label: "Chưa gửi", Group: "Báo cáo"}, {Label: "Bị trả lại", Group: "Báo cáo"},
			{Label: "Trễ trung bình (ngày)", Decimals: 1}, {Label: "Tỷ lệ đúng hạn (%)", Decimals: 1}}}
	for i, f := range list {
		t.Rows = append(t.Rows, []any{i + 1, f.Unit, f.Accounts, f.Active, f.Locked, f.Unused, f.SignIns, f.Due, f.OnTime, f.Late,
			f.Missing, f.Returned, f.AvgDelayDays, f.OnTimeRate()})
	}
	return t
}
