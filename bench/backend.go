package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// benchDB is the database the harness creates on PostgreSQL and MariaDB,
// and drops when it ends. GORADIUS_BENCH_DB names another, so that two
// runs on one shared server do not drop each other's database.
var benchDB = envOr("GORADIUS_BENCH_DB", "goradius_bench")

const (
	defaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
	defaultMySQLURL    = "mysql://root@127.0.0.1:3306/"
)

// backend is one database goradius runs on during the benchmark.
type backend struct {
	name string // sqlite, postgres, mysql
	// url is goradius's --db.
	url string
	// sqlitePath is the database file (sqlite only).
	sqlitePath string
	// admin opens a connection to the server's maintenance database, to
	// create and drop benchDB (postgres and mysql).
	admin func() (*sql.DB, error)
	// open opens a connection pool to the bench database.
	open func() (*sql.DB, error)
}

// newBackend describes a backend; adminURL is the PostgreSQL or MySQL URL
// of the server (any database), ignored for sqlite.
func newBackend(name, adminURL, tmpDir string) (*backend, error) {
	switch name {
	case "sqlite":
		p := filepath.Join(tmpDir, "bench.db")
		return &backend{
			name: name, url: "sqlite:" + p, sqlitePath: p,
			open: func() (*sql.DB, error) {
				// Loading only: no fsync, no foreign key checks. The server
				// opens the file with its own settings.
				db, err := sql.Open("sqlite", p+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)"+
					"&_pragma=synchronous(OFF)&_pragma=foreign_keys(0)")
				if err == nil {
					db.SetMaxOpenConns(1)
				}
				return db, err
			},
		}, nil
	case "postgres":
		u, err := url.Parse(adminURL)
		if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			return nil, fmt.Errorf("GORADIUS_BENCH_POSTGRES: want postgres://USER@HOST:PORT/DB?..., got %q", adminURL)
		}
		bu := *u
		bu.Path = "/" + benchDB
		pgOpen := func(s string) func() (*sql.DB, error) {
			return func() (*sql.DB, error) { return sql.Open("pgx", s) }
		}
		return &backend{name: name, url: bu.String(), admin: pgOpen(adminURL), open: pgOpen(bu.String())}, nil
	case "mysql":
		u, err := url.Parse(adminURL)
		if err != nil || (u.Scheme != "mysql" && u.Scheme != "mariadb") || u.Host == "" {
			return nil, fmt.Errorf("GORADIUS_BENCH_MYSQL: want mysql://USER[:PASS]@HOST:PORT/, got %q", adminURL)
		}
		bu := *u
		bu.Path = "/" + benchDB
		cfg := func(dbName string) *mysql.Config {
			c := mysql.NewConfig()
			if u.User != nil {
				c.User = u.User.Username()
				c.Passwd, _ = u.User.Password()
			}
			c.Net, c.Addr = "tcp", u.Host
			if u.Port() == "" {
				c.Addr = net.JoinHostPort(u.Hostname(), "3306")
			}
			c.DBName = dbName
			c.ParseTime = true
			c.Loc = time.UTC
			c.InterpolateParams = true
			c.Params = map[string]string{"time_zone": "'+00:00'"}
			return c
		}
		myOpen := func(dbName string) func() (*sql.DB, error) {
			return func() (*sql.DB, error) {
				conn, err := mysql.NewConnector(cfg(dbName))
				if err != nil {
					return nil, err
				}
				return sql.OpenDB(conn), nil
			}
		}
		return &backend{name: name, url: bu.String(), admin: myOpen(""), open: myOpen(benchDB)}, nil
	}
	return nil, fmt.Errorf("unknown backend %q (want sqlite, postgres or mysql)", name)
}

// reachable reports whether the database server answers within a few
// seconds (always true for sqlite).
func (b *backend) reachable(ctx context.Context) error {
	if b.admin == nil {
		return nil
	}
	db, err := b.admin()
	if err != nil {
		return err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	return db.PingContext(ctx)
}

// create makes a fresh, empty bench database (dropping a leftover of an
// interrupted run).
func (b *backend) create(ctx context.Context) error {
	if b.admin == nil {
		return nil
	}
	if err := b.drop(ctx); err != nil {
		return err
	}
	db, err := b.admin()
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "CREATE DATABASE "+benchDB)
	if err != nil {
		return fmt.Errorf("%s: create database %s: %w", b.name, benchDB, err)
	}
	if b.name == "postgres" {
		// Every session of goradius and of the database limit commits
		// durably, whatever the server's default.
		if _, err := db.ExecContext(ctx, "ALTER DATABASE "+benchDB+" SET synchronous_commit = on"); err != nil {
			return fmt.Errorf("%s: %w", b.name, err)
		}
	}
	return nil
}

// drop removes the bench database, if any. It runs during cleanup, so it
// takes its own time limit rather than a context that may be cancelled.
func (b *backend) drop(ctx context.Context) error {
	if b.admin == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 60*time.Second)
	defer cancel()
	db, err := b.admin()
	if err != nil {
		return err
	}
	defer db.Close()
	q := "DROP DATABASE IF EXISTS " + benchDB
	if b.name == "postgres" {
		// Ends the sessions of a server killed halfway (PostgreSQL 13+).
		q += " WITH (FORCE)"
	}
	if _, err := db.ExecContext(ctx, q); err != nil {
		return fmt.Errorf("%s: drop database %s: %w", b.name, benchDB, err)
	}
	return nil
}

// setting returns a server setting, for the report: PostgreSQL's
// synchronous_commit, MariaDB's innodb_flush_log_at_trx_commit.
func setting(ctx context.Context, db *sql.DB, dialect string) string {
	var q string
	switch dialect {
	case "postgres":
		q = "SELECT 'synchronous_commit=' || current_setting('synchronous_commit') || ', fsync=' || current_setting('fsync')"
	case "mysql":
		q = "SELECT CONCAT('innodb_flush_log_at_trx_commit=', @@innodb_flush_log_at_trx_commit, ', sync_binlog=', @@sync_binlog)"
	case "sqlite":
		return "synchronous=FULL, WAL (goradius's settings)"
	default:
		return ""
	}
	var s string
	if err := db.QueryRowContext(ctx, q).Scan(&s); err != nil {
		return "(" + err.Error() + ")"
	}
	return s
}

// parseBackends reads -backends: a comma-separated list, or "" for
// sqlite plus whichever of postgres and mysql answer.
func parseBackends(s string) (names []string, explicit bool, err error) {
	if strings.TrimSpace(s) == "" {
		return []string{"sqlite", "postgres", "mysql"}, false, nil
	}
	seen := map[string]bool{}
	for _, n := range strings.Split(s, ",") {
		n = strings.ToLower(strings.TrimSpace(n))
		switch n {
		case "":
			continue
		case "sqlite", "postgres", "mysql":
		case "postgresql":
			n = "postgres"
		case "mariadb":
			n = "mysql"
		default:
			return nil, true, fmt.Errorf("-backends: unknown backend %q (want sqlite, postgres, mysql)", n)
		}
		if !seen[n] {
			seen[n] = true
			names = append(names, n)
		}
	}
	if len(names) == 0 {
		return nil, true, errors.New("-backends: empty list")
	}
	return names, true, nil
}
