package web

import (
	"bytes"
	"net/http"
	"strings"

	"baocao/internal/apperr"
	"baocao/internal/consolidation"
	"baocao/internal/dashboard"
	"baocao/internal/decimal"
	"baocao/internal/vn"
	"baocao/internal/xlsx"
	"baocao/templates/pages"
)

// dashboardExport downloads a table of the dashboards, with the filters
// of the page it was asked from, as .xlsx or CSV.
func (s *Server) dashboardExport(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	var t xlsx.Table
	switch q.Get("table") {
	case "status", "late":
		st, v, err := s.dashboardStatus(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if q.Get("table") == "status" {
			t = statusTable(st, v)
		} else {
			late, err := dashboard.LateUnits(r.Context(), s.read(r), st)
			if err != nil {
				s.fail(w, r, err)
				return
			}
			t = lateTable(late, v)
		}
	case "trend", "across":
		tr, err := s.dashboardTrends(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if q.Get("table") == "trend" {
			t = trendTable(tr)
		} else {
			t = acrossTable(tr)
		}
	case "activity":
		if !s.mayViewActivity(w, r) {
			return
		}
		v, err := s.dashboardActivity(r)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		t = activityTable(v)
	default:
		s.fail(w, r, apperr.New(apperr.NotFound, "Không có bảng này."))
		return
	}
	s.sendTable(w, r, t, q.Get("format"), "tong-quan-"+q.Get("table"))
}

// sendTable answers with t as a workbook, or as CSV when format is "csv".
func (s *Server) sendTable(w http.ResponseWriter, r *http.Request, t xlsx.Table, format, name string) {
	var buf bytes.Buffer
	if format == "csv" {
		if err := xlsx.WriteCSV(&buf, t); err != nil {
			s.fail(w, r, err)
			return
		}
		sendFile(w, name+".csv", "text/csv; charset=utf-8", true, buf.Bytes())
		return
	}
	if err := xlsx.ExportTable(&buf, t); err != nil {
		s.fail(w, r, err)
		return
	}
	sendFile(w, name+".xlsx", xlsxType, true, buf.Bytes())
}

// filterLine says what a dashboard table covers.
func filterLine(v pages.DashboardFilter) string {
	parts := []string{"Chế độ báo cáo: " + pages.SelectedLabel(v.Regimes)}
	if v.Unit.ID != "" {
		parts = append(parts, "Đơn vị: "+v.Unit.Query)
	}
	if v.From != "" || v.To != "" {
		parts = append(parts, "Kỳ có ngày chốt số liệu "+pages.RangeText(v.From, v.To))
	}
	return strings.Join(parts, "; ")
}

func statusTable(st *dashboard.Status, v pages.DashboardFilter) xlsx.Table {
	t := xlsx.Table{Sheet: "Tinh hinh gui bao cao", Title: "TÌNH HÌNH GỬI BÁO CÁO", Lines: []string{filterLine(v)}}
	t.Columns = []xlsx.TableColumn{{Label: "STT"}, {Label: "Đơn vị", Text: true}}
	for _, p := range st.Periods {
		t.Columns = append(t.Columns, xlsx.TableColumn{Label: p.Label, Group: "Tình trạng theo kỳ báo cáo", Text: true})
	}
	t.Columns = append(t.Columns, xlsx.TableColumn{Label: "Được giao", Group: "Số báo cáo"}, xlsx.TableColumn{Label: "Đã đến hạn", Group: "Số báo cáo"})
	for _, state := range consolidation.States {
		t.Columns = append(t.Columns, xlsx.TableColumn{Label: state, Group: "Số báo cáo"})
	}
	t.Columns = append(t.Columns,
		xlsx.TableColumn{Label: "Gửi đúng hạn (% số đã đến hạn)", Group: "Tỷ lệ", Decimals: 1},
		xlsx.TableColumn{Label: "Đã gửi (%)", Group: "Tỷ lệ", Decimals: 1})
	tally := func(row []any, tl dashboard.Tally) []any {
		row = append(row, tl.Assigned, tl.Due)
		for _, state := range consolidation.States {
			row = append(row, tl.States[state])
		}
		return append(row, tl.OnTimeRate(), tl.SentRate())
	}
	for i, l := range st.Lines {
		row := []any{i + 1, l.Unit}
		for _, c := range l.Cells {
			row = append(row, c.State)
		}
		t.Rows = append(t.Rows, tally(row, l.Tally))
	}
	total := []any{nil, "Tổng cộng"}
	for _, c := range st.Columns {
		total = append(total, vn.Int(int64(c.Assigned-c.States[consolidation.Overdue]-c.States[consolidation.NotSent]))+"/"+vn.Int(int64(c.Assigned))+" đã gửi")
	}
	t.Rows = append(t.Rows, tally(total, st.Total))
	t.Bold = make([]bool, len(t.Rows))
	t.Bold[len(t.Rows)-1] = true
	return t
}

func lateTable(late []dashboard.LateUnit, v pages.DashboardFilter) xlsx.Table {
	t := xlsx.Table{Sheet: "Don vi cham gui", Title: "CÁC ĐƠN VỊ QUÁ HẠN CHƯA GỬI BÁO CÁO", Lines: []string{filterLine(v)},
		Columns: []xlsx.TableColumn{{Label: "STT"}, {Label: "Đơn vị", Text: true}, {Label: "Kỳ báo cáo quá hạn", Text: true},
			{Label: "Họ và tên", Group: "Quản trị đơn vị", Text: true}, {Label: "Điện thoại", Group: "Quản trị đơn vị", Text: true},
			{Label: "Thư điện tử", Group: "Quản trị đơn vị", Text: true}}}
	for i, u := range late {
		var names, phones, emails []string
		for _, c := range u.Contacts {
			names, phones, emails = append(names, c.Name), append(phones, c.Phone), append(emails, c.Email)
		}
		t.Rows = append(t.Rows, []any{i + 1, u.Unit, strings.Join(u.Periods, ", "),
			strings.Join(names, "\n"), strings.Join(phones, "\n"), strings.Join(emails, "\n")})
	}
	return t
}

func trendTable(tr *pages.TrendsView) xlsx.Table {
	t := xlsx.Table{Sheet: "Chi tieu qua cac ky", Title: strings.ToUpper(tr.Indicator), Lines: []string{filterLine(tr.Filter)},
		Columns: []xlsx.TableColumn{{Label: "Kỳ báo cáo", Text: true}, {Label: "Giá trị", Decimals: tr.Decimals},
			{Label: "Số báo cáo có số liệu"}, {Label: "Cùng kỳ năm trước", Decimals: tr.Decimals}, {Label: "So với cùng kỳ (%)", Decimals: 1}}}
	for _, p := range tr.Points {
		t.Rows = append(t.Rows, []any{p.Period.Label, valueCell(p.Value, p.OK), p.Reports,
			valueCell(p.LastYear, p.LastYearOK), ratioCell(p.Value, p.OK, p.LastYear, p.LastYearOK)})
	}
	return t
}

func acrossTable(tr *pages.TrendsView) xlsx.Table {
	t := xlsx.Table{Sheet: "Chi tieu theo don vi", Title: strings.ToUpper(tr.Indicator), Lines: []string{filterLine(tr.Filter), "Kỳ báo cáo: " + tr.Period},
		Columns: []xlsx.TableColumn{{Label: "STT"}, {Label: "Đơn vị", Text: true}, {Label: "Giá trị", Decimals: tr.Decimals},
			{Label: "Cùng kỳ năm trước", Decimals: tr.Decimals}, {Label: "So với cùng kỳ (%)", Decimals: 1}}}
	for i, u := range tr.Units {
		t.Rows = append(t.Rows, []any{i + 1, u.Unit, u.Value, valueCell(u.LastYear, u.LastYearOK), ratioCell(u.Value, true, u.LastYear, u.LastYearOK)})
	}
	return t
}

func activityTable(v pages.ActivityView) xlsx.Table {
	t := xlsx.Table{Sheet: "Hoat dong he thong", Title: "HOẠT ĐỘNG CỦA HỆ THỐNG", Lines: []string{"Từ ngày " + v.From + " đến ngày " + v.To},
		Columns: []xlsx.TableColumn{{Label: "Ngày", Text: true}, {Label: "Lượt đăng nhập"}, {Label: "Tài khoản đăng nhập"}, {Label: "Báo cáo đã gửi"}}}
	for _, d := range v.Activity.Days {
		t.Rows = append(t.Rows, []any{vn.Date(d.Day), d.SignIns, d.Accounts, d.Sent})
	}
	t.Rows = append(t.Rows, []any{"Cộng", v.Activity.SignIns, v.Activity.Active, v.Activity.Sent})
	t.Bold = make([]bool, len(t.Rows))
	t.Bold[len(t.Rows)-1] = true
	return t
}

func valueCell(v decimal.Decimal, ok bool) any {
	if !ok {
		return nil
	}
	return v
}

// ratioCell is this figure as a percentage of last year's.
func ratioCell(v decimal.Decimal, ok bool, last decimal.Decimal, lastOK bool) any {
	if !ok || !lastOK || last.IsZero() {
		return nil
	}
	q, _ := v.Quo(last)
	pct, _ := q.Mul(decimal.FromInt(100))
	return pct.Round(1)
}
