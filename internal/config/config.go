// Package config reads the server's settings from the environment into one
// struct that is passed down; nothing reads the environment elsewhere.
package config

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Config holds every setting of a baocao server.
type Config struct {
	DatabaseURL string // DATABASE_URL; empty in development: a local cluster is started
	// DatabaseReplicaURL (DATABASE_REPLICA_URL): a streaming replica of
	// DATABASE_URL serving dashboards, exports, archives and API reads;
	// empty: everything reads from the primary.
	DatabaseReplicaURL string
	ListenAddr         string   // LISTEN_ADDR, default 127.0.0.1:8080
	BaseURL            *url.URL // BASE_URL, e.g. https://baocao.khanhhoa.gov.vn
	// VGCAPluginFile is where vgcaplugin.js (distributed to agencies by Ban
	// Cơ yếu Chính phủ, not public) lies on the server; empty without it.
	VGCAPluginFile string
	SecretKey      [32]byte // derived from SECRET_KEY; encrypts TOTP secrets and keys at rest
	Development    bool     // DEV=1: insecure cookies allowed, demo data
	// TrustedProxies (TRUSTED_PROXIES, comma-separated CIDRs such as
	// 127.0.0.1/32,10.0.0.0/24): the reverse proxies whose X-Forwarded-For
	// entries are believed. Empty: the connection's address is the client's.
	TrustedProxies []netip.Prefix
	LockoutAfter   int           // LOCKOUT_AFTER failed sign-ins, default 5
	LockoutFor     time.Duration // LOCKOUT_DURATION, default 30m; an admin may unlock earlier
	InactiveAfter  time.Duration // accounts unused this long are disabled (45 days)
	SMTP           SMTP
	MaxBodyBytes   int64 // MAX_BODY_BYTES, default 1 MiB for forms
	// RequestTimeout (REQUEST_TIMEOUT, default 8s) bounds how long a request
	// waits for the database before the outage page; uploads get longer.
	RequestTimeout time.Duration
	SignInRate     int // SIGNIN_RATE: sign-in attempts per minute from one address, default 20
	APIRate        int // API_RATE: requests per minute of one API client, default 600
	// GovExportURL and GovExportToken: where accepted reports of the regimes
	// marked for it are pushed (the Government Reporting Information
	// System's receiving endpoint); empty: they wait in the queue.
	GovExportURL, GovExportToken string
	AuditRetentionMonths         int // AUDIT_RETENTION_MONTHS: how long the audit log is kept, default 12
	// TSAURL (TSA_URL): the RFC 3161 time-stamping authority that stamps
	// every signature made on the server (PAdES B-T); its root must be a
	// trust anchor. Empty: signatures carry the signer's clock only.
	TSAURL string
}

// SMTP is the outgoing mail server.
type SMTP struct {
	Host, Username, Password, From string
	Port                           int
}

// Secure reports whether cookies must carry the Secure flag and HSTS is sent.
func (c *Config) Secure() bool { return c.BaseURL.Scheme == "https" }

