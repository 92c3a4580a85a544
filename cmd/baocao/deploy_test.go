package main

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

func readRepoFile(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../../" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestDockerBuildContextKeepsSecretsOut: `COPY . .` must not copy the
// local cluster and the demo's keys (var/), binaries or key files.
func TestDockerBuildContextKeepsSecretsOut(t *testing.T) {
	var patterns []string
	for _, line := range strings.Split(readRepoFile(t, ".dockerignore"), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			patterns = append(patterns, strings.TrimSuffix(strings.TrimPrefix(line, "/"), "/"))
		}
	}
	for _, want := range []string{"var", "bin", ".git", "**/*.pem", "**/*.key", "**/*.p12", "**/*.age", "**/.env"} {
		if !slices.Contains(patterns, want) {
			t.Errorf(".dockerignore does not exclude %s", want)
		}
	}
}

// TestDockerImagesCanBackUp: the server's image is distroless (no shell,
// no pg_dump), so a backup stage carries PostgreSQL 15's client tools and
// the same binary; the server stays the default (last) stage.
func TestDockerImagesCanBackUp(t *testing.T) {
	df := readRepoFile(t, "Dockerfile")
	stages := regexp.MustCompile(`(?m)^FROM (\S+)(?: AS (\S+))?`).FindAllStringSubmatch(df, -1)
	if len(stages) == 0 || !strings.Contains(stages[len(stages)-1][1], "distroless") {
		t.Fatalf("the last (default) stage is not the distroless server: %v", stages)
	}
	i := strings.Index(df, " AS backup")
	if i < 0 {
		t.Fatal("no backup stage")
	}
	backup := df[i:]
	if j := strings.Index(backup, "\nFROM "); j >= 0 {
		backup = backup[:j]
	}
	for _, want := range []string{"postgresql-client-15", "/usr/lib/postgresql/15/bin", "COPY --from=build /out/baocao"} {
		if !strings.Contains(backup, want) {
			t.Errorf("backup stage lacks %q", want)
		}
	}
}

// TestNginxPassesNoClientAddressHeaders: the documented proxy sets
// X-Forwarded-For itself and strips the headers a client could forge.
func TestNginxPassesNoClientAddressHeaders(t *testing.T) {
	conf := readRepoFile(t, "docs/deploy/nginx.conf")
	for _, want := range []string{"proxy_set_header X-Forwarded-For $remote_addr;", `proxy_set_header X-Real-IP "";`, `proxy_set_header True-Client-IP "";`} {
		if !strings.Contains(conf, want) {
			t.Errorf("nginx.conf lacks %s", want)
		}
	}
}
