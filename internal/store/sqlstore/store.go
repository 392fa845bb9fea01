// Package sqlstore implements store.Store on database/sql for SQLite
// (modernc.org/sqlite, pure Go), PostgreSQL (pgx) and MySQL/MariaDB
// (go-sql-driver/mysql), with hand-written SQL and embedded per-dialect
// migrations.
package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/goradius/goradius/internal/store"
)

// Options configures a Store.
type Options struct {
	// Logger receives migration and retry messages; nil discards them.
	Logger *slog.Logger
	// Now is the clock for the timestamps the store sets itself (created,
	// modified, date_joined, authdate when zero); nil means time.Now.
	Now func() time.Time
	// MaxOpenConns caps the connections to PostgreSQL or MySQL, or the
	// SQLite reader connections (SQLite always has one writer). 0 means a
	// default (40 for servers, 4 or the CPU count for SQLite readers).
	MaxOpenConns int
}

// Store is the database/sql implementation of store.Store.
type Store struct {
	d *dialect
	// writer runs every write and write transaction. For SQLite it has
	// exactly one connection, so writers queue in Go instead of fighting
	// over the file lock; reader then is a separate pool that runs queries
	// alongside it (WAL). For the servers both are the same pool.
	writer *pool
	reader *pool
	now    func() time.Time
	log    *slog.Logger
	// group batches accounting writes into shared commits (SQLite and
	// PostgreSQL).
	group *groupWriter
	// tokens batches radius token deletes into shared commits (SQLite
	// and PostgreSQL).
	tokens *tokenConsumer
	// lists remembers recent accounting lists (see ListAccounting).
	lists acctLists
	// rebound remembers queries with the dialect's bind variables.
	rebound  sync.Map
	nRebound atomic.Int32
	// names answers Subject for unknown names once StartNameFilter ran;
	// pgConfig is PostgreSQL's, for its listening connection.
	names    atomic.Pointer[knownNames]
	pgConfig *pgx.ConnConfig
	// policy remembers recent Subject and UsageSince answers once
	// CachePolicy turned it on.
	policy atomic.Pointer[policyCache]
}

var _ store.Store = (*Store)(nil)

// querier is what *sql.DB, *sql.Tx and *sql.Conn have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

func newStore(d *dialect, writer, reader *sql.DB, opts Options) *Store {
	s := &Store{d: d, writer: newPool(writer), reader: newPool(reader), now: opts.Now, log: opts.Logger}
	if reader == writer {
		s.reader = s.writer
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.log == nil {
		s.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if d.acctWrite == acctUpdateThenInsert {
		s.group = newGroupWriter(s)
	}
	if d != mysqlDialect {
		s.tokens = newTokenConsumer(s)
	}
	return s
}

// Dialect names the database kind: "sqlite", "postgres" or "mysql".
func (s *Store) Dialect() string { return s.d.name }

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.writer.PingContext(ctx); err != nil {
		return fmt.Errorf("ping %s: %w", s.d.name, err)
	}
	if s.reader != s.writer {
		if err := s.reader.PingContext(ctx); err != nil {
			return fmt.Errorf("ping %s reader: %w", s.d.name, err)
		}
	}
	return nil
}

// Close releases the database.
func (s *Store) Close() error {
	if k := s.names.Load(); k != nil {
		k.close()
	}
	if s.tokens != nil {
		s.tokens.close()
	}
	if s.group != nil {
		s.group.close()
	}
	err := s.writer.Close()
	if s.reader != s.writer {
		err = errors.Join(err, s.reader.Close())
	}
	return err
}

// timestamp is the store's clock reading at the precision every dialect
// keeps (microseconds), in UTC, so what is set is what reads back.
func (s *Store) timestamp() time.Time {
	return s.now().UTC().Truncate(time.Microsecond)
}

// q returns query with the dialect's bind variables.
//
// The rewrite is remembered (up to maxCachedStmts queries, as the statement
// cache), so the hot paths do not rebuild the same string on every call.
func (s *Store) q(query string) string {
	if !s.d.numberedParams {
		return query
	}
	if v, ok := s.rebound.Load(query); ok {
		return v.(string)
	}
	r := s.d.rebind(query)
	if s.nRebound.Load() < maxCachedStmts {
		if _, loaded := s.rebound.LoadOrStore(query, r); !loaded {
			s.nRebound.Add(1)
		}
	}
	return r
}

// maxTxAttempts bounds retries of a transaction that hit a deadlock.
const maxTxAttempts = 5

// inTx runs fn in a write transaction and commits it. A transaction the
// database aborted as a deadlock victim is run again from the start, so fn
// must only set results, never accumulate them.
func (s *Store) inTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.tryTx(ctx, fn)
		if err == nil || !s.d.isRetryable(err) || attempt == maxTxAttempts {
			return err
		}
		s.log.Debug("retrying transaction after deadlock", "attempt", attempt, "err", err)
	}
}

func (s *Store) tryTx(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.writer.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("begin transaction: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return err
	}
	defer s.writer.execs.Add(1)
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("commit: %w", err)
	}
	return nil
}

// insertID runs an INSERT of one row and returns its generated key idCol.
func (s *Store) insertID(ctx context.Context, q querier, query, idCol string, args ...any) (int64, error) {
	if s.d.returningID {
		var id int64
		err := q.QueryRowContext(ctx, s.q(query+" RETURNING "+idCol), args...).Scan(&id)
		return id, err
	}
	res, err := q.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		return 0, err
	}
	return res.LastInsertId()
}

// notFound maps sql.ErrNoRows to store.ErrNotFound, naming what was missing.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s: %w", what, store.ErrNotFound)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// exists reports whether query (a SELECT 1 ...) finds a row.
func (s *Store) exists(ctx context.Context, q querier, query string, args ...any) (bool, error) {
	var one int
	err := q.QueryRowContext(ctx, s.q(query), args...).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// placeholders returns n comma-separated bind variables (before rebind).
func placeholders(n int) string {
	if n <= 0 {
		return ""
	}
	b := make([]byte, 0, 3*n)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}
