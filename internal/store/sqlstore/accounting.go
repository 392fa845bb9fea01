package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// acctColumns is radacct's selected columns: the id, then the writable
// fields in store.AcctField order (the order of store.AcctSession).
var acctColumns = "radacctid, " + strings.Join(store.AcctFieldColumns[:], ", ")

const (
	// qAutoGroup is the insert value of groupname under AutoGroup: the
	// user's group of lowest priority, else the value sent. Its arguments
	// are the username and that value.
	qAutoGroup = `COALESCE((SELECT groupname FROM radusergroup
	WHERE username = ? ORDER BY priority, id LIMIT 1), ?)`
)

// maxAcctAttempts bounds retries of an upsert chosen as a deadlock victim
// (InnoDB's INSERT ... ON DUPLICATE KEY UPDATE can deadlock when packets of
// one session race).
const maxAcctAttempts = 5

// WriteAccounting upserts one radacct row keyed on w.UniqueID; created
// reports an insert. On SQLite and PostgreSQL the packet joins a group
// commit (see groupWriter) and the answer comes once the row is durable.
func (s *Store) WriteAccounting(ctx context.Context, w *store.AcctWrite) (created bool, err error) {
	if w.UniqueID == "" {
		return false, errors.New("write accounting: empty unique id")
	}
	values, err := s.acctValues(w)
	if err != nil {
		return false, err
	}
	// Whatever the outcome (a failed commit may still have reached the
	// disk), lists and the policy cache must not answer from what they
	// knew before.
	defer s.lists.changed()
	if c := s.policy.Load(); c != nil {
		// A packet without User-Name updates a row of some user: forget
		// every user's usage. (One with another User-Name than its row's
		// would move the row; FreeRADIUS's acctuniqueid hashes User-Name,
		// so it is another row.)
		username, _ := values[store.AcctUsername].(string)
		defer c.forget(username)
	}
	if s.group != nil {
		created, err = s.group.write(ctx, w, values)
	} else {
		created, err = s.upsertAlone(ctx, w, values)
	}
	if err != nil {
		return false, fmt.Errorf("write accounting %q: %w", w.UniqueID, err)
	}
	return created, nil
}

// upsertAlone writes one packet in its own statement (MySQL, where InnoDB
// commits concurrent transactions together by itself).
func (s *Store) upsertAlone(ctx context.Context, w *store.AcctWrite, values [store.NumAcctFields]any) (created bool, err error) {
	for attempt := 1; ; attempt++ {
		created, err = s.upsertOnDuplicateKey(ctx, w, values)
		if err == nil || !s.d.isRetryable(err) || attempt == maxAcctAttempts {
			return created, err
		}
		s.log.Debug("retrying accounting write after deadlock", "unique_id", w.UniqueID, "attempt", attempt)
	}
}

// acctValues encodes w.Values for the driver, acctuniqueid from w.UniqueID.
func (s *Store) acctValues(w *store.AcctWrite) ([store.NumAcctFields]any, error) {
	var out [store.NumAcctFields]any
	for i, v := range w.Values {
		switch v := v.(type) {
		case nil, string, int64:
			out[i] = v
		case time.Time:
			out[i] = s.d.timeArg(v)
		default:
			return out, fmt.Errorf("write accounting: field %s: unsupported value type %T",
				store.AcctFieldColumns[i], v)
		}
	}
	out[store.AcctUniqueID] = w.UniqueID
	return out, nil
}

// acctInsert returns INSERT INTO radacct (...) VALUES (...) and its args.
func acctInsert(w *store.AcctWrite, values [store.NumAcctFields]any) (string, []any) {
	var b strings.Builder
	args := make([]any, 0, store.NumAcctFields+1)
	b.WriteString("INSERT INTO radacct (")
	b.WriteString(strings.Join(store.AcctFieldColumns[:], ", "))
	b.WriteString(") VALUES (")
	for i := range store.NumAcctFields {
		if i > 0 {
			b.WriteString(", ")
		}
		if i == store.AcctGroupname && w.AutoGroup {
			b.WriteString(qAutoGroup)
			args = append(args, values[store.AcctUsername], values[i])
			continue
		}
		b.WriteByte('?')
		args = append(args, values[i])
	}
	b.WriteByte(')')
	return b.String(), args
}

