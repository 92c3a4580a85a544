package regimes

import (
	"context"
	"errors"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/forms"
)

// Version is one version of a regime's template.
type Version struct {
	ID          int64
	RegimeID    int64
	Number      int
	Template    forms.Template
	PublishedAt time.Time // zero for the draft
	UpdatedAt   time.Time // for detecting two designers saving at once
}

// Draft reports whether the version may still change.
func (v *Version) Draft() bool { return v.PublishedAt.IsZero() }

const selectVersion = `SELECT id, regime_id, version, content, published_at, updated_at FROM template_versions`

func scanVersion(row pgx.CollectableRow) (Version, error) {
	var v Version
	var published *time.Time
	err := row.Scan(&v.ID, &v.RegimeID, &v.Number, &v.Template, &published, &v.UpdatedAt)
	if published != nil {
		v.PublishedAt = *published
	}
	return v, err
}

func (s *Store) version(ctx context.Context, where string, args ...any) (*Version, error) {
	rows, _ := s.db.Query(ctx, selectVersion+" "+where, args...)
	v, err := pgx.CollectExactlyOneRow(rows, scanVersion)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Không tìm thấy phiên bản mẫu báo cáo.")
	}
	return &v, err
}

// Version returns the template version with id.
func (s *Store) Version(ctx context.Context, id int64) (*Version, error) {
	return s.version(ctx, `WHERE id = $1`, id)
}

// Draft returns the regime's draft version.
func (s *Store) Draft(ctx context.Context, regimeID int64) (*Version, error) {
	return s.version(ctx, `WHERE regime_id = $1 AND published_at IS NULL`, regimeID)
}

// Published returns the regime's newest published version.
func (s *Store) Published(ctx context.Context, regimeID int64) (*Version, error) {
	return s.version(ctx, `WHERE regime_id = $1 AND published_at IS NOT NULL ORDER BY version DESC LIMIT 1`, regimeID)
}

// PublishedVersions lists the regime's published versions, newest first.
func (s *Store) PublishedVersions(ctx context.Context, regimeID int64) ([]Version, error) {
	rows, _ := s.db.Query(ctx, selectVersion+` WHERE regime_id = $1 AND published_at IS NOT NULL ORDER BY version DESC`, regimeID)
	return pgx.CollectRows(rows, scanVersion)
}

// Current returns the draft if there is one, else the newest published version.
func (s *Store) Current(ctx context.Context, regimeID int64) (*Version, error) {
	v, err := s.Draft(ctx, regimeID)
	if apperr.Code(err) == apperr.NotFound {
		return s.Published(ctx, regimeID)
	}
	return v, err
}

// NewDraft starts a new draft version as a copy of the newest published one.
func (s *Store) NewDraft(ctx context.Context, regimeID, by int64) (*Version, error) {
	var id int64
	err := s.db.Tx(ctx, func(tx pgx.Tx) error {
		err := tx.QueryRow(ctx, `
			INSERT INTO template_versions (regime_id, version, content, created_by)
			SELECT regime_id, version + 1, content, $2 FROM template_versions
			WHERE regime_id = $1 AND published_at IS NOT NULL ORDER BY version DESC LIMIT 1
			RETURNING id`, regimeID, nullID(by)).Scan(&id)
		switch {
		case errors.Is(err, pgx.ErrNoRows):
			return apperr.New(apperr.NotFound, "Chưa có phiên bản nào để sao chép.")
		case err != nil && isOneDraft(err):
			return apperr.New(apperr.Conflict, "Mẫu báo cáo đang có một bản nháp.")
		case err != nil:
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "template.new_draft", ObjectType: "template_version", ObjectID: id})
	})
	if err != nil {
		return nil, err
	}
	return s.Version(ctx, id)
}

// SaveDraft stores a changed draft. seen is the UpdatedAt the designer
// started from: if someone saved in between, nothing is overwritten.
func (s *Store) SaveDraft(ctx context.Context, v *Version, tpl forms.Template, seen time.Time) error {
	if !v.Draft() {
		return apperr.New(apperr.Conflict, "Phiên bản này đã ban hành nên không sửa được; hãy tạo bản nháp mới.")
	}
	if err := tpl.Check(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE template_versions SET content = $2, updated_at = now()
			WHERE id = $1 AND published_at IS NULL AND updated_at = $3`,
			v.ID, tpl, seen)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.Conflict, "Bản nháp vừa được người khác lưu. Hãy tải lại trang để xem bản mới nhất rồi sửa tiếp; những gì bạn nhập ở đây chưa được lưu.")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "template.save", ObjectType: "template_version", ObjectID: v.ID})
	})
}

// Publish makes the draft the version in force; it never changes again.
// Periods opened from now on use it.
func (s *Store) Publish(ctx context.Context, v *Version) error {
	if !v.Draft() {
		return apperr.New(apperr.Conflict, "Phiên bản này đã được ban hành.")
	}
	if err := v.Template.CheckPublishable(); err != nil {
		return err
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		// Publish exactly what was checked: not a draft saved meanwhile, and
		// not twice.
		tag, err := tx.Exec(ctx, `UPDATE template_versions SET published_at = now()
			WHERE id = $1 AND published_at IS NULL AND updated_at = $2`, v.ID, v.UpdatedAt)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.Conflict, "Bản nháp vừa được người khác lưu hoặc ban hành. Hãy tải lại trang để xem bản mới nhất.")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "template.publish", ObjectType: "template_version", ObjectID: v.ID,
			Detail: map[string]any{"version": v.Number}})
	})
}

func isOneDraft(err error) bool {
	var unique interface{ SQLState() string }
	return errors.As(err, &unique) && unique.SQLState() == "23505"
}
