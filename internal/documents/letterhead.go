package documents

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"unicode"

	"github.com/jackc/pgx/v5"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/signing"
	"baocao/internal/units"
	"baocao/internal/vn"
)

// Capacity is how a leader signs (ND 30/2020/NĐ-CP Điều 13 and Phụ lục I).
type Capacity string

const (
	CapacityFromPosition Capacity = ""     // read from the position ("Phó Giám đốc" → KT.)
	CapacityHead         Capacity = "head" // the head signs: CHỦ TỊCH, GIÁM ĐỐC
	CapacityDeputy       Capacity = "kt"   // ký thay: KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC
	CapacityActing       Capacity = "q"    // quyền: Q. GIÁM ĐỐC
	CapacityByOrder      Capacity = "tl"   // thừa lệnh: TL. GIÁM ĐỐC / CHÁNH VĂN PHÒNG
	CapacityByAuthority  Capacity = "tuq"  // thừa ủy quyền: TUQ. CHỦ TỊCH / GIÁM ĐỐC SỞ NỘI VỤ
)

// Capacities lists the capacities in the order the unit admin chooses from.
var Capacities = []Capacity{CapacityFromPosition, CapacityHead, CapacityDeputy, CapacityActing, CapacityByOrder, CapacityByAuthority}

// Label is the capacity's name on the page.
func (c Capacity) Label() string {
	switch c {
	case CapacityHead:
		return "Cấp trưởng ký trực tiếp"
	case CapacityDeputy:
		return "KT. – cấp phó ký thay cấp trưởng"
	case CapacityActing:
		return "Q. – quyền cấp trưởng"
	case CapacityByOrder:
		return "TL. – ký thừa lệnh người đứng đầu"
	case CapacityByAuthority:
		return "TUQ. – ký thừa ủy quyền người đứng đầu"
	}
	return "Theo chức vụ của tài khoản"
}

func validCapacity(c Capacity) bool {
	for _, k := range Capacities {
		if k == c {
			return true
		}
	}
	return false
}

// SignerProfile is how one leader signs.
type SignerProfile struct {
	AccountID    int64
	Capacity     Capacity
	SignaturePNG []byte // the handwritten signature; nil: none uploaded
}

// SignerProfile returns a's profile (an empty one when nothing was set).
func (s *Store) SignerProfile(ctx context.Context, accountID int64) (*SignerProfile, error) {
	p := SignerProfile{AccountID: accountID}
	var capacity string
	err := s.db.QueryRow(ctx, `SELECT capacity, signature_png FROM signer_profiles WHERE account_id = $1`, accountID).
		Scan(&capacity, &p.SignaturePNG)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	p.Capacity = Capacity(capacity)
	return &p, nil
}

// SetCapacity records how leader signs, as the unit admin set it. Signing
// by order or by authority prints the signer's own position under the
// head's, so it needs one.
func (s *Store) SetCapacity(ctx context.Context, leader *accounts.Account, c Capacity) error {
	if !validCapacity(c) {
		return apperr.InvalidFields(map[string]string{"capacity": "Chọn một hình thức ký trong danh sách."})
	}
	if !leader.Has(accounts.Approve) {
		return apperr.InvalidFields(map[string]string{"capacity": "Chỉ tài khoản lãnh đạo (có quyền duyệt) mới ký văn bản."})
	}
	if (c == CapacityByOrder || c == CapacityByAuthority) && vn.Clean(leader.Position) == "" {
		return apperr.InvalidFields(map[string]string{"capacity": "Ký thừa lệnh hoặc thừa ủy quyền cần chức vụ của người ký (ví dụ: Chánh Văn phòng). Hãy ghi chức vụ cho tài khoản trước."})
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO signer_profiles (account_id, capacity) VALUES ($1, $2)
			ON CONFLICT (account_id) DO UPDATE SET capacity = EXCLUDED.capacity, updated_at = now()`, leader.ID, string(c)); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "account.signing_capacity", ObjectType: "account", ObjectID: leader.ID, UnitID: leader.UnitID,
			Detail: map[string]any{"capacity": string(c)}})
	})
}

// SetSignatureImage stores leader's handwritten signature image, once
// signing.CheckImage accepts it.
func (s *Store) SetSignatureImage(ctx context.Context, leader *accounts.Account, data []byte) error {
	if _, err := signing.CheckImage(data, signing.SignatureImage); err != nil {
		return apperr.InvalidFields(map[string]string{"image": "Ảnh chữ ký: " + err.Error() + "."})
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO signer_profiles (account_id, signature_png) VALUES ($1, $2)
			ON CONFLICT (account_id) DO UPDATE SET signature_png = EXCLUDED.signature_png, updated_at = now()`, leader.ID, data); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "account.signature_image", ObjectType: "account", ObjectID: leader.ID, UnitID: leader.UnitID,
			Detail: map[string]any{"bytes": len(data)}})
	})
}

