package sqlstore

import (
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// acctWriteMode says how WriteAccounting upserts a radacct row atomically.
type acctWriteMode int

const (
	// acctReturningXmax: one INSERT ... ON CONFLICT DO UPDATE ... RETURNING
	// (xmax = 0), which is true only for a freshly inserted tuple.
	acctReturningXmax acctWriteMode = iota
	// acctAffectedRows: one INSERT ... ON DUPLICATE KEY UPDATE; MySQL reports
	// 1 affected row for an insert, 2 or 0 for an update.
	acctAffectedRows
	// acctUpdateThenInsert: a write transaction doing UPDATE, then INSERT when
	// no row matched. Safe because SQLite has one writer at a time.
	acctUpdateThenInsert
)

// dialect holds everything that differs between the SQL databases goradius
// supports. The SQL text itself is shared wherever the three agree; what does
// not agree is spelled out here rather than patched into SQL by rewriting.
type dialect struct {
	name string // "sqlite", "postgres" or "mysql": the migrations folder too

	// numberedParams: bind variables are $1, $2, ... instead of ?.
	numberedParams bool
	// returningID: INSERT ... RETURNING id instead of Result.LastInsertId.
	returningID bool
	// timeAsText: timestamps are stored as TEXT in the textTime layout
	// (SQLite has no time type); otherwise time.Time goes to the driver as
	// is, in UTC.
	timeAsText bool
	// acctOrder orders radacct newest first with NULL start times last.
	acctOrder string
	// acctWrite is how WriteAccounting upserts.
	acctWrite acctWriteMode
	// upsertSetting stores one goradius_setting row, replacing its value.
	upsertSetting string
	// prefixMatch returns a condition on col matching values that start with
	// prefix, and its argument (the condition has one bind variable).
	prefixMatch func(col, prefix string) (cond string, arg string)
	// forUpdate ends a SELECT whose rows must stay locked until the
	// transaction ends; "" for SQLite, whose writer is already exclusive.
	forUpdate string
	// keepExisting ends an INSERT so that a row colliding with an existing
	// one on a unique key is skipped without error, leaving the existing
	// row as it is (affected rows: 1 inserted, 0 skipped). col is a column
	// of the table, needed by MySQL's no-op update.
	keepExisting func(col string) string
	// inetIPs: radacct's IP address columns are of an address type that
	// cannot hold '' (PostgreSQL's inet).
	inetIPs bool

	// Session arithmetic, in the dialect's own epoch functions (see
	// sessions.go): the usage sums since an instant and of all time, and
	// the two UPDATEs that close sessions.
	usageSince, usageAll                 string
	closeNASSessions, closeStaleSessions string

	// versionTable creates the table of applied migrations.
	versionTable string
	// tableExists counts the tables named by its one argument.
	tableExists string
	// migrationsInTx: a migration and its version row commit together. MySQL
	// commits DDL implicitly, so there the version is recorded after the
	// statements instead.
	migrationsInTx bool
	// lockMigrations / unlockMigrations serialise concurrent Migrate calls
	// of several goradius processes (run on one connection; may be empty).
	lockMigrations, unlockMigrations string

	isUniqueViolation     func(error) bool
	isForeignKeyViolation func(error) bool
	// isRetryable reports errors after which repeating the whole
	// transaction is the documented remedy (deadlocks).
	isRetryable func(error) bool
}

const (
	upsertSettingOnConflict = `INSERT INTO goradius_setting (name, value) VALUES (?, ?)
ON CONFLICT (name) DO UPDATE SET value = excluded.value`
	upsertSettingOnDuplicateKey = `INSERT INTO goradius_setting (name, value) VALUES (?, ?)
ON DUPLICATE KEY UPDATE value = VALUES(value)`

	sqliteVersionTable = `CREATE TABLE IF NOT EXISTS goradius_schema_migrations (
	version INTEGER NOT NULL PRIMARY KEY,
	applied_at TEXT NOT NULL
)`
	postgresVersionTable = `CREATE TABLE IF NOT EXISTS goradius_schema_migrations (
	version integer NOT NULL PRIMARY KEY,
	applied_at timestamp with time zone NOT NULL
)`
	mysqlVersionTable = `CREATE TABLE IF NOT EXISTS goradius_schema_migrations (
	version INT NOT NULL PRIMARY KEY,
	applied_at DATETIME(6) NOT NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin`

	sqliteTableExists   = `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?`
	postgresTableExists = `SELECT count(*) FROM information_schema.tables
WHERE table_schema = current_schema() AND table_name = ?`
	mysqlTableExists = `SELECT count(*) FROM information_schema.tables
WHERE table_schema = DATABASE() AND table_name = ?`

	// An arbitrary constant naming goradius's advisory lock.
	postgresLockMigrations   = `SELECT 1 FROM (SELECT pg_advisory_lock(726179001)) AS locked`
	postgresUnlockMigrations = `SELECT pg_advisory_unlock(726179001)`
	mysqlLockMigrations      = `SELECT GET_LOCK('goradius_migrate', 600)`
	mysqlUnlockMigrations    = `SELECT RELEASE_LOCK('goradius_migrate')`
)

// onConflictDoNothing skips an INSERT's rows that collide on any unique
// key (PostgreSQL 9.5+, SQLite 3.24+).
func onConflictDoNothing(string) string { return " ON CONFLICT DO NOTHING" }

// onDuplicateKeyNoop is MySQL's equivalent: a no-op update, which counts 0
// affected rows (with the default CLIENT_FOUND_ROWS off, see open.go).
func onDuplicateKeyNoop(col string) string {
	return " ON DUPLICATE KEY UPDATE " + col + " = " + col
}

var sqliteDialect = &dialect{
	name:          "sqlite",
	timeAsText:    true,
	acctOrder:     "acctstarttime DESC, radacctid DESC", // NULL sorts first ascending, so last here
	acctWrite:     acctUpdateThenInsert,
	upsertSetting: upsertSettingOnConflict,
	// LIKE ignores ASCII case in SQLite; GLOB does not.
	prefixMatch: func(col, prefix string) (string, string) {
		return col + " GLOB ?", globEscape(prefix) + "*"
	},
	keepExisting:          onConflictDoNothing,
	usageSince:            sqliteUsageSince,
	usageAll:              qUsageAll,
	closeNASSessions:      sqliteCloseNASSessions,
	closeStaleSessions:    sqliteCloseStaleSessions,
	versionTable:          sqliteVersionTable,
	tableExists:           sqliteTableExists,
	migrationsInTx:        true,
	isUniqueViolation:     sqliteCode(sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY),
	isForeignKeyViolation: sqliteCode(sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY),
	isRetryable:           func(error) bool { return false },
}

var postgresDialect = &dialect{
	name:           "postgres",
	numberedParams: true,
	returningID:    true,
	acctOrder:      "acctstarttime DESC NULLS LAST, radacctid DESC",
	acctWrite:      acctReturningXmax,
	upsertSetting:  upsertSettingOnConflict,
	prefixMatch: func(col, prefix string) (string, string) {
		return col + " LIKE ? ESCAPE '!'", likeEscape(prefix) + "%"
	},
	forUpdate:             " FOR UPDATE",
	keepExisting:          onConflictDoNothing,
	inetIPs:               true,
	usageSince:            postgresUsageSince,
	usageAll:              postgresUsageAll,
	closeNASSessions:      postgresCloseNASSessions,
	closeStaleSessions:    postgresCloseStaleSessions,
	versionTable:          postgresVersionTable,
	tableExists:           postgresTableExists,
	migrationsInTx:        true,
	lockMigrations:        postgresLockMigrations,
	unlockMigrations:      postgresUnlockMigrations,
	isUniqueViolation:     pgCode("23505"),
	isForeignKeyViolation: pgCode("23503"),
	isRetryable:           pgCode("40001", "40P01"),
}

var mysqlDialect = &dialect{
	name:          "mysql",
	acctOrder:     "acctstarttime DESC, radacctid DESC", // NULL sorts first ascending, so last here
	acctWrite:     acctAffectedRows,
	upsertSetting: upsertSettingOnDuplicateKey,
	// '!' rather than the default backslash, which MySQL string literals
	// would need doubled.
	prefixMatch: func(col, prefix string) (string, string) {
		return col + " LIKE ? ESCAPE '!'", likeEscape(prefix) + "%"
	},
	forUpdate:             " FOR UPDATE",
	keepExisting:          onDuplicateKeyNoop,
	usageSince:            mysqlUsageSince,
	usageAll:              qUsageAll,
	closeNASSessions:      mysqlCloseNASSessions,
	closeStaleSessions:    mysqlCloseStaleSessions,
	versionTable:          mysqlVersionTable,
	tableExists:           mysqlTableExists,
	migrationsInTx:        false,
	lockMigrations:        mysqlLockMigrations,
	unlockMigrations:      mysqlUnlockMigrations,
	isUniqueViolation:     mysqlCode(1062),
	isForeignKeyViolation: mysqlCode(1452),
	isRetryable:           mysqlCode(1213), // ER_LOCK_DEADLOCK
}

// rebind turns the ? bind variables of q into the dialect's. SQL in this
// package has no ? inside string literals or identifiers; the quote
// tracking is a guard, not a parser.
func (d *dialect) rebind(q string) string {
	if !d.numberedParams {
		return q
	}
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	var quote byte
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"':
			quote = c
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

// timeArg encodes t for a bind variable.
func (d *dialect) timeArg(t time.Time) any {
	if d.timeAsText {
		return formatTextTime(t)
	}
	return t.UTC()
}

// lowerBoundArg encodes t as the right side of "column >= ?". For SQLite
// the column may hold times written by others without fractions
// ("… 12:00:00", FreeRADIUS's datetime()); such text sorts before
// "… 12:00:00.000000", so a whole-second bound is written without fraction
// to match both spellings of the same instant.
func (d *dialect) lowerBoundArg(t time.Time) any {
	if d.timeAsText && t.Nanosecond()/1000 == 0 {
		return t.UTC().Format(textTimeSeconds)
	}
	return d.timeArg(t)
}

// likeEscape escapes the LIKE wildcards of s for ESCAPE '!'.
func likeEscape(s string) string {
	r := strings.NewReplacer("!", "!!", "%", "!%", "_", "!_")
	return r.Replace(s)
}

// globEscape makes s match itself in a GLOB pattern: each special character
// becomes a one-character class.
func globEscape(s string) string {
	r := strings.NewReplacer("*", "[*]", "?", "[?]", "[", "[[]")
	return r.Replace(s)
}

func sqliteCode(codes ...int) func(error) bool {
	return func(err error) bool {
		var e *sqlite.Error
		if !errors.As(err, &e) {
			return false
		}
		for _, c := range codes {
			if e.Code() == c {
				return true
			}
		}
		return false
	}
}

func pgCode(codes ...string) func(error) bool {
	return func(err error) bool {
		var e *pgconn.PgError
		if !errors.As(err, &e) {
			return false
		}
		for _, c := range codes {
			if e.Code == c {
				return true
			}
		}
		return false
	}
}

func mysqlCode(codes ...uint16) func(error) bool {
	return func(err error) bool {
		var e *mysql.MySQLError
		if !errors.As(err, &e) {
			return false
		}
		for _, c := range codes {
			if e.Number == c {
				return true
			}
		}
		return false
	}
}
