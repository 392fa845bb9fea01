package sqlstore

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/goradius/goradius/internal/store"
)

// migrationsFS holds migrations/<dialect>/NNNN_name.sql. Every dialect has
// the same versions (a test checks it); a version is never edited once
// released, changes go into a new file.
//
//go:embed migrations
var migrationsFS embed.FS

type migration struct {
	version    int
	name       string // file name, for messages
	statements []string
}

const (
	qMaxVersion     = `SELECT COALESCE(MAX(version), 0) FROM goradius_schema_migrations`
	qVersionApplied = `SELECT 1 FROM goradius_schema_migrations WHERE version = ?`
	qRecordVersion  = `INSERT INTO goradius_schema_migrations (version, applied_at) VALUES (?, ?)`
	qForgetVersions = `DELETE FROM goradius_schema_migrations WHERE version >= ?`
)

// loadMigrations returns the dialect's migrations in version order.
func loadMigrations(dialect string) ([]migration, error) {
	dir := path.Join("migrations", dialect)
	entries, err := fs.ReadDir(migrationsFS, dir)
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	var out []migration
	seen := map[int]string{}
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, _ := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if err != nil || v <= 0 {
			return nil, fmt.Errorf("migration %s/%s: name must start with a positive version number", dir, name)
		}
		if prev, ok := seen[v]; ok {
			return nil, fmt.Errorf("migrations %s and %s in %s have the same version", prev, name, dir)
		}
		seen[v] = name
		body, err := fs.ReadFile(migrationsFS, path.Join(dir, name))
		if err != nil {
			return nil, fmt.Errorf("read migration %s: %w", name, err)
		}
		out = append(out, migration{version: v, name: name, statements: splitStatements(string(body))})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	return out, nil
}

func latestVersion(ms []migration) int {
	if len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// splitStatements cuts a migration file into statements at the semicolons
// that end them, skipping -- comments and not looking inside quotes,
// PostgreSQL's $$-quoted function bodies or the BEGIN ... END body of a
// SQLite CREATE TRIGGER. Each statement is sent on its own: MySQL's driver
// runs one statement per call and it lets a failure name the statement.
func splitStatements(src string) []string {
	var out []string
	var cur strings.Builder
	flush := func() {
		if st := strings.TrimSpace(cur.String()); st != "" {
			out = append(out, st)
		}
		cur.Reset()
	}
	var quote byte
	dollar := false
	for i := 0; i < len(src); i++ {
		c := src[i]
		switch {
		case dollar:
			cur.WriteByte(c)
			if c == '$' && i+1 < len(src) && src[i+1] == '$' {
				cur.WriteByte('$')
				i++
				dollar = false
			}
		case quote != 0:
			cur.WriteByte(c)
			if c == quote {
				quote = 0 // a doubled quote reopens at once on the next byte
			}
		case c == '-' && i+1 < len(src) && src[i+1] == '-':
			for i < len(src) && src[i] != '\n' {
				i++
			}
			cur.WriteByte('\n')
		case c == '$' && i+1 < len(src) && src[i+1] == '$':
			cur.WriteString("$$")
			i++
			dollar = true
		case c == '\'' || c == '"' || c == '`':
			quote = c
			cur.WriteByte(c)
		case c == ';' && inTriggerBody(cur.String()):
			cur.WriteByte(c)
		case c == ';':
			flush()
		default:
			cur.WriteByte(c)
		}
	}
	flush()
	return out
}

// inTriggerBody reports whether stmt is a CREATE TRIGGER whose body has not
// reached its END yet: its semicolons belong to the body.
func inTriggerBody(stmt string) bool {
	fields := strings.Fields(strings.ToUpper(stmt))
	if len(fields) < 2 || fields[0] != "CREATE" || fields[1] != "TRIGGER" {
		return false
	}
	return fields[len(fields)-1] != "END"
}

// Migrate applies the embedded migrations the database has not seen and
// returns how many ran. Several processes may call it at once: a lock (or,
// for SQLite, the write transaction) lets one of them do the work.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	ms, err := loadMigrations(s.d.name)
	if err != nil {
		return 0, err
	}
	latest := latestVersion(ms)

	// Session locks and their migrations must share one connection.
	conn, err := s.writer.Conn(ctx)
	if err != nil {
		return 0, fmt.Errorf("migrate: %w", err)
	}
	defer conn.Close()

	// Lock first: on PostgreSQL even CREATE TABLE IF NOT EXISTS fails when
	// two sessions run it at once.
	if s.d.lockMigrations != "" {
		var got sql.NullInt64
		if err := conn.QueryRowContext(ctx, s.d.lockMigrations).Scan(&got); err != nil {
			return 0, fmt.Errorf("migrate: take the migration lock: %w", err)
		}
		if got.Int64 != 1 {
			return 0, fmt.Errorf("migrate: timed out waiting for the migration lock (is another goradius migrating?)")
		}
		defer func() {
			// Unlock even when ctx is done: the connection goes back to
			// the pool and must not keep the lock.
			var ignored any
			_ = conn.QueryRowContext(context.WithoutCancel(ctx), s.d.unlockMigrations).Scan(&ignored)
		}()
	}

	if _, err := conn.ExecContext(ctx, s.d.versionTable); err != nil {
		return 0, fmt.Errorf("migrate: create version table: %w", err)
	}
	var applied int
	if err := conn.QueryRowContext(ctx, qMaxVersion).Scan(&applied); err != nil {
		return 0, fmt.Errorf("migrate: read schema version: %w", err)
	}
	if applied > latest {
		return 0, tooNew(applied, latest)
	}
	n := 0
	for _, m := range ms {
		if m.version <= applied {
			continue
		}
		ran, err := s.apply(ctx, conn, m)
		if err != nil {
			return n, err
		}
		if ran {
			n++
			s.log.Info("applied database migration", "dialect", s.d.name, "version", m.version, "file", m.name)
		}
	}
	return n, nil
}

