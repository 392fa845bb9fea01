package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
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
	qAcctExists = `SELECT 1 FROM radacct WHERE acctuniqueid = ?`
)

// maxAcctAttempts bounds retries of an upsert chosen as a deadlock victim
// (InnoDB's INSERT ... ON DUPLICATE KEY UPDATE can deadlock when packets of
// one session race).
const maxAcctAttempts = 5

// WriteAccounting upserts one radacct row keyed on w.UniqueID; created
// reports an insert.
func (s *Store) WriteAccounting(ctx context.Context, w *store.AcctWrite) (created bool, err error) {
	if w.UniqueID == "" {
		return false, errors.New("write accounting: empty unique id")
	}
	values, err := s.acctValues(w)
	if err != nil {
		return false, err
	}
	for attempt := 1; ; attempt++ {
		switch s.d.acctWrite {
		case acctReturningXmax:
			created, err = s.upsertReturning(ctx, w, values)
		case acctAffectedRows:
			created, err = s.upsertOnDuplicateKey(ctx, w, values)
		default:
			created, err = s.updateThenInsert(ctx, w, values)
		}
		if err == nil || !s.d.isRetryable(err) || attempt == maxAcctAttempts {
			break
		}
		s.log.Debug("retrying accounting write after deadlock", "unique_id", w.UniqueID, "attempt", attempt)
	}
	if err != nil {
		return false, fmt.Errorf("write accounting %q: %w", w.UniqueID, err)
	}
	return created, nil
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

// upsertReturning is PostgreSQL's single statement; xmax is 0 only on a
// tuple this statement inserted. Under OnlyIfOpen the update has a WHERE:
// a stopped row is left alone and, like DO NOTHING, returns no row.
func (s *Store) upsertReturning(ctx context.Context, w *store.AcctWrite, values [store.NumAcctFields]any) (bool, error) {
	query, args := acctInsert(w, values)
	set, setArgs := acctSet(w, values, false)
	switch {
	case set == "":
		// Nothing to overwrite: no row comes back on conflict.
		query += " ON CONFLICT (acctuniqueid) DO NOTHING RETURNING true"
	case w.OnlyIfOpen:
		query += " ON CONFLICT (acctuniqueid) DO UPDATE SET " + set +
			" WHERE radacct.acctstoptime IS NULL RETURNING (xmax = 0)"
		args = append(args, setArgs...)
	default:
		query += " ON CONFLICT (acctuniqueid) DO UPDATE SET " + set + " RETURNING (xmax = 0)"
		args = append(args, setArgs...)
	}
	var inserted bool
	err := s.writer.QueryRowContext(ctx, s.q(query), args...).Scan(&inserted)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return inserted, err
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

// updateThenInsert is SQLite's write: the packet joins the group commit of
// the single writer (see groupWriter), and its answer comes after the
// commit that made it durable.
func (s *Store) updateThenInsert(ctx context.Context, w *store.AcctWrite, values [store.NumAcctFields]any) (bool, error) {
	if s.group == nil {
		var created bool
		err := s.inTx(ctx, func(tx *sql.Tx) error {
			var err error
			created, err = s.updateThenInsertTx(ctx, tx, w, values)
			return err
		})
		return created, err
	}
	return s.group.write(ctx, w, values)
}

// updateThenInsertTx updates the session's row, or inserts it when there is
// none. It cannot race: SQLite's writer has one connection and BEGIN
// IMMEDIATE holds the database's write lock against other processes.
// Under OnlyIfOpen the UPDATE skips a stopped row, so when it matches
// nothing the row may still exist: inserting then waits for a check.
func (s *Store) updateThenInsertTx(ctx context.Context, tx *sql.Tx, w *store.AcctWrite, values [store.NumAcctFields]any) (bool, error) {
	set, setArgs := acctSet(w, values, false)
	if set != "" {
		where := " WHERE acctuniqueid = ?"
		if w.OnlyIfOpen {
			where += " AND acctstoptime IS NULL"
		}
		res, err := tx.ExecContext(ctx, s.q("UPDATE radacct SET "+set+where), append(setArgs, w.UniqueID)...)
		if err != nil {
			return false, err
		}
		if n, err := res.RowsAffected(); err != nil || n > 0 {
			return false, err
		}
	}
	if set == "" || w.OnlyIfOpen {
		found, err := s.exists(ctx, tx, qAcctExists, w.UniqueID)
		if err != nil || found {
			return false, err
		}
	}
	query, args := acctInsert(w, values)
	if _, err := tx.ExecContext(ctx, s.q(query), args...); err != nil {
		return false, err
	}
	return true, nil
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

// ListAccounting returns the rows matching f, newest acctstarttime first
// (NULL start times last, then highest radacctid), skipping offset rows, at
// most limit rows.
func (s *Store) ListAccounting(ctx context.Context, f store.AcctFilter, offset, limit int) ([]store.AcctSession, error) {
	sessions := []store.AcctSession{}
	if limit <= 0 {
		return sessions, nil
	}
	where, args := s.acctWhere(f)
	query := "SELECT " + acctColumns + " FROM radacct" + where +
		" ORDER BY " + s.d.acctOrder + " LIMIT ? OFFSET ?"
	args = append(args, int64(limit), int64(max(offset, 0)))
	rows, err := s.reader.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list accounting: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		a, err := scanAcct(rows)
		if err != nil {
			return nil, fmt.Errorf("list accounting: %w", err)
		}
		sessions = append(sessions, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list accounting: %w", err)
	}
	return sessions, nil
}

// CountAccounting counts the rows matching f.
func (s *Store) CountAccounting(ctx context.Context, f store.AcctFilter) (int, error) {
	where, args := s.acctWhere(f)
	var n int
	if err := s.reader.QueryRowContext(ctx, s.q("SELECT count(*) FROM radacct"+where), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count accounting: %w", err)
	}
	return n, nil
}

// scanAcct reads one row of acctColumns.
func scanAcct(r rowScanner) (store.AcctSession, error) {
	var (
		a                          store.AcctSession
		str                        [store.NumAcctFields]sql.NullString
		num                        [store.NumAcctFields]sql.NullInt64
		start, update, stop        nullTime
		sessionID, uniqueID, nasIP string
	)
	dest := make([]any, 0, store.NumAcctFields+1)
	dest = append(dest, &a.ID)
	for i := range store.NumAcctFields {
		switch i {
		case store.AcctSessionID:
			dest = append(dest, &sessionID)
		case store.AcctUniqueID:
			dest = append(dest, &uniqueID)
		case store.AcctNASIPAddress:
			dest = append(dest, &nasIP)
		case store.AcctStartTime:
			dest = append(dest, &start)
		case store.AcctUpdateTime:
			dest = append(dest, &update)
		case store.AcctStopTime:
			dest = append(dest, &stop)
		case store.AcctInterval, store.AcctSessionTime, store.AcctInputOctets, store.AcctOutputOctets:
			dest = append(dest, &num[i])
		default:
			dest = append(dest, &str[i])
		}
	}
	if err := r.Scan(dest...); err != nil {
		return a, err
	}
	sp := func(i store.AcctField) *string {
		if !str[i].Valid {
			return nil
		}
		v := str[i].String
		return &v
	}
	np := func(i store.AcctField) *int64 {
		if !num[i].Valid {
			return nil
		}
		v := num[i].Int64
		return &v
	}
	a.SessionID, a.UniqueID, a.NASIPAddress = sessionID, uniqueID, nasIP
	a.Username = sp(store.AcctUsername)
	a.Groupname = sp(store.AcctGroupname)
	a.Realm = sp(store.AcctRealm)
	a.NASPortID = sp(store.AcctNASPortID)
	a.NASPortType = sp(store.AcctNASPortType)
	a.StartTime, a.UpdateTime, a.StopTime = start.ptr(), update.ptr(), stop.ptr()
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