// sqliteInsert is the insert writeSQLite runs for w: for a likely new row,
// one that leaves an existing row of the same unique id alone, as it runs
// before the lookup.
func sqliteInsert(w *store.AcctWrite, values [store.NumAcctFields]any) (string, []any) {
	query, args := acctInsert(w, values)
	if w.LikelyNew {
		query += " ON CONFLICT (acctuniqueid) DO NOTHING"
	}
	return query, args
}

// acctSet returns "col = ?, ..." for the fields w.Update marks, and their
// args. The values are bound again rather than taken from the proposed
// row, whose groupname AutoGroup may have replaced. acctstoptime, when
// marked, comes last.
//
// guarded (MySQL under OnlyIfOpen) makes each "col = IF(acctstoptime IS
// NULL, ?, col)": MySQL has no WHERE for ON DUPLICATE KEY UPDATE, so each
// column keeps its value on a stopped row. MySQL assigns from left to right
// and later IFs would see a new acctstoptime, hence it goes last.
func acctSet(w *store.AcctWrite, values [store.NumAcctFields]any, guarded bool) (string, []any) {
	var cols []string
	var args []any
	add := func(i store.AcctField) {
		col := store.AcctFieldColumns[i]
		if guarded {
			cols = append(cols, col+" = IF(acctstoptime IS NULL, ?, "+col+")")
		} else {
			cols = append(cols, col+" = ?")
		}
		args = append(args, values[i])
	}
	for i := range store.NumAcctFields {
		if !w.Update[i] || i == store.AcctUniqueID || i == store.AcctStopTime {
			continue
		}
		add(i)
	}
	if w.Update[store.AcctStopTime] {
		add(store.AcctStopTime)
	}
	return strings.Join(cols, ", "), args
}

// upsertOnDuplicateKey is MySQL's single statement: 1 affected row is an
// insert, 2 an update, 0 an update that changed nothing (under OnlyIfOpen,
// also one that found the row stopped).
func (s *Store) upsertOnDuplicateKey(ctx context.Context, w *store.AcctWrite, values [store.NumAcctFields]any) (bool, error) {
	query, args := acctInsert(w, values)
	set, setArgs := acctSet(w, values, w.OnlyIfOpen)
	if set == "" {
		set = "acctuniqueid = acctuniqueid" // no-op: keep the row as it is
	}
	query += " ON DUPLICATE KEY UPDATE " + set
	args = append(args, setArgs...)
	res, err := s.writer.ExecContext(ctx, s.q(query), args...)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n == 1, err
}

// qAcctFind finds the session's row on SQLite: its id, whether it is open,
// then its fields in store.AcctField order.
var qAcctFind = "SELECT radacctid, acctstoptime IS NULL, " + strings.Join(store.AcctFieldColumns[:], ", ") +
	" FROM radacct WHERE acctuniqueid = ?"

