package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/go-chi/chi/v5"

	"baocao/internal/apiclients"
	"baocao/internal/apperr"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

func (s *Server) apiClientsPage(w http.ResponseWriter, r *http.Request) {
	s.renderAPIClients(w, r, http.StatusOK, pages.APIClientsView{})
}

func (s *Server) renderAPIClients(w http.ResponseWriter, r *http.Request, status int, v pages.APIClientsView) {
	var err error
	if v.Clients, err = s.apiClients.List(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	if v.Units, err = s.unitOptions(r, 0, 0, ""); err != nil {
		s.fail(w, r, err)
		return
	}
	for i := range v.Units {
		v.Units[i].Selected = slices.Contains(r.PostForm["units"], v.Units[i].Value)
	}
	s.render(w, r, status, pages.APIClients(s.page(r, "Phần mềm kết nối (API)", "api", crumbHome), v))
}

func (s *Server) apiClientCreate(w http.ResponseWriter, r *http.Request) {
	v := pages.APIClientsView{Name: r.PostFormValue("name"), Access: r.PostFormValue("access")}
	var ids []int64
	for _, raw := range r.PostForm["units"] {
		id, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			s.fail(w, r, apperr.New(apperr.Invalid, "Đơn vị được chọn không hợp lệ."))
			return
		}
		ids = append(ids, id)
	}
	c, token, err := s.apiClients.Create(r.Context(), v.Name, ids, apiclients.Access(v.Access))
	if fields := apperr.FieldErrors(err); fields != nil {
		v.Errors = fields
		s.renderAPIClients(w, r, http.StatusUnprocessableEntity, v)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The token is shown on this answer only, never stored in clear.
	w.Header().Set("Cache-Control", "no-store")
	s.renderAPIClients(w, r, http.StatusOK, pages.APIClientsView{Created: c, Token: token})
}

func (s *Server) apiClientRevoke(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(chi.URLParam(r, "clientID"), 10, 64)
	clients, err := s.apiClients.List(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	name := ""
	for _, c := range clients {
		if c.ID == id {
			name = c.Name
		}
	}
	if name == "" {
		s.fail(w, r, apperr.New(apperr.NotFound, "Không có phần mềm kết nối này."))
		return
	}
	if !s.confirmed(w, r, pages.ConfirmView{Title: "Thu hồi mã truy cập của " + name + "?", Button: "Thu hồi mã", Warning: true, Back: "/admin/api-clients",
		Lead: []string{name + " sẽ không kết nối được nữa ngay khi mã bị thu hồi; mã đã thu hồi không dùng lại được.",
			"Muốn phần mềm kết nối lại, hãy tạo mã mới và gửi cho đơn vị quản lý phần mềm."}},
		crumbHome, layouts.Crumb{Label: "Phần mềm kết nối", Href: "/admin/api-clients"}) {
		return
	}
	if err := s.apiClients.Revoke(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/api-clients", "Đã thu hồi mã truy cập.")
}
