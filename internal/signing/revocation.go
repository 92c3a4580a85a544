package signing

import (
	"bytes"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"fmt"
	"io"
	"math/big"
	"net/http"
	"strings"
	"time"

	"github.com/digitorus/pdfsign/revocation"
	"golang.org/x/crypto/ocsp"
)

// revocationClient fetches CRLs and OCSP answers at signing time.
var revocationClient = &http.Client{Timeout: 10 * time.Second}

// fetchRevocation collects what the certificates of chain (the signer's
// first, each followed by its issuer) publish about their revocation: an
// OCSP answer from the responder the certificate names, else the CRL of
// its distribution point. A publisher that does not answer leaves that
// certificate without embedded data (the signature is then B-T, not
// long-term); it does not stop the signing.
func fetchRevocation(chain []*x509.Certificate) revocation.InfoArchival {
	var rev revocation.InfoArchival
	for i, c := range chain {
		if i+1 >= len(chain) || c.Equal(chain[i+1]) {
			break // a root is trusted as such
		}
		crl, resp := fetchStatus(c, chain[i+1])
		if resp != nil {
			_ = rev.AddOCSP(resp)
		} else if crl != nil {
			_ = rev.AddCRL(crl)
		}
	}
	return rev
}

// fetchStatus asks c's OCSP responder about c and, when none answers,
// fetches c's CRL; each answer is kept only when issuer signed it.
func fetchStatus(c, issuer *x509.Certificate) (crl, resp []byte) {
	for _, url := range c.OCSPServer {
		if der, err := fetchOCSP(url, c, issuer); err == nil {
			return nil, der
		}
	}
	for _, url := range c.CRLDistributionPoints {
		if der, err := fetch(url); err == nil {
			if l, err := x509.ParseRevocationList(der); err == nil && l.CheckSignatureFrom(issuer) == nil {
				return der, nil
			}
		}
	}
	return nil, nil
}

// fetchOCSP posts an OCSP request about c (RFC 6960 §A.1) and returns the
// DER response, once it answers for c, is signed for issuer and knows c.
func fetchOCSP(url string, c, issuer *x509.Certificate) ([]byte, error) {
	req, err := ocsp.CreateRequest(c, issuer, nil)
	if err != nil {
		return nil, err
	}
	resp, err := revocationClient.Post(url, "application/ocsp-request", bytes.NewReader(req))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("%s: %d", url, resp.StatusCode)
	}
	der, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return nil, err
	}
	r, err := ocsp.ParseResponseForCert(der, c, issuer)
	if err != nil {
		return nil, err
	}
	if r.Status == ocsp.Unknown {
		return nil, fmt.Errorf("%s: trạng thái không xác định", url)
	}
	return der, nil
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

// revocationSource is revocation data found in a file and where it was:
// in the signature's CMS (adbe-revocationInfoArchival) or in the
// document security store (DSS).
type revocationSource struct {
	rev   revocation.InfoArchival
	where string // "kèm trong chữ ký CMS", "trong kho dữ liệu xác thực DSS của tệp"
}

const (
	inCMS = "kèm trong chữ ký CMS"
	inDSS = "trong kho dữ liệu xác thực DSS của tệp"
)

// revocationStatus is what embedded revocation data says of a certificate.
type revocationStatus struct {
	checked   bool      // some CRL or OCSP answer by its issuer covers it
	revoked   bool      // … and lists it as revoked
	revokedAt time.Time // since when
	reason    int       // RFC 5280 reason code
	source    string    // "OCSP trong kho dữ liệu xác thực DSS của tệp"
}

// saw notes an answer about the certificate from source.
func (st *revocationStatus) saw(source string) {
	switch {
	case !st.checked:
		st.checked, st.source = true, source
	case !strings.Contains(st.source, source):
		st.source += "; " + source
	}
}

// compromised reports whether the revocation says the key was compromised
// (its owner's, or its CA's): then nothing it signed can be trusted, before
// the revocation either.
func (st revocationStatus) compromised() bool {
	return st.revoked && (st.reason == ocsp.KeyCompromise || st.reason == ocsp.CACompromise)
}

