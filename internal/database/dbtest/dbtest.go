// Package dbtest gives each test a fresh, migrated PostgreSQL database,
// cloned from a template (pgtestdb), on the server in DATABASE_URL or, when
// that is unset, on the project-local cluster in var/pg.
package dbtest

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver pgtestdb connects with
	"github.com/peterldowns/pgtestdb"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/rivermigrate"

	"baocao/internal/database"
	"baocao/internal/database/localpg"
	"baocao/migrations"
)

var (
	adminOnce sync.Once
	adminURL  string
	adminErr  error
)

// serverURL returns the URL of a superuser connection to the test server.
func serverURL(tb testing.TB) string {
	adminOnce.Do(func() {
		adminURL = os.Getenv("DATABASE_URL")
		if adminURL != "" {
			return
		}
		_, file, _, _ := runtime.Caller(0)
		root := filepath.Join(filepath.Dir(file), "..", "..", "..")
		c := &localpg.Cluster{Dir: filepath.Join(root, "var", "pg")}
		adminURL, adminErr = c.Start(context.Background())
	})
	if adminErr != nil {
		tb.Fatalf("start local PostgreSQL: %v", adminErr)
	}
	return adminURL
}

// New returns a pool on a new database with every migration applied. The
// database is dropped when the test passes.
func New(tb testing.TB) *database.DB {
	tb.Helper()
	return open(tb, migrator{})
}

// NewEmpty returns a pool on a new database without any table, for
// restoring a backup into.
func NewEmpty(tb testing.TB) *database.DB {
	tb.Helper()
	return open(tb, pgtestdb.NoopMigrator{})
}

func open(tb testing.TB, m pgtestdb.Migrator) *database.DB {
	tb.Helper()
	u, err := url.Parse(serverURL(tb))
	if err != nil {
		tb.Fatal(err)
	}
	password, _ := u.User.Password()
	conf := pgtestdb.Config{
		DriverName: "pgx",
		User:       u.User.Username(),
		Password:   password,
		Host:       u.Hostname(),
		Port:       u.Port(),
		Database:   strings.TrimPrefix(u.Path, "/"),
		Options:    "sslmode=disable",
	}
	instance := pgtestdb.Custom(tb, conf, m)
	db, err := database.Open(context.Background(), instance.URL())
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(db.Close)
	return db
}

// migrator applies the embedded goose migrations to the template database.
type migrator struct{}

func (migrator) Hash() (string, error) {
	h := sha256.New()
	err := fs.WalkDir(migrations.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(migrations.FS, path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	// River's own migrations come with its module version.
	river, rerr := rivermigrate.New(riverdatabasesql.New(nil), nil)
	if rerr != nil {
		return "", rerr
	}
	fmt.Fprintf(h, "river %d", len(river.AllVersions()))
	return hex.EncodeToString(h.Sum(nil))[:16], err
}

func (migrator) Migrate(ctx context.Context, db *sql.DB, _ pgtestdb.Config) error {
	return database.MigrateSQL(ctx, db)
}
