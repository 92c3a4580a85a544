package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/a-h/templ"
	"github.com/go-chi/chi/v5/middleware"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/policy"
	"baocao/templates/layouts"
	"baocao/templates/pages"
	"baocao/web/response"
)

// page builds the frame of a page for the request.
func (s *Server) page(r *http.Request, title, section string, crumbs ...layouts.Crumb) layouts.Page {
	p := layouts.Page{Title: title, Section: section, Crumbs: crumbs, Account: currentAccount(r), CSRF: s.csrfToken(r)}
	p.Flash = s.sessions.PopString(r.Context(), sessFlash)
	if p.Account != nil {
		unread, err := s.notify.Unread(r.Context(), p.Account.ID)
		if err != nil {
			s.log.ErrorContext(r.Context(), "count unread notifications", "error", err)
		}
		p.Unread = unread
		p.Nav = s.nav(r.Context(), p.Account)
	}
	return p
}

// nav is the navigation of account a: the entries whose page the policy
// lets it open, so a link is shown exactly when its route is allowed.
func (s *Server) nav(ctx context.Context, a *accounts.Account) []layouts.NavItem {
	var out []layouts.NavItem
	for _, item := range layouts.NavItems {
		if s.opens(ctx, a, item.Href, nil) {
			out = append(out, item)
		}
	}
	return out
}

// opens tells whether the policy lets a open the page of route (a GET
// route as routes.go names it) on obj: what a link to it is shown by.
func (s *Server) opens(ctx context.Context, a *accounts.Account, route string, obj *policy.Object) bool {
	act, ok := s.actions[http.MethodGet+" "+route]
	return ok && s.policy.Authorize(ctx, a, act, obj) == nil
}

// render writes a component with a status. Session changes are saved by
// scs before the first byte is written.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, c templ.Component) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	// Rendering needs no database: a request past its deadline (the outage
	// page) is still rendered.
	if err := c.Render(context.WithoutCancel(r.Context()), w); err != nil {
		s.log.ErrorContext(r.Context(), "render", "error", err, "request_id", middleware.GetReqID(r.Context()))
	}
}

// redirect answers a successful POST with 303 See Other and a message
// shown once on the next page.
func (s *Server) redirect(w http.ResponseWriter, r *http.Request, to, flash string) {
	if flash != "" {
		s.sessions.Put(r.Context(), sessFlash, flash)
	}
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Redirect", to)
		w.WriteHeader(http.StatusNoContent)
		return
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

var titleOf = map[int]string{
	http.StatusUnprocessableEntity:   "Thông tin chưa hợp lệ",
	http.StatusNotFound:              "Không tìm thấy trang",
	http.StatusConflict:              "Không thực hiện được thao tác",
	http.StatusForbidden:             "Không có quyền truy cập",
	http.StatusUnauthorized:          "Cần đăng nhập",
	http.StatusRequestEntityTooLarge: "Dữ liệu quá lớn",
	http.StatusTooManyRequests:       "Quá nhiều lần thử",
	http.StatusServiceUnavailable:    "Hệ thống đang gián đoạn",
	http.StatusInternalServerError:   "Hệ thống gặp lỗi",
}

// fail is the one place where an error becomes an HTTP answer: its status
// comes from its code, the official reads its Vietnamese message, and
// unexpected errors are logged with the request ID and never shown.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	err = response.Outage(err)
	code := apperr.Code(err)
	status := response.Status(err)
	if code == apperr.Internal || code == apperr.Unavailable {
		s.log.ErrorContext(r.Context(), "request failed", "error", err.Error(),
			"request_id", middleware.GetReqID(r.Context()), "path", r.URL.Path)
	}
	if code == apperr.Unavailable {
		w.Header().Set("Retry-After", "30")
	}
	if code == apperr.Unauthorized && r.Method == http.MethodGet && r.Header.Get("HX-Request") == "" {
		// Come back here after signing in (a timed-out session loses nothing).
		s.sessions.Put(r.Context(), sessReturnTo, r.URL.RequestURI())
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	p := layouts.Page{Title: titleOf[status], Account: currentAccount(r)}
	if p.Account != nil {
		p.CSRF = maskCSRF(s.sessions.GetString(r.Context(), sessCSRF))
	}
	s.render(w, r, status, pages.Error(p, pages.ErrorView{Status: status, Title: titleOf[status], Message: apperr.Message(err),
		RequestID: middleware.GetReqID(r.Context())}))
}

// localPath keeps a return address on this site.
func localPath(p string) string {
	u, err := url.Parse(p)
	if err != nil || u.IsAbs() || u.Host != "" || !strings.HasPrefix(u.Path, "/") || strings.HasPrefix(p, "//") || strings.Contains(p, "\\") {
		return "/"
	}
	return p
}
