package web

import (
	"context"
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
func (s *Server) auditFilter(r *http.Request) (audit.Filter, components.UnitPick, map[string]string, error) {
	q := r.URL.Query()
	before, _ := strconv.ParseInt(q.Get("before"), 10, 64)
	after, _ := strconv.ParseInt(q.Get("after"), 10, 64)
	f := audit.Filter{WithinUnit: policy.Scope(currentAccount(r)), Actor: q.Get("actor"), Action: q.Get("action"),
		Before: max(before, 0), After: max(after, 0), PerPage: 50}
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
			return f, components.UnitPick{}, errs, apperr.New(apperr.Invalid, "Đơn vị được chọn không hợp lệ.")
		}
		if f.WithinUnit != 0 {
			ok, err := s.units.IsWithin(r.Context(), f.WithinUnit, id)
			if err != nil {
				return f, components.UnitPick{}, errs, err
			}
			if !ok {
				return f, components.UnitPick{}, errs, apperr.New(apperr.Forbidden, "Bạn chỉ xem được nhật ký của đơn vị mình và các đơn vị trực thuộc.")
			}
		}
		f.Unit = id
	}
	choices, err := s.adminUnitChoices(r)
	if err != nil {
		return f, components.UnitPick{}, errs, err
	}
	var pick components.UnitPick
	f.Unit, pick = pickUnit(q, components.UnitPick{Name: "unit", Label: "Đơn vị", Blank: "Tất cả đơn vị", Search: "/admin/units/search"}, choices)
	return f, pick, errs, nil
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	f, pick, errs, err := s.auditFilter(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	page, err := audit.Entries(r.Context(), s.read(r), f)
	entries := page.Entries
	if err == nil {
		s.nameAuditIDs(r.Context(), entries)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := r.URL.Query()
	var actions [][2]string
	for _, key := range slices.Sorted(maps.Keys(pages.ActionNames)) {
		actions = append(actions, [2]string{key, pages.ActionNames[key]})
	}
	filters := q
	filters.Del("before")
	filters.Del("after")
	link := func(key string, id int64) string {
		if id == 0 {
			return ""
		}
		v := maps.Clone(filters)
		v.Set(key, strconv.FormatInt(id, 10))
		return "/admin/audit?" + v.Encode()
	}
	pager := components.KeysetPager{Newer: link("after", page.Newer), Older: link("before", page.Older)}
	if f.Before != 0 || f.After != 0 {
		pager.Newest = "/admin/audit?" + filters.Encode()
	}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusUnprocessableEntity
	}
	s.render(w, r, status, pages.Audit(s.page(r, "Nhật ký hệ thống", "audit", crumbHome), pages.AuditView{
		Entries: entries, Actor: f.Actor, From: q.Get("from"), To: q.Get("to"), Errors: errs, Unit: pick,
		Actions: options(f.Action, "Tất cả hoạt động", actions), Export: "/admin/audit/export?" + filters.Encode(),
		Pager: pager,
	}))
}

// auditExport downloads the filtered log as CSV (at most audit.MaxExport
// entries); the export itself is audited.
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) {
	f, _, errs, err := s.auditFilter(r)
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

// auditIDKeys are the details that hold internal ids, with what they name.
var auditIDKeys = map[string]string{"unit_id": "unit", "parent_id": "unit", "receiver_unit_id": "unit",
	"responsible_unit_id": "unit", "successors": "unit", "regime_id": "regime"}

// nameAuditIDs replaces the internal ids in the entries' details by the
// names an official knows ("Cơ quan nhận: Sở Y tế", not "9"); an id
// whose object is gone stays as it is.
func (s *Server) nameAuditIDs(ctx context.Context, entries []audit.Entry) {
	names := map[string]string{}
	name := func(kind string, v any) any {
		f, ok := v.(float64)
		if !ok {
			return v
		}
		id := int64(f)
		key := kind + strconv.FormatInt(id, 10)
		if n, ok := names[key]; ok {
			return n
		}
		n := strconv.FormatInt(id, 10)
		switch kind {
		case "unit":
			if u, err := s.units.Unit(ctx, id); err == nil {
				n = u.Name
			}
		case "regime":
			if reg, err := s.regimes.Regime(ctx, id); err == nil {
				n = reg.Name
			}
		}
		names[key] = n
		return n
	}
	var named func(kind string, v any) any
	named = func(kind string, v any) any {
		switch v := v.(type) {
		case []any:
			out := make([]any, len(v))
			for i, item := range v {
				out[i] = named(kind, item)
			}
			return out
		case map[string]any:
			out := map[string]any{}
			for k, item := range v {
				out[k] = named(kind, item)
			}
			return out
		}
		return name(kind, v)
	}
	for _, e := range entries {
		for k, v := range e.Detail {
			if kind, ok := auditIDKeys[k]; ok {
				e.Detail[k] = named(kind, v)
			}
		}
	}
}
