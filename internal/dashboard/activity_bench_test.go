package dashboard_test

import (
	"context"
	"testing"

	"github.com/jackc/pgx/v5"

	"baocao/internal/audit"
	"baocao/internal/dashboard"
)

// BenchmarkActivityAt500k measures, over a year of logs (500,000 audit
// entries, a fifth of them sign-ins, and 100,000 report events), the
// activity dashboard of one month and the audit log's newest page and a
// page deep in the log; then the same without the migration's indexes
// (audit_log_action_at, report_events_to_status_at) and, for the audit
// page, the count of every matching entry that paging by offset needed:
// the "before" figures, side by side on the same database. Run with
//
//	go test -run '^$' -bench ActivityAt500k -benchtime 20x ./internal/dashboard
func BenchmarkActivityAt500k(b *testing.B) {
	f := newFixture(b)
	ctx := context.Background()
	report := f.id(`SELECT id FROM reports ORDER BY id LIMIT 1`)
	f.exec(`INSERT INTO accounts (username, full_name, unit_id, tier, password_hash)
		SELECT 'nguoi.' || i, 'Người ' || i, $1, 'user', 'x' FROM generate_series(1, 1000) i`, f.a)
	long := func(sql string, args ...any) {
		b.Helper()
		if err := f.db.Tx(ctx, func(tx pgx.Tx) error {
			if _, err := tx.Exec(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
				return err
			}
			_, err := tx.Exec(ctx, sql, args...)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
	long(`
		INSERT INTO audit_log (at, actor_id, actor_name, action, object_type, unit_id)
		SELECT timestamptz '2025-12-01 00:00+07' + (i * interval '63 seconds'),
		       (SELECT min(id) FROM accounts) + i % 1000, 'nguoi.' || i % 1000,
		       CASE WHEN i % 5 = 0 THEN 'signin.success' WHEN i % 5 = 1 THEN 'report.save' WHEN i % 5 = 2 THEN 'report.view'
		            WHEN i % 5 = 3 THEN 'signin.failure' ELSE 'report.submit' END, 'report', $1
		FROM generate_series(1, 500000) i`, f.a)
	long(`
		INSERT INTO report_events (report_id, at, action, from_status, to_status, version)
		SELECT $1, timestamptz '2025-12-01 00:00+07' + (i * interval '315 seconds'), 'send', 'signed',
		       CASE WHEN i % 4 = 0 THEN 'sent' ELSE 'accepted' END, 1
		FROM generate_series(1, 100000) i`, report)
	f.exec(`VACUUM ANALYZE audit_log`)
	f.exec(`VACUUM ANALYZE report_events`)
	var deep int64
	if err := f.db.QueryRow(ctx, `SELECT id FROM audit_log ORDER BY id LIMIT 1 OFFSET 250000`).Scan(&deep); err != nil {
		b.Fatal(err)
	}
	first, last := date(2026, 9, 1), date(2026, 9, 30)
	activity := func(b *testing.B) {
		for b.Loop() {
			a, err := dashboard.SystemActivity(ctx, f.db, first, last)
			if err != nil {
				b.Fatal(err)
			}
			if a.SignIns == 0 || a.Sent == 0 {
				b.Fatalf("activity %+v", a)
			}
		}
	}
	page := func(fl audit.Filter) func(b *testing.B) {
		return func(b *testing.B) {
			for b.Loop() {
				p, err := audit.Entries(ctx, f.db, fl)
				if err != nil {
					b.Fatal(err)
				}
				if len(p.Entries) != 50 {
					b.Fatalf("%d entries", len(p.Entries))
				}
			}
		}
	}
	b.Run("activity", activity)
	b.Run("audit-newest", page(audit.Filter{PerPage: 50}))
	b.Run("audit-deep", page(audit.Filter{PerPage: 50, Before: deep}))
	b.Run("audit-signins-deep", page(audit.Filter{PerPage: 50, Action: "signin.success", Before: deep}))
	b.Run("before/audit-count", func(b *testing.B) {
		for b.Loop() {
			var n int
			if err := f.db.QueryRow(ctx, `SELECT count(*) FROM audit_log l WHERE TRUE`).Scan(&n); err != nil || n < 500000 {
				b.Fatal(n, err)
			}
		}
	})
	b.Run("before/audit-offset-deep", func(b *testing.B) {
		for b.Loop() {
			rows, err := f.db.Query(ctx, `SELECT id FROM audit_log ORDER BY id DESC LIMIT 50 OFFSET 250000`)
			if err != nil {
				b.Fatal(err)
			}
			rows.Close()
		}
	})
	f.exec(`DROP INDEX audit_log_action_at`)
	f.exec(`DROP INDEX report_events_to_status_at`)
	b.Run("before/activity", activity)
}
