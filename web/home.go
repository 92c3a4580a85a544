package web

import (
	"context"
	"net/http"
	"strconv"

	"baocao/internal/accounts"
	"baocao/internal/policy"
	"baocao/internal/vn"
	"baocao/templates/components"
	"baocao/templates/pages"
)

// The home page: "Báo cáo của tôi" for users (their unit's reports, by
// regime and status), the cards of what an admin's tier may do.

func (s *Server) home(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	v := pages.HomeView{Account: a}
	if a.Tier == accounts.User {
		mine, err := s.myReports(r, a)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Mine = mine
	} else {
		cards, err := s.homeCards(r.Context(), a)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		for _, c := range cards {
			if s.opens(r.Context(), a, c.route, c.obj) {
				v.Cards = append(v.Cards, c.HomeCard)
			}
		}
	}
	s.render(w, r, http.StatusOK, pages.Home(s.page(r, "Trang chủ", "home"), v))
}

type homeCard struct {
	route string         // its page's route, as routes.go names it
	obj   *policy.Object // the object of the route's {unitID}, if any
	pages.HomeCard
}

// homeCards are every card admin a's home page can have, worded for a's
// tier; the page shows those the policy lets a open. A new commune's
// admin is led to its old communes' reports (issue 17).
func (s *Server) homeCards(ctx context.Context, a *accounts.Account) ([]homeCard, error) {
	olds := 0
	if a.Tier == accounts.UnitAdmin {
		list, err := s.units.Predecessors(ctx, a.UnitID)
		if err != nil {
			return nil, err
		}
		olds = len(list)
	}
	province := a.Tier == accounts.SystemAdmin
	say := func(whole, own string) string {
		if province {
			return whole
		}
		return own
	}
	unit := "/admin/units/" + strconv.FormatInt(a.UnitID, 10)
	own := &policy.Object{UnitID: a.UnitID}
	cards := []homeCard{
		{"/dashboards", nil, pages.HomeCard{Href: "/dashboards", Title: "Tổng quan", Text: say(
			"Tình hình gửi báo cáo của toàn tỉnh, đơn vị quá hạn, chỉ tiêu qua các kỳ, hoạt động của hệ thống.",
			"Tình hình gửi báo cáo của "+a.UnitName+" và các đơn vị trực thuộc, chỉ tiêu qua các kỳ.")}},
		{"/admin/units", nil, pages.HomeCard{Href: "/admin/units", Title: "Cơ quan, đơn vị",
			Text: "Cây đơn vị của tỉnh: thêm, đổi tên, chuyển, giải thể hoặc sáp nhập đơn vị."}},
		{"/admin/accounts", nil, pages.HomeCard{Href: "/admin/accounts", Title: "Tài khoản", Text: say(
			"Quản trị đơn vị và người dùng của toàn tỉnh: tạo, khóa, mở khóa, cấp lại mật khẩu.",
			"Người dùng của "+a.UnitName+" và các đơn vị trực thuộc.")}},
		{"/admin/audit", nil, pages.HomeCard{Href: "/admin/audit", Title: "Nhật ký hệ thống",
			Text: "Đăng nhập, thay đổi tài khoản và quyền, thay đổi đơn vị."}},
		{"/usage", nil, pages.HomeCard{Href: "/usage", Title: "Tình hình sử dụng",
			Text: "Tài khoản, đăng nhập, báo cáo đúng hạn, muộn, chưa gửi; xếp hạng đơn vị (Quyết định 2838/QĐ-UBND)."}},
		{"/admin/trust", nil, pages.HomeCard{Href: "/admin/trust", Title: "Tổ chức chứng thực tin cậy",
			Text: "Chứng thư gốc và trung gian mà chữ ký số trên báo cáo phải được cấp bởi."}},
		{"/admin/api-clients", nil, pages.HomeCard{Href: "/admin/api-clients", Title: "Phần mềm kết nối (API)",
			Text: "Cấp, thu hồi mã truy cập cho phần mềm chuyên ngành và Trung tâm điều hành."}},
		{"/admin/units/{unitID}/seal", own, pages.HomeCard{Href: unit + "/seal", Title: "Con dấu số",
			Text: "Chứng thư số của " + a.UnitName + " để văn thư đóng dấu số lên báo cáo trước khi gửi."}},
		{"/admin/units/{unitID}/letterhead", own, pages.HomeCard{Href: unit + "/letterhead", Title: "Văn bản của đơn vị",
			Text: "Dòng tiêu đề, ảnh con dấu và hình thức ký (KT., Q., TL., TUQ.) của lãnh đạo in trên báo cáo."}},
	}
	if olds > 0 {
		cards = append(cards, homeCard{"/predecessors", nil, pages.HomeCard{Href: "/predecessors", Title: "Báo cáo của các đơn vị trước sáp nhập",
			Text: "Báo cáo đã gửi của " + vn.Int(int64(olds)) + " đơn vị cũ mà địa bàn nay thuộc " + a.UnitName + " (chỉ xem)."}})
	}
	return cards, nil
}

// myReports builds "Báo cáo của tôi" for the account's unit.
func (s *Server) myReports(r *http.Request, a *accounts.Account) (pages.MyReports, error) {
	q := r.URL.Query()
	regimeID, _ := strconv.ParseInt(q.Get("regime"), 10, 64)
	all, err := s.reports.Mine(r.Context(), a.UnitID)
	if err != nil {
		return pages.MyReports{}, err
	}
	m := pages.MyReports{Today: vn.Today(s.now()), Filtered: regimeID != 0 || q.Get("period") != ""}
	m.Regimes = []components.Option{{Value: "", Label: "Tất cả"}}
	m.Periods = []components.Option{{Value: "", Label: "Tất cả"}}
	seenRegime, seenPeriod := map[int64]bool{}, map[string]bool{}
	for _, rep := range all {
		if !seenRegime[rep.RegimeID] {
			seenRegime[rep.RegimeID] = true
			m.Regimes = append(m.Regimes, components.Option{Value: strconv.FormatInt(rep.RegimeID, 10), Label: rep.Regime, Selected: rep.RegimeID == regimeID})
		}
		if !seenPeriod[rep.PeriodLabel] {
			seenPeriod[rep.PeriodLabel] = true
			m.Periods = append(m.Periods, components.Option{Value: rep.PeriodLabel, Label: rep.PeriodLabel, Selected: rep.PeriodLabel == q.Get("period")})
		}
		if (regimeID != 0 && rep.RegimeID != regimeID) || (q.Get("period") != "" && rep.PeriodLabel != q.Get("period")) {
			continue
		}
		if rep.Done() {
			m.Done = append(m.Done, rep)
		} else {
			m.ToDo = append(m.ToDo, rep)
		}
	}
	if !m.Filtered {
		m.Upcoming, err = s.reports.UpcomingFor(r.Context(), a.UnitID)
	}
	return m, err
}
