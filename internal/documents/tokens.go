package documents

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"

	"github.com/jackc/pgx/v5"

	"baocao/internal/accounts"
	"baocao/internal/apperr"
	"baocao/internal/reports"
)

// Token is a redeemed VGCA plugin token: it names the document it was
// issued for and the official it was issued to, not a session.
type Token struct {
	ReportID  int64
	Version   int
	AccountID int64
	Stage     Stage
	IssuedSHA []byte
}

// Tokens issues the pair the VGCA plugin needs to sign the report at
// stage as a: one to fetch the document, one to upload it signed. Each
// works once and for TokenTTL.
func (s *Store) Tokens(ctx context.Context, r *reports.Report, a *accounts.Account, stage Stage) (download, upload string, err error) {
	d, err := s.Prepare(ctx, r, a, stage)
	if err != nil {
		return "", "", err
	}
	sum := sha256.Sum256(d.PDF)
	expires := s.Now().Add(s.TokenTTL)
	raw := [2]string{}
	for i, purpose := range []string{"download", "upload"} {
		b := make([]byte, 32)
		if _, err := rand.Read(b); err != nil {
			return "", "", err
		}
		raw[i] = base64.RawURLEncoding.EncodeToString(b)
		h := sha256.Sum256([]byte(raw[i]))
		if _, err := s.db.Exec(ctx, `
			INSERT INTO sign_tokens (token_hash, purpose, stage, report_id, version, account_id, issued_sha, expires_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, h[:], purpose, string(stage), r.ID, r.Version, a.ID, sum[:], expires); err != nil {
			return "", "", err
		}
	}
	// Expired tokens are of no use to anyone.
	if _, err := s.db.Exec(ctx, `DELETE FROM sign_tokens WHERE expires_at < $1`, s.Now().Add(-s.TokenTTL)); err != nil {
		return "", "", err
	}
	return raw[0], raw[1], nil
}

var errToken = apperr.New(apperr.Forbidden, "Mã ký số không hợp lệ, đã được dùng hoặc đã hết hạn. Hãy bấm ký lại.")

// Redeem uses up a token of purpose ("download" or "upload"); a token
// works once, whatever comes of it.
func (s *Store) Redeem(ctx context.Context, raw, purpose string) (*Token, error) {
	h := sha256.Sum256([]byte(raw))
	var t Token
	var stage string
	err := s.db.QueryRow(ctx, `
		UPDATE sign_tokens SET used_at = now()
		WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
		RETURNING report_id, version, account_id, stage, issued_sha`, h[:], purpose, s.Now()).
		Scan(&t.ReportID, &t.Version, &t.AccountID, &stage, &t.IssuedSHA)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, errToken
	}
	t.Stage = Stage(stage)
	return &t, err
}

// TokenDocument returns the bytes a download token was issued for, while
// they are still the document's.
func (s *Store) TokenDocument(ctx context.Context, r *reports.Report, t *Token) ([]byte, error) {
	d, err := s.Current(ctx, r)
	if err != nil && !errors.Is(err, ErrNoDocument) {
		return nil, err
	}
	sum := sha256.Sum256(d.pdfOrNil())
	if d == nil || r.Version != t.Version || string(sum[:]) != string(t.IssuedSHA) {
		return nil, apperr.New(apperr.Conflict, "Văn bản đã thay đổi kể từ khi được cấp để ký. Hãy bấm ký lại.")
	}
	return d.PDF, nil
}
