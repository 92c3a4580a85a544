// Package audit keeps the append-only log of who did what, from where
// (SPEC §7). Each event is written in the same transaction as the change
// it records and mirrored to the JSON log for the SIEM.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/database"
	"baocao/internal/vn"
)

// Actor is who acts, and from where. The web layer puts it in the context.
type Actor struct {
	AccountID int64 // 0 when not signed in
	Name      string
	UnitID    int64
	IP        string
	UserAgent string
}

type actorKey struct{}

// WithActor returns a context that records events as done by a.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the actor in ctx (the zero Actor for the system itself).
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// Event is one thing that happened.
type Event struct {
	Action     string // e.g. "account.lock"
	ObjectType string // "account", "unit"
	ObjectID   int64
	UnitID     int64          // the unit the object belongs to: unit admins see their subtree's events
	Detail     map[string]any // what changed
}

// Record appends e, done by the actor in ctx, using q (a transaction when
// the event belongs to a change).
func Record(ctx context.Context, q database.Querier, e Event) error {
	a := ActorFrom(ctx)
	detail, err := json.Marshal(e.Detail)
	if err != nil {
		return fmt.Errorf("audit detail: %w", err)
	}
	if e.Detail == nil {
		detail = []byte("{}")
	}
	_, err = q.Exec(ctx, `
		INSERT INTO audit_log (actor_id, actor_name, actor_unit_id, action, object_type, object_id, unit_id, ip, user_agent, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		nullID(a.AccountID), vn.Truncate(a.Name, 64), nullID(a.UnitID), e.Action, e.ObjectType, nullID(e.ObjectID),
		nullID(e.UnitID), vn.Truncate(a.IP, 64), vn.Truncate(a.UserAgent, 400), detail)
	if err != nil {
		return fmt.Errorf("record audit event %s: %w", e.Action, err)
	}
	slog.InfoContext(ctx, "audit", "action", e.Action, "actor_id", a.AccountID, "actor", a.Name,
		"object_type", e.ObjectType, "object_id", e.ObjectID, "unit_id", e.UnitID, "ip", a.IP,
		"detail", json.RawMessage(detail))
	return nil
}

// Entry is a stored event, for the audit viewer.
type Entry struct {
	ID         int64
	At         time.Time
	ActorID    int64
	ActorName  string
	ActorUnit  string
	Action     string
	ObjectType string
	ObjectID   int64
	ObjectName string // the account's username, for account events
	Unit       string
	IP         string
	UserAgent  string
	Detail     map[string]any
}

// Filter selects entries. WithinUnit limits them to a unit's subtree
// (events on objects of it, or done by its accounts), as does Unit, the
// one a viewer picks inside it.
type Filter struct {
	WithinUnit int64
	Unit       int64
	Actor      string // username contains
	Action     string // prefix, e.g. "account."
	From, To   time.Time
	// Keyset paging, newest first: the entries older than Before, or the
	// page just newer than After; neither: the newest page. A page costs the
	// same however long the log is (no count, no offset).
	Before, After int64
	PerPage       int
}

// Page is one page of entries, newest first, with the cursors of its
// neighbours: Older for Filter.Before, Newer for Filter.After (0: none).
type Page struct {
	Entries      []Entry
	Older, Newer int64
}

// where is the filter as SQL conditions over audit_log l.
func (f Filter) where() (string, []any) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	for _, unit := range []int64{f.WithinUnit, f.Unit} {
		if unit != 0 {
			add(`(l.unit_id IN (SELECT unit_id FROM subtree($%[1]d)) OR l.actor_unit_id IN (SELECT unit_id FROM subtree($%[1]d)))`, unit)
		}
	}
	if f.Actor != "" {
		add(`l.actor_name ILIKE '%%' || $%d || '%%'`, f.Actor)
	}
	if f.Action != "" {
		add(`l.action LIKE $%d || '%%'`, f.Action)
	}
	if !f.From.IsZero() {
		add(`l.at >= $%d`, f.From)
	}
	if !f.To.IsZero() {
		add(`l.at < $%d`, f.To)
	}
	if len(where) == 0 {
		return "TRUE", args
	}
	return strings.Join(where, " AND "), args
}

const selectEntry = `
	SELECT l.id, l.at, coalesce(l.actor_id, 0), l.actor_name, coalesce(au.name, ''), l.action, l.object_type,
	       coalesce(l.object_id, 0), coalesce(oa.username, ''), coalesce(u.name, ''), l.ip, l.user_agent, l.detail
	FROM audit_log l
	LEFT JOIN units au ON au.id = l.actor_unit_id
	LEFT JOIN units u ON u.id = l.unit_id
	LEFT JOIN accounts oa ON l.object_type = 'account' AND oa.id = l.object_id`

func scanEntry(row pgx.CollectableRow) (Entry, error) {
	var e Entry
	err := row.Scan(&e.ID, &e.At, &e.ActorID, &e.ActorName, &e.ActorUnit, &e.Action, &e.ObjectType,
		&e.ObjectID, &e.ObjectName, &e.Unit, &e.IP, &e.UserAgent, &e.Detail)
	return e, err
}

// Entries returns one page of entries, newest first: a range read of the
// log's primary key from the cursor, one entry more than the page to know
// whether the page has a neighbour beyond it.
func Entries(ctx context.Context, q database.Querier, f Filter) (Page, error) {
	if f.PerPage <= 0 {
		f.PerPage = 50
	}
	cond, args := f.where()
	order := "DESC"
	switch {
	case f.After > 0:
		args = append(args, f.After)
		cond += fmt.Sprintf(" AND l.id > $%d", len(args))
		order = "ASC"
	case f.Before > 0:
		args = append(args, f.Before)
		cond += fmt.Sprintf(" AND l.id < $%d", len(args))
	}
	args = append(args, f.PerPage+1)
	rows, _ := q.Query(ctx, fmt.Sprintf(selectEntry+` WHERE %s ORDER BY l.id %s LIMIT $%d`, cond, order, len(args)), args...)
	entries, err := pgx.CollectRows(rows, scanEntry)
	if err != nil {
		return Page{}, err
	}
	more := len(entries) > f.PerPage
	if more {
		entries = entries[:f.PerPage]
	}
	if f.After > 0 {
		slices.Reverse(entries)
	}
	p := Page{Entries: entries}
	if len(entries) == 0 {
		return p, nil
	}
	first, last := entries[0].ID, entries[len(entries)-1].ID
	switch {
	case f.After > 0: // came from the older page
		p.Older = last
		if more {
			p.Newer = first
		}
	case f.Before > 0: // came from the newer page
		p.Newer = first
		if more {
			p.Older = last
		}
	case more:
		p.Older = last
	}
	return p, nil
}

// MaxExport is the most entries one export holds.
const MaxExport = 200_000

// Each calls fn with every entry matching f (paging ignored), newest
// first, at most MaxExport, without holding them all in memory.
func Each(ctx context.Context, q database.Querier, f Filter, fn func(Entry) error) error {
	cond, args := f.where()
	args = append(args, MaxExport)
	rows, err := q.Query(ctx, fmt.Sprintf(selectEntry+` WHERE %s ORDER BY l.id DESC LIMIT $%d`, cond, len(args)), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			return err
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Purge deletes the entries older than before (the retention period) and
// records that it did; it is the only way anything leaves the log.
func Purge(ctx context.Context, db *database.DB, before time.Time) (int, error) {
	var n int
	err := db.Tx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `SELECT audit_log_purge($1)`, before).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return nil
		}
		return Record(ctx, tx, Event{Action: "audit.purge", Detail: map[string]any{"before": before.Format(time.RFC3339), "deleted": n}})
	})
	return n, err
}

func nullID(id int64) *int64 {
	if id == 0 {
		return nil
	}
	return &id
}
