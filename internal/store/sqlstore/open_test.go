package sqlstore

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestParseSQLiteURL(t *testing.T) {
	tests := []struct{ url, path string }{
		{"sqlite:goradius.db", "goradius.db"},
		{"sqlite:/var/lib/goradius/goradius.db", "/var/lib/goradius/goradius.db"},
		{"sqlite:///var/lib/goradius.db", "/var/lib/goradius.db"},
		{"sqlite://goradius.db", "goradius.db"},
		{"sqlite://./data/goradius.db", "./data/goradius.db"},
		{"sqlite3:x.db", "x.db"},
		{"SQLite:x.db", "x.db"},
		{"sqlite:with space.db", "with space.db"},
	}
	for _, tc := range tests {
		got, err := parseURL(tc.url)
		if err != nil {
			t.Errorf("parseURL(%q): %v", tc.url, err)
			continue
		}
		if got.d != sqliteDialect || got.sqlitePath != tc.path {
			t.Errorf("parseURL(%q) = %s %q, want sqlite %q", tc.url, got.d.name, got.sqlitePath, tc.path)
		}
	}
}

func TestParsePostgresURL(t *testing.T) {
	for _, u := range []string{
		"postgres://goradius:secret@db.example:5433/goradius?sslmode=disable",
		"postgresql://goradius@localhost/goradius",
	} {
		got, err := parseURL(u)
		if err != nil {
			t.Errorf("parseURL(%q): %v", u, err)
			continue
		}
		if got.d != postgresDialect || got.pg.Database != "goradius" || got.pg.RuntimeParams["timezone"] != "UTC" {
			t.Errorf("parseURL(%q) = %s db %q params %v", u, got.d.name, got.pg.Database, got.pg.RuntimeParams)
		}
	}
}

func TestParseMySQLURL(t *testing.T) {
	tests := []struct {
		url, user, pass, net, addr, db string
	}{
		{"mysql://radius:secret@db.example:3307/radius", "radius", "secret", "tcp", "db.example:3307", "radius"},
		{"mysql://root@127.0.0.1/goradius", "root", "", "tcp", "127.0.0.1:3306", "goradius"},
		{"mysql://u:p%40ss%2Fword@[::1]:3306/db", "u", "p@ss/word", "tcp", "[::1]:3306", "db"},
		{"mariadb://u@h/db?socket=/run/mysqld/mysqld.sock", "u", "", "unix", "/run/mysqld/mysqld.sock", "db"},
	}
	for _, tc := range tests {
		got, err := parseURL(tc.url)
		if err != nil {
			t.Errorf("parseURL(%q): %v", tc.url, err)
			continue
		}
		c := got.my
		if got.d != mysqlDialect || c.User != tc.user || c.Passwd != tc.pass || c.Net != tc.net || c.Addr != tc.addr || c.DBName != tc.db {
			t.Errorf("parseURL(%q) = %s %q %q %q %q %q", tc.url, got.d.name, c.User, c.Passwd, c.Net, c.Addr, c.DBName)
		}
		if !c.ParseTime || c.Loc != time.UTC || c.ClientFoundRows || c.Params["time_zone"] != "'+00:00'" ||
			!strings.Contains(c.Params["sql_mode"], "ANSI_QUOTES") {
			t.Errorf("parseURL(%q): session settings %+v", tc.url, c)
		}
		dsn := c.FormatDSN()
		// loc=UTC is the driver default, which FormatDSN leaves out.
		for _, part := range []string{"parseTime=true", "time_zone=", "/" + tc.db + "?"} {
			if !strings.Contains(dsn, part) {
				t.Errorf("DSN %q lacks %q", dsn, part)
			}
		}
	}

	got, err := parseURL("mysql://u@h/db?tls=skip-verify&timeout=5s&clientFoundRows=true")
	if err != nil {
		t.Fatal(err)
	}
	if got.my.TLSConfig != "skip-verify" || got.my.Timeout != 5*time.Second || got.my.ClientFoundRows {
		t.Errorf("driver parameters: tls %q timeout %v clientFoundRows %v; want skip-verify, 5s, forced off",
			got.my.TLSConfig, got.my.Timeout, got.my.ClientFoundRows)
	}
}

func TestParseURLErrors(t *testing.T) {
	tests := []struct{ url, says string }{
		{"", "no scheme"},
		{"goradius.db", "no scheme"},
		{"http://example.com/db", `scheme "http"`},
		{"sqlite:", "no file path"},
		{"sqlite://", "no file path"},
		{"sqlite::memory:", "in-memory"},
		{"sqlite:file:x.db", "in-memory"},
		{"sqlite:x.db?_pragma=foo", "parameters"},
		{"postgres://h", "no database name"},
		{"postgres://u:pw@h/db?sslmode=nonsense", "invalid postgres URL"},
		{"mysql://u:topsecret@h", "one database"},
		{"mysql://u:topsecret@h/a/b", "one database"},
		{"mysql:///db", "no host"},
		{"mysql:db", "no host"},
		{"mysql://u@h/db?parseTime=maybe", "parameters"},
	}
	for _, tc := range tests {
		_, err := parseURL(tc.url)
		if err == nil {
			t.Errorf("parseURL(%q): no error", tc.url)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, tc.says) || !strings.Contains(msg, "accepted forms") {
			t.Errorf("parseURL(%q) error %q: want it to say %q and list the accepted forms", tc.url, msg, tc.says)
		}
		if strings.Contains(msg, "topsecret") {
			t.Errorf("parseURL(%q) error shows the password: %q", tc.url, msg)
		}
	}
}

func TestOpenSQLiteMissingDirectory(t *testing.T) {
	path := filepath.Join(t.TempDir(), "missing", "goradius.db")
	_, err := Open(context.Background(), "sqlite:"+path, Options{})
	if err == nil || !strings.Contains(err.Error(), path) {
		t.Errorf("Open in a missing directory: error %v, want one naming %s", err, path)
	}
}
