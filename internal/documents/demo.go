package documents

import (
	"context"
	"crypto"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"baocao/internal/accounts"
	"baocao/internal/audit"
	"baocao/internal/signing"
	"baocao/internal/units"
)

// DemoCAName is the demo certification authority's name.
const DemoCAName = "baocao Demo CA (chỉ dùng thử)"

// DemoCertificates makes a demo CA and trusts it, then gives each active
// account with the approve right a personal certificate and each unit with
// an account that approves or sends an organisation seal, held by the
// system (PKCS#12 imported as a user would); the leaders and units of the
// demo journeys also get demo signature and seal images. The .p12 files (protected by
// password) and the CA certificate are written to dir for trying uploads
// and other tools. It does nothing once the demo CA is trusted.
func (s *Store) DemoCertificates(ctx context.Context, dir, password string) error {
	var done bool
	if err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM trust_anchors WHERE subject = $1 AND removed_at IS NULL)`, DemoCAName).Scan(&done); err != nil {
		return err
	}
	if done {
		return nil
	}
	ca, err := signing.NewDemoCA(DemoCAName)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	ctx = audit.WithActor(ctx, audit.Actor{Name: "seed"})
	if _, err := s.AddAnchors(ctx, PEM(ca.Cert)); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "demo-ca.pem"), PEM(ca.Cert), 0o600); err != nil {
		return err
	}
	type holder struct {
		owner      Owner
		file, name string
		org        string
	}
	var holders []holder
	rows, err := s.db.Query(ctx, `
		SELECT 0, u.id, 'con-dau-' || coalesce(u.key, u.id::text), u.name, u.name FROM units u
		WHERE EXISTS (SELECT 1 FROM accounts a WHERE a.unit_id = u.id AND a.disabled_at IS NULL AND a.rights && ARRAY['approve', 'send'])
		UNION ALL
		SELECT a.id, 0, a.username, a.full_name, u.name FROM accounts a JOIN units u ON u.id = a.unit_id
		WHERE a.disabled_at IS NULL AND 'approve' = ANY (a.rights)
		ORDER BY 3`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var h holder
		if err := rows.Scan(&h.owner.AccountID, &h.owner.UnitID, &h.file, &h.name, &h.org); err != nil {
			rows.Close()
			return err
		}
		holders = append(holders, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, h := range holders {
		p12, err := s.Certify(ctx, ca, h.owner, h.name, h.org, password)
		if err != nil {
			return fmt.Errorf("demo certificate for %s: %w", h.name, err)
		}
		if err := os.WriteFile(filepath.Join(dir, h.file+".p12"), p12, 0o600); err != nil {
			return err
		}
		if err := s.demoImage(ctx, h.owner, h.file, h.name); err != nil {
			return err
		}
	}
	return nil
}

// demoImages are the holders of the README's demo journeys, who get a demo
// signature or seal image (the others keep the framed text boxes).
var demoImages = map[string]bool{
	"lanhdao.syte": true, "lanhdao.nhatrang": true, "lanhdao.camlam": true,
	"con-dau-so-y-te": true, "con-dau-xa-22366": true, "con-dau-xa-22453": true,
}

// demoImage works without the units and accounts stores (the dev command
// builds a Store with the database only).
func (s *Store) demoImage(ctx context.Context, o Owner, file, name string) error {
	if !demoImages[file] {
		return nil
	}
	if o.UnitID != 0 {
		return s.SetSealImage(ctx, &units.Unit{ID: o.UnitID, Name: name}, signing.DemoSeal(name))
	}
	a := accounts.Account{ID: o.AccountID, FullName: name}
	if err := s.db.QueryRow(ctx, `SELECT unit_id FROM accounts WHERE id = $1`, a.ID).Scan(&a.UnitID); err != nil {
		return err
	}
	return s.SetSignatureImage(ctx, &a, signing.DemoSignature())
}

// Certify has ca issue a three-year certificate to name (of org) and
// registers it with its key for o, through a PKCS#12 file as a user would
// upload it; it returns that file, protected by password.
func (s *Store) Certify(ctx context.Context, ca *signing.CA, o Owner, name, org, password string) ([]byte, error) {
	cert, key, err := ca.Issue(name, org, 3*365*24*time.Hour)
	if err != nil {
		return nil, err
	}
	p12, err := pkcs12.Modern.Encode(key, cert, []*x509.Certificate{ca.Cert}, password)
	if err != nil {
		return nil, err
	}
	return p12, s.ImportPKCS12(ctx, o, p12, password)
}

// DemoTSAName is the demo time-stamping authority's CA name.
const DemoTSAName = "baocao Demo TSA CA (chỉ dùng thử)"

// DemoTSA returns the demo RFC 3161 time-stamping authority of local runs
// (TSA_URL unset), kept in dir (demo-tsa.pem: its certificate, key and
// CA) so that its root, trusted when it is made, stays the same across runs.
// A database that never trusted it (a new cluster beside the kept file)
// trusts it now; one whose administrator removed it does not again.
func (s *Store) DemoTSA(ctx context.Context, dir string) (*signing.TSA, error) {
	path := filepath.Join(dir, "demo-tsa.pem")
	if data, err := os.ReadFile(path); err == nil {
		var tsa signing.TSA
		var root *x509.Certificate
		for block, rest := pem.Decode(data); block != nil; block, rest = pem.Decode(rest) {
			switch block.Type {
			case "CERTIFICATE":
				c, err := x509.ParseCertificate(block.Bytes)
				switch {
				case err != nil:
				case tsa.Cert == nil:
					tsa.Cert = c
				case c.IsCA:
					root = c
				}
			case "PRIVATE KEY":
				if k, err := x509.ParsePKCS8PrivateKey(block.Bytes); err == nil {
					tsa.Key, _ = k.(crypto.Signer)
				}
			}
		}
		if tsa.Cert != nil && tsa.Key != nil && root != nil && time.Now().Before(tsa.Cert.NotAfter) {
			var known bool
			sum := sha256.Sum256(root.Raw)
			if err := s.db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM trust_anchors WHERE fingerprint = $1)`, hex.EncodeToString(sum[:])).Scan(&known); err != nil {
				return nil, err
			}
			if !known {
				if _, err := s.AddAnchors(audit.WithActor(ctx, audit.Actor{Name: "seed"}), PEM(root)); err != nil {
					return nil, err
				}
			}
			return &tsa, nil
		}
	}
	ca, err := signing.NewDemoCA(DemoTSAName)
	if err != nil {
		return nil, err
	}
	cert, key, err := ca.IssueTSA("baocao Demo TSA", 5*365*24*time.Hour)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	out := append(PEM(cert), pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})...)
	out = append(out, PEM(ca.Cert)...)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.WriteFile(path, out, 0o600); err != nil {
		return nil, err
	}
	if _, err := s.AddAnchors(audit.WithActor(ctx, audit.Actor{Name: "seed"}), PEM(ca.Cert)); err != nil {
		return nil, err
	}
	return &signing.TSA{Cert: cert, Key: key}, nil
}
