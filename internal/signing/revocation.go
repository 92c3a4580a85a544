package signing

import (
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/digitorus/pdfsign/revocation"
	"golang.org/x/crypto/ocsp"
)

// revocationClient fetches CRLs and OCSP answers at signing time.
var revocationClient = &http.Client{Timeout: 10 * time.Second}

// fetchRevocation collects what the certificates of chain (the signer's
// first, each followed by its issuer) publish about their revocation: the
// CRL of each CRL distribution point, else nothing. A publisher that does
// not answer leaves that certificate without embedded data (the signature
// is then B-T, not long-term); it does not stop the signing.
func fetchRevocation(chain []*x509.Certificate) revocation.InfoArchival {
	var rev revocation.InfoArchival
	for i, c := range chain {
		if i+1 >= len(chain) || c.Equal(chain[i+1]) {
			break // a root is trusted as such
		}
		for _, url := range c.CRLDistributionPoints {
			if der, err := fetch(url); err == nil {
				if crl, err := x509.ParseRevocationList(der); err == nil && crl.CheckSignatureFrom(chain[i+1]) == nil {
					_ = rev.AddCRL(der)
					break
				}
			}
		}
	}
	return rev
}

func fetch(url string) ([]byte, error) {
	resp, err := revocationClient.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %d", url, resp.StatusCode)
	}
	return io.ReadAll(io.LimitReader(resp.Body, 8<<20))
}

// revocationStatus is what embedded revocation data says of ee.
type revocationStatus struct {
	checked   bool      // some CRL or OCSP answer by ee's issuer covers ee
	revoked   bool      // … and lists ee as revoked
	revokedAt time.Time // since when
	source    string    // "CRL", "OCSP"
}

// revocationOf reads rev for ee, whose issuer is among issuers; data not
// signed by ee's issuer is ignored.
func revocationOf(ee *x509.Certificate, issuers []*x509.Certificate, rev revocation.InfoArchival) revocationStatus {
	var st revocationStatus
	is := issuerOf(ee, issuers)
	if is == nil {
		return st
	}
	for _, raw := range rev.CRL {
		crl, err := x509.ParseRevocationList(raw.FullBytes)
		if err != nil || crl.CheckSignatureFrom(is) != nil {
			continue
		}
		st.checked, st.source = true, "CRL"
		for _, e := range crl.RevokedCertificateEntries {
			if e.SerialNumber.Cmp(ee.SerialNumber) == 0 {
				st.revoked, st.revokedAt = true, e.RevocationTime
				return st
			}
		}
	}
	for _, raw := range rev.OCSP {
		r, err := ocsp.ParseResponseForCert(raw.FullBytes, ee, is)
		if err != nil {
			continue
		}
		st.checked, st.source = true, "OCSP"
		if r.Status == ocsp.Revoked {
			st.revoked, st.revokedAt = true, r.RevokedAt
			return st
		}
	}
	return st
}

// issuerOf is the certificate of issuers that signed c, or nil.
func issuerOf(c *x509.Certificate, issuers []*x509.Certificate) *x509.Certificate {
	for _, is := range issuers {
		if c.CheckSignatureFrom(is) == nil {
			return is
		}
	}
	return nil
}
