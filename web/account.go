package web

import (
	"bytes"
	"image/png"
	"net/http"

	"github.com/pquerna/otp"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

var crumbHome = layouts.Crumb{Label: "Trang chủ", Href: "/"}

func (s *Server) profilePage(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	s.render(w, r, http.StatusOK, pages.Profile(s.page(r, "Tài khoản của tôi", "account", crumbHome),
		pages.ProfileView{Account: a, FullName: a.FullName, Position: a.Position, Email: a.Email, Phone: a.Phone}))
}

func (s *Server) profile(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	v := pages.ProfileView{Account: a, FullName: r.PostFormValue("full_name"), Position: r.PostFormValue("position"),
		Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone")}
	err := s.accounts.UpdateProfile(r.Context(), a, v.FullName, v.Position, v.Email, v.Phone)
	if fields := apperr.FieldErrors(err); fields != nil {
		v.Errors = fields
		s.render(w, r, http.StatusUnprocessableEntity, pages.Profile(s.page(r, "Tài khoản của tôi", "account", crumbHome), v))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/account", "Đã lưu thông tin cá nhân.")
}

func (s *Server) passwordView(r *http.Request) pages.PasswordView {
	a := currentAccount(r)
	v := pages.PasswordView{Account: a}
	switch {
	case a.MustChangePassword:
		v.Reason = "Bạn đang dùng mật khẩu tạm thời. Hãy đặt mật khẩu mới của riêng bạn để tiếp tục."
	case a.PasswordExpired(s.now()):
		v.Reason = "Mật khẩu của tài khoản quản trị đã dùng quá 60 ngày. Hãy đặt mật khẩu mới để tiếp tục."
	}
	return v
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, pages.Password(s.page(r, "Đổi mật khẩu", "account", crumbHome), s.passwordView(r)))
}

func (s *Server) password(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := currentAccount(r)
	err := s.accounts.ChangePassword(ctx, a, r.PostFormValue("current"), r.PostFormValue("new"), r.PostFormValue("confirm"))
	if fields := apperr.FieldErrors(err); fields != nil {
		v := s.passwordView(r)
		v.Errors = fields
		s.render(w, r, http.StatusUnprocessableEntity, pages.Password(s.page(r, "Đổi mật khẩu", "account", crumbHome), v))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Every other session ended with the new epoch; this one continues
	// under a new token.
	if err := s.renewSession(r, a.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/", "Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã bị đăng xuất.")
}

// renewSession gives the session a new token and the account's current
// epoch after a change of its credentials or privileges.
func (s *Server) renewSession(r *http.Request, accountID int64) error {
	a, err := s.accounts.Account(r.Context(), accountID)
	if err != nil {
		return err
	}
	if err := s.sessions.RenewToken(r.Context()); err != nil {
		return err
	}
	s.sessions.Put(r.Context(), sessEpoch, a.SessionEpoch)
	return nil
}

// enrolmentKey returns the TOTP key being enrolled, keeping it in the
// session (sealed) so that reloading the page shows the same QR code.
func (s *Server) enrolmentKey(r *http.Request, a *accounts.Account) (*otp.Key, error) {
	if sealed := s.sessions.GetBytes(r.Context(), sessTOTPSetup); sealed != nil {
		if url, err := s.box.Open(sealed); err == nil {
			return otp.NewKeyFromURL(string(url))
		}
	}
	key, err := accounts.NewTOTPKey(a)
	if err != nil {
		return nil, err
	}
	s.sessions.Put(r.Context(), sessTOTPSetup, s.box.Seal([]byte(key.URL())))
	return key, nil
}

func (s *Server) twoFactorView(r *http.Request) (pages.TwoFactorView, error) {
	a := currentAccount(r)
	v := pages.TwoFactorView{Account: a, Required: a.IsAdmin() && !a.TwoFactor()}
	if a.TwoFactor() {
		return v, nil
	}
	key, err := s.enrolmentKey(r, a)
	if err != nil {
		return v, err
	}
	v.Secret = key.Secret()
	return v, nil
}

// twoFactorQR serves the enrolment QR code of the key kept in the session
// as a PNG of its own (a data: URL in the page would be dropped by templ's
// URL sanitiser). The image holds the secret: never cached, and gone once
// two-factor sign-in is on.
func (s *Server) twoFactorQR(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	if a.TwoFactor() {
		s.fail(w, r, apperr.New(apperr.NotFound, "Xác thực hai lớp đã bật; không còn mã QR để thiết lập."))
		return
	}
	key, err := s.enrolmentKey(r, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	img, err := key.Image(200, 200)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "no-store")
	w.Write(buf.Bytes())
}

func (s *Server) twoFactorPage(w http.ResponseWriter, r *http.Request) {
	v, err := s.twoFactorView(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pages.TwoFactor(s.page(r, "Xác thực hai lớp", "account", crumbHome), v))
}

func (s *Server) twoFactorEnable(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	a := currentAccount(r)
	if a.TwoFactor() {
		s.redirect(w, r, "/account/2fa", "")
		return
	}
	key, err := s.enrolmentKey(r, a)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = s.accounts.EnableTOTP(ctx, a, key.Secret(), r.PostFormValue("code"))
	if fields := apperr.FieldErrors(err); fields != nil {
		v, verr := s.twoFactorView(r)
		if verr != nil {
			s.fail(w, r, verr)
			return
		}
		v.Errors = fields
		s.render(w, r, http.StatusUnprocessableEntity, pages.TwoFactor(s.page(r, "Xác thực hai lớp", "account", crumbHome), v))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Remove(ctx, sessTOTPSetup)
	if err := s.renewSession(r, a.ID); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/", "Đã bật xác thực hai lớp. Từ lần đăng nhập sau, bạn cần nhập mã từ ứng dụng xác thực.")
}

func (s *Server) twoFactorDisable(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	err := s.accounts.DisableTOTP(r.Context(), a, r.PostFormValue("password"))
	if fields := apperr.FieldErrors(err); fields != nil {
		v := pages.TwoFactorView{Account: a, Errors: fields}
		s.render(w, r, http.StatusUnprocessableEntity, pages.TwoFactor(s.page(r, "Xác thực hai lớp", "account", crumbHome), v))
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, "/account", "Đã tắt xác thực hai lớp.")
}
