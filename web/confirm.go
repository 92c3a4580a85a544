package web

import (
	"maps"
	"net/http"
	"slices"

	"baocao/internal/vn"
	"baocao/templates/components"
	"baocao/templates/layouts"
	"baocao/templates/pages"
	"baocao/web/request"
)

// confirmed answers whether an irreversible step (sending, returning,
// publishing a template, revoking an API client, closing a unit) was
// confirmed. The step's form posts to its route; without confirmed=yes
// the route answers with a page that says what will happen and posts the
// same fields again, so the confirmation is the server's, with or without
// JavaScript. A step with a reason also checks it here: an empty reason
// shows the page again with the field's error. When confirmed returns
// false the answer has been written.
func (s *Server) confirmed(w http.ResponseWriter, r *http.Request, v pages.ConfirmView, crumbs ...layouts.Crumb) bool {
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, request.BodyError(err, s.cfg.MaxBodyBytes))
		return false
	}
	reason := vn.Clean(r.PostFormValue("reason"))
	yes := r.PostFormValue("confirmed") == "yes"
	if yes && (!v.Reason || reason != "") {
		return true
	}
	status := http.StatusOK
	if v.Reason {
		v.Value = r.PostFormValue("reason")
		if reason == "" && (yes || r.PostForm.Has("reason")) {
			v.Error = "Nhập lý do trả lại để đơn vị biết cần sửa gì."
			status = http.StatusUnprocessableEntity
		}
	}
	v.Action = r.URL.Path
	names := slices.Sorted(maps.Keys(r.PostForm))
	for _, name := range names {
		if name == "csrf_token" || name == "confirmed" || name == "reason" {
			continue
		}
		for _, val := range r.PostForm[name] {
			v.Hidden = append(v.Hidden, components.Option{Value: name, Label: val})
		}
	}
	s.render(w, r, status, pages.Confirm(s.page(r, v.Title, "", crumbs...), v))
	return false
}
