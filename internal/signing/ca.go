package signing

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
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

// Pointers are where a certificate says its revocation status is
// published: a CRL distribution point and an OCSP responder (authority
// information access); either may be empty.
type Pointers struct{ CRL, OCSP string }

func (p Pointers) apply(t *x509.Certificate) {
	if p.CRL != "" {
		t.CRLDistributionPoints = []string{p.CRL}
	}
	if p.OCSP != "" {
		t.OCSPServer = []string{p.OCSP}
	}
}

// IssueWithCRL is Issue for a certificate that names crlURL as its CRL
// distribution point, so that signing fetches and embeds its revocation status.
func (ca *CA) IssueWithCRL(commonName, organization string, validFor time.Duration, crlURL string) (*x509.Certificate, crypto.Signer, error) {
	return ca.IssueWith(commonName, organization, validFor, Pointers{CRL: crlURL})
}

// IssueWith is Issue for a certificate that publishes its revocation
// status where p says.
func (ca *CA) IssueWith(commonName, organization string, validFor time.Duration, p Pointers) (*x509.Certificate, crypto.Signer, error) {
	now := time.Now()
	return ca.issueWith(commonName, organization, now.Add(-5*time.Minute), now.Add(validFor), p.apply)
}

// IssueTSA makes the certificate of a time-stamping authority (extended key
// usage timeStamping only, as RFC 3161 §2.3 requires).
func (ca *CA) IssueTSA(commonName string, validFor time.Duration) (*x509.Certificate, crypto.Signer, error) {
	return ca.IssueTSAWith(commonName, validFor, Pointers{})
}

// IssueTSAWith is IssueTSA for a TSA certificate that publishes its
// revocation status where p says.
func (ca *CA) IssueTSAWith(commonName string, validFor time.Duration, p Pointers) (*x509.Certificate, crypto.Signer, error) {
	now := time.Now()
	return ca.issueWith(commonName, commonName, now.Add(-5*time.Minute), now.Add(validFor), func(t *x509.Certificate) {
		t.KeyUsage = x509.KeyUsageDigitalSignature | x509.KeyUsageContentCommitment
		// RFC 3161 §2.3: the extended key usage is timeStamping alone and
		// critical (Go writes ExtKeyUsage non-critical, OpenSSL then refuses).
		eku, _ := asn1.Marshal([]asn1.ObjectIdentifier{{1, 3, 6, 1, 5, 5, 7, 3, 8}})
		t.ExtKeyUsage = nil
		t.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 37}, Critical: true, Value: eku}}
		p.apply(t)
	})
}

// CRL is the CA's certificate revocation list, valid for a day, listing revoked.
func (ca *CA) CRL(revoked []x509.RevocationListEntry, number int64) ([]byte, error) {
	now := time.Now()
	return x509.CreateRevocationList(rand.Reader, &x509.RevocationList{
		RevokedCertificateEntries: revoked,
		Number:                    big.NewInt(number),
		ThisUpdate:                now.Add(-time.Minute),
		NextUpdate:                now.Add(24 * time.Hour),
	}, ca.Cert, ca.Key)
}

func (ca *CA) issue(commonName, organization string, notBefore, notAfter time.Time) (*x509.Certificate, crypto.Signer, error) {
	return ca.issueWith(commonName, organization, notBefore, notAfter, nil)
}

func (ca *CA) issueWith(commonName, organization string, notBefore, notAfter time.Time, adjust func(*x509.Certificate)) (*x509.Certificate, crypto.Signer, error) {
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
	if adjust != nil {
		adjust(tmpl)
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
