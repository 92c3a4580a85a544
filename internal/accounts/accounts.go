// Package accounts holds the officials' accounts of the three tiers of
// QĐ 2838 Điều 6, their rights, passwords, two-factor keys and sign-in
// rules (SPEC §2, §7).
package accounts

import (
	"net/mail"
	"regexp"
	"slices"
	"strings"
	"time"

	"baocao/internal/apperr"
	"baocao/internal/vn"
)

// Tier is the kind of account.
type Tier string

const (
	SystemAdmin Tier = "system_admin" // quản trị hệ thống
	UnitAdmin   Tier = "unit_admin"   // quản trị đơn vị
	User        Tier = "user"         // người dùng
)

// Name is the tier in Vietnamese.
func (t Tier) Name() string {
	switch t {
	case SystemAdmin:
		return "Quản trị hệ thống"
	case UnitAdmin:
		return "Quản trị đơn vị"
	case User:
		return "Người dùng"
	}
	return string(t)
}

// Right is what a user may do with the unit's reports.
type Right string

const (
	Enter       Right = "enter"       // nhập liệu
	Consolidate Right = "consolidate" // tổng hợp
	Approve     Right = "approve"     // duyệt
	Send        Right = "send"        // gửi
)

// Rights lists every right in display order.
var Rights = []Right{Enter, Consolidate, Approve, Send}

// Name is the right in Vietnamese.
func (r Right) Name() string {
	switch r {
	case Enter:
		return "Nhập liệu"
	case Consolidate:
		return "Tổng hợp"
	case Approve:
		return "Duyệt, ký số (lãnh đạo)"
	case Send:
		return "Gửi báo cáo"
	}
	return string(r)
}

// Account is an official's account.
type Account struct {
	ID                 int64
	Username           string
	FullName           string
	Position           string // chức vụ, printed in the signature block
	Email              string
	Phone              string
	UnitID             int64
	UnitName           string
	Tier               Tier
	Rights             []Right
	PasswordHash       string
	PasswordChangedAt  time.Time
	MustChangePassword bool
	TOTPSecret         []byte // sealed
	TOTPEnabledAt      time.Time
	TOTPLastStep       int64
	FailedSignIns      int
	LockedUntil        time.Time
	DisabledAt         time.Time
	DisabledReason     string
	LastSignInAt       time.Time
	LastActiveAt       time.Time
	SessionEpoch       int
	CreatedAt          time.Time
}

// Has reports whether the account holds right r.
func (a *Account) Has(r Right) bool { return slices.Contains(a.Rights, r) }

// IsAdmin reports whether the account is a system or unit admin.
func (a *Account) IsAdmin() bool { return a.Tier == SystemAdmin || a.Tier == UnitAdmin }

// TwoFactor reports whether TOTP sign-in is enabled.
func (a *Account) TwoFactor() bool { return !a.TOTPEnabledAt.IsZero() }

// Locked reports whether the account is locked at now.
func (a *Account) Locked(now time.Time) bool {
	return !a.LockedUntil.IsZero() && a.LockedUntil.After(now)
}

// Disabled reports whether the account is disabled.
func (a *Account) Disabled() bool { return !a.DisabledAt.IsZero() }

// AdminPasswordLifetime is how long an admin's password lasts (SPEC §7).
const AdminPasswordLifetime = 60 * 24 * time.Hour

// PasswordExpired reports whether an admin must change the password.
func (a *Account) PasswordExpired(now time.Time) bool {
	return a.IsAdmin() && now.Sub(a.PasswordChangedAt) > AdminPasswordLifetime
}

// Status is the account's state in Vietnamese with a colour for its tag.
func (a *Account) Status(now time.Time) (label, colour string) {
	switch {
	case a.Disabled():
		return "Đã vô hiệu hóa", "grey"
	case a.Locked(now):
		return "Bị khóa", "red"
	case a.LastSignInAt.IsZero():
		return "Chưa đăng nhập", "yellow"
	}
	return "Đang hoạt động", "green"
}

// Input is what an admin types to create or edit an account.
type Input struct {
	Username string // only at creation
	FullName string
	Position string
	Email    string
	Phone    string
	UnitID   int64
	Tier     Tier // only at creation
	Rights   []Right
}

var usernamePattern = regexp.MustCompile(`^[a-z0-9._-]{3,64}$`)

// Validate normalises the input and checks it; creating tells whether the
// username and tier are being set.
func (in *Input) Validate(creating bool) error {
	in.Username = strings.ToLower(strings.TrimSpace(in.Username))
	in.FullName = vn.Clean(in.FullName)
	in.Position = vn.Clean(in.Position)
	in.Email = strings.TrimSpace(in.Email)
	in.Phone = strings.TrimSpace(in.Phone)
	fields := map[string]string{}
	if creating && !usernamePattern.MatchString(in.Username) {
		fields["username"] = "Tên đăng nhập gồm 3–64 ký tự: chữ thường không dấu, chữ số, dấu chấm, gạch dưới hoặc gạch ngang."
	}
	if in.FullName == "" {
		fields["full_name"] = "Nhập họ và tên."
	} else if len([]rune(in.FullName)) > 200 {
		fields["full_name"] = "Họ và tên không được dài quá 200 ký tự."
	}
	if len([]rune(in.Position)) > 200 {
		fields["position"] = "Chức vụ không được dài quá 200 ký tự."
	}
	if in.Email != "" {
		if addr, err := mail.ParseAddress(in.Email); err != nil || addr.Address != in.Email {
			fields["email"] = "Địa chỉ thư điện tử chưa đúng, ví dụ: nguyenvana@khanhhoa.gov.vn."
		}
	}
	if len(in.Phone) > 30 {
		fields["phone"] = "Số điện thoại không được dài quá 30 ký tự."
	}
	if in.UnitID == 0 {
		fields["unit_id"] = "Chọn cơ quan, đơn vị."
	}
	if creating && in.Tier != SystemAdmin && in.Tier != UnitAdmin && in.Tier != User {
		fields["tier"] = "Chọn loại tài khoản."
	}
	for _, r := range in.Rights {
		if !slices.Contains(Rights, r) {
			fields["rights"] = "Quyền không hợp lệ."
		}
	}
	slices.Sort(in.Rights)
	in.Rights = slices.Compact(in.Rights)
	if len(fields) > 0 {
		return apperr.InvalidFields(fields)
	}
	return nil
}