// revocationOf reads the sources for ee, whose issuer is among issuers;
// data not signed by ee's issuer is ignored. A revocation found anywhere
// wins over answers that say "good"; source names every answer that covers
// ee ("OCSP kèm trong chữ ký (CMS); OCSP trong kho … DSS …").
func revocationOf(ee *x509.Certificate, issuers []*x509.Certificate, sources ...revocationSource) revocationStatus {
	var st revocationStatus
	is := issuerOf(ee, issuers)
	if is == nil {
		return st
	}
	for _, src := range sources {
		for _, raw := range src.rev.OCSP {
			r, err := ocsp.ParseResponseForCert(raw.FullBytes, ee, is)
			if err != nil || r.Status == ocsp.Unknown {
				continue
			}
			st.saw("OCSP " + src.where)
			if r.Status == ocsp.Revoked {
				return revocationStatus{true, true, r.RevokedAt, r.RevocationReason, "OCSP " + src.where}
			}
		}
		for _, raw := range src.rev.CRL {
			crl, err := x509.ParseRevocationList(raw.FullBytes)
			if err != nil || crl.CheckSignatureFrom(is) != nil {
				continue
			}
			st.saw("CRL " + src.where)
			for _, e := range crl.RevokedCertificateEntries {
				if e.SerialNumber.Cmp(ee.SerialNumber) == 0 {
					return revocationStatus{true, true, e.RevocationTime, e.ReasonCode, "CRL " + src.where}
				}
			}
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

// OCSPResponder answers RFC 6960 OCSP requests about the certificates CA
// issued, signing the answers with the CA's own key. Production
// certificates name their CA's responder; this one serves the tests.
type OCSPResponder struct {
	CA *CA
	// Revoked says whether the certificate of serial is revoked, since
	// when and why (an RFC 5280 reason code); nil: none is.
	Revoked func(serial *big.Int) (at time.Time, reason int, revoked bool)
}

// ServeHTTP answers a DER OCSPRequest posted as application/ocsp-request.
func (o *OCSPResponder) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 16<<10))
	if err != nil || r.Method != http.MethodPost {
		http.Error(w, "POST an OCSPRequest", http.StatusBadRequest)
		return
	}
	w.Header().Set("Content-Type", "application/ocsp-response")
	req, err := ocsp.ParseRequest(body)
	if err != nil {
		_, _ = w.Write(ocsp.MalformedRequestErrorResponse)
		return
	}
	var spki struct {
		Algorithm pkix.AlgorithmIdentifier
		PublicKey asn1.BitString
	}
	if _, err := asn1.Unmarshal(o.CA.Cert.RawSubjectPublicKeyInfo, &spki); err != nil || !req.HashAlgorithm.Available() {
		_, _ = w.Write(ocsp.InternalErrorErrorResponse)
		return
	}
	h := req.HashAlgorithm.New()
	h.Write(spki.PublicKey.RightAlign())
	if !bytes.Equal(h.Sum(nil), req.IssuerKeyHash) { // not a certificate of this CA
		_, _ = w.Write(ocsp.UnauthorizedErrorResponse)
		return
	}
	now := time.Now()
	tmpl := ocsp.Response{Status: ocsp.Good, SerialNumber: req.SerialNumber, IssuerHash: req.HashAlgorithm,
		ThisUpdate: now.Add(-time.Minute).Truncate(time.Second), NextUpdate: now.Add(time.Hour).Truncate(time.Second)}
	if o.Revoked != nil {
		if at, reason, revoked := o.Revoked(req.SerialNumber); revoked {
			tmpl.Status, tmpl.RevokedAt, tmpl.RevocationReason = ocsp.Revoked, at, reason
		}
	}
	der, err := ocsp.CreateResponse(o.CA.Cert, o.CA.Cert, tmpl, o.CA.Key)
	if err != nil {
		_, _ = w.Write(ocsp.InternalErrorErrorResponse)
		return
	}
	_, _ = w.Write(der)
}
