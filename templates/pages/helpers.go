// Package pages holds one templ page per screen, each with its typed view
// model. Vietnamese text lives here.
package pages

import (
	"baocao/internal/accounts"
	"baocao/internal/audit"
	"baocao/internal/units"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"baocao/internal/vn"
	"baocao/templates/components"
)

func errorsFor(msg, field string) []components.FieldError {
	if msg == "" {
		return nil
	}
	return []components.FieldError{{Field: field, Message: msg}}
}

func date(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return vn.Date(t)
}

func dateTime(t time.Time) string {
	if t.IsZero() {
		return "—"
	}
	return vn.DateTime(t)
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func count(n int) string { return vn.Int(int64(n)) }

func rightNames(rights []accounts.Right) string {
	var names []string
	for _, r := range accounts.Rights {
		if slices.Contains(rights, r) {
			names = append(names, r.Name())
		}
	}
	if len(names) == 0 {
		return "Chưa có quyền"
	}
	return strings.Join(names, ", ")
}

func passwordHint(a *accounts.Account) string {
	if a.TwoFactor() {
		return "Ít nhất 8 ký tự, không chứa tên đăng nhập, khác 10 mật khẩu gần nhất."
	}
	return "Ít nhất 14 ký tự gồm chữ hoa, chữ thường, chữ số và ký tự đặc biệt (hoặc ít nhất 8 ký tự nếu bạn bật xác thực hai lớp trước), khác 10 mật khẩu gần nhất."
}

func depthClass(d int) string { return strconv.Itoa(min(d, 6)) }

func validTo(u units.Unit) string {
	if u.ValidTo.IsZero() {
		return ""
	}
	return " – " + vn.Date(u.ValidTo)
}

func or(s, fallback string) string {
	if s == "" {
		return fallback
	}
	return s
}

func unitFormAction(u *units.Unit) string {
	if u == nil {
		return "/admin/units"
	}
	return "/admin/units/" + itoa(u.ID)
}

func accountFormAction(a *accounts.Account) string {
	if a == nil {
		return "/admin/accounts"
	}
	return "/admin/accounts/" + itoa(a.ID)
}

func yesNo(b bool, yes, no string) string {
	if b {
		return yes
	}
	return no
}

// ActionNames names the audited actions in Vietnamese.
var ActionNames = map[string]string{
	"signin.success":           "Đăng nhập",
	"signin.failure":           "Đăng nhập không thành công",
	"signout":                  "Đăng xuất",
	"account.lockout":          "Khóa tự động do nhập sai",
	"account.create":           "Tạo tài khoản",
	"account.update":           "Sửa tài khoản, quyền",
	"account.lock":             "Khóa tài khoản",
	"account.unlock":           "Mở khóa tài khoản",
	"account.disable":          "Vô hiệu hóa tài khoản",
	"account.disable_inactive": "Vô hiệu hóa do không sử dụng",
	"account.enable":           "Kích hoạt lại tài khoản",
	"account.reset_password":   "Cấp lại mật khẩu",
	"account.change_password":  "Đổi mật khẩu",
	"account.enable_2fa":       "Bật xác thực hai lớp",
	"account.disable_2fa":      "Tắt xác thực hai lớp",
	"account.reset_2fa":        "Đặt lại xác thực hai lớp",
	"unit.create":              "Thêm đơn vị",
	"unit.update":              "Sửa, chuyển đơn vị",
	"unit.close":               "Đóng đơn vị",
	"unit.reopen":              "Mở lại đơn vị",
}

func actionName(action string) string {
	if n, ok := ActionNames[action]; ok {
		return n
	}
	return action
}

func objectLabel(e audit.Entry) string {
	switch {
	case e.ObjectType == "account" && e.Unit != "":
		return "Tài khoản #" + itoa(e.ObjectID) + " · " + e.Unit
	case e.ObjectType == "unit":
		return e.Unit
	}
	return e.Unit
}

func detailText(d map[string]any) string {
	if len(d) == 0 {
		return ""
	}
	b, _ := json.Marshal(d)
	return string(b)
}

func sortURL(filters url.Values, key string) string {
	q := url.Values{}
	for k, v := range filters {
		q[k] = v
	}
	q.Del("sort")
	if key != "" {
		q.Set("sort", key)
	}
	return "?" + q.Encode()
}

func sortDirection(key string) string {
	if key == "signin" {
		return "descending"
	}
	return "ascending"
}
