package notify

import (
	"context"
	"errors"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/database"
)

// Store reads an account's notifications and e-mail preferences. Every
// method takes the account: nobody reads or marks another's notifications.
type Store struct {
	db *database.DB
}

// NewStore returns a Store on db.
func NewStore(db *database.DB) *Store { return &Store{db: db} }

// ListLimit is how many notifications the list shows, newest first.
const ListLimit = 100

// Notifications lists the account's newest notifications.
func (s *Store) Notifications(ctx context.Context, accountID int64) ([]Notification, error) {
	rows, _ := s.db.Query(ctx, `
		SELECT id, kind, title, body, link, created_at, read_at
		FROM notifications WHERE account_id = $1 ORDER BY created_at DESC, id DESC LIMIT $2`, accountID, ListLimit)
	return pgx.CollectRows(rows, scanNotification)
}

// Unread counts the account's unread notifications (the bell).
func (s *Store) Unread(ctx context.Context, accountID int64) (int, error) {
	var n int
	err := s.db.QueryRow(ctx, `SELECT count(*) FROM notifications WHERE account_id = $1 AND read_at IS NULL`, accountID).Scan(&n)
	return n, err
}

var errNotFound = apperr.New(apperr.NotFound, "Không tìm thấy thông báo này trong danh sách thông báo của bạn.")

// MarkRead marks one of the account's notifications read and returns it
// (its link is where the official goes next).
func (s *Store) MarkRead(ctx context.Context, accountID, id int64) (Notification, error) {
	rows, _ := s.db.Query(ctx, `UPDATE notifications SET read_at = coalesce(read_at, now())
		WHERE id = $1 AND account_id = $2 RETURNING id, kind, title, body, link, created_at, read_at`, id, accountID)
	n, err := pgx.CollectExactlyOneRow(rows, scanNotification)
	if errors.Is(err, pgx.ErrNoRows) {
		return n, errNotFound
	}
	return n, err
}

func scanNotification(row pgx.CollectableRow) (Notification, error) {
	var n Notification
	var readAt *time.Time
	err := row.Scan(&n.ID, &n.Kind, &n.Title, &n.Body, &n.Link, &n.CreatedAt, &readAt)
	if readAt != nil {
		n.ReadAt = *readAt
	}
	return n, err
}

// MarkAllRead marks every notification of the account read.
func (s *Store) MarkAllRead(ctx context.Context, accountID int64) (int, error) {
	tag, err := s.db.Exec(ctx, `UPDATE notifications SET read_at = now() WHERE account_id = $1 AND read_at IS NULL`, accountID)
	return int(tag.RowsAffected()), err
}

// EmailOff lists the kinds the account does not want by e-mail.
func (s *Store) EmailOff(ctx context.Context, accountID int64) ([]Kind, error) {
	rows, _ := s.db.Query(ctx, `SELECT kind FROM notification_email_off WHERE account_id = $1 ORDER BY kind`, accountID)
	return pgx.CollectRows(rows, pgx.RowTo[Kind])
}

// SetEmailOn records the kinds the account wants by e-mail; the others
// it gets in the application only.
func (s *Store) SetEmailOn(ctx context.Context, accountID int64, on []Kind) error {
	for _, k := range on {
		if !slices.Contains(Kinds, k) {
			return apperr.New(apperr.Invalid, "Loại thông báo không hợp lệ. Hãy tải lại trang và chọn lại.")
		}
	}
	var off []Kind
	for _, k := range Kinds {
		if !slices.Contains(on, k) {
			off = append(off, k)
		}
	}
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM notification_email_off WHERE account_id = $1`, accountID); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `INSERT INTO notification_email_off (account_id, kind) SELECT $1, unnest($2::text[])`, accountID, off)
		return err
	})
}