// RemoveSignatureImage goes back to the framed text box.
func (s *Store) RemoveSignatureImage(ctx context.Context, leader *accounts.Account) error {
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE signer_profiles SET signature_png = NULL, updated_at = now() WHERE account_id = $1`, leader.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "account.signature_image_removed", ObjectType: "account", ObjectID: leader.ID, UnitID: leader.UnitID})
	})
}

// Letterhead is what a unit's documents carry above the number: its two
// header lines, and its seal image.
type Letterhead struct {
	UnitID int64
	// Parent and Body are the lines printed: the parent agency ("" for
	// none) and the issuing body, whose lines "\n" separates.
	Parent, Body string
	// Custom: the unit admin corrected them; Derived* are the lines the
	// unit tree gives (documents.Header).
	Custom                     bool
	DerivedParent, DerivedBody string
	SealPNG                    []byte
}

// Letterhead returns u's letterhead.
func (s *Store) Letterhead(ctx context.Context, u *units.Unit) (*Letterhead, error) {
	l := Letterhead{UnitID: u.ID}
	l.DerivedParent, l.DerivedBody = Header(u)
	var parent, body *string
	err := s.db.QueryRow(ctx, `SELECT parent_line, body_line, seal_png FROM unit_letterheads WHERE unit_id = $1`, u.ID).
		Scan(&parent, &body, &l.SealPNG)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, err
	}
	l.Parent, l.Body = l.DerivedParent, l.DerivedBody
	if body != nil {
		l.Custom, l.Body = true, *body
		if parent != nil {
			l.Parent = *parent
		}
	}
	return &l, nil
}

// headerLine reads one typed header line: capitals, single spaces, NFC, no
// control characters, at most max characters.
func headerLine(s string, max int) (string, string) {
	s = strings.Join(strings.Fields(vn.Clean(s)), " ")
	for _, r := range s {
		if unicode.IsControl(r) {
			return "", "Dòng tiêu đề có ký tự điều khiển không in được."
		}
	}
	if len([]rune(s)) > max {
		return "", "Mỗi dòng tiêu đề tối đa " + strconv.Itoa(max) + " ký tự."
	}
	return strings.ToUpper(s), ""
}

// SetHeader records the unit admin's header lines for unit: parent (one
// line, may be empty: a People's Committee has none) and body (one to
// three lines, each where the name may break). Both are printed in capitals.
func (s *Store) SetHeader(ctx context.Context, u *units.Unit, parent, body string) error {
	errs := map[string]string{}
	p, msg := headerLine(parent, 60)
	if msg != "" {
		errs["parent"] = msg
	}
	var lines []string
	for _, ln := range strings.Split(strings.ReplaceAll(body, "\r", ""), "\n") {
		l, msg := headerLine(ln, 60)
		if msg != "" {
			errs["body"] = msg
		}
		if l != "" {
			lines = append(lines, l)
		}
	}
	switch {
	case errs["body"] != "":
	case len(lines) == 0:
		errs["body"] = "Ghi tên cơ quan ban hành văn bản."
	case len(lines) > 3:
		errs["body"] = "Tên cơ quan ban hành ghi tối đa 3 dòng."
	}
	if len(errs) > 0 {
		return apperr.InvalidFields(errs)
	}
	b := strings.Join(lines, "\n")
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO unit_letterheads (unit_id, parent_line, body_line) VALUES ($1, $2, $3)
			ON CONFLICT (unit_id) DO UPDATE SET parent_line = EXCLUDED.parent_line, body_line = EXCLUDED.body_line, updated_at = now()`,
			u.ID, p, b); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "unit.letterhead", ObjectType: "unit", ObjectID: u.ID, UnitID: u.ID,
			Detail: map[string]any{"parent": p, "body": b}})
	})
}

// ResetHeader goes back to the lines the unit tree gives.
func (s *Store) ResetHeader(ctx context.Context, u *units.Unit) error {
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE unit_letterheads SET parent_line = NULL, body_line = NULL, updated_at = now() WHERE unit_id = $1`, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "unit.letterhead_reset", ObjectType: "unit", ObjectID: u.ID, UnitID: u.ID})
	})
}

// SetSealImage stores the unit's seal image, once signing.CheckImage accepts it.
func (s *Store) SetSealImage(ctx context.Context, u *units.Unit, data []byte) error {
	info, err := signing.CheckImage(data, signing.SealImage)
	if err != nil {
		return apperr.InvalidFields(map[string]string{"seal": "Ảnh con dấu: " + err.Error() + "."})
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `
			INSERT INTO unit_letterheads (unit_id, seal_png, seal_dpi) VALUES ($1, $2, $3)
			ON CONFLICT (unit_id) DO UPDATE SET seal_png = EXCLUDED.seal_png, seal_dpi = EXCLUDED.seal_dpi, updated_at = now()`,
			u.ID, data, info.DPI); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "unit.seal_image", ObjectType: "unit", ObjectID: u.ID, UnitID: u.ID,
			Detail: map[string]any{"bytes": len(data), "width_mm": info.WidthMM, "height_mm": info.HeightMM}})
	})
}

// RemoveSealImage goes back to the framed text box for the seal.
func (s *Store) RemoveSealImage(ctx context.Context, u *units.Unit) error {
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE unit_letterheads SET seal_png = NULL, seal_dpi = NULL, updated_at = now() WHERE unit_id = $1`, u.ID); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "unit.seal_image_removed", ObjectType: "unit", ObjectID: u.ID, UnitID: u.ID})
	})
}
