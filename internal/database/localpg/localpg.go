// Package localpg creates, starts, reuses and stops a project-local
// PostgreSQL 15 cluster for development and tests.
//
// The cluster is driven entirely through the PostgreSQL binaries (initdb,
// pg_ctl, pg_isready, psql, createdb), so the package has no dependencies
// beyond the standard library.
//
// Layout of Cluster.Dir (for example the project's var/pg):
//
//	.lock          flock(2) lock serialising Start and Stop across processes
//	port           the TCP port chosen at initdb time (127.0.0.1 only)
//	datadir        only when the data lives elsewhere (see below): its path
//	data/          the PostgreSQL data directory (PGDATA)
//	postgres.log   the server log (pg_ctl -l), next to the data directory
//
// initdb refuses to run as root, so when the process runs as root the server
// programs are run as the `postgres` system user through `runuser`. If that
// user cannot traverse the path to Dir (for example a project under a 0700
// home directory or a t.TempDir), the data directory and its log are kept in
// /var/tmp/baocao-pg-<first 12 hex digits of sha256(abs Dir)>/ instead and
// Dir/datadir records where.
package localpg

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const (
	defaultBinDir = "/usr/lib/postgresql/15/bin"
	superuser     = "baocao" // initdb superuser, trust authentication, no password
	appDatabase   = "baocao" // database created by Start
	serverUser    = "postgres"
	host          = "127.0.0.1"

	firstPort = 54320
	lastPort  = 54419

	readyTimeout = 30 * time.Second
	stopTimeout  = 60 * time.Second

	lockFile    = ".lock"
	portFile    = "port"
	pointerFile = "datadir"
	logName     = "postgres.log"
	confName    = "baocao-localpg.conf"
	fallbackTop = "/var/tmp"
)

// errMissingBinaries is returned when BinDir lacks the server programs.
var errMissingBinaries = errors.New("PostgreSQL 15 server binaries are missing, install them with `apt-get update && apt-get install -y postgresql-15`")

// Cluster is a project-local PostgreSQL cluster kept in Dir.
type Cluster struct {
	Dir    string
	BinDir string    // default /usr/lib/postgresql/15/bin
	Log    io.Writer // progress lines, may be nil
	// Standby, when set, is the URL of a primary: the first Start copies
	// it (pg_basebackup -R) instead of running initdb, so the cluster is
	// its read-only streaming replica, and Start creates no database.
	Standby string
}

// account is the system user the server programs run as (root case only).
type account struct {
	name     string
	uid, gid int
	runuser  string // path of runuser(1)
}

// layout is where one cluster's files live, resolved for one call.
type layout struct {
	dir     string   // absolute Dir
	bin     string   // BinDir
	dataDir string   // PGDATA
	logFile string   // pg_ctl -l
	as      *account // nil: run as the current user
	logf    func(format string, args ...any)
}

// Start initialises the cluster on first use, starts it if it is not running,
// waits until it accepts connections, creates the database `baocao` if
// missing, and returns a connection URL such as
// postgres://baocao@127.0.0.1:PORT/baocao?sslmode=disable
func (c *Cluster) Start(ctx context.Context) (string, error) {
	dir, err := c.absDir()
	if err != nil {
		return "", err
	}
	bin := c.binDir()
	if err := checkBinaries(bin); err != nil {
		return "", err
	}
	as, err := serverAccount()
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("localpg: %w", err)
	}
	unlock, err := c.lock(ctx, dir)
	if err != nil {
		return "", err
	}
	defer unlock()

	dataDir, err := c.resolveDataDir(ctx, dir, as, true)
	if err != nil {
		return "", err
	}
	l := &layout{
		dir:     dir,
		bin:     bin,
		dataDir: dataDir,
		logFile: filepath.Join(filepath.Dir(dataDir), logName),
		as:      as,
		logf:    c.logf,
	}
	if err := l.prepareParent(); err != nil {
		return "", err
	}

	port, havePort, err := readPort(dir)
	if err != nil {
		return "", err
	}
	fresh := false
	if !isCluster(dataDir) {
		if !havePort {
			if port, err = pickPort(firstPort); err != nil {
				return "", err
			}
			if err := writePort(dir, port); err != nil {
				return "", err
			}
			havePort = true
		}
		init := c.initialise
		if c.Standby != "" {
			init = c.copyPrimary
		}
		if err := init(ctx, l); err != nil {
			return "", err
		}
		fresh = true
	}
	if !havePort {
		// Initialised cluster whose port file went missing: pick a new port.
		if port, err = pickPort(firstPort); err != nil {
			return "", err
		}
		if err := writePort(dir, port); err != nil {
			return "", err
		}
		c.logf("no port file in %s, using new port %d", dir, port)
	}

	running, err := l.running(ctx)
	if err != nil {
		return "", err
	}
	if running {
		c.logf("already running on %s:%d (data %s)", host, port, dataDir)
	} else {
		if port, err = c.startServer(ctx, l, port, fresh); err != nil {
			return "", err
		}
		c.logf("started on %s:%d (data %s)", host, port, dataDir)
	}
	if err := l.waitReady(ctx, port); err != nil {
		return "", err
	}
	if c.Standby == "" {
		if err := c.ensureDatabase(ctx, l, port, appDatabase); err != nil {
			return "", err
		}
	}
	return buildURL(port, appDatabase)
}

