package web

import (
	"net/http"
	"slices"

	"github.com/go-chi/chi/v5"

	"baocao/internal/notify"
	"baocao/templates/components"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

func (s *Server) notificationsPage(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	list, err := s.notify.Notifications(r.Context(), a.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "Thông báo", "notifications", crumbHome)
	s.render(w, r, http.StatusOK, pages.Notifications(p, pages.NotificationsView{List: list, Unread: p.Unread}))
}

// notificationRead marks one of the account's notifications read and goes
// where it points.
func (s *Server) notificationRead(w http.ResponseWriter, r *http.Request) {
	n, err := loadByID(chi.URLParam(r, "notificationID"), func(id int64) (notify.Notification, error) {
		return s.notify.MarkRead(r.Context(), currentAccount(r).ID, id)
	})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, or(n.Link, "/notifications"), "")
}

func (s *Server) notificationsReadAll(w http.ResponseWriter, r *http.Request) {
	if _, err := s.notify.MarkAllRead(r.Context(), currentAccount(r).ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/notifications", "Đã đánh dấu tất cả thông báo là đã đọc.")
}

var crumbAccount = layouts.Crumb{Label: "Tài khoản của tôi", Href: "/account"}

func (s *Server) notificationSettingsPage(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	off, err := s.notify.EmailOff(r.Context(), a.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := pages.NotificationSettingsView{Email: a.Email}
	for _, k := range notify.KindsFor(a.IsAdmin()) {
		v.Options = append(v.Options, components.Option{Value: string(k), Label: k.Name(), Selected: !slices.Contains(off, k)})
	}
	s.render(w, r, http.StatusOK, pages.NotificationSettings(s.page(r, "Nhận thông báo qua thư điện tử", "account", crumbHome, crumbAccount), v))
}

func (s *Server) notificationSettings(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	var on []notify.Kind
	for _, k := range r.PostForm["email"] {
		on = append(on, notify.Kind(k))
	}
	if err := s.notify.SetEmailOn(r.Context(), a.ID, on); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/account/notifications", "Đã lưu lựa chọn nhận thông báo qua thư điện tử.")
}
