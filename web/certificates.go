package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"

	"github.com/go-chi/chi/v5"

	"baocao/internal/apperr"
	"baocao/internal/documents"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

// certTarget is whose signing certificate a page manages: one's own, a
// user's (by an admin) or a unit's seal.
type certTarget struct {
	owner  documents.Owner
	title  string
	who    string
	intro  string
	path   string
	crumbs []layouts.Crumb
}

const (
	personalIntro = "Chứng thư số cá nhân dùng để lãnh đạo ký báo cáo. Tải lên tệp PKCS#12 để ký ngay trên hệ thống, " +
		"hoặc đăng ký chứng thư của USB token để hệ thống đối chiếu khi ký bằng VGCA Sign Service."
	sealIntro = "Chứng thư số của cơ quan (con dấu số) dùng để văn thư đóng dấu số lên báo cáo đã được lãnh đạo ký, trước khi gửi."
)

func ownCertificate(r *http.Request) certTarget {
	a := currentAccount(r)
	return certTarget{owner: documents.Owner{AccountID: a.ID}, title: "Chứng thư số của tôi", who: "Tài khoản của bạn",
		intro: personalIntro, path: "/account/certificate", crumbs: []layouts.Crumb{crumbHome, {Label: "Tài khoản của tôi", Href: "/account"}}}
}

func accountCertificate(r *http.Request) certTarget {
	a := targetAccount(r)
	path := "/admin/accounts/" + strconv.FormatInt(a.ID, 10)
	return certTarget{owner: documents.Owner{AccountID: a.ID}, title: "Chứng thư số của " + a.FullName, who: a.FullName,
		intro: personalIntro, path: path + "/certificate", crumbs: []layouts.Crumb{crumbHome, {Label: a.FullName, Href: path}}}
}

func unitSeal(r *http.Request) certTarget {
	u := targetUnit(r)
	return certTarget{owner: documents.Owner{UnitID: u.ID}, title: "Con dấu số của " + u.Name, who: u.Name,
		intro: sealIntro, path: "/admin/units/" + strconv.FormatInt(u.ID, 10) + "/seal", crumbs: []layouts.Crumb{crumbHome}}
}

func (s *Server) certificatePage(target func(*http.Request) certTarget) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.renderCertificate(w, r, target(r), http.StatusOK, nil)
	}
}

func (s *Server) renderCertificate(w http.ResponseWriter, r *http.Request, t certTarget, status int, errs map[string]string) {
	c, err := s.documents.CertificateOf(r.Context(), t.owner)
	if err != nil && !errors.Is(err, documents.ErrNoCertificate) {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, pages.Certificate(s.page(r, t.title, "account", t.crumbs...),
		pages.CertificateView{Title: t.title, Owner: t.who, Intro: t.intro, Cert: c, Path: t.path, Now: s.now(), Errors: errs}))
}

// certificateUpload registers a PKCS#12 file (certificate and key) or a
// certificate alone, whichever the form carries.
func (s *Server) certificateUpload(target func(*http.Request) certTarget) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t := target(r)
		ctx := r.Context()
		read := func(field string) []byte {
			f, _, err := r.FormFile(field)
			if err != nil {
				return nil
			}
			defer f.Close()
			data, _ := io.ReadAll(io.LimitReader(f, 1<<20))
			return data
		}
		var err error
		if p12 := read("p12"); p12 != nil {
			err = s.documents.ImportPKCS12(ctx, t.owner, p12, r.PostFormValue("password"))
		} else if cert := read("cert"); cert != nil {
			err = s.documents.RegisterCertificate(ctx, t.owner, cert)
		} else {
			err = apperr.InvalidFields(map[string]string{"p12": "Chọn tệp chứng thư số để tải lên."})
		}
		if fields := apperr.FieldErrors(err); fields != nil {
			s.renderCertificate(w, r, t, http.StatusUnprocessableEntity, fields)
			return
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.redirect(w, r, t.path, "Đã lưu chứng thư số.")
	}
}

func (s *Server) certificateRemove(target func(*http.Request) certTarget) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		t := target(r)
		if err := s.documents.RemoveCertificate(r.Context(), t.owner); err != nil {
			s.fail(w, r, err)
			return
		}
		s.redirect(w, r, t.path, "Đã gỡ chứng thư số.")
	}
}

func (s *Server) trustPage(w http.ResponseWriter, r *http.Request) {
	s.renderTrust(w, r, http.StatusOK, nil)
}

func (s *Server) renderTrust(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) {
	list, err := s.documents.Anchors(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, pages.Trust(s.page(r, "Tổ chức chứng thực tin cậy", "trust", crumbHome), pages.TrustView{Anchors: list, Errors: errs}))
}

func (s *Server) trustAdd(w http.ResponseWriter, r *http.Request) {
	var data []byte
	if f, _, err := r.FormFile("anchor"); err == nil {
		data, _ = io.ReadAll(io.LimitReader(f, 1<<20))
		f.Close()
	}
	n, err := s.documents.AddAnchors(r.Context(), data)
	if fields := apperr.FieldErrors(err); fields != nil {
		s.renderTrust(w, r, http.StatusUnprocessableEntity, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/trust", "Đã thêm "+strconv.Itoa(n)+" chứng thư tin cậy.")
}

func (s *Server) trustRemove(w http.ResponseWriter, r *http.Request) {
	id, _ := strconv.ParseInt(chi.URLParam(r, "anchorID"), 10, 64)
	if err := s.documents.RemoveAnchor(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/admin/trust", "Đã thôi tin cậy chứng thư.")
}
