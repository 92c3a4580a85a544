package units

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/decimal"
	"baocao/internal/vn"
)

// Share is a successor of a split and the percentage of the old unit's
// territory (population, figures) it took over.
type Share struct {
	UnitID  int64
	Percent decimal.Decimal
}

var hundred = decimal.FromInt(100)

// Rename gives the unit a new name from day on; the former name stays in
// its history with the days it was used.
func (s *Store) Rename(ctx context.Context, id int64, name string, day time.Time) error {
	u, err := s.Unit(ctx, id)
	if err != nil {
		return err
	}
	name = vn.Clean(name)
	day = vn.Day(day)
	fields := map[string]string{}
	switch {
	case name == "":
		fields["name"] = "Nhập tên mới của đơn vị."
	case len([]rune(name)) > 300:
		fields["name"] = "Tên không được dài quá 300 ký tự."
	case name == u.Name:
		fields["name"] = "Tên mới trùng với tên hiện nay."
	}
	today := vn.Today(s.now())
	if msg := s.dayProblem(day, u, today); msg != "" {
		fields["day"] = msg
	}
	if len(fields) > 0 {
		return apperr.InvalidFields(fields)
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		// The current name began on the unit's first day or the day after
		// the last former name ended.
		var since time.Time
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(valid_to) + 1, $2) FROM unit_names WHERE unit_id = $1`, id, u.ValidFrom).Scan(&since); err != nil {
			return err
		}
		if !day.After(vn.Day(since)) {
			return apperr.InvalidFields(map[string]string{"day": "Tên hiện nay dùng từ " + vn.Date(since) + "; ngày đổi tên phải sau ngày đó."})
		}
		if _, err := tx.Exec(ctx, `INSERT INTO unit_names (unit_id, name, valid_from, valid_to) VALUES ($1, $2, $3, $4::date - 1)`,
			id, u.Name, since, day); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `UPDATE units SET name = $2, updated_at = now() WHERE id = $1`, id, name); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "unit.rename", ObjectType: "unit", ObjectID: id, UnitID: id,
			Detail: map[string]any{"from": u.Name, "to": name, "day": vn.Date(day)}})
	})
}

// dayProblem says why day cannot be the effective date of a change of u
// (empty when it can).
func (s *Store) dayProblem(day time.Time, u *Unit, today time.Time) string {
	switch {
	case day.IsZero():
		return "Nhập ngày có hiệu lực theo dạng ngày/tháng/năm, ví dụ 01/07/2025."
	case day.After(today):
		return "Ngày có hiệu lực không được sau hôm nay (" + vn.Date(today) + ")."
	case !day.After(u.ValidFrom):
		return "Ngày có hiệu lực phải sau ngày đơn vị bắt đầu hoạt động (" + vn.Date(u.ValidFrom) + ")."
	case u.Closed(day):
		return "Đơn vị đã ngừng hoạt động từ trước ngày này."
	}
	return ""
}

// MoveOn puts the unit under parent from day on; the periods before day
// keep the tree as it stood.
func (s *Store) MoveOn(ctx context.Context, id, parent int64, day time.Time) error {
	u, err := s.Unit(ctx, id)
	if err != nil {
		return err
	}
	day = vn.Day(day)
	fields := map[string]string{}
	if msg := s.dayProblem(day, u, vn.Today(s.now())); msg != "" {
		fields["day"] = msg
	}
	switch {
	case u.ParentID == 0:
		fields["parent_id"] = "Đơn vị gốc của cây đơn vị không chuyển được."
	case parent == 0:
		fields["parent_id"] = "Chọn đơn vị cấp trên mới."
	case parent == u.ParentID:
		fields["parent_id"] = "Đơn vị đang trực thuộc đơn vị này."
	}
	if len(fields) > 0 {
		return apperr.InvalidFields(fields)
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		var since time.Time
		var parentOpen bool
		err := tx.QueryRow(ctx, `
			SELECT p.valid_from,
			       EXISTS (SELECT 1 FROM units x WHERE x.id = $2 AND x.valid_from <= $3 AND (x.valid_to IS NULL OR x.valid_to >= $3))
			FROM unit_parents p WHERE p.unit_id = $1 AND p.valid_to IS NULL`, id, parent, day).Scan(&since, &parentOpen)
		if err != nil {
			return err
		}
		if day.Before(vn.Day(since)) {
			return apperr.InvalidFields(map[string]string{"day": fmt.Sprintf(
				"Đơn vị trực thuộc %s từ %s: chuyển từ ngày %s thì đơn vị có hai đơn vị cấp trên trong cùng một ngày. Chọn ngày từ %s trở đi.",
				u.ParentName, vn.Date(since), vn.Date(day), vn.Date(since))})
		}
		if !parentOpen {
			return apperr.InvalidFields(map[string]string{"parent_id": "Đơn vị cấp trên mới không hoạt động vào ngày " + vn.Date(day) + "."})
		}
		if err := move(ctx, tx, id, parent, day); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "unit.move", ObjectType: "unit", ObjectID: id, UnitID: id,
			Detail: map[string]any{"parent_id": map[string]int64{"from": u.ParentID, "to": parent}, "day": vn.Date(day)}})
	})
}

// Merge closes the units olds on the day before day, each succeeded
// whole by the unit into (which must exist on day): several units become
// one. basis is the legal basis (e.g. the resolution).
func (s *Store) Merge(ctx context.Context, into int64, olds []int64, day time.Time, basis string) error {
	target, err := s.Unit(ctx, into)
	if err != nil {
		return err
	}
	day = vn.Day(day)
	switch {
	case len(olds) == 0:
		return apperr.InvalidFields(map[string]string{"olds": "Chọn ít nhất một đơn vị sáp nhập vào đơn vị này."})
	case day.IsZero():
		return apperr.InvalidFields(map[string]string{"day": "Nhập ngày có hiệu lực theo dạng ngày/tháng/năm, ví dụ 01/07/2025."})
	case target.ValidFrom.After(day) || target.Closed(day):
		return apperr.InvalidFields(map[string]string{"day": "Đơn vị nhận sáp nhập không hoạt động vào ngày " + vn.Date(day) + " (hoạt động từ " + vn.Date(target.ValidFrom) + ")."})
	}
	basis = vn.Clean(basis)
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		names := make([]string, 0, len(olds))
		for _, id := range olds {
			if id == into {
				return apperr.InvalidFields(map[string]string{"olds": "Đơn vị không sáp nhập vào chính nó."})
			}
			u, err := s.Unit(ctx, id)
			if err != nil {
				return err
			}
			var under bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM subtree($1) WHERE unit_id = $2)`, id, into).Scan(&under); err != nil {
				return err
			}
			if under {
				return apperr.InvalidFields(map[string]string{"olds": target.Name + " trực thuộc " + u.Name + ": sáp nhập đơn vị cấp trên vào đơn vị cấp dưới của nó tạo thành vòng lặp. Hãy chuyển " + target.Name + " ra ngoài trước."})
			}
			if err := closeTx(ctx, tx, u, day.AddDate(0, 0, -1), []Share{{UnitID: into, Percent: hundred}}, basis, "unit.merge"); err != nil {
				return err
			}
			names = append(names, u.Name)
		}
		return audit.Record(ctx, tx, audit.Event{Action: "unit.merged_into", ObjectType: "unit", ObjectID: into, UnitID: into,
			Detail: map[string]any{"from": names, "day": vn.Date(day), "basis": basis}})
	})
}