// writeSQLite stores one packet inside tx: it looks the session up, then
// inserts it or updates its row (a Start, likely new, tries the insert
// first). Each statement is atomic by itself and only one of them writes,
// so a packet that fails leaves nothing behind
// and needs no savepoint (the sub-journal of a savepoint per packet was a
// tenth of the writer's profile). It cannot race: SQLite's writer has one
// connection and BEGIN IMMEDIATE holds the database's write lock against
// other processes.
//
// The update sets only the columns whose value changes. SQLite rewrites
// the entry of every index on a column an UPDATE sets, changed or not: an
// Interim-Update resends the username, the NAS and both station ids, which
// cost seven index rewrites of its ten indexes for the one (acctupdatetime)
// whose value moves. unprepared is the update when it ran without a
// prepared statement (see prepareWriter).
func (s *Store) writeSQLite(ctx context.Context, tx *sql.Tx, w *store.AcctWrite, values *[store.NumAcctFields]any) (created bool, unprepared string, err error) {
	if w.LikelyNew {
		// A Start inserts without the lookup first (a tenth of the
		// writer's time under Starts); a repeated one finds its row taken
		// and goes on as any other packet.
		query, args := sqliteInsert(w, *values)
		res, err := s.txStmt(ctx, tx, query).ExecContext(ctx, args...)
		if err != nil {
			return false, "", err
		}
		n, err := res.RowsAffected()
		if err != nil {
			return false, "", err
		}
		if n == 1 {
			return true, "", nil
		}
	}
	var id int64
	var open bool
	var stored [store.NumAcctFields]any
	dest := make([]any, 0, store.NumAcctFields+2)
	dest = append(dest, &id, &open)
	for i := range stored {
		dest = append(dest, &stored[i])
	}
	err = s.txStmt(ctx, tx, qAcctFind).QueryRowContext(ctx, w.UniqueID).Scan(dest...)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		query, args := sqliteInsert(w, *values)
		_, err = s.txStmt(ctx, tx, query).ExecContext(ctx, args...)
		return err == nil, "", err
	case err != nil:
		return false, "", err
	case w.OnlyIfOpen && !open:
		return false, "", nil
	}
	var cols []string
	var args []any
	for i := range store.NumAcctFields {
		if w.Update[i] && i != store.AcctUniqueID && !sameValue(stored[i], values[i]) {
			cols = append(cols, store.AcctFieldColumns[i]+" = ?")
			args = append(args, values[i])
		}
	}
	if len(cols) == 0 {
		return false, "", nil
	}
	query := "UPDATE radacct SET " + strings.Join(cols, ", ") + " WHERE radacctid = ?"
	if _, ok := s.writer.stmts.Load(query); !ok {
		unprepared = query
	}
	_, err = s.txStmt(ctx, tx, query).ExecContext(ctx, append(args, id)...)
	return false, unprepared, err
}

// sameValue reports whether a stored value (as SQLite returns it) is the
// bound value v: the same type and the same value. Anything else counts
// as a change.
func sameValue(stored, v any) bool {
	switch v := v.(type) {
	case nil:
		return stored == nil
	case string:
		s, ok := stored.(string)
		return ok && s == v
	case int64:
		n, ok := stored.(int64)
		return ok && n == v
	}
	return false
}

// txStmt returns query as a statement of tx: the writer's prepared
// statement when it has one (see prepareWriter), else query prepared on
// tx's connection for this transaction only.
func (s *Store) txStmt(ctx context.Context, tx *sql.Tx, query string) txStatement {
	if v, ok := s.writer.stmts.Load(query); ok {
		return tx.StmtContext(ctx, v.(*sql.Stmt))
	}
	return txQuery{tx, query}
}

// txStatement is what *sql.Stmt and txQuery have in common.
type txStatement interface {
	ExecContext(ctx context.Context, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, args ...any) *sql.Row
}

// txQuery runs an unprepared query in a transaction.
type txQuery struct {
	tx    *sql.Tx
	query string
}

func (q txQuery) ExecContext(ctx context.Context, args ...any) (sql.Result, error) {
	return q.tx.ExecContext(ctx, q.query, args...)
}

func (q txQuery) QueryContext(ctx context.Context, args ...any) (*sql.Rows, error) {
	return q.tx.QueryContext(ctx, q.query, args...)
}

func (q txQuery) QueryRowContext(ctx context.Context, args ...any) *sql.Row {
	return q.tx.QueryRowContext(ctx, q.query, args...)
}

