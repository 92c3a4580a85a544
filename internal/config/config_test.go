package config

import (
	"strings"
	"testing"
)

func env(kv map[string]string) func(string) string {
	return func(k string) string {
		if v, ok := kv[k]; ok {
			return v
		}
		return map[string]string{"DEV": "1"}[k]
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := FromEnv(env(map[string]string{"TRUSTED_PROXIES": " 10.0.0.0/24, 127.0.0.1,::1/128"}))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range c.TrustedProxies {
		got = append(got, p.String())
	}
	if strings.Join(got, " ") != "10.0.0.0/24 127.0.0.1/32 ::1/128" {
		t.Errorf("TRUSTED_PROXIES read as %v", got)
	}
	if _, err := FromEnv(env(map[string]string{"TRUSTED_PROXIES": "10.0.0.0/33"})); err == nil {
		t.Error("a bad CIDR was accepted")
	}
	// The old switch trusted any header from anyone; it must not be taken silently.
	if _, err := FromEnv(env(map[string]string{"TRUST_PROXY": "1"})); err == nil || !strings.Contains(err.Error(), "TRUSTED_PROXIES") {
		t.Errorf("TRUST_PROXY=1 alone: %v", err)
	}
}