// copyPrimary makes the data directory a streaming standby of c.Standby:
// a base backup with its WAL, standby.signal and primary_conninfo (-R).
// The copied settings file is rewritten with this cluster's port on start.
func (c *Cluster) copyPrimary(ctx context.Context, l *layout) error {
	tmp := l.dataDir + ".init"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	if err := l.own(tmp); err != nil {
		return err
	}
	c.logf("pg_basebackup of %s in %s", c.Standby, l.dataDir)
	out, err := l.run(ctx, "pg_basebackup", "-d", c.Standby, "-D", tmp, "-R", "-X", "stream", "-c", "fast")
	if err != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("localpg: pg_basebackup failed: %w\n%s", err, out)
	}
	if err := os.Rename(tmp, l.dataDir); err != nil {
		return fmt.Errorf("localpg: moving the standby into %s: %w", l.dataDir, err)
	}
	return nil
}

// Stop stops the cluster if it is running (pg_ctl stop -m fast); no error if
// it is not.
func (c *Cluster) Stop(ctx context.Context) error {
	dir, err := c.absDir()
	if err != nil {
		return err
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return nil // never created, nothing can be running
	}
	dataDir, err := c.resolveDataDir(ctx, dir, nil, false)
	if err != nil {
		return err
	}
	if !isCluster(dataDir) {
		return nil
	}
	bin := c.binDir()
	if err := checkBinaries(bin); err != nil {
		return err
	}
	as, err := serverAccount()
	if err != nil {
		return err
	}
	unlock, err := c.lock(ctx, dir)
	if err != nil {
		return err
	}
	defer unlock()

	l := &layout{
		dir:     dir,
		bin:     bin,
		dataDir: dataDir,
		logFile: filepath.Join(filepath.Dir(dataDir), logName),
		as:      as,
		logf:    c.logf,
	}
	running, err := l.running(ctx)
	if err != nil || !running {
		return err
	}
	out, err := l.run(ctx, "pg_ctl", "stop", "-D", dataDir, "-m", "fast", "-w",
		"-t", strconv.Itoa(int(stopTimeout/time.Second)))
	if err != nil {
		return l.failure("pg_ctl stop", out, err)
	}
	c.logf("stopped (data %s)", dataDir)
	return nil
}

// URL returns the URL for database name db (without starting anything).
func (c *Cluster) URL(db string) (string, error) {
	dir, err := c.absDir()
	if err != nil {
		return "", err
	}
	if db == "" {
		return "", errors.New("localpg: empty database name")
	}
	port, ok, err := readPort(dir)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", fmt.Errorf("localpg: no cluster in %s yet (missing %s); call Start first", dir, portFile)
	}
	return buildURL(port, db)
}

func buildURL(port int, db string) (string, error) {
	u := url.URL{
		Scheme:   "postgres",
		User:     url.User(superuser),
		Host:     net.JoinHostPort(host, strconv.Itoa(port)),
		Path:     "/" + db,
		RawQuery: "sslmode=disable",
	}
	return u.String(), nil
}

func (c *Cluster) absDir() (string, error) {
	if c.Dir == "" {
		return "", errors.New("localpg: Cluster.Dir is empty")
	}
	dir, err := filepath.Abs(c.Dir)
	if err != nil {
		return "", fmt.Errorf("localpg: %w", err)
	}
	return dir, nil
}

func (c *Cluster) binDir() string {
	if c.BinDir == "" {
		return defaultBinDir
	}
	return c.BinDir
}

func (c *Cluster) logf(format string, args ...any) {
	if c.Log != nil {
		fmt.Fprintf(c.Log, "localpg: "+format+"\n", args...)
	}
}