// prepareWriter prepares query on the writer pool and keeps it, so that
// transactions reuse it (txStmt). It must run outside any transaction:
// preparing takes the writer's connection, which is SQLite's only one.
func (s *Store) prepareWriter(ctx context.Context, query string) {
	// A failure is not an error here: the query then runs unprepared,
	// and reports its own error if it has one.
	_, _ = s.writer.stmt(ctx, query)
}

// acctWhere returns the WHERE clause (or "") of f and its args.
func (s *Store) acctWhere(f store.AcctFilter) (string, []any) {
	var conds []string
	var args []any
	add := func(cond string, arg ...any) {
		conds = append(conds, cond)
		args = append(args, arg...)
	}
	if f.Username != "" {
		add("username = ?", f.Username)
	}
	if f.CalledStationID != "" {
		add("calledstationid = ?", f.CalledStationID)
	}
	if f.CallingStationID != "" {
		add("callingstationid = ?", f.CallingStationID)
	}
	if f.StartFrom != nil {
		add("acctstarttime >= ?", s.d.lowerBoundArg(*f.StartFrom))
	}
	if f.StopUntil != nil {
		add("acctstoptime <= ?", s.d.timeArg(*f.StopUntil))
	}
	if f.IsOpen != nil {
		if *f.IsOpen {
			add("acctstoptime IS NULL")
		} else {
			add("acctstoptime IS NOT NULL")
		}
	}
	if len(conds) == 0 {
		return "", nil
	}
	return " WHERE " + strings.Join(conds, " AND "), args
}

// Accounting lists page through radacct newest first. Counting the rows
// of a filter (for the Link header's last page) and skipping to a deep page
// both cost a walk over every matching index entry, which made lists of
// 10,000 or 50,000 sessions slow: the profile was 67-91% count. So each
// filter's matching ids, in list order, are read once (one index-only
// scan) and kept for listTTL: counting is then their number, and any page
// is a lookup of its ids by primary key. Every write through this Store
// forgets them at once (acctLists.changed); writes by other processes
// (the CLI, another goradius on the same database) show within listTTL:
// until then a page lacks rows deleted since and shows the current values
// of rows changed since.
//
// A filter matching more than maxListIDs rows keeps only its count, and its
// pages read their ids through the index (a deferred join) before fetching
// the rows. So does a filter whose ids were forgotten by a write before
// any second use: under steady accounting writes, reading every id for
// each list would only make garbage.
const (
	listTTL = time.Second
	// maxCachedListIDs bounds the ids kept for all filters (3.2 MB).
	maxCachedListIDs = 400_000
	// listBuildTimeout bounds reading one filter's ids, which others may
	// be waiting for.
	listBuildTimeout = 30 * time.Second
)

// maxListIDs bounds the ids kept for one filter (800 KB); tests lower it.
var maxListIDs = 100_000

// acctLists holds the recently read filters. The zero value is ready.
type acctLists struct {
	// gen counts the radacct writes through the Store; a list read before
	// the last one is not used.
	gen     atomic.Uint64
	mu      sync.Mutex
	entries map[string]*acctList
	nIDs    int // ids held by entries
}

// acctList is one filter's rows: their count, and their ids in list order
// when kept.
type acctList struct {
	gen   uint64
	read  time.Time
	ready chan struct{} // closed once the fields below are set
	kept  bool
	ids   []int64
	big   bool // more than maxListIDs rows
	count int
	err   error
	uses  atomic.Int32 // callers served after the one who read it
}

// changed forgets every list: radacct has been written.
func (l *acctLists) changed() { l.gen.Add(1) }

