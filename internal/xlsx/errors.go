package xlsx

import (
	"errors"
	"fmt"

	"baocao/internal/apperr"
)

// Sentinels of the refusals of ImportForm. The error returned is an
// *apperr.Error with Code apperr.Invalid (the web layer answers 422) and a
// Vietnamese message naming the problem; it wraps one of these, so that
// callers and tests can tell the cases apart with errors.Is.
var (
	ErrTooLarge       = errors.New("xlsx: file too large")
	ErrNotXLSX        = errors.New("xlsx: not an xlsx workbook")
	ErrZipBomb        = errors.New("xlsx: suspicious compression")
	ErrMacro          = errors.New("xlsx: macro-enabled workbook")
	ErrEncrypted      = errors.New("xlsx: encrypted workbook")
	ErrCorrupt        = errors.New("xlsx: damaged workbook")
	ErrTooManyRows    = errors.New("xlsx: too many rows")
	ErrTooManyColumns = errors.New("xlsx: too many columns")
	ErrFormula        = errors.New("xlsx: cell with a formula")
	ErrEmpty          = errors.New("xlsx: empty sheet")
	ErrNoHeader       = errors.New("xlsx: no recognisable header")
	ErrNoRows         = errors.New("xlsx: no rows")
	ErrOutlier        = errors.New("xlsx: unknown outlier check")
)

// refuse returns the error shown to the official.
func refuse(sentinel error, format string, args ...any) error {
	return apperr.Wrap(apperr.Invalid, fmt.Sprintf(format, args...), sentinel)
}

var (
	msgNotXLSX   = "Tệp không phải bảng tính Excel (.xlsx)."
	msgOldXLS    = "Tệp không phải bảng tính Excel (.xlsx): đây có vẻ là định dạng Excel 97-2003 (.xls). Hãy mở tệp bằng Excel, chọn Lưu thành (Save As) → Sổ làm việc Excel (.xlsx) rồi tải lên lại."
	msgODS       = "Tệp là bảng tính OpenDocument (.ods) của LibreOffice hoặc WPS. Hãy mở tệp, chọn Tệp → Lưu thành (Save As), chọn kiểu \"Excel 2007-365 (.xlsx)\" (WPS: \"Sổ làm việc Excel (*.xlsx)\") rồi tải tệp .xlsx lên."
	msgCorrupt   = "Tệp bảng tính bị hỏng, hệ thống không đọc được. Hãy mở và lưu lại tệp bằng Excel rồi tải lên lại."
	msgZipBomb   = "Tệp bảng tính có cấu trúc nén bất thường (dung lượng giải nén vượt %d MB hoặc tỷ lệ nén bất thường), hệ thống không mở tệp này."
	msgMacro     = "Tệp có chứa macro (VBA) nên không được nhận. Hãy lưu lại thành Sổ làm việc Excel (.xlsx) không có macro rồi tải lên."
	msgEncrypted = "Tệp đã được đặt mật khẩu mở tệp. Hãy gỡ mật khẩu (Tệp → Thông tin → Bảo vệ sổ làm việc → Mã hóa bằng mật khẩu) rồi tải lên lại."
)
