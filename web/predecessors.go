package web

import (
	"net/http"

	"baocao/internal/policy"
	"baocao/templates/pages"
)

// predecessorsPage leads an admin to the reports of the old units whose
// territory its subtree holds now (issue 17): "Báo cáo của các đơn vị
// trước sáp nhập". Each report opens read-only on its page, which audits
// an admin's read.
func (s *Server) predecessorsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := currentAccount(r)
	v := pages.PredecessorsView{Unit: a.UnitName}
	root := policy.Scope(a)
	if root == 0 {
		root = a.UnitID
	}
	var err error
	if v.Units, err = s.units.Predecessors(ctx, root); err != nil {
		s.fail(w, r, err)
		return
	}
	ids := make([]int64, len(v.Units))
	for i, u := range v.Units {
		ids[i] = u.UnitID
	}
	if len(ids) > 0 {
		if v.Reports, err = s.reports.SentBy(ctx, ids); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, pages.Predecessors(s.page(r, "Báo cáo của các đơn vị trước sáp nhập", "home", crumbHome), v))
}
