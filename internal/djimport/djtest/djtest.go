// Package djtest gives tests the django-freeradius fixture database
// (internal/djimport/testdata, described in its README.md) as an import
// source, in SQLite and in PostgreSQL, and what the fixture holds.
package djtest

import (
	"context"
	"database/sql"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/goradius/goradius/internal/store/dbtest"
	"github.com/goradius/goradius/internal/store/sqlstore"
)

// Dir is the fixture directory.
func Dir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "testdata")
}

// SQLiteFixture copies the SQLite fixture into a temporary directory and
// returns its URL.
func SQLiteFixture(t testing.TB) string {
	t.Helper()
	src, err := os.Open(filepath.Join(Dir(), "django-freeradius.sqlite3"))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	path := filepath.Join(t.TempDir(), "django-freeradius.sqlite3")
	dst, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(dst, src); err != nil {
		t.Fatal(err)
	}
	if err := dst.Close(); err != nil {
		t.Fatal(err)
	}
	return "sqlite:" + path
}

// PostgresFixture loads the PostgreSQL dump into a fresh database of the
// test server (dbtest's GORADIUS_TEST_POSTGRES) and returns its URL.
func PostgresFixture(t testing.TB) string {
	t.Helper()
	url := dbtest.NewDatabase(t, dbtest.Postgres)
	dump, err := os.ReadFile(filepath.Join(Dir(), "django-freeradius-postgres.sql"))
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	// Without arguments pgx sends the whole dump as one simple-protocol
	// query (several statements); its session settings die with db.
	if _, err := db.ExecContext(ctx, string(dump)); err != nil {
		t.Fatalf("loading the PostgreSQL fixture: %v", err)
	}
	return url
}

// EachSource runs fn as the subtests from-sqlite and from-postgres, each
// with a fresh copy of the fixture. from-postgres is skipped (or fails
// under GORADIUS_TEST_REQUIRE_DB=1) without a PostgreSQL test server.
func EachSource(t *testing.T, fn func(t *testing.T, srcURL string)) {
	t.Helper()
	t.Run("from-sqlite", func(t *testing.T) { fn(t, SQLiteFixture(t)) })
	t.Run("from-postgres", func(t *testing.T) {
		dbtest.Require(t, dbtest.Postgres)
		fn(t, PostgresFixture(t))
	})
}

// FirstImport is the report of importing the fixture into a new goradius
// database: table, read, inserted. goradius already has the groups users
// and power-users and the two checks of users.
var FirstImport = []struct {
	Table          string
	Read, Inserted int
}{
	{"radius groups", 3, 1},
	{"users", 16, 16},
	{"radcheck", 13, 13},
	{"radreply", 5, 5},
	{"radgroupcheck", 3, 1},
	{"radgroupreply", 2, 2},
	{"radusergroup", 18, 18},
	{"nas", 2, 2},
	{"radiustoken", 2, 2},
	{"authtoken", 2, 2},
	{"radbatch", 2, 2},
	{"radbatch_users", 8, 8},
	{"radacct", 30, 30},
	{"radpostauth", 20, 20},
}

// Passwords are the fixture's users (and radcheck-only usernames) with a
// known password, and whether authorize accepts it.
var Passwords = []struct {
	Username, Password string
	Accept             bool
}{
	{"alice", "alice-pass-1", true},
	{"bob", "bob-pass-2", true},
	{"carol", "carol-pass-3", false}, // inactive
	{"dave", "dave-pass-4", true},
	{"erin", "erin-pass-5", true},        // argon2
	{"frank", "frank-pass-6", true},      // bcrypt_sha256
	{"grace", "grace-pass-7", true},      // superuser
	{"heidi", "heidi-pass-8", true},      // csv batch, expires after 2030-12-31
	{"ivan", "ivan-pass-9", true},        // pbkdf2_sha256 100000
	{"judy", "judy-pass-10", true},       //
	{"kim", "kim-pass-11", true},         //
	{"mallory", "mallory-pass-12", true}, // pbkdf2_sha1
	{"guest1", "Ok5DwwdF", true},
	{"guest2", "h0dNmm97", true},
	{"guest3", "B6Q7VahE", true},
	{"legacy-user", "Legacy-12", true}, // radcheck Cleartext-Password only
}

