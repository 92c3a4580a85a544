package dashboard_test

import (
	"context"
	"testing"
	"time"

	"baocao/internal/dashboard"
	"baocao/internal/database/dbtest"
	"baocao/internal/forms"
	"baocao/internal/vn"
)

// provinceSQL generates, with generate_series, a province of 1,000
// communes under one provincial office that receives a monthly regime
// for 60 periods (Tháng 1/2022 … Tháng 12/2026), so 60,000 reports:
// about 70 % accepted, 10 % sent (a fifth of the sent ones late), 5 %
// returned, 10 % drafts and 5 % missing (assigned, never created). Each
// sent, returned or accepted report holds 2 rows × 8 columns of figures
// (about 800,000 values): the queries read one cell per report by primary
// key, so the other 298 rows of the 300-row form would only grow the
// table, not the work. The audit log holds 200 sign-ins a day and
// report_events one sending per sent report.
var provinceSQL = []string{
	`INSERT INTO units (key, name, kind, valid_from) VALUES ('office', 'Văn phòng thử', 'van-phong', '2020-01-01')`,
	`INSERT INTO units (key, name, kind, valid_from)
	 SELECT 'xa-' || i, 'Xã thử số ' || lpad(i::text, 4, '0'), 'ubnd-xa', '2020-01-01' FROM generate_series(1, 1000) i`,
	`INSERT INTO unit_parents (unit_id, parent_id, valid_from)
	 SELECT u.id, o.id, '2020-01-01' FROM units u, units o WHERE u.key LIKE 'xa-%' AND o.key = 'office'`,
	`INSERT INTO regimes (name, receiving_unit_id, frequency, owner_unit_id)
	 SELECT 'Báo cáo thử tháng', id, 'monthly', id FROM units WHERE key = 'office'`,
	`INSERT INTO regime_deadlines (regime_id, level, working_days) SELECT id, 1, 2 FROM regimes`,
	`INSERT INTO template_versions (regime_id, version, content, published_at) SELECT id, 1, $1, now() FROM regimes`,
	`INSERT INTO periods (regime_id, key, label, start_date, end_date, template_version_id)
	 SELECT g.id, to_char(m, 'YYYY-"M"MM'), 'Tháng ' || extract(month FROM m) || '/' || extract(year FROM m),
	        (m - interval '1 month' + interval '14 days')::date, (m + interval '13 days')::date, v.id
	 FROM regimes g JOIN template_versions v ON v.regime_id = g.id,
	      generate_series('2022-01-01'::date, '2026-12-01', interval '1 month') m`,
	`INSERT INTO assignments (regime_id, unit_id, receiver_unit_id, level, valid_from, confirmed_at)
	 SELECT g.id, u.id, g.receiving_unit_id, 1, '2020-01-01', now() FROM regimes g, units u WHERE u.key LIKE 'xa-%'`,
	`INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline, status, sent_at, late)
	 SELECT p.id, a.unit_id, a.receiver_unit_id, a.id, 1, p.end_date + 3,
	        CASE WHEN k < 70 THEN 'accepted' WHEN k < 80 THEN 'sent' WHEN k < 85 THEN 'returned' ELSE 'draft' END,
	        CASE WHEN k < 85 THEN p.end_date + 1 + k % 5 END, k < 85 AND k % 5 = 4
	 FROM periods p JOIN assignments a ON a.regime_id = p.regime_id
	 CROSS JOIN LATERAL (SELECT ((p.id * 37 + a.unit_id * 11) % 100)::int AS k) x
	 WHERE k < 95`,
	`INSERT INTO report_values (report_id, form_key, row_key, col_code, num)
	 SELECT r.id, 'b1', 'r' || row, col::text, (r.unit_id % 97) * 10 + row * col
	 FROM reports r, generate_series(1, 2) row, generate_series(1, 8) col
	 WHERE r.status <> 'draft'`,
	`INSERT INTO accounts (username, full_name, unit_id, tier, password_hash)
	 SELECT 'user' || u.id, 'Cán bộ ' || u.name, u.id, 'user', 'x' FROM units u`,
	`INSERT INTO audit_log (at, actor_id, action)
	 SELECT d + (i % 600) * interval '1 minute' + interval '1 hour', (SELECT min(id) FROM accounts) + i % 1000, 'signin.success'
	 FROM generate_series('2026-01-01'::timestamptz, '2026-12-31', interval '1 day') d, generate_series(1, 200) i`,
	`INSERT INTO report_events (report_id, at, action, from_status, to_status, version)
	 SELECT id, sent_at, 'send', 'signed', 'sent', 1 FROM reports WHERE sent_at IS NOT NULL`,
	`VACUUM ANALYZE`, // as autovacuum would have by then: statistics, and the visibility map for index-only scans
}

