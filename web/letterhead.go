package web

import (
	"io"
	"net/http"
	"strconv"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/documents"
	"baocao/internal/signing"
	"baocao/internal/units"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

// The documents of a unit as ND 30 wants them: its header lines and seal
// image (its unit admin), its leaders' signing capacities (their unit
// admin) and each leader's own signature image.

func letterheadPath(u *units.Unit) string {
	return "/admin/units/" + strconv.FormatInt(u.ID, 10) + "/letterhead"
}

func (s *Server) letterheadPage(w http.ResponseWriter, r *http.Request) {
	s.renderLetterhead(w, r, targetUnit(r), http.StatusOK, nil, nil)
}

func (s *Server) renderLetterhead(w http.ResponseWriter, r *http.Request, u *units.Unit, status int, typed *pages.LetterheadView, errs map[string]string) {
	ctx := r.Context()
	lh, err := s.documents.Letterhead(ctx, u)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	list, _, err := s.accounts.Accounts(ctx, accounts.Filter{UnitID: u.ID, Status: "active", Sort: "name", PerPage: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := pages.LetterheadView{Unit: u, Letterhead: lh, Path: letterheadPath(u), Parent: lh.Parent, Body: lh.Body, Errors: errs}
	if typed != nil {
		v.Parent, v.Body = typed.Parent, typed.Body
	}
	for i := range list {
		l := &list[i]
		if !l.Has(accounts.Approve) {
			continue
		}
		p, err := s.documents.SignerProfile(ctx, l.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		sig := documents.SignatureBlockAs(u.Kind, p.Capacity, l.Position)
		v.Leaders = append(v.Leaders, pages.LeaderCapacity{Account: l, Capacity: p.Capacity, Block: sig, HasImage: p.SignaturePNG != nil})
	}
	s.render(w, r, status, pages.LetterheadPage(s.page(r, "Văn bản của "+u.Name, "account", crumbHome), v))
}

func (s *Server) letterheadSave(w http.ResponseWriter, r *http.Request) {
	u := targetUnit(r)
	typed := pages.LetterheadView{Parent: r.PostFormValue("parent"), Body: r.PostFormValue("body")}
	err := s.documents.SetHeader(r.Context(), u, typed.Parent, typed.Body)
	if fields := apperr.FieldErrors(err); fields != nil {
		s.renderLetterhead(w, r, u, http.StatusUnprocessableEntity, &typed, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, letterheadPath(u), "Đã lưu dòng tiêu đề của văn bản.")
}

func (s *Server) letterheadReset(w http.ResponseWriter, r *http.Request) {
	u := targetUnit(r)
	if err := s.documents.ResetHeader(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, letterheadPath(u), "Đã dùng lại dòng tiêu đề theo cây đơn vị.")
}

// uploadedImage reads the image file of field, at most one byte past the
// limit (signing.CheckImage then says it is too large).
func uploadedImage(r *http.Request, field string) []byte {
	f, _, err := r.FormFile(field)
	if err != nil {
		return nil
	}
	defer f.Close()
	data, _ := io.ReadAll(io.LimitReader(f, signing.MaxImageBytes+1))
	return data
}

func (s *Server) sealImageUpload(w http.ResponseWriter, r *http.Request) {
	u := targetUnit(r)
	err := s.documents.SetSealImage(r.Context(), u, uploadedImage(r, "seal"))
	if fields := apperr.FieldErrors(err); fields != nil {
		s.renderLetterhead(w, r, u, http.StatusUnprocessableEntity, nil, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, letterheadPath(u), "Đã lưu ảnh con dấu.")
}

func (s *Server) sealImageRemove(w http.ResponseWriter, r *http.Request) {
	u := targetUnit(r)
	if err := s.documents.RemoveSealImage(r.Context(), u); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, letterheadPath(u), "Đã gỡ ảnh con dấu; văn bản dùng khung chữ thay cho ảnh.")
}

func (s *Server) sealImage(w http.ResponseWriter, r *http.Request) {
	lh, err := s.documents.Letterhead(r.Context(), targetUnit(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	servePNG(w, r, lh.SealPNG)
}

// servePNG answers a stored image, or 404 when there is none.
func servePNG(w http.ResponseWriter, r *http.Request, data []byte) {
	if data == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, no-store")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(data)
}

// capacitySave sets how a leader signs; the unit admin comes back to the
// letterhead page of the leader's unit.
func (s *Server) capacitySave(w http.ResponseWriter, r *http.Request) {
	leader := targetAccount(r)
	back := "/admin/units/" + strconv.FormatInt(leader.UnitID, 10) + "/letterhead"
	err := s.documents.SetCapacity(r.Context(), leader, documents.Capacity(r.PostFormValue("capacity")))
	if fields := apperr.FieldErrors(err); fields != nil {
		u, uerr := s.units.Unit(r.Context(), leader.UnitID)
		if uerr != nil {
			s.fail(w, r, uerr)
			return
		}
		fields["capacity-"+strconv.FormatInt(leader.ID, 10)] = fields["capacity"]
		delete(fields, "capacity")
		s.renderLetterhead(w, r, u, http.StatusUnprocessableEntity, nil, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, back, "Đã lưu hình thức ký của "+leader.FullName+".")
}

func (s *Server) signatureImagePage(w http.ResponseWriter, r *http.Request) {
	s.renderSignatureImage(w, r, http.StatusOK, nil)
}

func (s *Server) renderSignatureImage(w http.ResponseWriter, r *http.Request, status int, errs map[string]string) {
	a := currentAccount(r)
	p, err := s.documents.SignerProfile(r.Context(), a.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u, err := s.units.Unit(r.Context(), a.UnitID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, status, pages.SignatureImagePage(s.page(r, "Ảnh chữ ký của tôi", "account", crumbHome, layouts.Crumb{Label: "Tài khoản của tôi", Href: "/account"}),
		pages.SignatureImageView{Account: a, HasImage: p.SignaturePNG != nil, Capacity: p.Capacity,
			Block: documents.SignatureBlockAs(u.Kind, p.Capacity, a.Position), Errors: errs}))
}

func (s *Server) signatureImageUpload(w http.ResponseWriter, r *http.Request) {
	err := s.documents.SetSignatureImage(r.Context(), currentAccount(r), uploadedImage(r, "image"))
	if fields := apperr.FieldErrors(err); fields != nil {
		s.renderSignatureImage(w, r, http.StatusUnprocessableEntity, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/account/signature", "Đã lưu ảnh chữ ký.")
}

func (s *Server) signatureImageRemove(w http.ResponseWriter, r *http.Request) {
	if err := s.documents.RemoveSignatureImage(r.Context(), currentAccount(r)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/account/signature", "Đã gỡ ảnh chữ ký; chữ ký số hiện bằng khung chữ.")
}

func (s *Server) signatureImage(w http.ResponseWriter, r *http.Request) {
	p, err := s.documents.SignerProfile(r.Context(), currentAccount(r).ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	servePNG(w, r, p.SignaturePNG)
}
