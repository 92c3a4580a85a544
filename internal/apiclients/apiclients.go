// Package apiclients keeps the clients of the JSON API: who they are, which
// unit subtrees they reach, whether they may write, and their bearer
// tokens (shown once, stored as SHA-256).
package apiclients

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/units"
	"baocao/internal/vn"
)

// Access is what a client may do.
type Access string

const (
	Read      Access = "read"
	ReadWrite Access = "read_write"
)

// AccessName is the access in Vietnamese.
func AccessName(a Access) string {
	if a == ReadWrite {
		return "Đọc và ghi bản nháp"
	}
	return "Chỉ đọc"
}

// Client is an API client.
type Client struct {
	ID         int64
	Name       string
	UnitIDs    []int64
	Units      []string // names of UnitIDs
	Access     Access
	Prefix     string
	CreatedAt  time.Time
	LastUsedAt time.Time
	RevokedAt  time.Time
}

// Store keeps the clients.
type Store struct {
	db    *database.DB
	units *units.Store
	Now   func() time.Time
}

// NewStore returns a Store.
func NewStore(db *database.DB, us *units.Store) *Store {
	return &Store{db: db, units: us, Now: time.Now}
}

// tokenPrefix starts every token, so a leaked one is recognisable.
const tokenPrefix = "bcapi_"

// Create makes a client and returns it with its token, which is never
// shown again.
func (s *Store) Create(ctx context.Context, name string, unitIDs []int64, access Access) (*Client, string, error) {
	name = vn.Clean(name)
	fields := map[string]string{}
	if name == "" || len([]rune(name)) > 200 {
		fields["name"] = "Nhập tên phần mềm hoặc hệ thống sử dụng API (tối đa 200 ký tự)."
	}
	if len(unitIDs) == 0 {
		fields["units"] = "Chọn ít nhất một đơn vị mà phần mềm được truy cập."
	}
	if access != Read && access != ReadWrite {
		fields["access"] = "Chọn quyền truy cập."
	}
	for _, id := range unitIDs {
		if _, err := s.units.Unit(ctx, id); err != nil {
			fields["units"] = "Đơn vị được chọn không tồn tại."
		}
	}
	if len(fields) > 0 {
		return nil, "", apperr.InvalidFields(fields)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, "", err
	}
	token := tokenPrefix + base64.RawURLEncoding.EncodeToString(raw)
	h := sha256.Sum256([]byte(token))
	c := &Client{Name: name, UnitIDs: unitIDs, Access: access, Prefix: token[:len(tokenPrefix)+6]}
	err := s.db.Tx(ctx, func(tx pgx.Tx) error {
		if err := tx.QueryRow(ctx, `
			INSERT INTO api_clients (name, unit_ids, access, token_hash, token_prefix, created_by)
			VALUES ($1, $2, $3, $4, $5, nullif($6, 0)) RETURNING id, created_at`,
			name, unitIDs, string(access), h[:], c.Prefix, audit.ActorFrom(ctx).AccountID).Scan(&c.ID, &c.CreatedAt); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "api_client.create", ObjectType: "api_client", ObjectID: c.ID,
			Detail: map[string]any{"name": name, "units": unitIDs, "access": string(access)}})
	})
	if err != nil {
		return nil, "", err
	}
	return c, token, nil
}

// Revoke ends a client's access at once.
func (s *Store) Revoke(ctx context.Context, id int64) error {
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE api_clients SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.NotFound, "Không tìm thấy phần mềm kết nối đang hoạt động.")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "api_client.revoke", ObjectType: "api_client", ObjectID: id})
	})
}

const selectClient = `
	SELECT c.id, c.name, c.unit_ids, c.access, c.token_prefix, c.created_at, c.last_used_at, c.revoked_at,
	       array(SELECT u.name FROM unnest(c.unit_ids) WITH ORDINALITY AS x(id, n) JOIN units u ON u.id = x.id ORDER BY x.n)
	FROM api_clients c`

func scan(row pgx.CollectableRow) (Client, error) {
	var c Client
	var access string
	var used, revoked *time.Time
	err := row.Scan(&c.ID, &c.Name, &c.UnitIDs, &access, &c.Prefix, &c.CreatedAt, &used, &revoked, &c.Units)
	c.Access = Access(access)
	if used != nil {
		c.LastUsedAt = *used
	}
	if revoked != nil {
		c.RevokedAt = *revoked
	}
	return c, err
}

// List returns every client, the active ones first.
func (s *Store) List(ctx context.Context) ([]Client, error) {
	rows, err := s.db.Query(ctx, selectClient+` ORDER BY c.revoked_at IS NOT NULL, c.name, c.id`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, scan)
}

var errToken = apperr.New(apperr.Unauthorized, "Thiếu hoặc sai mã truy cập (Authorization: Bearer …), hoặc mã đã bị thu hồi.")

// Authenticate returns the active client whose token this is.
func (s *Store) Authenticate(ctx context.Context, token string) (*Client, error) {
	if !strings.HasPrefix(token, tokenPrefix) || len(token) > 100 {
		return nil, errToken
	}
	h := sha256.Sum256([]byte(token))
	rows, err := s.db.Query(ctx, selectClient+` WHERE c.token_hash = $1 AND c.revoked_at IS NULL`, h[:])
	if err != nil {
		return nil, err
	}
	c, err := pgx.CollectExactlyOneRow(rows, scan)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errToken
	}
	if err != nil {
		return nil, err
	}
	// Coarse: at most one write a minute per client.
	if _, err := s.db.Exec(ctx, `UPDATE api_clients SET last_used_at = now()
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`, c.ID); err != nil {
		return nil, err
	}
	return &c, nil
}

// Reaches reports whether the client may see unit: it lies in one of the
// client's subtrees.
func (s *Store) Reaches(ctx context.Context, c *Client, unit int64) (bool, error) {
	for _, root := range c.UnitIDs {
		ok, err := s.units.IsWithin(ctx, root, unit)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// ReachesDuring reports whether the client may read unit's reports of a
// period [from, to]: the unit lay in one of the client's subtrees as they
// stood then, or is an old unit whose territory they hold now
// (units.Store.WithinDuring, issue 17). Writing keeps Reaches: it acts on
// today's tree.
func (s *Store) ReachesDuring(ctx context.Context, c *Client, unit int64, from, to time.Time) (bool, error) {
	for _, root := range c.UnitIDs {
		ok, err := s.units.WithinDuring(ctx, root, unit, from, to)
		if err != nil || ok {
			return ok, err
		}
	}
	return false, nil
}

// ScopeDuring lists the units a client reads for a period [from, to]: the
// union of its subtrees as they stood then with their old units.
func (s *Store) ScopeDuring(ctx context.Context, c *Client, from, to time.Time) ([]int64, error) {
	seen := map[int64]bool{}
	var out []int64
	for _, root := range c.UnitIDs {
		ids, err := s.units.SubtreeDuring(ctx, root, from, to)
		if err != nil {
			return nil, err
		}
		for _, id := range ids {
			if !seen[id] {
				seen[id] = true
				out = append(out, id)
			}
		}
	}
	return out, nil
}