// Tables are goradius's tables an import writes (and radbatch_file, which
// it must not).
var Tables = []string{
	"users", "radiusgroup", "radcheck", "radreply", "radgroupcheck", "radgroupreply", "radusergroup",
	"nas", "radiustoken", "authtoken", "radbatch", "radbatch_users", "radbatch_file", "radacct", "radpostauth",
}

// Snapshot returns every row of Tables in the goradius database of url,
// each row as text, sorted: equal snapshots mean equal contents.
func Snapshot(t testing.TB, url string) map[string][]string {
	t.Helper()
	ctx := context.Background()
	db, _, err := sqlstore.OpenSource(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	out := map[string][]string{}
	for _, table := range Tables {
		rows, err := db.QueryContext(ctx, "SELECT * FROM "+table)
		if err != nil {
			t.Fatalf("snapshot %s: %v", table, err)
		}
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		for i := range vals {
			vals[i] = new(any)
		}
		lines := []string{}
		for rows.Next() {
			if err := rows.Scan(vals...); err != nil {
				t.Fatal(err)
			}
			var b strings.Builder
			for i, v := range vals {
				x := *(v.(*any))
				if bs, ok := x.([]byte); ok {
					x = string(bs)
				}
				fmt.Fprintf(&b, "%s=%v;", cols[i], x)
			}
			lines = append(lines, b.String())
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		rows.Close()
		slices.Sort(lines)
		out[table] = lines
	}
	return out
}

// MySQLFixture builds the fixture in a fresh database of the MySQL test
// server (dbtest's GORADIUS_TEST_MYSQL) with the column types Django's
// MySQL backend gives django-freeradius's models (char(32) UUIDs,
// datetime(6), bool, char(39) addresses), copying every row of the SQLite
// fixture, and returns its URL. Only the tables an import reads are made.
func MySQLFixture(t testing.TB, tables []string) string {
	t.Helper()
	ctx := context.Background()
	url := dbtest.NewDatabase(t, dbtest.MySQL)
	src, _, err := sqlstore.OpenSource(ctx, SQLiteFixture(t))
	if err != nil {
		t.Fatal(err)
	}
	defer src.Close()
	dst, _, err := sqlstore.OpenSource(ctx, url) // read-only only for SQLite and PostgreSQL
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	for _, table := range tables {
		rows, err := src.QueryContext(ctx, "SELECT name, type, \"notnull\", pk FROM pragma_table_info(?)", table)
		if err != nil {
			t.Fatal(err)
		}
		var cols, defs []string
		for rows.Next() {
			var (
				name, typ   string
				notNull, pk int
			)
			if err := rows.Scan(&name, &typ, &notNull, &pk); err != nil {
				t.Fatal(err)
			}
			switch typ = strings.ToLower(typ); typ {
			case "integer", "integer unsigned":
				typ = "bigint"
			case "datetime":
				typ = "datetime(6)"
			case "text":
				typ = "longtext"
			}
			def := "`" + name + "` " + typ
			if notNull == 1 {
				def += " NOT NULL"
			}
			if pk == 1 {
				def += " PRIMARY KEY"
			}
			cols = append(cols, "`"+name+"`")
			defs = append(defs, def)
		}
		rows.Close()
		if _, err := dst.ExecContext(ctx, "CREATE TABLE `"+table+"` ("+strings.Join(defs, ", ")+") DEFAULT CHARSET=utf8mb4"); err != nil {
			t.Fatalf("create %s: %v", table, err)
		}
		rows, err = src.QueryContext(ctx, "SELECT * FROM "+table)
		if err != nil {
			t.Fatal(err)
		}
		insert := "INSERT INTO `" + table + "` (" + strings.Join(cols, ", ") + ") VALUES (" +
			strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
		var all [][]any
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			all = append(all, vals)
		}
		rows.Close()
		for _, vals := range all {
			if _, err := dst.ExecContext(ctx, insert, vals...); err != nil {
				t.Fatalf("copy %s row %v: %v", table, vals, err)
			}
		}
	}
	return url
}
