package sqlstore

import (
	"context"
	"database/sql"
	"sync"
	"sync/atomic"
)

// maxCachedStmts bounds the statement cache: queries built from request
// masks could otherwise grow it without limit.
const maxCachedStmts = 256

// pool is a *sql.DB whose queries run as prepared statements kept for
// reuse. Profiling authorize on SQLite showed a fifth of the CPU going to
// parsing the same SQL again on every call; MySQL also saves the
// prepare/close round trips of each query.
type pool struct {
	*sql.DB
	mu    sync.Mutex
	stmts sync.Map // query -> *sql.Stmt
	n     atomic.Int32
	// execs counts the statements ExecContext ran, and Store.inTx the
	// transactions committed: the known-names filter's sign that this
	// process wrote.
	execs atomic.Int64
}

func newPool(db *sql.DB) *pool { return &pool{DB: db} }

// stmt returns the cached statement for query, preparing it once; nil when
// the cache is full.
func (p *pool) stmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := p.stmts.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	if p.n.Load() >= maxCachedStmts {
		return nil, nil
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	if v, ok := p.stmts.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := p.DB.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	p.stmts.Store(query, st)
	p.n.Add(1)
	return st, nil
}

func (p *pool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	defer p.execs.Add(1)
	st, err := p.stmt(ctx, query)
	if err != nil || st == nil {
		return p.DB.ExecContext(ctx, query, args...)
	}
	return st.ExecContext(ctx, args...)
}

func (p *pool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := p.stmt(ctx, query)
	if err != nil || st == nil {
		return p.DB.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}

func (p *pool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := p.stmt(ctx, query)
	if err != nil || st == nil {
		// An error preparing is reported by running the query unprepared.
		return p.DB.QueryRowContext(ctx, query, args...)
	}
	return st.QueryRowContext(ctx, args...)
}

// Close closes the cached statements, then the database.
func (p *pool) Close() error {
	p.stmts.Range(func(_, v any) bool {
		_ = v.(*sql.Stmt).Close()
		return true
	})
	return p.DB.Close()
}