func checkBinaries(bin string) error {
	for _, name := range []string{"initdb", "pg_ctl", "pg_isready", "psql", "createdb"} {
		fi, err := os.Stat(filepath.Join(bin, name))
		if err != nil || fi.IsDir() {
			return errMissingBinaries
		}
	}
	return nil
}

// serverAccount returns nil when the server programs can run as the current
// user, or the postgres system user to run them as when running as root.
func serverAccount() (*account, error) {
	if os.Geteuid() != 0 {
		return nil, nil
	}
	u, err := user.Lookup(serverUser)
	if err != nil {
		return nil, fmt.Errorf("localpg: running as root, but initdb refuses to run as root and there is no %q system user to run PostgreSQL as; "+
			"install it with `apt-get update && apt-get install -y postgresql-15` (which creates the user), or run as a non-root user: %w", serverUser, err)
	}
	uid, err1 := strconv.Atoi(u.Uid)
	gid, err2 := strconv.Atoi(u.Gid)
	if err1 != nil || err2 != nil {
		return nil, fmt.Errorf("localpg: user %s has non-numeric uid/gid %q/%q", serverUser, u.Uid, u.Gid)
	}
	runuser, err := exec.LookPath("runuser")
	if err != nil {
		return nil, fmt.Errorf("localpg: running as root needs runuser(1) (util-linux) to run PostgreSQL as %s: %w", serverUser, err)
	}
	return &account{name: serverUser, uid: uid, gid: gid, runuser: runuser}, nil
}

