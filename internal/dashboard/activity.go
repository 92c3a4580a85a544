package dashboard

import (
	"context"
	"time"

	"baocao/internal/database"
	"baocao/internal/vn"
)

// Day is the system's activity on one day (in Vietnam's time zone).
type Day struct {
	Day      time.Time
	SignIns  int // successful sign-ins, from the audit log
	Accounts int // distinct accounts that signed in
	Sent     int // reports sent (each sending of a report counts)
}

// Activity is the system's use over a range of days, for the system admin.
type Activity struct {
	Days    []Day
	SignIns int
	Sent    int
	// Active is the number of accounts that signed in during the range;
	// Open the accounts not disabled now.
	Active, Open int
}

// SystemActivity counts the activity of every day from first to last
// (dates, inclusive).
func SystemActivity(ctx context.Context, q database.Querier, first, last time.Time) (*Activity, error) {
	rows, _ := q.Query(ctx, `
		WITH d AS (SELECT generate_series($1::date, $2::date, interval '1 day')::date AS day),
		s AS (
			SELECT (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, count(*) AS n, count(DISTINCT actor_id) AS a
			FROM audit_log
			WHERE action = 'signin.success'
			  AND at >= $1::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
			  AND at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
			GROUP BY 1
		), e AS (
			SELECT (at AT TIME ZONE 'Asia/Ho_Chi_Minh')::date AS day, count(*) AS n
			FROM report_events
			WHERE to_status = 'sent'
			  AND at >= $1::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
			  AND at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
			GROUP BY 1
		)
		SELECT d.day, coalesce(s.n, 0), coalesce(s.a, 0), coalesce(e.n, 0)
		FROM d LEFT JOIN s USING (day) LEFT JOIN e USING (day)
		ORDER BY d.day`, first.Format(time.DateOnly), last.Format(time.DateOnly))
	a := &Activity{}
	for rows.Next() {
		var d Day
		if err := rows.Scan(&d.Day, &d.SignIns, &d.Accounts, &d.Sent); err != nil {
			rows.Close()
			return nil, err
		}
		d.Day = vn.Day(d.Day)
		a.SignIns += d.SignIns
		a.Sent += d.Sent
		a.Days = append(a.Days, d)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	err := q.QueryRow(ctx, `
		SELECT (SELECT count(DISTINCT actor_id) FROM audit_log
		        WHERE action = 'signin.success'
		          AND at >= $1::date::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'
		          AND at < ($2::date + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'),
		       (SELECT count(*) FROM accounts WHERE disabled_at IS NULL)`,
		first.Format(time.DateOnly), last.Format(time.DateOnly)).Scan(&a.Active, &a.Open)
	return a, err
}
