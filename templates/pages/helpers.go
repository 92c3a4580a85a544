// Package pages holds one templ page per screen, each with its typed view
// model. Vietnamese text lives here.
package pages

import (
	"encoding/json"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"baocao/internal/accounts"
	"baocao/internal/assignments"
	"baocao/internal/audit"
	"baocao/internal/regimes"
	"baocao/internal/units"
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

// decimal writes x with one decimal the Vietnamese way: 12,5.
func oneDecimal(x float64) string { return vn.Decimal(x, 1) }

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
	"indicator.create":         "Thêm chỉ tiêu",
	"indicator.update":         "Sửa chỉ tiêu",
	"indicator.retire":         "Ngừng sử dụng chỉ tiêu",
	"indicator.restore":        "Dùng lại chỉ tiêu",
	"holiday.set":              "Thêm, sửa ngày nghỉ lễ",
	"holiday.delete":           "Xóa ngày nghỉ lễ",
	"regime.create":            "Thêm chế độ báo cáo",
	"regime.update":            "Sửa chế độ báo cáo",
	"regime.retire":            "Dừng áp dụng chế độ báo cáo",
	"template.new_draft":       "Tạo bản nháp mẫu báo cáo",
	"template.save":            "Lưu bản nháp mẫu báo cáo",
	"template.publish":         "Ban hành mẫu báo cáo",
	"assignment.create":        "Giao báo cáo",
	"assignment.end":           "Kết thúc giao báo cáo",
	"assignment.confirm":       "Xác nhận giao báo cáo",
	"assignment.reject":        "Từ chối giao báo cáo",
	"period.open_adhoc":        "Mở kỳ báo cáo đột xuất",
	"outage.create":            "Ghi nhận sự cố hệ thống",
	"report.submit":            "Trình duyệt báo cáo",
	"report.approve":           "Duyệt báo cáo",
	"report.return_internal":   "Trả lại báo cáo trong đơn vị",
	"report.sign":              "Ký số báo cáo",
	"report.send":              "Gửi báo cáo",
	"report.accept":            "Tiếp nhận báo cáo",
	"report.return":            "Trả lại báo cáo cho đơn vị",
	"report.supplement":        "Gửi bổ sung báo cáo",
	"report.read":              "Xem báo cáo của đơn vị",
	"report.attach":            "Đính kèm tệp vào báo cáo",
	"report.detach":            "Xóa tệp đính kèm",
	"report.document_issued":   "Cấp số, tạo văn bản để ký",
	"report.signature_added":   "Thêm chữ ký số vào văn bản",
	"report.gov_delivered":     "Gửi lên Hệ thống báo cáo Chính phủ",
	"report.gov_failed":        "Gửi lên Hệ thống báo cáo Chính phủ thất bại",
	"audit.export":             "Tải nhật ký hệ thống",
	"certificate.registered":   "Đăng ký chứng thư số",
	"certificate.removed":      "Gỡ chứng thư số",
	"trust_anchor.added":       "Thêm tổ chức chứng thực tin cậy",
	"trust_anchor.removed":     "Thôi tin cậy tổ chức chứng thực",
	"api_client.create":        "Cấp mã truy cập API",
	"api_client.revoke":        "Thu hồi mã truy cập API",
	"api.get":                  "Phần mềm đọc qua API",
	"api.put":                  "Phần mềm ghi qua API",
	"audit.purge":              "Xóa nhật ký quá thời hạn lưu",
	// Figures a receiver can trust (issue 18).
	"report.cells":    "Sửa số liệu báo cáo",
	"report.note":     "Giải trình số liệu",
	"report.question": "Đề nghị giải trình số liệu",
	"report.answer":   "Trả lời đề nghị giải trình",
}

// AuditRow is an entry as the export writes it, in the words of the page.
func AuditRow(e audit.Entry) []string {
	return []string{vn.DateTime(e.At), e.ActorName, e.ActorUnit, actionName(e.Action), objectLabel(e), e.IP, detailText(e.Detail)}
}

// AuditHeader is the export's header row.
var AuditHeader = []string{"Thời gian", "Người thực hiện", "Đơn vị người thực hiện", "Hoạt động", "Đối tượng", "Địa chỉ IP", "Chi tiết"}

func actionName(action string) string {
	if n, ok := ActionNames[action]; ok {
		return n
	}
	return action
}

func objectLabel(e audit.Entry) string {
	if e.ObjectType == "account" && e.ObjectName != "" {
		return "Tài khoản " + e.ObjectName + " · " + e.Unit
	}
	return e.Unit
}

