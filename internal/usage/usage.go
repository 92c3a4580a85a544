// Package usage measures how the system is used (QĐ 2838/QĐ-UBND Điều
// 12.1 and 13.1): per unit and period, its accounts, sign-ins and the fate
// of the reports it had to send.
package usage

import (
	"baocao/internal/decimal"

	"context"
	"math"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/accounts"
	"baocao/internal/database"
)

// Figures are one unit's (or one subtree's) usage over a window.
type Figures struct {
	UnitID   int64
	Unit     string
	Accounts int // accounts that exist (not disabled by an admin before the window)
	Active   int // neither disabled nor locked now
	Locked   int // locked now
	Unused   int // not used for 45 days or more (disabled for it, or idle)
	SignIns  int
	Due      int // reports whose deadline falls in the window
	OnTime   int
	Late     int
	Missing  int // due, deadline passed, not sent
	Returned int // returns by the receiver during the window
	// AvgDelayDays is the mean lateness of the late reports, in days.
	AvgDelayDays float64
}

// OnTimeRate is the share of due reports sent on time, in percent.
func (f Figures) OnTimeRate() float64 {
	if f.Due == 0 {
		return 0
	}
	return math.Round(float64(f.OnTime)*1000/float64(f.Due)) / 10
}

// Metrics are what a usage report's rows can be filled with (forms.Row.Metric).
var Metrics = map[string]func(Figures) decimal.Decimal{
	"accounts":         func(f Figures) decimal.Decimal { return count(f.Accounts) },
	"accounts_active":  func(f Figures) decimal.Decimal { return count(f.Active) },
	"accounts_locked":  func(f Figures) decimal.Decimal { return count(f.Locked) },
	"accounts_unused":  func(f Figures) decimal.Decimal { return count(f.Unused) },
	"sign_ins":         func(f Figures) decimal.Decimal { return count(f.SignIns) },
	"reports_due":      func(f Figures) decimal.Decimal { return count(f.Due) },
	"reports_on_time":  func(f Figures) decimal.Decimal { return count(f.OnTime) },
	"reports_late":     func(f Figures) decimal.Decimal { return count(f.Late) },
	"reports_missing":  func(f Figures) decimal.Decimal { return count(f.Missing) },
	"reports_returned": func(f Figures) decimal.Decimal { return count(f.Returned) },
	// The mean delay is kept to a tenth of a day, as the usage page shows it.
	"avg_delay_days": func(f Figures) decimal.Decimal { return decimal.New(int64(math.Round(f.AvgDelayDays*10)), -1) },
}

func count(n int) decimal.Decimal { return decimal.FromInt(int64(n)) }

// query computes Figures for each unit in $1 (ids), counting the subtree
// of each when $4; the window is [$2, $3), "now" is $5 and $6 the reason
// an account is disabled for inactivity. The subtree is the one of the
// window's days with the old units its units hold now (subtree_during,
// issue 17), and a draft left by a unit that no longer owes its period
// (closed into successors, unit_owes_report) is not due.
const query = `
WITH roots AS (
	SELECT unnest($1::bigint[]) AS root
), tree AS (
	SELECT root, root AS unit_id FROM roots
	UNION
	SELECT r.root, s.unit_id FROM roots r
	CROSS JOIN LATERAL subtree_during(r.root, ($2 AT TIME ZONE 'Asia/Ho_Chi_Minh')::date, ($3 AT TIME ZONE 'Asia/Ho_Chi_Minh')::date - 1) s
	WHERE $4
), acc AS (
	SELECT t.root,
	       count(*) AS accounts,
	       count(*) FILTER (WHERE a.disabled_at IS NULL AND (a.locked_until IS NULL OR a.locked_until <= $5)) AS active,
	       count(*) FILTER (WHERE a.disabled_at IS NULL AND a.locked_until > $5) AS locked,
	       count(*) FILTER (WHERE a.disabled_reason = $6 OR (a.disabled_at IS NULL AND a.last_active_at < $5 - interval '45 days')) AS unused
	FROM tree t JOIN accounts a ON a.unit_id = t.unit_id
	-- the accounts that existed in the window: made before its end, not disabled before its start
	WHERE a.created_at < $3 AND (a.disabled_at IS NULL OR a.disabled_at >= $2)
	GROUP BY t.root
), sig AS (
	SELECT t.root, count(*) AS sign_ins
	FROM tree t JOIN audit_log l ON l.unit_id = t.unit_id AND l.action = 'signin.success' AND l.at >= $2 AND l.at < $3
	GROUP BY t.root
), rep AS (
	SELECT t.root,
	       count(*) AS due,
	       count(*) FILTER (WHERE r.sent_at IS NOT NULL AND NOT r.late) AS on_time,
	       count(*) FILTER (WHERE r.sent_at IS NOT NULL AND r.late) AS late,
	       count(*) FILTER (WHERE r.sent_at IS NULL AND r.deadline < ($5 AT TIME ZONE 'Asia/Ho_Chi_Minh')::date) AS missing,
	       coalesce(avg(extract(epoch FROM r.sent_at - ((r.deadline + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh')) / 86400)
	                FILTER (WHERE r.late), 0) AS delay
	FROM tree t JOIN reports r ON r.unit_id = t.unit_id
	JOIN units ru ON ru.id = r.unit_id JOIN periods pe ON pe.id = r.period_id
	WHERE r.deadline >= ($2 AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AND r.deadline < ($3 AT TIME ZONE 'Asia/Ho_Chi_Minh')::date
	  -- due: the deadline has passed, or it was sent already
	  AND (r.deadline < ($5 AT TIME ZONE 'Asia/Ho_Chi_Minh')::date OR r.sent_at IS NOT NULL)
	  AND (r.sent_at IS NOT NULL OR unit_owes_report(ru.id, ru.valid_to, pe.start_date, pe.end_date))
	GROUP BY t.root
), ret AS (
	SELECT t.root, count(*) AS returned
	FROM tree t JOIN reports r ON r.unit_id = t.unit_id
	JOIN report_events e ON e.report_id = r.id AND e.action = 'return' AND e.at >= $2 AND e.at < $3
	GROUP BY t.root
)
SELECT u.id, u.name, coalesce(acc.accounts, 0), coalesce(acc.active, 0), coalesce(acc.locked, 0), coalesce(acc.unused, 0),
       coalesce(sig.sign_ins, 0), coalesce(rep.due, 0), coalesce(rep.on_time, 0), coalesce(rep.late, 0), coalesce(rep.missing, 0),
       coalesce(ret.returned, 0), coalesce(rep.delay, 0)::float8
FROM roots JOIN units u ON u.id = roots.root
LEFT JOIN acc ON acc.root = u.id LEFT JOIN sig ON sig.root = u.id LEFT JOIN rep ON rep.root = u.id LEFT JOIN ret ON ret.root = u.id`

