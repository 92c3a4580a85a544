package web

import (
	"net/http"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/templates/pages"
	"baocao/web/response"
)

// pendingFor is how long a password check waits for its TOTP code.
const pendingFor = 5 * time.Minute

func (s *Server) signInPage(w http.ResponseWriter, r *http.Request) {
	if currentAccount(r) != nil {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, pages.SignIn(s.page(r, "Đăng nhập", ""), pages.SignInView{}))
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	username, password := r.PostFormValue("username"), r.PostFormValue("password")
	// The password is checked in the background (web/signin_queue.go).
	// With a hasher free, the answer comes within a few hashes: the post
	// waits for it, outside admission, and signs in. In a storm it goes
	// to the waiting page at once.
	id, t := s.queueSignIn(r, username, password)
	if s.hasherFree() && waitOutside(r.Context(), t.done, signInPromptly) {
		if t, finished := s.signIns.take(id); finished {
			s.signedInAs(w, r, username, t.account, t.err)
			return
		}
	}
	if r.Context().Err() != nil {
		return // the browser left; the ticket is forgotten unasked
	}
	s.waitForSignIn(w, r, id)
}

// signedInAs continues a sign-in whose password check gave a (or err):
// the two-factor step, or the session.
func (s *Server) signedInAs(w http.ResponseWriter, r *http.Request, username string, a *accounts.Account, err error) {
	if err != nil {
		s.signInFailed(w, r, username, err)
		return
	}
	if a.TwoFactor() {
		if err := s.sessions.RenewToken(r.Context()); err != nil {
			s.fail(w, r, err)
			return
		}
		s.sessions.Put(r.Context(), sessPending, a.ID)
		s.sessions.Put(r.Context(), sessPending+"_at", s.now().Unix())
		http.Redirect(w, r, "/signin/otp", http.StatusSeeOther)
		return
	}
	s.completeSignIn(w, r, a)
}

func (s *Server) signInFailed(w http.ResponseWriter, r *http.Request, username string, err error) {
	switch apperr.Code(err) {
	case apperr.Unauthorized, apperr.Forbidden:
		s.render(w, r, response.Status(err), pages.SignIn(s.page(r, "Đăng nhập", ""),
			pages.SignInView{Username: username, Error: apperr.Message(err)}))
	default:
		s.fail(w, r, err)
	}
}

// completeSignIn starts the account's session under a new token.
func (s *Server) completeSignIn(w http.ResponseWriter, r *http.Request, a *accounts.Account) {
	ctx := r.Context()
	if err := s.accounts.SignedIn(ctx, a); err != nil {
		s.fail(w, r, err)
		return
	}
	returnTo := s.sessions.PopString(ctx, sessReturnTo)
	if err := s.sessions.RenewToken(ctx); err != nil {
		s.fail(w, r, err)
		return
	}
	s.sessions.Remove(ctx, sessPending)
	s.sessions.Remove(ctx, sessPending+"_at")
	s.sessions.Put(ctx, sessAccountID, a.ID)
	s.sessions.Put(ctx, sessEpoch, a.SessionEpoch)
	http.Redirect(w, r, localPath(or(returnTo, "/")), http.StatusSeeOther)
}

// pendingAccount is the account whose password was checked and whose TOTP
// code is awaited, if that was recent.
func (s *Server) pendingAccount(r *http.Request) *accounts.Account {
	ctx := r.Context()
	id := s.sessions.GetInt64(ctx, sessPending)
	at := time.Unix(s.sessions.GetInt64(ctx, sessPending+"_at"), 0)
	if id == 0 || s.now().Sub(at) > pendingFor {
		return nil
	}
	a, err := s.accounts.Account(ctx, id)
	if err != nil {
		return nil
	}
	return a
}

func (s *Server) otpPage(w http.ResponseWriter, r *http.Request) {
	if s.pendingAccount(r) == nil {
		http.Redirect(w, r, "/signin", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, pages.OTP(s.page(r, "Xác thực hai lớp", ""), pages.OTPView{}))
}

func (s *Server) otp(w http.ResponseWriter, r *http.Request) {
	a := s.pendingAccount(r)
	if a == nil {
		s.render(w, r, http.StatusUnauthorized, pages.SignIn(s.page(r, "Đăng nhập", ""),
			pages.SignInView{Error: "Đã quá thời gian nhập mã xác thực. Vui lòng đăng nhập lại."}))
		return
	}
	err := s.accounts.CheckTOTP(r.Context(), a, r.PostFormValue("code"))
	switch {
	case err == nil:
		s.completeSignIn(w, r, a)
	case apperr.Code(err) == apperr.Forbidden: // locked now
		s.sessions.Remove(r.Context(), sessPending)
		s.signInFailed(w, r, a.Username, err)
	case apperr.Code(err) == apperr.Unauthorized:
		s.render(w, r, http.StatusUnauthorized, pages.OTP(s.page(r, "Xác thực hai lớp", ""), pages.OTPView{Error: apperr.Message(err)}))
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	if err := audit.Record(r.Context(), s.db, audit.Event{Action: "signout", ObjectType: "account", ObjectID: a.ID, UnitID: a.UnitID}); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.sessions.Destroy(r.Context()); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, pages.SignIn(s.page(r, "Đăng nhập", ""), pages.SignInView{Notice: "Bạn đã đăng xuất."}))
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}
