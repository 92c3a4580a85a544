package seed

import (
	"context"
	"crypto/x509"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"time"

	"software.sslmate.com/src/go-pkcs12"

	"baocao/internal/accounts"
	"baocao/internal/audit"
	"baocao/internal/database"
	"baocao/internal/documents"
	"baocao/internal/secretbox"
	"baocao/internal/signing"
)

// DemoCAName is the demo certification authority's name.
const DemoCAName = "baocao Demo CA (chỉ dùng thử)"

// DemoCertificates makes a demo CA and trusts it, then gives each demo
// account with the approve right a personal certificate and each demo
// unit an organisation seal, held by the system (PKCS#12 imported as a
// user would). The .p12 files (password DemoPassword) and the CA
// certificate are written to dir for trying uploads and other tools. It
// does nothing when the demo CA is trusted already.
func DemoCertificates(ctx context.Context, db *database.DB, box *secretbox.Box, dir string) error {
	var done bool
	if err := db.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM trust_anchors WHERE subject = $1 AND removed_at IS NULL)`, DemoCAName).Scan(&done); err != nil {
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
	store := documents.NewStore(db, nil, nil, nil, box)
	if _, err := store.AddAnchors(ctx, documents.PEM(ca.Cert)); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "demo-ca.pem"), documents.PEM(ca.Cert), 0o600); err != nil {
		return err
	}
	issue := func(o documents.Owner, file, name, org string) error {
		cert, key, err := ca.Issue(name, org, 3*365*24*time.Hour)
		if err != nil {
			return err
		}
		p12, err := pkcs12.Modern.Encode(key, cert, []*x509.Certificate{ca.Cert}, DemoPassword)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(dir, file+".p12"), p12, 0o600); err != nil {
			return err
		}
		return store.ImportPKCS12(ctx, o, p12, DemoPassword)
	}
	units := map[string]bool{}
	for _, a := range demoAccounts() {
		var id, unitID int64
		var unitName string
		if err := db.QueryRow(ctx, `SELECT a.id, u.id, u.name FROM accounts a JOIN units u ON u.id = a.unit_id WHERE a.username = $1`,
			a.Username).Scan(&id, &unitID, &unitName); err != nil {
			return fmt.Errorf("demo certificate for %s: %w", a.Username, err)
		}
		if a.Tier == accounts.User && (slices.Contains(a.Rights, accounts.Approve) || slices.Contains(a.Rights, accounts.Send)) && !units[a.UnitKey] {
			units[a.UnitKey] = true
			if err := issue(documents.Owner{UnitID: unitID}, "con-dau-"+a.UnitKey, unitName, unitName); err != nil {
				return err
			}
		}
		if slices.Contains(a.Rights, accounts.Approve) {
			if err := issue(documents.Owner{AccountID: id}, a.Username, a.FullName, unitName); err != nil {
				return err
			}
		}
	}
	return nil
}