// FromEnv reads the configuration through getenv.
func FromEnv(getenv func(string) string) (*Config, error) {
	c := &Config{
		DatabaseURL:        getenv("DATABASE_URL"),
		DatabaseReplicaURL: getenv("DATABASE_REPLICA_URL"),
		ListenAddr:         or(getenv("LISTEN_ADDR"), "127.0.0.1:8080"),
		Development:        getenv("DEV") == "1",
		VGCAPluginFile:     getenv("VGCA_PLUGIN_FILE"),
		InactiveAfter:      45 * 24 * time.Hour,
		TSAURL:             getenv("TSA_URL"),
	}
	var errs []error
	base, err := url.Parse(or(getenv("BASE_URL"), "http://"+c.ListenAddr))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		errs = append(errs, fmt.Errorf("BASE_URL %q is not an http(s) URL", getenv("BASE_URL")))
	}
	c.BaseURL = base
	if c.TSAURL != "" {
		if u, err := url.Parse(c.TSAURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, fmt.Errorf("TSA_URL %q is not an http(s) URL", c.TSAURL))
		}
	}
	if !c.Development && c.BaseURL != nil && c.BaseURL.Scheme != "https" {
		errs = append(errs, errors.New("BASE_URL must be https outside development (DEV=1)"))
	}

	secret := getenv("SECRET_KEY")
	switch {
	case secret == "" && c.Development:
		secret = "development-only-secret-key-do-not-use"
	case len(secret) < 32:
		errs = append(errs, errors.New("SECRET_KEY must be at least 32 characters"))
	}
	c.SecretKey = sha256.Sum256([]byte(secret))

	c.TrustedProxies = prefixes(getenv("TRUSTED_PROXIES"), &errs)
	if getenv("TRUST_PROXY") != "" && len(c.TrustedProxies) == 0 {
		errs = append(errs, errors.New("TRUST_PROXY is replaced by TRUSTED_PROXIES: list the proxies' addresses as CIDRs, e.g. TRUSTED_PROXIES=127.0.0.1/32"))
	}
	c.LockoutAfter = intOr(getenv("LOCKOUT_AFTER"), 5, &errs)
	c.MaxBodyBytes = int64(intOr(getenv("MAX_BODY_BYTES"), 1<<20, &errs))
	c.SignInRate = intOr(getenv("SIGNIN_RATE"), 20, &errs)
	c.APIRate = intOr(getenv("API_RATE"), 600, &errs)
	c.GovExportURL, c.GovExportToken = getenv("GOV_EXPORT_URL"), getenv("GOV_EXPORT_TOKEN")
	if c.AuditRetentionMonths = intOr(getenv("AUDIT_RETENTION_MONTHS"), 12, &errs); c.AuditRetentionMonths < 12 {
		errs = append(errs, errors.New("AUDIT_RETENTION_MONTHS must be at least 12 (the audit log is kept a year at least)"))
	}
	c.LockoutFor = durationOr(getenv("LOCKOUT_DURATION"), 30*time.Minute, &errs)
	c.RequestTimeout = durationOr(getenv("REQUEST_TIMEOUT"), 8*time.Second, &errs)
	c.SMTP = SMTP{
		Host:     getenv("SMTP_HOST"),
		Port:     intOr(getenv("SMTP_PORT"), 587, &errs),
		Username: getenv("SMTP_USERNAME"),
		Password: getenv("SMTP_PASSWORD"),
		From:     or(getenv("SMTP_FROM"), "Hệ thống báo cáo Khánh Hòa <no-reply@baocao.khanhhoa.gov.vn>"),
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return c, nil
}

func or(s, fallback string) string {
	if strings.TrimSpace(s) == "" {
		return fallback
	}
	return s
}

// prefixes reads a comma-separated list of CIDRs; a bare address is its
// own /32 or /128.
func prefixes(s string, errs *[]error) []netip.Prefix {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		p, err := netip.ParsePrefix(f)
		if err != nil {
			a, aerr := netip.ParseAddr(f)
			if aerr != nil {
				*errs = append(*errs, fmt.Errorf("TRUSTED_PROXIES: %q is not a CIDR such as 10.0.0.0/24", f))
				continue
			}
			p = netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen())
		}
		out = append(out, p.Masked())
	}
	return out
}

func intOr(s string, fallback int, errs *[]error) int {
	if s == "" {
		return fallback
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		*errs = append(*errs, fmt.Errorf("%q is not a positive whole number", s))
		return fallback
	}
	return n
}

func durationOr(s string, fallback time.Duration, errs *[]error) time.Duration {
	if s == "" {
		return fallback
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		*errs = append(*errs, fmt.Errorf("%q is not a duration such as 30m", s))
		return fallback
	}
	return d
}
