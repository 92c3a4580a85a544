package documents

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"software.sslmate.com/src/go-pkcs12"

	"baocao/internal/apperr"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/vn"
)

// Owner is whose certificate it is: a person (AccountID) or an
// organisation's seal (UnitID). Exactly one is set.
type Owner struct {
	AccountID int64
	UnitID    int64
}

func (o Owner) args() (any, any) {
	if o.AccountID != 0 {
		return o.AccountID, nil
	}
	return nil, o.UnitID
}

// Certificate is a registered signing certificate.
type Certificate struct {
	ID           int64
	Subject      string
	Organization string
	Issuer       string
	Serial       string
	NotBefore    time.Time
	NotAfter     time.Time
	HasKey       bool // the system can sign with it
	AddedAt      time.Time
	Cert         *x509.Certificate
	Chain        []*x509.Certificate
}

// Expired reports whether the certificate is outside its validity at t.
func (c *Certificate) Expired(t time.Time) bool { return t.Before(c.NotBefore) || t.After(c.NotAfter) }

// Validity is "dd/mm/yyyy – dd/mm/yyyy".
func (c *Certificate) Validity() string { return vn.Date(c.NotBefore) + " – " + vn.Date(c.NotAfter) }

// maxCertFile bounds an uploaded certificate or PKCS#12 file.
const maxCertFile = 64 << 10

var errBadP12 = apperr.InvalidFields(map[string]string{"p12": "Tệp không phải PKCS#12 (.p12/.pfx) hợp lệ hoặc mật khẩu không đúng."})

// ImportPKCS12 registers the certificate and private key in a PKCS#12
// file for owner, replacing the one it had; the key is sealed at rest.
func (s *Store) ImportPKCS12(ctx context.Context, o Owner, data []byte, password string) error {
	if len(data) == 0 || len(data) > maxCertFile {
		return apperr.InvalidFields(map[string]string{"p12": "Chọn tệp PKCS#12 (.p12/.pfx) không quá 64 KB."})
	}
	key, cert, chain, err := pkcs12.DecodeChain(data, password)
	if err != nil {
		return errBadP12
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return errBadP12
	}
	der, err := x509.MarshalPKCS8PrivateKey(signer)
	if err != nil {
		return errBadP12
	}
	return s.register(ctx, o, "p12", cert, chain, s.box.Seal(der))
}

// RegisterCertificate registers a certificate without its key (PEM or
// DER): an official who signs with a token is matched against it.
func (s *Store) RegisterCertificate(ctx context.Context, o Owner, data []byte) error {
	certs, err := parseCerts(data)
	if err != nil || len(certs) == 0 {
		return apperr.InvalidFields(map[string]string{"cert": "Tệp không phải chứng thư số (.cer/.crt/.pem) hợp lệ."})
	}
	return s.register(ctx, o, "cert", certs[0], certs[1:], nil)
}