// BenchmarkDashboards measures each dashboard page's queries on the
// generated province (SPEC §8: each page ≤ 200 ms). Run with
//
//	go test -run '^$' -bench Dashboards -benchtime 20x ./internal/dashboard
func BenchmarkDashboards(b *testing.B) {
	ctx := context.Background()
	db := dbtest.New(b)
	for _, sql := range provinceSQL {
		var args []any
		if len(sql) > 30 && sql[:30] == "INSERT INTO template_versions " {
			args = []any{forms.Template{Forms: []forms.Form{testForm}}}
		}
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			b.Fatalf("%s: %v", sql, err)
		}
	}
	var regime, office int64
	if err := db.QueryRow(ctx, `SELECT id, receiving_unit_id FROM regimes`).Scan(&regime, &office); err != nil {
		b.Fatal(err)
	}
	today := time.Date(2026, 11, 27, 9, 0, 0, 0, vn.Location)
	lastYear := dashboard.Filter{RegimeID: regime, From: date(2025, 11, 27)}
	everything := dashboard.Filter{RegimeID: regime}
	ind := dashboard.Indicator{FormKey: "b1", RowKey: "r1", ColCode: "3", Rule: forms.Sum}
	var lastPeriod int64
	if err := db.QueryRow(ctx, `SELECT id FROM periods WHERE key = '2026-M10'`).Scan(&lastPeriod); err != nil {
		b.Fatal(err)
	}
	status := func(sc dashboard.Scope, f dashboard.Filter) func(b *testing.B) {
		return func(b *testing.B) {
			for b.Loop() {
				st, err := dashboard.StatusGrid(ctx, db, sc, f, today)
				if err != nil {
					b.Fatal(err)
				}
				if _, err := dashboard.LateUnits(ctx, db, st); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.Run("status/province/12 periods", status(dashboard.Scope{}, lastYear))
	b.Run("status/receiver/12 periods", status(dashboard.Scope{Receiver: office}, lastYear))
	b.Run("status/province/60 periods", status(dashboard.Scope{}, everything))
	trends := func(sc dashboard.Scope, f dashboard.Filter) func(b *testing.B) {
		return func(b *testing.B) {
			for b.Loop() {
				if _, err := dashboard.Trend(ctx, db, sc, f, ind); err != nil {
					b.Fatal(err)
				}
				if _, err := dashboard.Across(ctx, db, sc, f, lastPeriod, ind); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	b.Run("trends/province/12 periods", trends(dashboard.Scope{}, lastYear))
	b.Run("trends/receiver/60 periods", trends(dashboard.Scope{Receiver: office}, everything))
	b.Run("activity/30 days", func(b *testing.B) {
		for b.Loop() {
			if _, err := dashboard.SystemActivity(ctx, db, date(2026, 10, 29), date(2026, 11, 27)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("activity/365 days", func(b *testing.B) {
		for b.Loop() {
			if _, err := dashboard.SystemActivity(ctx, db, date(2025, 11, 28), date(2026, 11, 27)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