var detailLabels = map[string]string{
	"name": "Tên", "kind": "Loại", "agency_code": "Mã định danh", "territory_code": "Mã đơn vị hành chính",
	"parent_id": "Đơn vị cấp trên", "unit_id": "Đơn vị", "full_name": "Họ và tên", "position": "Chức vụ",
	"email": "Thư điện tử", "phone": "Điện thoại", "rights": "Quyền", "tier": "Loại tài khoản",
	"username": "Tên đăng nhập", "reason": "Lý do", "valid_to": "Ngày kết thúc", "successors": "Đơn vị kế thừa",
	"failures": "Số lần sai liên tiếp", "code": "Mã số", "source": "Nguồn", "unit_of_measure": "Đơn vị tính",
	"value_type": "Kiểu giá trị", "aggregation": "Cách tổng hợp", "group": "Nhóm", "period_note": "Kỳ báo cáo",
	"description": "Mô tả", "responsible_unit_id": "Đơn vị chịu trách nhiệm", "date": "Ngày", "working": "Làm bù",
	"status": "Trạng thái", "frequency": "Tần suất", "regime_id": "Chế độ báo cáo", "receiver_unit_id": "Cơ quan nhận",
	"pending": "Chờ xác nhận", "version": "Phiên bản", "label": "Tên kỳ", "window": "Thời gian",
	// Figures a receiver can trust (issue 18).
	"cells": "Các ô", "count": "Số ô", "cell": "Ô", "note": "Giải trình", "question": "Câu hỏi", "answer": "Trả lời",
}

var detailValues = map[string]string{
	"unknown_username": "tên đăng nhập không tồn tại", "wrong_password": "sai mật khẩu", "wrong_code": "sai mã xác thực",
	"locked": "tài khoản đang bị khóa", "disabled": "tài khoản đã bị vô hiệu hóa",
	"system_admin": "quản trị hệ thống", "unit_admin": "quản trị đơn vị", "user": "người dùng",
	"enter": "nhập liệu", "consolidate": "tổng hợp", "approve": "duyệt", "send": "gửi",
	// How a report's cells were saved (reports.Source).
	"autosave": "tự động lưu", "save": "bấm Lưu", "import": "nhập từ Excel", "api": "phần mềm kết nối (API)", "prefill": "điền từ số liệu tổng hợp",
}

// detailText writes an audit event's detail for a person: "Họ và tên: A → B; Quyền: nhập liệu".
func detailText(d map[string]any) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(d)) {
		label := detailLabels[k]
		if label == "" {
			label = k
		}
		parts = append(parts, label+": "+detailValue(d[k]))
	}
	return strings.Join(parts, "; ")
}

func detailValue(v any) string {
	switch v := v.(type) {
	case nil:
		return "—"
	case string:
		if t, ok := detailValues[v]; ok {
			return t
		}
		if v == "" {
			return "—"
		}
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case []any:
		var items []string
		for _, item := range v {
			items = append(items, detailValue(item))
		}
		if len(items) == 0 {
			return "—"
		}
		return strings.Join(items, ", ")
	case map[string]any:
		if from, ok := v["from"]; ok {
			return detailValue(from) + " → " + detailValue(v["to"])
		}
	}
	b, _ := json.Marshal(v)
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

func legalBasis(r regimes.Regime) string {
	switch {
	case r.LegalNumber == "":
		return "—"
	case r.LegalDate.IsZero():
		return r.LegalNumber
	}
	return r.LegalNumber + " ngày " + vn.Date(r.LegalDate)
}

func cutoffText(r *regimes.Regime) string {
	if r.CalendarPeriods {
		return "Theo tháng dương lịch"
	}
	return "Từ ngày 15 tháng trước đến ngày 14 tháng cuối kỳ (Điều 12 Nghị định 09/2019/NĐ-CP)"
}

func regimeFormAction(r *regimes.Regime) string {
	if r == nil {
		return "/regimes"
	}
	return "/regimes/" + itoa(r.ID)
}

func outlineClass(child bool) string {
	if child {
		return "outline-list__child"
	}
	return ""
}

func selectedOpt(opts []components.Option, value string) []components.Option {
	out := make([]components.Option, len(opts))
	for i, o := range opts {
		o.Selected = o.Value == value
		out[i] = o
	}
	return out
}

func levelOpts(selected string) []components.Option {
	return optionList(selected, [][2]string{{"1", "Cấp 1"}, {"2", "Cấp 2"}, {"3", "Cấp 3"}})
}

func endText(a assignments.Assignment) string {
	if a.ValidTo.IsZero() {
		return ""
	}
	return " – " + vn.Date(a.ValidTo)
}

func todayText() string { return vn.Date(time.Now()) }