func compute(ctx context.Context, q database.Querier, ids []int64, subtree bool, from, to, now time.Time) ([]Figures, error) {
	rows, _ := q.Query(ctx, query, ids, from, to, subtree, now, accounts.InactiveReason)
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Figures, error) {
		var f Figures
		err := row.Scan(&f.UnitID, &f.Unit, &f.Accounts, &f.Active, &f.Locked, &f.Unused, &f.SignIns, &f.Due, &f.OnTime, &f.Late,
			&f.Missing, &f.Returned, &f.AvgDelayDays)
		f.AvgDelayDays = math.Round(f.AvgDelayDays*10) / 10
		return f, err
	})
}

// Of returns the usage of unitID (with its subtree when subtree) in [from, to).
func Of(ctx context.Context, q database.Querier, unitID int64, subtree bool, from, to, now time.Time) (Figures, error) {
	list, err := compute(ctx, q, []int64{unitID}, subtree, from, to, now)
	if err != nil || len(list) == 0 {
		return Figures{}, err
	}
	return list[0], nil
}

// Ranking returns the own usage in [from, to) of every unit open in it
// (within a subtree as it stood then with its old units, or all when
// within is 0), best on-time rate first (units with nothing due last).
func Ranking(ctx context.Context, q database.Querier, within int64, from, to, now time.Time) ([]Figures, error) {
	rows, _ := q.Query(ctx, `
		WITH w AS (SELECT ($1::timestamptz AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS a, ($3::timestamptz AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS b)
		SELECT id FROM units, w WHERE (valid_to IS NULL OR valid_to >= w.a) AND valid_from < w.b
		AND ($2 = 0 OR id IN (SELECT unit_id FROM subtree_during($2, w.a, w.b - 1))) ORDER BY id`, from, within, to)
	ids, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		return nil, err
	}
	list, err := compute(ctx, q, ids, false, from, to, now)
	if err != nil {
		return nil, err
	}
	rank(list)
	return list, nil
}

// Total adds up units' figures (the mean delay weighted by late reports).
func Total(list []Figures) Figures {
	var t Figures
	delay := 0.0
	for _, f := range list {
		t.Accounts += f.Accounts
		t.Active += f.Active
		t.Locked += f.Locked
		t.Unused += f.Unused
		t.SignIns += f.SignIns
		t.Due += f.Due
		t.OnTime += f.OnTime
		t.Late += f.Late
		t.Missing += f.Missing
		t.Returned += f.Returned
		delay += f.AvgDelayDays * float64(f.Late)
	}
	if t.Late > 0 {
		t.AvgDelayDays = math.Round(delay/float64(t.Late)*10) / 10
	}
	return t
}

// rank orders by on-time rate, then fewer missing, then name.
func rank(list []Figures) {
	less := func(a, b Figures) bool {
		if (a.Due == 0) != (b.Due == 0) {
			return a.Due != 0
		}
		if a.OnTimeRate() != b.OnTimeRate() {
			return a.OnTimeRate() > b.OnTimeRate()
		}
		if a.Missing != b.Missing {
			return a.Missing < b.Missing
		}
		return a.Unit < b.Unit
	}
	for i := 1; i < len(list); i++ {
		for j := i; j > 0 && less(list[j], list[j-1]); j-- {
			list[j], list[j-1] = list[j-1], list[j]
		}
	}
}