// acctList returns f's rows as of less than listTTL ago and after the last
// write through this Store, reading them if needed; concurrent callers
// share one read.
func (s *Store) acctList(ctx context.Context, f store.AcctFilter) (*acctList, error) {
	l := &s.lists
	key := filterKey(f)
	gen := l.gen.Load()
	l.mu.Lock()
	e := l.entries[key]
	if e != nil && e.gen == gen && (!isClosed(e.ready) || time.Since(e.read) < listTTL) {
		l.mu.Unlock()
		e.uses.Add(1)
		select {
		case <-e.ready:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		return e, e.err
	}
	// Keep the ids unless the filter has too many, or its last ids were
	// never used twice.
	keep := e == nil || !isClosed(e.ready) || (!e.big && e.uses.Load() > 0)
	if e != nil && isClosed(e.ready) {
		l.nIDs -= len(e.ids)
	}
	e = &acctList{gen: gen, read: time.Now(), ready: make(chan struct{})}
	if l.entries == nil {
		l.entries = map[string]*acctList{}
	}
	l.entries[key] = e
	l.mu.Unlock()

	// The read outlives a caller who gives up: others may be waiting.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), listBuildTimeout)
	s.readAcctList(rctx, f, e, keep)
	cancel()

	l.mu.Lock()
	if l.entries[key] == e {
		switch {
		case e.err != nil:
			delete(l.entries, key) // the next caller tries again
		case l.nIDs+len(e.ids) > maxCachedListIDs:
			for k, other := range l.entries {
				if other != e && isClosed(other.ready) {
					l.nIDs -= len(other.ids)
					delete(l.entries, k)
				}
			}
		}
		if e.err == nil {
			l.nIDs += len(e.ids)
		}
	}
	close(e.ready)
	l.mu.Unlock()
	return e, e.err
}

// readAcctList fills e: f's count and, when keep is set and there are at
// most maxListIDs, its ids in list order.
func (s *Store) readAcctList(ctx context.Context, f store.AcctFilter, e *acctList, keep bool) {
	if keep {
		query, args := s.acctIDsQuery(f, maxListIDs+1)
		e.ids, e.err = s.queryIDs(ctx, query, args...)
		if e.err != nil || len(e.ids) <= maxListIDs {
			e.kept, e.count = e.err == nil, len(e.ids)
			return
		}
		e.ids = nil
	}
	where, args := s.acctWhere(f)
	e.err = s.reader.QueryRowContext(ctx, s.q("SELECT count(*) FROM radacct"+where), args...).Scan(&e.count)
	e.big = e.count > maxListIDs
}

// acctIDsQuery returns the statement that reads the ids of f's first limit
// rows in list order, and its args.
func (s *Store) acctIDsQuery(f store.AcctFilter, limit int) (string, []any) {
	where, args := s.acctWhere(f)
	query := "SELECT radacctid FROM radacct" + where + " ORDER BY " + s.d.acctOrder + " LIMIT ?"
	return s.q(query), append(args, int64(limit))
}

func (s *Store) queryIDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	ids := []int64{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return slices.Clip(ids), nil
}

// filterKey is f as a map key: equal keys make the same query.
func filterKey(f store.AcctFilter) string {
	var b strings.Builder
	for _, v := range []string{f.Username, f.CalledStationID, f.CallingStationID} {
		b.WriteString(strconv.Quote(v))
	}
	for _, t := range []*time.Time{f.StartFrom, f.StopUntil} {
		b.WriteByte('|')
		if t != nil {
			b.WriteString(t.UTC().Format(time.RFC3339Nano))
		}
	}
	b.WriteByte('|')
	if f.IsOpen != nil {
		b.WriteString(strconv.FormatBool(*f.IsOpen))
	}
	return b.String()
}

func isClosed(c chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// ListAccounting returns the rows matching f, newest acctstarttime first
// (NULL start times last, then highest radacctid), skipping offset rows, at
// most limit rows.
func (s *Store) ListAccounting(ctx context.Context, f store.AcctFilter, offset, limit int) ([]store.AcctSession, error) {
	if limit <= 0 {
		return []store.AcctSession{}, nil
	}
	offset = max(offset, 0)
	l, err := s.acctList(ctx, f)
	if err != nil {
		return nil, fmt.Errorf("list accounting: %w", err)
	}
	var sessions []store.AcctSession
	if !l.kept {
		sessions, err = s.acctPage(ctx, f, offset, limit)
	} else {
		sessions, err = s.acctSessions(ctx, l.ids[min(offset, len(l.ids)):min(offset+limit, len(l.ids))])
	}
	if err != nil {
		return nil, fmt.Errorf("list accounting: %w", err)
	}
	return sessions, nil
}

// CountAccounting counts the rows matching f.
func (s *Store) CountAccounting(ctx context.Context, f store.AcctFilter) (int, error) {
	l, err := s.acctList(ctx, f)
	if err != nil {
		return 0, fmt.Errorf("count accounting: %w", err)
	}
	return l.count, nil
}

// acctPage reads one page of a filter too big to keep: the page's ids come
// from the index alone (an index-only scan skips offset entries without
// reading their rows), then only those rows are read. The inner derived
// table lets MySQL, which refuses LIMIT in an IN subquery, run it too.
func (s *Store) acctPage(ctx context.Context, f store.AcctFilter, offset, limit int) ([]store.AcctSession, error) {
	query, args := s.acctPageQuery(f, offset, limit)
	rows, err := s.reader.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	sessions := []store.AcctSession{}
	sc := newAcctScanner()
	for rows.Next() {
		a, err := sc.scan(rows)
		if err != nil {
			return nil, err
		}
		sessions = append(sessions, a)
	}
	return sessions, rows.Err()
}

// acctPageQuery returns the statement of acctPage and its args.
func (s *Store) acctPageQuery(f store.AcctFilter, offset, limit int) (string, []any) {
	where, args := s.acctWhere(f)
	query := "SELECT " + acctColumns + " FROM radacct WHERE radacctid IN (SELECT radacctid FROM (SELECT radacctid FROM radacct" +
		where + " ORDER BY " + s.d.acctOrder + " LIMIT ? OFFSET ?) page) ORDER BY " + s.d.acctOrder
	return s.q(query), append(args, int64(limit), int64(offset))
}

// idBatches are the sizes of the id lists acctSessions binds: few distinct
// statements to prepare, and a page of the default size (10) in one.
var idBatches = [...]int{10, 25, 50, 100}

// acctSessions reads the rows of ids, in that order, leaving out those
// deleted since. The ids alone select them: with the filter's conditions
// added, SQLite's planner walks the filter's index instead of looking the
// ids up.
func (s *Store) acctSessions(ctx context.Context, ids []int64) ([]store.AcctSession, error) {
	sessions := make([]store.AcctSession, 0, len(ids))
	byID := make(map[int64]store.AcctSession, min(len(ids), idBatches[len(idBatches)-1]))
	for len(ids) > 0 {
		n := idBatches[len(idBatches)-1]
		for _, b := range idBatches {
			if b >= len(ids) {
				n = b
				break
			}
		}
		chunk := ids[:min(n, len(ids))]
		ids = ids[len(chunk):]
		args := make([]any, n)
		for i := range n {
			// Padding repeats the last id: an IN list ignores duplicates.
			args[i] = chunk[min(i, len(chunk)-1)]
		}
		query := "SELECT " + acctColumns + " FROM radacct WHERE radacctid IN (" + placeholders(n) + ")"
		rows, err := s.reader.QueryContext(ctx, s.q(query), args...)
		if err != nil {
			return nil, err
		}
		clear(byID)
		sc := newAcctScanner()
		for rows.Next() {
			a, err := sc.scan(rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			byID[a.ID] = a
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		for _, id := range chunk {
			if a, ok := byID[id]; ok {
				sessions = append(sessions, a)
			}
		}
	}
	return sessions, nil
}

// scanAcct reads one radacct row of acctColumns.
func scanAcct(r rowScanner) (store.AcctSession, error) {
	return newAcctScanner().scan(r)
}

// acctScanner reads rows of acctColumns. One serves all the rows of a
// query: its scan targets are allocated once, and each row's optional
// values share three allocations (its pointers into them were a third of
// the allocations of an accounting list).
type acctScanner struct {
	dest                       []any
	id                         int64
	str                        [store.NumAcctFields]sql.NullString
	num                        [store.NumAcctFields]sql.NullInt64
	start, update, stop        nullTime
	sessionID, uniqueID, nasIP string
}

func newAcctScanner() *acctScanner {
	sc := &acctScanner{dest: make([]any, 0, store.NumAcctFields+1)}
	sc.dest = append(sc.dest, &sc.id)
	for i := range store.NumAcctFields {
		switch i {
		case store.AcctSessionID:
			sc.dest = append(sc.dest, &sc.sessionID)
		case store.AcctUniqueID:
			sc.dest = append(sc.dest, &sc.uniqueID)
		case store.AcctNASIPAddress:
			sc.dest = append(sc.dest, &sc.nasIP)
		case store.AcctStartTime:
			sc.dest = append(sc.dest, &sc.start)
		case store.AcctUpdateTime:
			sc.dest = append(sc.dest, &sc.update)
		case store.AcctStopTime:
			sc.dest = append(sc.dest, &sc.stop)
		case store.AcctInterval, store.AcctSessionTime, store.AcctInputOctets, store.AcctOutputOctets:
			sc.dest = append(sc.dest, &sc.num[i])
		default:
			sc.dest = append(sc.dest, &sc.str[i])
		}
	}
	return sc
}

func (sc *acctScanner) scan(r rowScanner) (store.AcctSession, error) {
	var a store.AcctSession
	if err := r.Scan(sc.dest...); err != nil {
		return a, err
	}
	strs := new([store.NumAcctFields]string)
	nums := new([store.NumAcctFields]int64)
	times := new([3]time.Time)
	sp := func(i store.AcctField) *string {
		if !sc.str[i].Valid {
			return nil
		}
		strs[i] = sc.str[i].String
		return &strs[i]
	}
	np := func(i store.AcctField) *int64 {
		if !sc.num[i].Valid {
			return nil
		}
		nums[i] = sc.num[i].Int64
		return &nums[i]
	}
	tp := func(i int, t nullTime) *time.Time {
		if !t.Valid {
			return nil
		}
		times[i] = t.Time
		return &times[i]
	}
	a.ID = sc.id
	a.SessionID, a.UniqueID, a.NASIPAddress = sc.sessionID, sc.uniqueID, sc.nasIP
	a.Username = sp(store.AcctUsername)
	a.Groupname = sp(store.AcctGroupname)
	a.Realm = sp(store.AcctRealm)
	a.NASPortID = sp(store.AcctNASPortID)
	a.NASPortType = sp(store.AcctNASPortType)
	a.StartTime, a.UpdateTime, a.StopTime = tp(0, sc.start), tp(1, sc.update), tp(2, sc.stop)
	a.Interval = np(store.AcctInterval)
	a.SessionTime = np(store.AcctSessionTime)
	a.Authentication = sp(store.AcctAuthentication)
	a.ConnectInfoStart = sp(store.AcctConnectInfoStart)
	a.ConnectInfoStop = sp(store.AcctConnectInfoStop)
	a.InputOctets = np(store.AcctInputOctets)
	a.OutputOctets = np(store.AcctOutputOctets)
	a.CalledStationID = sp(store.AcctCalledStationID)
	a.CallingStationID = sp(store.AcctCallingStationID)
	a.TerminateCause = sp(store.AcctTerminateCause)
	a.ServiceType = sp(store.AcctServiceType)
	a.FramedProtocol = sp(store.AcctFramedProtocol)
	a.FramedIPAddress = sp(store.AcctFramedIPAddress)
	a.FramedIPv6Address = sp(store.AcctFramedIPv6Address)
	a.FramedIPv6Prefix = sp(store.AcctFramedIPv6Prefix)
	a.FramedInterfaceID = sp(store.AcctFramedInterfaceID)
	a.DelegatedIPv6Prefix = sp(store.AcctDelegatedIPv6Prefix)
	return a, nil
}
