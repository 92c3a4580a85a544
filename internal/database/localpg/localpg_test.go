package localpg

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

func requireBinaries(t *testing.T) {
	t.Helper()
	if err := checkBinaries(defaultBinDir); err != nil {
		t.Skipf("no PostgreSQL 15 in %s: %v", defaultBinDir, err)
	}
}

func TestMissingBinaries(t *testing.T) {
	c := &Cluster{Dir: t.TempDir(), BinDir: t.TempDir()}
	_, err := c.Start(context.Background())
	want := "PostgreSQL 15 server binaries are missing, install them with `apt-get update && apt-get install -y postgresql-15`"
	if err == nil || err.Error() != want {
		t.Fatalf("Start error = %v, want %q", err, want)
	}
}

func TestURLAndStopWithoutCluster(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pg")
	c := &Cluster{Dir: dir}
	if _, err := c.URL("baocao"); err == nil {
		t.Fatal("URL before Start: want an error")
	}
	if err := c.Stop(context.Background()); err != nil {
		t.Fatalf("Stop of a missing Dir: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(context.Background()); err != nil {
		t.Fatalf("Stop of an empty Dir: %v", err)
	}
	if err := writePort(dir, 54999); err != nil {
		t.Fatal(err)
	}
	got, err := c.URL("other db")
	if err != nil {
		t.Fatal(err)
	}
	if want := "postgres://baocao@127.0.0.1:54999/other%20db?sslmode=disable"; got != want {
		t.Fatalf("URL = %q, want %q", got, want)
	}
}

func psql(t *testing.T, url, query string) string {
	t.Helper()
	cmd := exec.Command(filepath.Join(defaultBinDir, "psql"), url, "-X", "-tAc", query)
	cmd.Env = childEnv()
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("psql %s -c %q: %v\n%s", url, query, err, out)
	}
	return strings.TrimSpace(string(out))
}

func TestClusterLifecycle(t *testing.T) {
	requireBinaries(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	// t.TempDir is 0700: when running as root the postgres user cannot reach
	// it, which exercises the /var/tmp fallback.
	dir := filepath.Join(t.TempDir(), "var", "pg")
	c := &Cluster{Dir: dir, Log: t.Output()}

	// Cleanups run last-registered first: Stop, then remove the /var/tmp
	// data, then (t.TempDir's own) remove dir.
	fallback := filepath.Dir(fallbackDataDir(dir))
	t.Cleanup(func() {
		if b, err := os.ReadFile(filepath.Join(dir, pointerFile)); err == nil {
			if p := filepath.Dir(strings.TrimSpace(string(b))); strings.HasPrefix(p, "/var/tmp/baocao-pg-") {
				os.RemoveAll(p)
			}
		}
		os.RemoveAll(fallback)
	})
	t.Cleanup(func() {
		if err := c.Stop(context.Background()); err != nil {
			t.Errorf("cleanup Stop: %v", err)
		}
	})

	// Two concurrent first Starts: one initialises, the other waits and reuses.
	var wg sync.WaitGroup
	urls := make([]string, 2)
	errs := make([]error, 2)
	for i := range urls {
		wg.Go(func() { urls[i], errs[i] = c.Start(ctx) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("concurrent Start %d: %v", i, err)
		}
	}
	url := urls[0]
	if urls[1] != url {
		t.Fatalf("concurrent Starts returned %q and %q", urls[0], urls[1])
	}
	if !strings.HasPrefix(url, "postgres://baocao@127.0.0.1:") || !strings.HasSuffix(url, "/baocao?sslmode=disable") {
		t.Fatalf("unexpected URL %q", url)
	}
	t.Logf("URL %s", url)

	if os.Geteuid() == 0 {
		b, err := os.ReadFile(filepath.Join(dir, pointerFile))
		if err != nil {
			t.Fatalf("running as root under a 0700 TempDir: want the /var/tmp fallback: %v", err)
		}
		if got, want := strings.TrimSpace(string(b)), fallbackDataDir(dir); got != want {
			t.Fatalf("datadir pointer = %q, want %q", got, want)
		}
		if !isCluster(fallbackDataDir(dir)) {
			t.Fatalf("no cluster in %s", fallbackDataDir(dir))
		}
	} else if !isCluster(filepath.Join(dir, "data")) {
		t.Fatalf("no cluster in %s/data", dir)
	}

	again, err := c.Start(ctx)
	if err != nil {
		t.Fatalf("second Start: %v", err)
	}
	if again != url {
		t.Fatalf("second Start URL %q, want %q", again, url)
	}
	if got, err := c.URL("baocao"); err != nil || got != url {
		t.Fatalf("URL(baocao) = %q, %v; want %q", got, err, url)
	}
	if got := psql(t, url, "select 1"); got != "1" {
		t.Fatalf("select 1 = %q", got)
	}
	if got := psql(t, url, "show max_connections"); got != "300" {
		t.Fatalf("max_connections = %q", got)
	}
	if got := psql(t, url, "select current_setting('server_encoding') || ' ' || current_user"); got != "UTF8 baocao" {
		t.Fatalf("encoding/user = %q", got)
	}

	port, _, err := readPort(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	if conn, err := net.DialTimeout("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)), time.Second); err == nil {
		conn.Close()
		t.Fatalf("port %d still accepts connections after Stop", port)
	}
	if err := c.Stop(ctx); err != nil {
		t.Fatalf("Stop when stopped: %v", err)
	}

	restarted, err := c.Start(ctx)
	if err != nil {
		t.Fatalf("Start after Stop: %v", err)
	}
	if restarted != url {
		t.Fatalf("Start after Stop URL %q, want %q", restarted, url)
	}
	if got := psql(t, url, "select 1"); got != "1" {
		t.Fatalf("select 1 after restart = %q", got)
	}
}
