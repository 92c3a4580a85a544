package notify_test

import (
	"context"
	"testing"

	"baocao/internal/database/dbtest"
	"baocao/internal/notify"
	"baocao/internal/seed"
)

// BenchmarkUnread is the bell's cost on every page, and the list's: 1,000
// officials with 200 notifications each, half of them read.
func BenchmarkUnread(b *testing.B) {
	db := dbtest.New(b)
	ctx := context.Background()
	if err := seed.Reference(ctx, db); err != nil {
		b.Fatal(err)
	}
	_, err := db.Exec(ctx, `
		INSERT INTO accounts (username, full_name, unit_id, tier, password_hash)
		SELECT 'canbo' || i, 'Cán bộ ' || i, (SELECT id FROM units WHERE key = 'so-y-te'), 'user', 'x' FROM generate_series(1, 1000) i;
		INSERT INTO notifications (account_id, kind, dedupe_key, title, body, read_at)
		SELECT a.id, 'overdue', 'k' || i, 'Quá hạn gửi', 'Nội dung', CASE WHEN i % 2 = 0 THEN now() END
		FROM accounts a, generate_series(1, 200) i;
		ANALYZE notifications`)
	if err != nil {
		b.Fatal(err)
	}
	var account int64
	if err := db.QueryRow(ctx, `SELECT id FROM accounts WHERE username = 'canbo500'`).Scan(&account); err != nil {
		b.Fatal(err)
	}
	store := notify.NewStore(db)
	b.Run("count", func(b *testing.B) {
		for b.Loop() {
			if n, err := store.Unread(ctx, account); err != nil || n != 100 {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("list", func(b *testing.B) {
		for b.Loop() {
			if list, err := store.Notifications(ctx, account); err != nil || len(list) != notify.ListLimit {
				b.Fatal(len(list), err)
			}
		}
	})
}
