// Package dashboardtest generates a large province in a test database for
// the dashboards' benchmarks (of the queries and of the pages).
package dashboardtest

import (
	"context"
	"fmt"
	"strconv"

	"baocao/internal/database"
	"baocao/internal/forms"
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
	`INSERT INTO units (key, name, kind, valid_from) VALUES ('bench-office', 'Văn phòng thử', 'van-phong', '2020-01-01')`,
	`INSERT INTO units (key, name, kind, valid_from)
	 SELECT 'bench-xa-' || i, 'Xã thử số ' || lpad(i::text, 4, '0'), 'ubnd-xa', '2020-01-01' FROM generate_series(1, 1000) i`,
	`INSERT INTO unit_parents (unit_id, parent_id, valid_from)
	 SELECT u.id, o.id, '2020-01-01' FROM units u, units o WHERE u.key LIKE 'bench-xa-%' AND o.key = 'bench-office'`,
	`INSERT INTO regimes (name, receiving_unit_id, frequency, owner_unit_id)
	 SELECT '` + RegimeName + `', id, 'monthly', id FROM units WHERE key = 'bench-office'`,
	`INSERT INTO regime_deadlines (regime_id, level, working_days) SELECT id, 1, 2 FROM regimes WHERE name = '` + RegimeName + `'`,
	`INSERT INTO template_versions (regime_id, version, content, published_at)
	 SELECT id, 1, $1, now() FROM regimes WHERE name = '` + RegimeName + `'`,
	`INSERT INTO periods (regime_id, key, label, start_date, end_date, template_version_id)
	 SELECT g.id, to_char(m, 'YYYY-"M"MM'), 'Tháng ' || extract(month FROM m) || '/' || extract(year FROM m),
	        (m - interval '1 month' + interval '14 days')::date, (m + interval '13 days')::date, v.id
	 FROM regimes g JOIN template_versions v ON v.regime_id = g.id,
	      generate_series('2022-01-01'::date, '2026-12-01', interval '1 month') m
	 WHERE g.name = '` + RegimeName + `'`,
	`INSERT INTO assignments (regime_id, unit_id, receiver_unit_id, level, valid_from, confirmed_at)
	 SELECT g.id, u.id, g.receiving_unit_id, 1, '2020-01-01', now()
	 FROM regimes g, units u WHERE g.name = '` + RegimeName + `' AND u.key LIKE 'bench-xa-%'`,
	`INSERT INTO reports (period_id, unit_id, receiver_unit_id, assignment_id, level, deadline, status, sent_at, late)
	 SELECT p.id, a.unit_id, a.receiver_unit_id, a.id, 1, p.end_date + 3,
	        CASE WHEN k < 70 THEN 'accepted' WHEN k < 80 THEN 'sent' WHEN k < 85 THEN 'returned' ELSE 'draft' END,
	        CASE WHEN k < 85 THEN p.end_date + 1 + k % 5 END, k < 85 AND k % 5 = 4
	 FROM periods p
	 JOIN regimes g ON g.id = p.regime_id AND g.name = '` + RegimeName + `'
	 JOIN assignments a ON a.regime_id = p.regime_id
	 CROSS JOIN LATERAL (SELECT ((p.id * 37 + a.unit_id * 11) % 100)::int AS k) x
	 WHERE k < 95`,
	`INSERT INTO report_values (report_id, form_key, row_key, col_code, num)
	 SELECT r.id, 'b1', 'r' || row, col::text, (r.unit_id % 97) * 10 + row * col
	 FROM reports r
	 JOIN units u ON u.id = r.unit_id AND u.key LIKE 'bench-xa-%',
	      generate_series(1, 2) row, generate_series(1, 8) col
	 WHERE r.status <> 'draft'`,
	`INSERT INTO accounts (username, full_name, unit_id, tier, password_hash)
	 SELECT 'bench' || u.id, 'Cán bộ ' || u.name, u.id, 'user', 'x' FROM units u WHERE u.key LIKE 'bench-xa-%'`,
	`INSERT INTO audit_log (at, actor_id, action)
	 SELECT d + (i % 600) * interval '1 minute' + interval '1 hour', a.id, 'signin.success'
	 FROM generate_series('2026-01-01'::timestamptz, '2026-12-31', interval '1 day') d,
	      generate_series(1, 200) i
	 JOIN (SELECT id, row_number() OVER (ORDER BY id) % 1000 AS n FROM accounts WHERE username LIKE 'bench%') a ON a.n = i`,
	`INSERT INTO report_events (report_id, at, action, from_status, to_status, version)
	 SELECT r.id, r.sent_at, 'send', 'signed', 'sent', 1
	 FROM reports r JOIN units u ON u.id = r.unit_id AND u.key LIKE 'bench-xa-%'
	 WHERE r.sent_at IS NOT NULL`,
	`VACUUM ANALYZE`, // as autovacuum would have by then: statistics, and the visibility map for index-only scans
}

// RegimeName names the generated regime.
const RegimeName = "Báo cáo thử tháng"

// Form is the regime's form: rows r1, r2 of 8 number columns (1)…(8).
func Form() forms.Form {
	f := forms.Form{Key: "b1", Title: "Biểu thử", Rows: []forms.Row{
		{Key: "r1", STT: "1", Label: "Chỉ tiêu thứ nhất", Kind: forms.Indicator},
		{Key: "r2", STT: "2", Label: "Chỉ tiêu thứ hai", Kind: forms.Indicator},
	}}
	for c := 1; c <= 8; c++ {
		code := strconv.Itoa(c)
		f.Columns = append(f.Columns, forms.Column{Code: code, Label: "Cột " + code, Type: forms.Number, Aggregation: forms.Sum})
	}
	return f
}

// Province adds the generated province to a migrated test database (the
// reference units may be there or not) and returns its regime and
// receiving office. It takes some 20 seconds on two cores.
func Province(ctx context.Context, db database.Querier) (regime, office int64, err error) {
	for _, sql := range provinceSQL {
		var args []any
		if len(sql) > 30 && sql[:30] == "INSERT INTO template_versions " {
			args = []any{forms.Template{Forms: []forms.Form{Form()}}}
		}
		if args == nil && sql != "VACUUM ANALYZE" {
			// A loaded machine takes longer than the server's statement
			// timeout over the consolidation's triggers.
			sql = "SET statement_timeout = 0; " + sql
		}
		if _, err := db.Exec(ctx, sql, args...); err != nil {
			return 0, 0, fmt.Errorf("%s: %w", sql, err)
		}
	}
	err = db.QueryRow(ctx, `SELECT id, receiving_unit_id FROM regimes WHERE name = $1`, RegimeName).Scan(&regime, &office)
	return regime, office, err
}
