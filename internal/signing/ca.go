package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"time"
)

// CA is a demo certification authority: a self-signed root that issues
// document-signing certificates. It is meant for local runs and tests only;
// production certificates come from a licensed Vietnamese CA (e.g. Ban Cơ yếu
// Chính phủ) and are loaded from the token / PKCS#12 file instead.
type CA struct {
	Cert *x509.Certificate
	Key  crypto.Signer
}

// NewDemoCA makes an ECDSA P-256 self-signed root valid for 10 years.
func NewDemoCA(commonName string) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: commonName, Organization: []string{commonName}, Country: []string{"VN"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.AddDate(10, 0, 0),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		SubjectKeyId:          keyID(&key.PublicKey),
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, fmt.Errorf("signing: tạo chứng thư gốc: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, Key: key}, nil
}

// Issue makes an ECDSA P-256 leaf certificate for document signing, valid from
// 5 minutes ago for validFor (KeyUsage DigitalSignature|ContentCommitment,
// ExtKeyUsage EmailProtection, which pdfsign's verifier accepts).
func (ca *CA) Issue(commonName, organization string, validFor time.Duration) (*x509.Certificate, crypto.Signer, error) {
	now := time.Now()
	return ca.issue(commonName, organization, now.Add(-5*time.Minute), now.Add(validFor))
}

func (ca *CA) issue(commonName, organization string, notBefore, notAfter time.Time) (*x509.Certificate, crypto.Signer, error) {
	if ca == nil || ca.Cert == nil || ca.Key == nil {
		return nil, nil, errors.New("signing: CA chưa được khởi tạo")
	}
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	subj := pkix.Name{CommonName: commonName, Country: []string{"VN"}}
	if organization != "" {
		subj.Organization = []string{organization}
	}
	tmpl := &x509.Certificate{
		SerialNumber:   randomSerial(),
		Subject:        subj,
		NotBefore:      notBefore,
		NotAfter:       notAfter,
		KeyUsage:       x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment,
		ExtKeyUsage:    []x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection},
		SubjectKeyId:   keyID(&key.PublicKey),
		AuthorityKeyId: ca.Cert.SubjectKeyId,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, &key.PublicKey, ca.Key)
	if err != nil {
		return nil, nil, fmt.Errorf("signing: cấp chứng thư: %w", err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, nil, err
	}
	return cert, key, nil
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 126))
	if err != nil {
		panic(err)
	}
	return n.Add(n, big.NewInt(1))
}

func keyID(pub *ecdsa.PublicKey) []byte {
	b, err := pub.Bytes()
	if err != nil {
		return nil
	}
	h := sha1.Sum(b)
	return h[:]
}