// register binds cert to o (field names the form field for messages): it
// must be valid now, meant for signing, issued under a trust anchor, and
// nobody else's.
func (s *Store) register(ctx context.Context, o Owner, field string, cert *x509.Certificate, chain []*x509.Certificate, sealedKey []byte) error {
	now := s.Now()
	refuse := func(msg string) error { return apperr.InvalidFields(map[string]string{field: msg}) }
	if now.After(cert.NotAfter) {
		return refuse("Chứng thư số đã hết hạn ngày " + vn.Date(cert.NotAfter) + ".")
	}
	if cert.KeyUsage != 0 && cert.KeyUsage&(x509.KeyUsageDigitalSignature|x509.KeyUsageContentCommitment) == 0 {
		return refuse("Chứng thư số không được phép dùng để ký văn bản.")
	}
	roots, inter, _, err := trust(ctx, s.db)
	if err != nil {
		return err
	}
	for _, c := range chain {
		inter.AddCert(c)
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: now,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		return refuse("Chứng thư số không do tổ chức chứng thực tin cậy cấp. Quản trị hệ thống cần thêm chứng thư gốc của tổ chức đã cấp nó.")
	}
	chainDER := make([][]byte, 0, len(chain))
	for _, c := range chain {
		chainDER = append(chainDER, c.Raw)
	}
	org := ""
	if len(cert.Subject.Organization) > 0 {
		org = cert.Subject.Organization[0]
	}
	acct, unit := o.args()
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE signing_certificates SET removed_at = now()
			WHERE removed_at IS NULL AND (owner_account_id = $1 OR owner_unit_id = $2)`, acct, unit); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `
			INSERT INTO signing_certificates (owner_account_id, owner_unit_id, cert_der, chain_der, sealed_key, subject, organization,
			                                  issuer, serial, not_before, not_after, added_by)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, nullif($12, 0))`,
			acct, unit, cert.Raw, chainDER, sealedKey, vn.Clean(cert.Subject.CommonName), vn.Clean(org),
			vn.Clean(cert.Issuer.CommonName), cert.SerialNumber.Text(16), cert.NotBefore, cert.NotAfter,
			audit.ActorFrom(ctx).AccountID); err != nil {
			if pgErr, ok := errors.AsType[*pgconn.PgError](err); ok && pgErr.ConstraintName == "signing_certificates_cert" {
				return refuse("Chứng thư số này đang được đăng ký cho một tài khoản hoặc đơn vị khác.")
			}
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "certificate.registered", ObjectType: ownerType(o), ObjectID: ownerID(o),
			Detail: map[string]any{"subject": cert.Subject.CommonName, "serial": cert.SerialNumber.Text(16), "with_key": sealedKey != nil,
				"not_after": vn.Date(cert.NotAfter)}})
	})
}

func ownerType(o Owner) string {
	if o.AccountID != 0 {
		return "account"
	}
	return "unit"
}

func ownerID(o Owner) int64 { return max(o.AccountID, o.UnitID) }

// RemoveCertificate unregisters owner's certificate.
func (s *Store) RemoveCertificate(ctx context.Context, o Owner) error {
	acct, unit := o.args()
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `UPDATE signing_certificates SET removed_at = now()
			WHERE removed_at IS NULL AND (owner_account_id = $1 OR owner_unit_id = $2)`, acct, unit); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.Event{Action: "certificate.removed", ObjectType: ownerType(o), ObjectID: ownerID(o)})
	})
}

// ErrNoCertificate is CertificateOf's answer when none is registered.
var ErrNoCertificate = apperr.New(apperr.NotFound, "Chưa đăng ký chứng thư số.")

// CertificateOf returns owner's registered certificate (ErrNoCertificate
// when there is none).
func (s *Store) CertificateOf(ctx context.Context, o Owner) (*Certificate, error) {
	c, _, err := s.certificate(ctx, o)
	return c, err
}

// certificate returns the certificate and its sealed key (nil when only
// the certificate is registered).
func (s *Store) certificate(ctx context.Context, o Owner) (*Certificate, []byte, error) {
	acct, unit := o.args()
	var c Certificate
	var der []byte
	var chain [][]byte
	var sealed []byte
	err := s.db.QueryRow(ctx, `
		SELECT id, subject, organization, issuer, serial, not_before, not_after, added_at, cert_der, chain_der, sealed_key
		FROM signing_certificates WHERE removed_at IS NULL AND (owner_account_id = $1 OR owner_unit_id = $2)`, acct, unit).
		Scan(&c.ID, &c.Subject, &c.Organization, &c.Issuer, &c.Serial, &c.NotBefore, &c.NotAfter, &c.AddedAt, &der, &chain, &sealed)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, ErrNoCertificate
	}
	if err != nil {
		return nil, nil, err
	}
	if c.Cert, err = x509.ParseCertificate(der); err != nil {
		return nil, nil, err
	}
	for _, b := range chain {
		x, err := x509.ParseCertificate(b)
		if err != nil {
			return nil, nil, err
		}
		c.Chain = append(c.Chain, x)
	}
	c.HasKey = sealed != nil
	return &c, sealed, nil
}

// Anchor is a trusted root or intermediate certificate.
type Anchor struct {
	ID          int64
	Subject     string
	Fingerprint string
	Root        bool
	NotAfter    time.Time
	AddedAt     time.Time
}

// AddAnchors trusts every certificate in data (PEM, possibly several, or
// one DER): self-signed ones as roots, the others as intermediates.
func (s *Store) AddAnchors(ctx context.Context, data []byte) (int, error) {
	certs, err := parseCerts(data)
	if err != nil || len(certs) == 0 {
		return 0, apperr.InvalidFields(map[string]string{"anchor": "Tệp không chứa chứng thư số (.cer/.crt/.pem) hợp lệ."})
	}
	for _, c := range certs {
		if !c.IsCA {
			return 0, apperr.InvalidFields(map[string]string{"anchor": "Chứng thư “" + c.Subject.CommonName + "” không phải của tổ chức chứng thực (CA)."})
		}
	}
	added := 0
	err = s.db.Tx(ctx, func(tx pgx.Tx) error {
		for _, c := range certs {
			sum := sha256.Sum256(c.Raw)
			root := c.CheckSignatureFrom(c) == nil && c.Subject.String() == c.Issuer.String()
			tag, err := tx.Exec(ctx, `
				INSERT INTO trust_anchors (cert_der, fingerprint, subject, is_root, not_after, added_by)
				VALUES ($1, $2, $3, $4, $5, nullif($6, 0))
				ON CONFLICT (fingerprint) DO UPDATE SET removed_at = NULL, added_at = now()`,
				c.Raw, hex.EncodeToString(sum[:]), vn.Clean(c.Subject.CommonName), root, c.NotAfter, audit.ActorFrom(ctx).AccountID)
			if err != nil {
				return err
			}
			added += int(tag.RowsAffected())
			if err := audit.Record(ctx, tx, audit.Event{Action: "trust_anchor.added", ObjectType: "trust_anchor",
				Detail: map[string]any{"subject": c.Subject.CommonName, "root": root}}); err != nil {
				return err
			}
		}
		return nil
	})
	return added, err
}

// RemoveAnchor stops trusting an anchor.
func (s *Store) RemoveAnchor(ctx context.Context, id int64) error {
	return s.db.Tx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `UPDATE trust_anchors SET removed_at = now() WHERE id = $1 AND removed_at IS NULL`, id)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			return apperr.New(apperr.NotFound, "Không tìm thấy chứng thư tin cậy.")
		}
		return audit.Record(ctx, tx, audit.Event{Action: "trust_anchor.removed", ObjectType: "trust_anchor", ObjectID: id})
	})
}

// Anchors lists the trusted certificates.
func (s *Store) Anchors(ctx context.Context) ([]Anchor, error) {
	rows, err := s.db.Query(ctx, `SELECT id, subject, fingerprint, is_root, not_after, added_at
		FROM trust_anchors WHERE removed_at IS NULL ORDER BY is_root DESC, subject`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, func(row pgx.CollectableRow) (Anchor, error) {
		var a Anchor
		err := row.Scan(&a.ID, &a.Subject, &a.Fingerprint, &a.Root, &a.NotAfter, &a.AddedAt)
		return a, err
	})
}

// trust returns the pools signatures are checked against, and a fingerprint
// of the anchors in them (what the verifications kept are keyed on).
func trust(ctx context.Context, q database.Querier) (roots, intermediates *x509.CertPool, fingerprint [sha256.Size]byte, err error) {
	roots, intermediates = x509.NewCertPool(), x509.NewCertPool()
	rows, err := q.Query(ctx, `SELECT cert_der, is_root FROM trust_anchors WHERE removed_at IS NULL ORDER BY id`)
	if err != nil {
		return nil, nil, fingerprint, err
	}
	defer rows.Close()
	h := sha256.New()
	for rows.Next() {
		var der []byte
		var root bool
		if err := rows.Scan(&der, &root); err != nil {
			return nil, nil, fingerprint, err
		}
		c, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, nil, fingerprint, err
		}
		if root {
			roots.AddCert(c)
			h.Write([]byte{1})
		} else {
			intermediates.AddCert(c)
			h.Write([]byte{0})
		}
		der32 := sha256.Sum256(der)
		h.Write(der32[:])
	}
	h.Sum(fingerprint[:0])
	return roots, intermediates, fingerprint, rows.Err()
}

// parseCerts reads PEM certificates, or one DER certificate.
func parseCerts(data []byte) ([]*x509.Certificate, error) {
	if len(data) > maxCertFile {
		return nil, errors.New("too large")
	}
	if !strings.Contains(string(data), "-----BEGIN") {
		c, err := x509.ParseCertificate(data)
		if err != nil {
			return nil, err
		}
		return []*x509.Certificate{c}, nil
	}
	var out []*x509.Certificate
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// PEM encodes a certificate as PEM.
func PEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// signerFor opens owner's key for signing on the server.
func (s *Store) signerFor(ctx context.Context, o Owner) (*Certificate, crypto.Signer, error) {
	c, sealed, err := s.certificate(ctx, o)
	if err != nil && !errors.Is(err, ErrNoCertificate) {
		return nil, nil, err
	}
	if c == nil || sealed == nil {
		return nil, nil, apperr.New(apperr.Conflict, "Chưa có chứng thư số kèm khóa bí mật lưu trên hệ thống để ký. "+
			"Hãy tải lên tệp PKCS#12 (.p12) hoặc ký bằng USB token.")
	}
	der, err := s.box.Open(sealed)
	if err != nil {
		return nil, nil, errors.New("documents: cannot open the sealed key (SECRET_KEY changed?)")
	}
	key, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, nil, err
	}
	signer, ok := key.(crypto.Signer)
	if !ok {
		return nil, nil, errors.New("documents: the stored key cannot sign")
	}
	return c, signer, nil
}
