package web

import (
	"maps"
	"net/http"
	"slices"
	"strconv"

	"baocao/internal/audit"
	"baocao/internal/policy"
	"baocao/internal/vn"
	"baocao/templates/components"
	"baocao/templates/pages"
)

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	f := audit.Filter{WithinUnit: policy.Scope(currentAccount(r)), Actor: q.Get("actor"), Action: q.Get("action"),
		Page: max(page, 1), PerPage: 50}
	errs := map[string]string{}
	if raw := q.Get("from"); raw != "" {
		if d, ok := vn.ParseDate(raw); ok {
			f.From = d
		} else {
			errs["from"] = "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 01/11/2026."
		}
	}
	if raw := q.Get("to"); raw != "" {
		if d, ok := vn.ParseDate(raw); ok {
			f.To = d.AddDate(0, 0, 1)
		} else {
			errs["to"] = "Nhập ngày theo dạng ngày/tháng/năm, ví dụ 30/11/2026."
		}
	}
	entries, total, err := audit.Entries(r.Context(), s.db, f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var actions [][2]string
	for _, key := range slices.Sorted(maps.Keys(pages.ActionNames)) {
		actions = append(actions, [2]string{key, pages.ActionNames[key]})
	}
	filters := q
	filters.Del("page")
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, pages.Audit(s.page(r, "Nhật ký hệ thống", "audit", crumbHome), pages.AuditView{
		Entries: entries, Actor: f.Actor, From: q.Get("from"), To: q.Get("to"), Errors: errs,
		Actions: options(f.Action, "Tất cả hoạt động", actions),
		Pager:   components.Pager{Page: f.Page, PerPage: f.PerPage, Total: total, Path: "/admin/audit", Query: filters},
	}))
}
