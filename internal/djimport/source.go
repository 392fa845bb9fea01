// Package djimport brings the data of a django-freeradius database
// (PostgreSQL, MySQL or SQLite) into goradius: users with their Django
// password hashes, radius groups, check and reply items, memberships, NAS,
// tokens, batches, accounting and post-auth history.
//
// The source is only read. Every record is written through store.Importer
// by its natural key (username, group name, unique session id ...), so an
// import can run again, after a failure or to pick up rows added since, and
// changes nothing that is already there.
package djimport

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/store/sqlstore"
)

// Tables are the django-freeradius tables an import reads.
var Tables = []string{
	"auth_user",
	"django_freeradius_radiusgroup",
	"radusergroup",
	"radcheck",
	"radreply",
	"radgroupcheck",
	"radgroupreply",
	"nas",
	"radiustoken",
	"authtoken_token",
	"radbatch",
	"radbatch_users",
	"radacct",
	"radpostauth",
}

// Source is an open django-freeradius database.
type Source struct {
	db      *sql.DB
	dialect string // "sqlite", "postgres" or "mysql"
}

// ErrNotDjangoFreeradius is returned (wrapped) by Open for a database that
// lacks django-freeradius's tables.
var ErrNotDjangoFreeradius = errors.New("not a django-freeradius database")

// Open connects to the django-freeradius database of rawURL (sqlite:PATH,
// postgres://... or mysql://..., as goradius's --db) for reading, and
// checks that it has every table an import reads.
func Open(ctx context.Context, rawURL string) (*Source, error) {
	db, dialect, err := sqlstore.OpenSource(ctx, rawURL)
	if err != nil {
		return nil, err
	}
	s := &Source{db: db, dialect: dialect}
	if err := s.check(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// Close releases the source database.
func (s *Source) Close() error { return s.db.Close() }

// Dialect names the source's database kind.
func (s *Source) Dialect() string { return s.dialect }

const (
	sqliteTables   = `SELECT name FROM sqlite_master WHERE type = 'table'`
	postgresTables = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`
	mysqlTables    = `SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()`
)

// check names the tables of Tables the source lacks.
func (s *Source) check(ctx context.Context) error {
	q := sqliteTables
	switch s.dialect {
	case "postgres":
		q = postgresTables
	case "mysql":
		q = mysqlTables
	}
	rows, err := s.db.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("listing the source's tables: %w", err)
	}
	defer rows.Close()
	have := map[string]bool{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return fmt.Errorf("listing the source's tables: %w", err)
		}
		have[strings.ToLower(n)] = true
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("listing the source's tables: %w", err)
	}
	var missing []string
	for _, t := range Tables {
		if !have[t] {
			missing = append(missing, t)
		}
	}
	switch {
	case len(missing) == len(Tables):
		return fmt.Errorf("%w: none of its tables (%s) is there", ErrNotDjangoFreeradius, strings.Join(Tables, ", "))
	case len(missing) > 0:
		return fmt.Errorf("%w: missing table(s) %s", ErrNotDjangoFreeradius, strings.Join(missing, ", "))
	}
	return nil
}

// ipColumn is the expression reading an IP address column as text:
// PostgreSQL's inet would print a host as "10.0.0.1/32" when cast.
func (s *Source) ipColumn(col string) string {
	if s.dialect == "postgres" {
		return "host(" + col + ")"
	}
	return col
}

// timeValue scans a timestamp or date however the source stores it:
// time.Time (PostgreSQL, MySQL) or text (SQLite: "YYYY-MM-DD HH:MM:SS[.f]",
// UTC). Times are UTC.
type timeValue struct {
	t     time.Time
	valid bool
}

var textTimeLayouts = []string{
	"2006-01-02 15:04:05.999999999",
	"2006-01-02T15:04:05.999999999",
	"2006-01-02 15:04:05.999999999Z07:00",
	time.RFC3339Nano,
	"2006-01-02",
}

func (v *timeValue) Scan(src any) error {
	v.t, v.valid = time.Time{}, false
	var text string
	switch x := src.(type) {
	case nil:
		return nil
	case time.Time:
		v.t, v.valid = x.UTC(), true
		return nil
	case string:
		text = x
	case []byte:
		text = string(x)
	case int64:
		v.t, v.valid = time.Unix(x, 0).UTC(), true
		return nil
	default:
		return fmt.Errorf("cannot read %T as a time", src)
	}
	text = strings.TrimSpace(text)
	for _, l := range textTimeLayouts {
		if t, err := time.Parse(l, text); err == nil {
			v.t, v.valid = t.UTC(), true
			return nil
		}
	}
	return fmt.Errorf("unrecognised time %q", text)
}

func (v timeValue) ptr() *time.Time {
	if !v.valid {
		return nil
	}
	t := v.t
	return &t
}

// uuidValue scans a UUID stored as PostgreSQL's uuid (with dashes) or as
// Django's char(32) (without), into the lowercase form with dashes.
type uuidValue struct {
	s     string
	valid bool
}

func (v *uuidValue) Scan(src any) error {
	v.s, v.valid = "", false
	var raw string
	switch x := src.(type) {
	case nil:
		return nil
	case string:
		raw = x
	case []byte:
		if len(x) == 16 {
			raw = fmt.Sprintf("%x", x)
		} else {
			raw = string(x)
		}
	case [16]byte:
		raw = fmt.Sprintf("%x", x[:])
	default:
		return fmt.Errorf("cannot read %T as a UUID", src)
	}
	h := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(raw), "-", ""))
	if len(h) != 32 || strings.Trim(h, "0123456789abcdef") != "" {
		return fmt.Errorf("%q is not a UUID", raw)
	}
	v.s = h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
	v.valid = true
	return nil
}

func strPtr(n sql.NullString) *string {
	if !n.Valid {
		return nil
	}
	s := n.String
	return &s
}

func int64Ptr(n sql.NullInt64) *int64 {
	if !n.Valid {
		return nil
	}
	v := n.Int64
	return &v
}

// each runs query on the source and calls scan for every row.
func each(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, table, query string, scan func(*sql.Rows) error) error {
	rows, err := q.QueryContext(ctx, query)
	if err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		if err := scan(rows); err != nil {
			return fmt.Errorf("reading %s: %w", table, err)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("reading %s: %w", table, err)
	}
	return nil
}