// Split closes the unit on the day before day, its territory divided
// among the successors by their shares, which add up to 100 %.
func (s *Store) Split(ctx context.Context, id int64, day time.Time, shares []Share, basis string) error {
	u, err := s.Unit(ctx, id)
	if err != nil {
		return err
	}
	day = vn.Day(day)
	if day.IsZero() {
		return apperr.InvalidFields(map[string]string{"day": "Nhập ngày có hiệu lực theo dạng ngày/tháng/năm, ví dụ 01/07/2025."})
	}
	if err := checkShares(u.ID, shares, len(shares) < 2); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		for _, sh := range shares {
			var ok bool
			if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM units WHERE id = $1 AND valid_from <= $2 AND (valid_to IS NULL OR valid_to >= $2))`,
				sh.UnitID, day).Scan(&ok); err != nil {
				return err
			}
			if !ok {
				return apperr.InvalidFields(map[string]string{"shares": "Có đơn vị nhận không hoạt động vào ngày " + vn.Date(day) + "."})
			}
		}
		return closeTx(ctx, tx, u, day.AddDate(0, 0, -1), shares, vn.Clean(basis), "unit.split")
	})
}

// SetShares gives the shares of a closed unit's successors (the seeded
// splits of 2025 come without them): they must name exactly its
// successors and add up to 100 %.
func (s *Store) SetShares(ctx context.Context, id int64, shares []Share) error {
	u, err := s.Unit(ctx, id)
	if err != nil {
		return err
	}
	if err := checkShares(u.ID, shares, false); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		var n int
		if err := tx.QueryRow(ctx, `
			SELECT count(*) FROM unit_successors s JOIN units a ON a.id = s.unit_id JOIN units b ON b.id = s.successor_id AND b.kind = a.kind
			WHERE s.unit_id = $1`, id).Scan(&n); err != nil {
			return err
		}
		if n != len(shares) {
			return apperr.InvalidFields(map[string]string{"shares": "Nhập tỷ lệ cho đủ các đơn vị kế thừa."})
		}
		detail := map[string]string{}
		for _, sh := range shares {
			tag, err := tx.Exec(ctx, `UPDATE unit_successors SET share = $3::numeric WHERE unit_id = $1 AND successor_id = $2`, id, sh.UnitID, sh.Percent.String())
			if err != nil {
				return err
			}
			if tag.RowsAffected() != 1 {
				return apperr.InvalidFields(map[string]string{"shares": "Chỉ nhập tỷ lệ cho các đơn vị kế thừa của đơn vị này."})
			}
			detail[fmt.Sprint(sh.UnitID)] = sh.Percent.String()
		}
		return audit.Record(ctx, tx, audit.Event{Action: "unit.shares", ObjectType: "unit", ObjectID: id, UnitID: id,
			Detail: map[string]any{"shares": detail}})
	})
}

// checkShares refuses shares that are not positive, repeat a unit, name
// the unit itself, or do not add up to exactly 100 %.
func checkShares(self int64, shares []Share, tooFew bool) error {
	if tooFew {
		return apperr.InvalidFields(map[string]string{"shares": "Chia tách cần ít nhất hai đơn vị nhận, mỗi đơn vị một tỷ lệ."})
	}
	total := decimal.Zero
	seen := map[int64]bool{}
	for _, sh := range shares {
		switch {
		case sh.UnitID == self:
			return apperr.InvalidFields(map[string]string{"shares": "Đơn vị nhận phải là đơn vị khác."})
		case seen[sh.UnitID]:
			return apperr.InvalidFields(map[string]string{"shares": "Mỗi đơn vị nhận chỉ ghi một lần."})
		case sh.Percent.Sign() <= 0 || sh.Percent.Cmp(hundred) > 0:
			return apperr.InvalidFields(map[string]string{"shares": "Mỗi tỷ lệ lớn hơn 0 và không quá 100 %."})
		}
		seen[sh.UnitID] = true
		total, _ = total.Add(sh.Percent)
	}
	if !total.Equal(hundred) {
		return apperr.InvalidFields(map[string]string{"shares": "Các tỷ lệ cộng lại phải đúng 100 %; hiện cộng được " + total.Format() + " %."})
	}
	return nil
}

// closeTx closes u after lastDay with its successors, refusing what would
// break its history: a unit already closed, open units still under it,
// and reports of periods after lastDay that would be left without a unit.
// A share of zero (decimal.Zero) is stored as not given yet.
func closeTx(ctx context.Context, tx pgx.Tx, u *Unit, lastDay time.Time, succ []Share, basis, action string) error {
	switch {
	case !u.ValidTo.IsZero():
		return apperr.New(apperr.Conflict, u.Name+" đã giải thể hoặc sáp nhập từ trước.")
	case u.ParentID == 0:
		return apperr.New(apperr.Invalid, "Không thể đóng đơn vị gốc của cây đơn vị.")
	case lastDay.Before(u.ValidFrom):
		return apperr.InvalidFields(map[string]string{"day": u.Name + " bắt đầu hoạt động từ " + vn.Date(u.ValidFrom) + "; ngày có hiệu lực phải sau ngày đó."})
	}
	var open int
	if err := tx.QueryRow(ctx, `
		SELECT count(*) FROM unit_parents p JOIN units c ON c.id = p.unit_id
		WHERE p.parent_id = $1 AND p.valid_to IS NULL AND (c.valid_to IS NULL OR c.valid_to > $2)`, u.ID, lastDay).Scan(&open); err != nil {
		return err
	}
	if open > 0 {
		return apperr.New(apperr.Conflict, fmt.Sprintf("%s còn %d đơn vị trực thuộc đang hoạt động; hãy chuyển hoặc đóng các đơn vị đó trước.", u.Name, open))
	}
	var later []string
	rows, _ := tx.Query(ctx, `
		SELECT DISTINCT g.name || ' ' || p.label, p.end_date FROM reports r JOIN periods p ON p.id = r.period_id JOIN regimes g ON g.id = p.regime_id
		WHERE r.unit_id = $1 AND p.end_date > $2 AND r.status <> 'draft' ORDER BY p.end_date LIMIT 3`, u.ID, lastDay)
	var label string
	var end time.Time
	if _, err := pgx.ForEachRow(rows, []any{&label, &end}, func() error { later = append(later, label); return nil }); err != nil {
		return err
	}
	if len(later) > 0 {
		return apperr.InvalidFields(map[string]string{"day": u.Name + " đã có báo cáo của kỳ sau ngày " + vn.Date(lastDay) + " (" + strings.Join(later, "; ") +
			"): đóng đơn vị từ ngày này thì báo cáo đó không còn đơn vị. Chọn ngày có hiệu lực sau các kỳ đó."})
	}
	if _, err := tx.Exec(ctx, `UPDATE units SET valid_to = $2, updated_at = now() WHERE id = $1`, u.ID, lastDay); err != nil {
		return err
	}
	// A closed unit reports nothing more: its assignments end with it.
	if _, err := tx.Exec(ctx, `UPDATE assignments SET valid_to = greatest($2::date, valid_from)
		WHERE unit_id = $1 AND (valid_to IS NULL OR valid_to > $2)`, u.ID, lastDay); err != nil {
		return err
	}
	ids := make([]int64, 0, len(succ))
	for _, sh := range succ {
		if sh.UnitID == u.ID {
			return apperr.InvalidFields(map[string]string{"successors": "Đơn vị kế thừa phải là đơn vị khác."})
		}
		var share *string
		if sh.Percent.Sign() > 0 {
			p := sh.Percent.String()
			share = &p
		}
		if _, err := tx.Exec(ctx, `INSERT INTO unit_successors (unit_id, successor_id, share, basis) VALUES ($1, $2, $3::numeric, $4)
			ON CONFLICT (unit_id, successor_id) DO UPDATE SET share = excluded.share, basis = excluded.basis`, u.ID, sh.UnitID, share, basis); err != nil {
			return err
		}
		ids = append(ids, sh.UnitID)
	}
	detail := map[string]any{"valid_to": vn.Date(lastDay), "successors": ids}
	if basis != "" {
		detail["basis"] = basis
	}
	if len(succ) > 1 {
		shares := map[string]string{}
		for _, sh := range succ {
			shares[fmt.Sprint(sh.UnitID)] = sh.Percent.String()
		}
		detail["shares"] = shares
	}
	return audit.Record(ctx, tx, audit.Event{Action: action, ObjectType: "unit", ObjectID: u.ID, UnitID: u.ID, Detail: detail})
}
