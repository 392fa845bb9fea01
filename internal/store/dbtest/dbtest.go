// Package dbtest gives tests a fresh, migrated database on every backend
// goradius supports: SQLite always, PostgreSQL and MySQL/MariaDB when the
// environment names a server (GORADIUS_TEST_POSTGRES, GORADIUS_TEST_MYSQL).
// Each test database is created with a unique name and dropped when the
// test ends. With GORADIUS_TEST_REQUIRE_DB=1 (as in CI) a backend that is
// not configured fails instead of skipping.
package dbtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/goradius/goradius/internal/store"
	"github.com/goradius/goradius/internal/store/sqlstore"
)

// Environment variables read by this package.
const (
	// EnvPostgres is an admin URL of a PostgreSQL server, e.g.
	// postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable.
	EnvPostgres = "GORADIUS_TEST_POSTGRES"
	// EnvMySQL is an admin URL of a MySQL or MariaDB server, e.g.
	// mysql://root@127.0.0.1:3306/.
	EnvMySQL = "GORADIUS_TEST_MYSQL"
	// EnvRequire set to 1 makes an unconfigured backend a failure.
	EnvRequire = "GORADIUS_TEST_REQUIRE_DB"
)

// The backend names, also the subtest names of Each and EachBackend.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
	MySQL    = "mysql"
)

// Backends returns the backend names in the order Each runs them.
func Backends() []string { return []string{SQLite, Postgres, MySQL} }

// serverTimeout bounds reaching a configured server and each admin
// statement, so a wrong address fails the test instead of hanging it.
const serverTimeout = 15 * time.Second

// Each runs fn as the subtests sqlite, postgres and mysql, each with a
// fresh, migrated database.
func Each(t *testing.T, fn func(t *testing.T, s store.Store)) {
	t.Helper()
	EachBackend(t, func(t *testing.T, backend string) {
		s, _ := Open(t, backend)
		fn(t, s)
	})
}

// EachBackend runs fn as one subtest per backend, after checking that the
// backend is configured (skipping or failing the subtest if not). fn gets
// databases from Open or NewDatabase, as many as it needs.
func EachBackend(t *testing.T, fn func(t *testing.T, backend string)) {
	t.Helper()
	for _, b := range Backends() {
		t.Run(b, func(t *testing.T) {
			Require(t, b)
			fn(t, b)
		})
	}
}

// Require skips t (or fails it under GORADIUS_TEST_REQUIRE_DB=1) when
// backend has no server configured.
func Require(t testing.TB, backend string) {
	t.Helper()
	var env, example string
	switch backend {
	case SQLite:
		return
	case Postgres:
		env, example = EnvPostgres, "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	case MySQL:
		env, example = EnvMySQL, "mysql://root@127.0.0.1:3306/"
	default:
		t.Fatalf("dbtest: unknown backend %q (want one of %v)", backend, Backends())
	}
	if os.Getenv(env) != "" {
		return
	}
	msg := fmt.Sprintf("%s tests need a server: set %s to an admin URL, e.g. %s=%s", backend, env, env, example)
	if os.Getenv(EnvRequire) == "1" {
		t.Fatalf("%s=1 but %s", EnvRequire, msg)
	}
	t.Skip(msg + " (" + EnvRequire + "=1 turns this skip into a failure)")
}

// Open returns the store of a fresh, migrated database of backend and its
// URL (for a goradius process started with --db URL). The store is closed
// and the database dropped when the test ends.
func Open(t testing.TB, backend string) (store.Store, string) {
	t.Helper()
	u := NewDatabase(t, backend)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	s, err := sqlstore.Open(ctx, u, sqlstore.Options{})
	if err != nil {
		t.Fatalf("dbtest: open %s: %v", backend, err)
	}
	// Registered after NewDatabase's cleanup, so it runs before the drop.
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("dbtest: close %s store: %v", backend, err)
		}
	})
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatalf("dbtest: migrate %s: %v", backend, err)
	}
	// As the server does: every test that reads a Subject then goes
	// through the known-names filter.
	if err := s.StartNameFilter(ctx); err != nil {
		t.Fatalf("dbtest: known-names filter on %s: %v", backend, err)
	}
	return s, u
}

// NewDatabase creates a fresh, empty (not migrated) database of backend
// and returns its goradius URL; it is removed when the test ends.
func NewDatabase(t testing.TB, backend string) string {
	t.Helper()
	Require(t, backend)
	switch backend {
	case Postgres:
		return newServerDatabase(t, backend, os.Getenv(EnvPostgres))
	case MySQL:
		return newServerDatabase(t, backend, os.Getenv(EnvMySQL))
	default:
		return "sqlite:" + filepath.Join(t.TempDir(), "goradius.db")
	}
}

// newServerDatabase creates a uniquely named database through the admin
// URL and returns the URL of the new database.
func newServerDatabase(t testing.TB, backend, adminURL string) string {
	t.Helper()
	env := EnvPostgres
	if backend == MySQL {
		env = EnvMySQL
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		t.Fatalf("dbtest: %s is not a URL: %v", env, err)
	}
	admin, err := openAdmin(backend, u)
	if err != nil {
		t.Fatalf("dbtest: %s=%s: %v", env, u.Redacted(), err)
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), serverTimeout)
	defer cancel()
	if err := admin.PingContext(ctx); err != nil {
		t.Fatalf("dbtest: cannot reach the %s server of %s=%s: %v", backend, env, u.Redacted(), err)
	}

	name := "goradius_test_" + randomHex(8)
	create := "CREATE DATABASE " + name
	if backend == MySQL {
		create += " CHARACTER SET utf8mb4 COLLATE utf8mb4_bin"
	}
	if _, err := admin.ExecContext(ctx, create); err != nil {
		t.Fatalf("dbtest: create %s database %s: %v", backend, name, err)
	}
	t.Cleanup(func() { dropDatabase(t, backend, u, name) })

	dbURL := *u
	dbURL.Path = "/" + name
	dbURL.RawPath = ""
	return dbURL.String()
}

func dropDatabase(t testing.TB, backend string, adminURL *url.URL, name string) {
	admin, err := openAdmin(backend, adminURL)
	if err != nil {
		t.Logf("dbtest: drop %s database %s: %v", backend, name, err)
		return
	}
	defer admin.Close()
	ctx, cancel := context.WithTimeout(context.Background(), serverTimeout)
	defer cancel()
	drop := "DROP DATABASE IF EXISTS " + name
	if backend == Postgres {
		// FORCE (PostgreSQL 13+) ends sessions a failed test left open.
		if _, err := admin.ExecContext(ctx, drop+" WITH (FORCE)"); err == nil {
			return
		}
	}
	if _, err := admin.ExecContext(ctx, drop); err != nil {
		t.Logf("dbtest: drop %s database %s: %v", backend, name, err)
	}
}

// openAdmin connects to the server of an admin URL (its database, if any,
// is only where the admin session lives).
func openAdmin(backend string, u *url.URL) (*sql.DB, error) {
	if backend == Postgres {
		return sql.Open("pgx", u.String())
	}
	cfg := mysql.NewConfig()
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	cfg.Net, cfg.Addr = "tcp", u.Host
	if u.Port() == "" {
		cfg.Addr = net.JoinHostPort(u.Hostname(), "3306")
	}
	cfg.Timeout = serverTimeout
	c, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(c), nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