// lock takes an exclusive flock on Dir/.lock, honouring ctx while waiting.
// The returned function releases it.
func (c *Cluster) lock(ctx context.Context, dir string) (func(), error) {
	f, err := os.OpenFile(filepath.Join(dir, lockFile), os.O_CREATE|os.O_RDWR, 0o644)
	if err != nil {
		return nil, fmt.Errorf("localpg: %w", err)
	}
	waiting := false
	for {
		err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
		if err == nil {
			return func() { f.Close() }, nil
		}
		if !errors.Is(err, syscall.EWOULDBLOCK) && !errors.Is(err, syscall.EINTR) {
			f.Close()
			return nil, fmt.Errorf("localpg: lock %s: %w", f.Name(), err)
		}
		if !waiting {
			c.logf("waiting for another process holding %s", f.Name())
			waiting = true
		}
		select {
		case <-ctx.Done():
			f.Close()
			return nil, fmt.Errorf("localpg: waiting for %s: %w", f.Name(), ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// fallbackDataDir is the data directory used when the server user cannot
// reach Dir.
func fallbackDataDir(absDir string) string {
	sum := sha256.Sum256([]byte(absDir))
	return filepath.Join(fallbackTop, "baocao-pg-"+hex.EncodeToString(sum[:])[:12], "data")
}

// resolveDataDir finds the data directory: the one recorded in Dir/datadir,
// else Dir/data. With decide set and no cluster yet, it checks whether the
// server user can reach Dir and, if not, records the /var/tmp fallback.
func (c *Cluster) resolveDataDir(ctx context.Context, dir string, as *account, decide bool) (string, error) {
	ptr := filepath.Join(dir, pointerFile)
	b, err := os.ReadFile(ptr)
	switch {
	case err == nil:
		p := strings.TrimSpace(string(b))
		if p == "" || !filepath.IsAbs(p) {
			return "", fmt.Errorf("localpg: %s does not hold an absolute path (%q); fix or delete it", ptr, p)
		}
		return p, nil
	case !errors.Is(err, os.ErrNotExist):
		return "", fmt.Errorf("localpg: %w", err)
	}
	local := filepath.Join(dir, "data")
	if !decide || as == nil || isCluster(local) {
		return local, nil
	}
	if as.canReach(ctx, dir) {
		return local, nil
	}
	fb := fallbackDataDir(dir)
	c.logf("user %s cannot reach %s; keeping the data directory in %s", as.name, dir, fb)
	if err := os.WriteFile(ptr, []byte(fb+"\n"), 0o644); err != nil {
		return "", fmt.Errorf("localpg: %w", err)
	}
	return fb, nil
}

// canReach reports whether the account can traverse every directory down to
// and including dir (runuser -u postgres -- test -x dir).
func (a *account) canReach(ctx context.Context, dir string) bool {
	cmd := exec.CommandContext(ctx, a.runuser, "-u", a.name, "--", "test", "-x", dir)
	cmd.Dir = "/"
	cmd.Env = childEnv()
	return cmd.Run() == nil
}

// prepareParent makes sure the directory holding the data directory and the
// log exists, and, for the /var/tmp fallback, that it is ours and private.
func (l *layout) prepareParent() error {
	parent := filepath.Dir(l.dataDir)
	if parent == l.dir {
		return nil // Dir exists already
	}
	fi, err := os.Lstat(parent)
	switch {
	case errors.Is(err, os.ErrNotExist):
		if err := os.MkdirAll(filepath.Dir(parent), 0o755); err != nil {
			return fmt.Errorf("localpg: %w", err)
		}
		if err := os.Mkdir(parent, 0o700); err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("localpg: %w", err)
		}
		if fi, err = os.Lstat(parent); err != nil {
			return fmt.Errorf("localpg: %w", err)
		}
	case err != nil:
		return fmt.Errorf("localpg: %w", err)
	}
	if !fi.IsDir() || fi.Mode()&os.ModeSymlink != 0 {
		return fmt.Errorf("localpg: %s exists but is not a directory; remove it", parent)
	}
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		owner := int(st.Uid)
		allowed := owner == os.Geteuid() || (l.as != nil && owner == l.as.uid)
		if !allowed {
			return fmt.Errorf("localpg: %s is owned by uid %d, not by us; remove it", parent, owner)
		}
	}
	if err := l.own(parent); err != nil {
		return err
	}
	return os.Chmod(parent, 0o700)
}

// own hands path to the server account (no-op when not root).
func (l *layout) own(path string) error {
	if l.as == nil {
		return nil
	}
	if err := os.Lchown(path, l.as.uid, l.as.gid); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	return nil
}

// isCluster reports whether dataDir holds an initialised cluster.
func isCluster(dataDir string) bool {
	_, err := os.Stat(filepath.Join(dataDir, "PG_VERSION"))
	return err == nil
}

// initialise runs initdb into dataDir+".init" and renames it into place once
// it is complete, so a crash never leaves a half-made cluster behind.
func (c *Cluster) initialise(ctx context.Context, l *layout) error {
	tmp := l.dataDir + ".init"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	if err := os.Mkdir(tmp, 0o700); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	if err := l.own(tmp); err != nil {
		return err
	}
	c.logf("initdb in %s", l.dataDir)
	args := []string{"-D", tmp, "-U", superuser, "--auth=trust", "-E", "UTF8", "--no-instructions"}
	out, err := l.run(ctx, "initdb", append(args, "--locale=C.UTF-8")...)
	if err != nil && ctx.Err() == nil && strings.Contains(strings.ToLower(out), "locale") {
		c.logf("initdb with locale C.UTF-8 failed, retrying with locale C")
		// initdb empties a pre-existing directory on failure; start clean anyway.
		_ = os.RemoveAll(tmp)
		if err := os.Mkdir(tmp, 0o700); err != nil {
			return fmt.Errorf("localpg: %w", err)
		}
		if err := l.own(tmp); err != nil {
			return err
		}
		out, err = l.run(ctx, "initdb", append(args, "--locale=C")...)
	}
	if err != nil {
		_ = os.RemoveAll(tmp)
		return fmt.Errorf("localpg: initdb failed: %w\n%s", err, out)
	}

	f, err := os.OpenFile(filepath.Join(tmp, "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	_, err = fmt.Fprintf(f, "\n# Settings managed by baocao/internal/database/localpg.\ninclude '%s'\n", confName)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	if err := os.Rename(tmp, l.dataDir); err != nil {
		return fmt.Errorf("localpg: moving the new cluster into %s (remove it if it is left over): %w", l.dataDir, err)
	}
	return nil
}

// writeConf (re)writes the managed settings file inside the data directory.
func (l *layout) writeConf(port int) error {
	conf := fmt.Sprintf(`# Managed by baocao/internal/database/localpg; rewritten on every start.
listen_addresses = '%s'
port = %d
unix_socket_directories = ''
max_connections = 300
shared_buffers = 128MB
fsync = on
logging_collector = off
`, host, port)
	path := filepath.Join(l.dataDir, confName)
	if err := os.WriteFile(path, []byte(conf), 0o600); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	return l.own(path)
}

// startServer starts the stopped cluster on port. For a cluster initialised
// in this call (fresh) a port taken in the meantime is replaced by a new one;
// it returns the port in use.
func (c *Cluster) startServer(ctx context.Context, l *layout, port int, fresh bool) (int, error) {
	// pg_ctl -l opens the log as the server user.
	if f, err := os.OpenFile(l.logFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600); err != nil {
		return 0, fmt.Errorf("localpg: %w", err)
	} else {
		f.Close()
	}
	if err := l.own(l.logFile); err != nil {
		return 0, err
	}
	for attempt := 0; ; attempt++ {
		if !portFree(port) {
			if !fresh || attempt >= 5 {
				return 0, fmt.Errorf("localpg: port %d on %s is in use by another process; stop it, or delete %s to choose a new port",
					port, host, filepath.Join(l.dir, portFile))
			}
			next, err := pickPort(port + 1)
			if err != nil {
				return 0, err
			}
			c.logf("port %d was taken, using %d", port, next)
			port = next
			if err := writePort(l.dir, port); err != nil {
				return 0, err
			}
			continue
		}
		if err := l.writeConf(port); err != nil {
			return 0, err
		}
		out, err := l.run(ctx, "pg_ctl", "start", "-D", l.dataDir, "-l", l.logFile, "-w",
			"-t", strconv.Itoa(int(readyTimeout/time.Second)))
		if err == nil {
			return port, nil
		}
		if fresh && ctx.Err() == nil && attempt < 5 && !portFree(port) {
			if r, _ := l.running(ctx); !r {
				continue // lost a race for the port; the loop picks another
			}
		}
		return 0, l.failure("pg_ctl start", out, err)
	}
}

// running reports whether the server of the data directory is running.
// A postmaster.pid naming a process that is not this cluster's postmaster
// (PID reuse after a crash or container restart) is removed as stale.
func (l *layout) running(ctx context.Context) (bool, error) {
	out, err := l.run(ctx, "pg_ctl", "status", "-D", l.dataDir)
	if err == nil {
		if pid, stale := l.stalePID(); stale {
			l.logf("removing stale postmaster.pid (PID %d is not this cluster's postmaster)", pid)
			_ = os.Remove(filepath.Join(l.dataDir, "postmaster.pid"))
			return false, nil
		}
		return true, nil
	}
	var ee *exec.ExitError
	if errors.As(err, &ee) && (ee.ExitCode() == 3 || ee.ExitCode() == 4) {
		return false, nil // 3: not running, 4: no accessible data directory
	}
	return false, l.failure("pg_ctl status", out, err)
}

// stalePID reports whether postmaster.pid names a live process that is not
// a postgres running in this data directory (or is a zombie), and that PID.
// Without /proc it says false.
func (l *layout) stalePID() (int, bool) {
	b, err := os.ReadFile(filepath.Join(l.dataDir, "postmaster.pid"))
	if err != nil {
		return 0, false
	}
	first, _, _ := strings.Cut(string(b), "\n")
	pid, err := strconv.Atoi(strings.TrimSpace(first))
	if err != nil || pid <= 0 {
		return 0, false
	}
	proc := filepath.Join("/proc", strconv.Itoa(pid))
	comm, err := os.ReadFile(filepath.Join(proc, "comm"))
	if err != nil {
		return 0, false
	}
	if strings.TrimSpace(string(comm)) != "postgres" {
		return pid, true
	}
	// A killed postmaster not yet reaped (zombie) still answers kill(pid, 0).
	if stat, err := os.ReadFile(filepath.Join(proc, "stat")); err == nil {
		if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) && stat[i+2] == 'Z' {
			return pid, true
		}
	}
	cwd, err := os.Readlink(filepath.Join(proc, "cwd"))
	if err != nil {
		return 0, false
	}
	want, err := filepath.EvalSymlinks(l.dataDir)
	if err != nil {
		return 0, false
	}
	return pid, filepath.Clean(cwd) != want
}

// waitReady waits until the server accepts TCP connections and pg_isready
// reports it ready.
func (l *layout) waitReady(ctx context.Context, port int) error {
	ctx, cancel := context.WithTimeout(ctx, readyTimeout)
	defer cancel()
	addr := net.JoinHostPort(host, strconv.Itoa(port))
	var last string
	for {
		conn, err := (&net.Dialer{Timeout: time.Second}).DialContext(ctx, "tcp", addr)
		if err == nil {
			conn.Close()
			out, err := l.runClient(ctx, "pg_isready", "-h", host, "-p", strconv.Itoa(port),
				"-U", superuser, "-d", "postgres", "-t", "2")
			if err == nil {
				return nil
			}
			last = strings.TrimSpace(out)
		} else {
			last = err.Error()
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("localpg: server on %s not ready after %s: %s%s", addr, readyTimeout, last, l.logTail())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// ensureDatabase creates database db unless it exists.
func (c *Cluster) ensureDatabase(ctx context.Context, l *layout, port int, db string) error {
	p := strconv.Itoa(port)
	q := "select 1 from pg_database where datname = '" + strings.ReplaceAll(db, "'", "''") + "'"
	out, err := l.runClient(ctx, "psql", "-X", "-q", "-h", host, "-p", p, "-U", superuser, "-d", "postgres", "-tAc", q)
	if err != nil {
		return fmt.Errorf("localpg: psql: %w\n%s", err, out)
	}
	if strings.TrimSpace(out) == "1" {
		return nil
	}
	out, err = l.runClient(ctx, "createdb", "-h", host, "-p", p, "-U", superuser, db)
	if err != nil {
		return fmt.Errorf("localpg: createdb %s: %w\n%s", db, err, out)
	}
	c.logf("created database %s", db)
	return nil
}

// run runs a server program from BinDir as the server account.
func (l *layout) run(ctx context.Context, name string, args ...string) (string, error) {
	path := filepath.Join(l.bin, name)
	var cmd *exec.Cmd
	if l.as != nil {
		cmd = exec.CommandContext(ctx, l.as.runuser, append([]string{"-u", l.as.name, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	return output(cmd)
}

// runClient runs a client program from BinDir as the current user.
func (l *layout) runClient(ctx context.Context, name string, args ...string) (string, error) {
	return output(exec.CommandContext(ctx, filepath.Join(l.bin, name), args...))
}

func output(cmd *exec.Cmd) (string, error) {
	var buf bytes.Buffer
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	cmd.Dir = "/" // the server user may not be able to enter our working directory
	cmd.Env = childEnv()
	// The server started by pg_ctl must never keep our pipes open, but do not
	// hang if something does.
	cmd.WaitDelay = 2 * time.Second
	err := cmd.Run()
	return buf.String(), err
}

// childEnv is the environment without PG* connection settings and locale
// variables that could redirect or translate the tools.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(name, "PG") || strings.HasPrefix(name, "LC_") || name == "LANG" || name == "LANGUAGE" {
			continue
		}
		env = append(env, kv)
	}
	return append(env, "LC_ALL=C", "PGCONNECT_TIMEOUT=5")
}

// failure builds an error carrying the command's output and the server log tail.
func (l *layout) failure(what, out string, err error) error {
	msg := fmt.Sprintf("localpg: %s failed: %v", what, err)
	if s := strings.TrimSpace(out); s != "" {
		msg += "\n" + s
	}
	return errors.New(msg + l.logTail())
}

// logTail returns the last lines of the server log, formatted for an error.
func (l *layout) logTail() string {
	f, err := os.Open(l.logFile)
	if err != nil {
		return ""
	}
	defer f.Close()
	const tailBytes = 8 << 10
	if fi, err := f.Stat(); err == nil && fi.Size() > tailBytes {
		f.Seek(fi.Size()-tailBytes, io.SeekStart)
	}
	b, _ := io.ReadAll(f)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > 20 {
		lines = lines[len(lines)-20:]
	}
	s := strings.TrimSpace(strings.Join(lines, "\n"))
	if s == "" {
		return ""
	}
	return "\n--- tail of " + l.logFile + " ---\n" + s
}

func readPort(dir string) (int, bool, error) {
	path := filepath.Join(dir, portFile)
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return 0, false, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("localpg: %w", err)
	}
	port, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil || port <= 0 || port > 65535 {
		return 0, false, fmt.Errorf("localpg: %s does not hold a TCP port (%q); fix or delete it", path, strings.TrimSpace(string(b)))
	}
	return port, true, nil
}

func writePort(dir string, port int) error {
	if err := os.WriteFile(filepath.Join(dir, portFile), []byte(strconv.Itoa(port)+"\n"), 0o644); err != nil {
		return fmt.Errorf("localpg: %w", err)
	}
	return nil
}

// pickPort returns the first free port from `from` up to lastPort, or one
// chosen by the kernel when they are all taken.
func pickPort(from int) (int, error) {
	for p := max(from, firstPort); p <= lastPort; p++ {
		if portFree(p) {
			return p, nil
		}
	}
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		return 0, fmt.Errorf("localpg: no free TCP port on %s: %w", host, err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port, nil
}

func portFree(port int) bool {
	ln, err := net.Listen("tcp", net.JoinHostPort(host, strconv.Itoa(port)))
	if err != nil {
		return false
	}
	ln.Close()
	return true
}
