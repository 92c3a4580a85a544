package web

import (
	"maps"
	"net/http"
	"slices"
	"strconv"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/policy"
	"baocao/internal/vn"
	"baocao/templates/components"
	"baocao/templates/pages"
)

// auditFilter reads the audit viewer's filters; a unit outside the
// viewer's subtree is refused.
func (s *Server) auditFilter(r *http.Request) (audit.Filter, map[string]string, error) {
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
	if raw := q.Get("unit"); raw != "" {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			return f, errs, apperr.New(apperr.Invalid, "Đơn vị được chọn không hợp lệ.")
		}
		if f.WithinUnit != 0 {
			ok, err := s.units.IsWithin(r.Context(), f.WithinUnit, id)
			if err != nil {
				return f, errs, err
			}
			if !ok {
				return f, errs, apperr.New(apperr.Forbidden, "Bạn chỉ xem được nhật ký của đơn vị mình và các đơn vị trực thuộc.")
			}
		}
		f.Unit = id
	}
	return f, errs, nil
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	f, errs, err := s.auditFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
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
	unitOpts, err := s.unitOptions(r, f.WithinUnit, f.Unit, "Tất cả đơn vị")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	filters := q
	filters.Del("page")
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, pages.Audit(s.page(r, "Nhật ký hệ thống", "audit", crumbHome), pages.AuditView{
		Entries: entries, Actor: f.Actor, From: q.Get("from"), To: q.Get("to"), Errors: errs, Units: unitOpts,
		Actions: options(f.Action, "Tất cả hoạt động", actions), Export: "/admin/audit/export?" + filters.Encode(),
		Pager: components.Pager{Page: f.Page, PerPage: f.PerPage, Total: total, Path: "/admin/audit", Query: filters},
	}))
}

// auditExport downloads the filtered log as CSV (at most audit.MaxExport
// entries); the export itself is audited.
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) {
	f, errs, err := s.auditFilter(r)
	if err == nil && len(errs) > 0 {
		err = apperr.InvalidFields(errs)
	}
	if err == nil {
		err = audit.Record(r.Context(), s.db, audit.Event{Action: "audit.export", Detail: map[string]any{"filter": r.URL.RawQuery}})
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = sendCSV(w, "nhat-ky-he-thong.csv", pages.AuditHeader, func(write func([]string) error) error {
		return audit.Each(r.Context(), s.db, f, func(e audit.Entry) error { return write(pages.AuditRow(e)) })
	})
	if err != nil {
		s.log.ErrorContext(r.Context(), "audit export failed", "error", err.Error())
	}
}