func tooNew(applied, latest int) error {
	return fmt.Errorf("database schema version %d, this goradius knows up to version %d: %w",
		applied, latest, store.ErrSchemaTooNew)
}

// apply runs one migration and records its version; ran is false when
// another process applied it meanwhile.
func (s *Store) apply(ctx context.Context, conn *sql.Conn, m migration) (ran bool, err error) {
	if !s.d.migrationsInTx {
		// MySQL: each DDL statement commits on its own, so a failure leaves
		// the earlier statements applied and the version unrecorded.
		for i, st := range m.statements {
			if _, err := conn.ExecContext(ctx, st); err != nil {
				return false, fmt.Errorf("migration %s failed at statement %d of %d and is partly applied "+
					"(MySQL commits DDL at once): repair the database, then retry: %w", m.name, i+1, len(m.statements), err)
			}
		}
		if _, err := conn.ExecContext(ctx, s.q(qRecordVersion), m.version, s.d.timeArg(s.timestamp())); err != nil {
			return false, fmt.Errorf("migration %s: record version: %w", m.name, err)
		}
		return true, nil
	}

	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migration %s: begin: %w", m.name, err)
	}
	defer func() {
		if err != nil || !ran {
			_ = tx.Rollback()
		}
	}()
	done, err := s.exists(ctx, tx, qVersionApplied, m.version)
	if err != nil {
		return false, fmt.Errorf("migration %s: %w", m.name, err)
	}
	if done {
		return false, nil
	}
	for i, st := range m.statements {
		if _, err := tx.ExecContext(ctx, st); err != nil {
			return false, fmt.Errorf("migration %s, statement %d of %d: %w", m.name, i+1, len(m.statements), err)
		}
	}
	if _, err := tx.ExecContext(ctx, s.q(qRecordVersion), m.version, s.d.timeArg(s.timestamp())); err != nil {
		return false, fmt.Errorf("migration %s: record version: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migration %s: commit: %w", m.name, err)
	}
	return true, nil
}

// SchemaVersion returns the applied and the latest known schema versions
// (applied is 0 for a database never migrated).
func (s *Store) SchemaVersion(ctx context.Context) (applied, latest int, err error) {
	ms, err := loadMigrations(s.d.name)
	if err != nil {
		return 0, 0, err
	}
	latest = latestVersion(ms)
	var n int
	if err := s.reader.QueryRowContext(ctx, s.q(s.d.tableExists), "goradius_schema_migrations").Scan(&n); err != nil {
		return 0, latest, fmt.Errorf("read schema version: %w", err)
	}
	if n == 0 {
		return 0, latest, nil
	}
	if err := s.reader.QueryRowContext(ctx, qMaxVersion).Scan(&applied); err != nil {
		return 0, latest, fmt.Errorf("read schema version: %w", err)
	}
	return applied, latest, nil
}

// SetSchemaVersion records version as the database's schema version
// without running anything: it forgets the versions from version up and
// records version as applied. It is the way out after repairing by hand a
// migration that failed halfway (MySQL cannot roll DDL back), and lets
// tests fake a newer schema.
func (s *Store) SetSchemaVersion(ctx context.Context, version int) error {
	if version < 0 {
		return fmt.Errorf("set schema version: %d is negative", version)
	}
	if _, err := s.writer.ExecContext(ctx, s.d.versionTable); err != nil {
		return fmt.Errorf("set schema version: create version table: %w", err)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, s.q(qForgetVersions), version); err != nil {
			return fmt.Errorf("set schema version: %w", err)
		}
		if version == 0 {
			return nil
		}
		if _, err := tx.ExecContext(ctx, s.q(qRecordVersion), version, s.d.timeArg(s.timestamp())); err != nil {
			return fmt.Errorf("set schema version: %w", err)
		}
		return nil
	})
}
