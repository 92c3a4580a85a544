package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/policy"
	"baocao/templates/components"
	"baocao/templates/layouts"
	"baocao/templates/pages"
)

var crumbAccounts = layouts.Crumb{Label: "Tài khoản", Href: "/admin/accounts"}

const accountsPerPage = 50

func (s *Server) accountsPage(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	q := r.URL.Query()
	page, _ := strconv.Atoi(q.Get("page"))
	choices, err := s.adminUnitChoices(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	unitID, pick := pickUnit(q, components.UnitPick{Name: "unit", Label: "Đơn vị", Blank: "Tất cả đơn vị", Search: "/admin/units/search"}, choices)
	f := accounts.Filter{Within: policy.Scope(a), UnitID: unitID, Query: q.Get("q"), Tier: accounts.Tier(q.Get("tier")),
		Status: q.Get("status"), Sort: q.Get("sort"), Page: max(page, 1), PerPage: accountsPerPage}
	list, total, err := s.accounts.Accounts(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	filters := q
	filters.Del("page")
	v := pages.AccountsView{
		Accounts: list, Query: f.Query, Unit: pick, Now: s.now(), CanCreate: true, Sort: f.Sort, Filters: filters,
		Pager: components.Pager{Page: f.Page, PerPage: f.PerPage, Total: total, Path: "/admin/accounts", Query: filters},
		Tiers: options(string(f.Tier), "Tất cả", [][2]string{{string(accounts.User), accounts.User.Name()},
			{string(accounts.UnitAdmin), accounts.UnitAdmin.Name()}, {string(accounts.SystemAdmin), accounts.SystemAdmin.Name()}}),
		Statuses: options(f.Status, "Tất cả", [][2]string{{"active", "Đang hoạt động"}, {"locked", "Bị khóa"}, {"disabled", "Đã vô hiệu hóa"}}),
	}
	s.render(w, r, http.StatusOK, pages.Accounts(s.page(r, "Tài khoản", "accounts", crumbHome), v))
}

func options(selected, blank string, pairs [][2]string) []components.Option {
	var opts []components.Option
	if blank != "" {
		opts = append(opts, components.Option{Value: "", Label: blank})
	}
	for _, p := range pairs {
		opts = append(opts, components.Option{Value: p[0], Label: p[1], Selected: p[0] == selected})
	}
	return opts
}

func accountInput(r *http.Request) accounts.Input {
	unitID, _ := strconv.ParseInt(r.PostFormValue("unit_id"), 10, 64)
	in := accounts.Input{Username: r.PostFormValue("username"), FullName: r.PostFormValue("full_name"),
		Position: r.PostFormValue("position"), Email: r.PostFormValue("email"), Phone: r.PostFormValue("phone"),
		UnitID: unitID, Tier: accounts.Tier(r.PostFormValue("tier"))}
	for _, right := range r.PostForm["rights"] {
		in.Rights = append(in.Rights, accounts.Right(right))
	}
	return in
}

func (s *Server) accountFormView(r *http.Request, target *accounts.Account, in accounts.Input, errs map[string]string) (pages.AccountFormView, error) {
	a := currentAccount(r)
	v := pages.AccountFormView{Account: target, Username: in.Username, FullName: in.FullName, Position: in.Position,
		Email: in.Email, Phone: in.Phone, Errors: errs}
	var err error
	if v.Units, err = s.unitOptions(r, policy.Scope(a), in.UnitID, "Chọn cơ quan, đơn vị"); err != nil {
		return v, err
	}
	if target == nil && a.Tier == accounts.SystemAdmin {
		v.Tiers = options(string(in.Tier), "", [][2]string{{string(accounts.User), accounts.User.Name()},
			{string(accounts.UnitAdmin), accounts.UnitAdmin.Name()}, {string(accounts.SystemAdmin), accounts.SystemAdmin.Name()}})
	}
	for _, right := range accounts.Rights {
		checked := false
		for _, have := range in.Rights {
			checked = checked || have == right
		}
		v.Rights = append(v.Rights, components.Option{Value: string(right), Label: right.Name(), Selected: checked})
	}
	return v, nil
}

func (s *Server) renderAccountForm(w http.ResponseWriter, r *http.Request, status int, target *accounts.Account, in accounts.Input, errs map[string]string) {
	v, err := s.accountFormView(r, target, in, errs)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	title := "Tạo tài khoản"
	if target != nil {
		title = "Sửa tài khoản " + target.Username
	}
	s.render(w, r, status, pages.AccountForm(s.page(r, title, "accounts", crumbHome, crumbAccounts), v))
}

func (s *Server) accountNewPage(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	in := accounts.Input{Tier: accounts.User, UnitID: a.UnitID}
	if a.Tier == accounts.SystemAdmin {
		// Links from a unit's page preselect the unit and the tier.
		in.UnitID, _ = strconv.ParseInt(r.URL.Query().Get("unit"), 10, 64)
		if tier := accounts.Tier(r.URL.Query().Get("tier")); tier == accounts.UnitAdmin {
			in.Tier = tier
		}
	}
	s.renderAccountForm(w, r, http.StatusOK, nil, in, nil)
}

func (s *Server) accountCreate(w http.ResponseWriter, r *http.Request) {
	a := currentAccount(r)
	in := accountInput(r)
	if a.Tier != accounts.SystemAdmin {
		in.Tier = accounts.User
	}
	if in.UnitID != 0 {
		if err := s.policy.Authorize(r.Context(), a, policy.CreateAccount, &policy.Object{UnitID: in.UnitID, Tier: in.Tier}); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	created, password, err := s.accounts.CreateAccount(r.Context(), in)
	if fields := apperr.FieldErrors(err); fields != nil {
		s.renderAccountForm(w, r, http.StatusUnprocessableEntity, nil, in, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.showOnce(r, created.ID, password)
	s.redirect(w, r, accountPath(created.ID), "Đã tạo tài khoản "+created.Username+".")
}

// showOnce keeps a temporary password for the next view of its account
// page only.
func (s *Server) showOnce(r *http.Request, accountID int64, password string) {
	s.sessions.Put(r.Context(), sessOnce, fmt.Sprintf("%d:%s", accountID, password))
}

func accountPath(id int64) string { return "/admin/accounts/" + strconv.FormatInt(id, 10) }

func (s *Server) accountPage(w http.ResponseWriter, r *http.Request) {
	target := targetAccount(r)
	v := pages.AccountView{Account: target, Now: s.now()}
	if once := s.sessions.PopString(r.Context(), sessOnce); once != "" {
		if id, password, ok := strings.Cut(once, ":"); ok && id == strconv.FormatInt(target.ID, 10) {
			v.Password = password
		}
	}
	s.render(w, r, http.StatusOK, pages.Account(s.page(r, target.FullName, "accounts", crumbHome, crumbAccounts), v))
}

func (s *Server) accountEditPage(w http.ResponseWriter, r *http.Request) {
	t := targetAccount(r)
	s.renderAccountForm(w, r, http.StatusOK, t, accounts.Input{FullName: t.FullName, Position: t.Position, Email: t.Email,
		Phone: t.Phone, UnitID: t.UnitID, Rights: t.Rights}, nil)
}

func (s *Server) accountUpdate(w http.ResponseWriter, r *http.Request) {
	target := targetAccount(r)
	in := accountInput(r)
	if in.UnitID != 0 && in.UnitID != target.UnitID {
		// Moving an account is managing it in its new unit too.
		obj := &policy.Object{UnitID: in.UnitID, Tier: target.Tier, AccountID: target.ID}
		if err := s.policy.Authorize(r.Context(), currentAccount(r), policy.ManageAccount, obj); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	err := s.accounts.UpdateAccount(r.Context(), target.ID, in)
	if fields := apperr.FieldErrors(err); fields != nil {
		s.renderAccountForm(w, r, http.StatusUnprocessableEntity, target, in, fields)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, accountPath(target.ID), "Đã lưu tài khoản "+target.Username+".")
}

// accountChange answers one of the action buttons of the account page.
func (s *Server) accountChange(w http.ResponseWriter, r *http.Request, done string, change func(*accounts.Account) error) {
	target := targetAccount(r)
	if err := change(target); err != nil {
		s.fail(w, r, err)
		return
	}
	s.redirect(w, r, accountPath(target.ID), done)
}

func (s *Server) accountLock(w http.ResponseWriter, r *http.Request) {
	s.accountChange(w, r, "Đã khóa tài khoản.", func(t *accounts.Account) error { return s.accounts.Lock(r.Context(), t) })
}

func (s *Server) accountUnlock(w http.ResponseWriter, r *http.Request) {
	s.accountChange(w, r, "Đã mở khóa tài khoản.", func(t *accounts.Account) error { return s.accounts.Unlock(r.Context(), t) })
}

func (s *Server) accountDisable(w http.ResponseWriter, r *http.Request) {
	s.accountChange(w, r, "Đã vô hiệu hóa tài khoản.", func(t *accounts.Account) error {
		return s.accounts.Disable(r.Context(), t, "Vô hiệu hóa bởi "+currentAccount(r).Username)
	})
}

func (s *Server) accountEnable(w http.ResponseWriter, r *http.Request) {
	s.accountChange(w, r, "Đã kích hoạt lại tài khoản.", func(t *accounts.Account) error { return s.accounts.Enable(r.Context(), t) })
}

func (s *Server) accountResetTwoFactor(w http.ResponseWriter, r *http.Request) {
	s.accountChange(w, r, "Đã đặt lại xác thực hai lớp.", func(t *accounts.Account) error { return s.accounts.ResetTwoFactor(r.Context(), t) })
}

func (s *Server) accountResetPassword(w http.ResponseWriter, r *http.Request) {
	s.accountChange(w, r, "Đã cấp mật khẩu tạm thời mới.", func(t *accounts.Account) error {
		password, err := s.accounts.ResetPassword(r.Context(), t)
		if err == nil {
			s.showOnce(r, t.ID, password)
		}
		return err
	})
}
