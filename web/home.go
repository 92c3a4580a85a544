package web

import (
	"net/http"
	"strconv"

	"baocao/internal/accounts"
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
	}
	if a.Tier == accounts.UnitAdmin {
		olds, err := s.units.Predecessors(r.Context(), a.UnitID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		v.Predecessors = len(olds)
	}
	s.render(w, r, http.StatusOK, pages.Home(s.page(r, "Trang chủ", "home"), v))
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
