package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strings"
)

// adminDialect holds what the admin queries need that differs between
// databases.
type adminDialect struct {
	// contains is a condition on a column (%s) containing the one bind
	// variable's text, ignoring ASCII case.
	contains string
	// closeSession stops one open session; its arguments are floor(at) in
	// Unix seconds, at (stop time), at (update time), the terminate cause
	// and the radacctid. Session time first, as in sessions.go.
	closeSession string
}

var adminDialects = map[string]adminDialect{
	"sqlite": {
		contains: "instr(lower(%s), lower(?)) > 0",
		closeSession: `UPDATE radacct SET
	acctsessiontime = max(COALESCE(? - CAST(strftime('%s', acctstarttime) AS INTEGER), 0), COALESCE(acctsessiontime, 0)),
	acctstoptime = ?, acctupdatetime = ?, acctterminatecause = ?
WHERE radacctid = ? AND acctstoptime IS NULL`,
	},
	"postgres": {
		contains: "strpos(lower(%s), lower(?)) > 0",
		closeSession: `UPDATE radacct SET
	acctsessiontime = GREATEST(COALESCE(CAST(? AS bigint) - FLOOR(EXTRACT(EPOCH FROM acctstarttime))::bigint, 0), COALESCE(acctsessiontime, 0)),
	acctstoptime = ?, acctupdatetime = ?, acctterminatecause = ?
WHERE radacctid = ? AND acctstoptime IS NULL`,
	},
	"mysql": {
		contains: "LOCATE(LOWER(?), LOWER(%s)) > 0",
		closeSession: `UPDATE radacct SET
	acctsessiontime = GREATEST(COALESCE(? - TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', acctstarttime), 0), COALESCE(acctsessiontime, 0)),
	acctstoptime = ?, acctupdatetime = ?, acctterminatecause = ?
WHERE radacctid = ? AND acctstoptime IS NULL`,
	},
}

func (s *Store) admin() adminDialect { return adminDialects[s.d.name] }

// conds collects the conditions of a list's WHERE clause and their
// arguments. Every condition is a fixed SQL fragment; only the arguments
// come from the caller.
type conds struct {
	s    *Store
	list []string
	args []any
}

// add appends a condition with its arguments.
func (c *conds) add(cond string, args ...any) {
	c.list = append(c.list, cond)
	c.args = append(c.args, args...)
}

// contains adds "one of cols contains text" (ASCII case ignored).
func (c *conds) contains(text string, cols ...string) {
	if text == "" {
		return
	}
	parts := make([]string, len(cols))
	for i, col := range cols {
		parts[i] = fmt.Sprintf(c.s.admin().contains, col)
		c.args = append(c.args, text)
	}
	c.list = append(c.list, "("+strings.Join(parts, " OR ")+")")
}

// where is " WHERE a AND b", or "".
func (c *conds) where() string {
	if len(c.list) == 0 {
		return ""
	}
	return " WHERE " + strings.Join(c.list, " AND ")
}

// pageArgs are the arguments of "LIMIT ? OFFSET ?": no limit when limit
// <= 0.
func pageArgs(offset, limit int) []any {
	l := int64(limit)
	if limit <= 0 {
		l = math.MaxInt64
	}
	return []any{l, int64(max(offset, 0))}
}

const pageClause = " LIMIT ? OFFSET ?"

// count runs a SELECT count(*) query.
func (s *Store) count(ctx context.Context, what, query string, args ...any) (int, error) {
	var n int
	if err := s.reader.QueryRowContext(ctx, s.q(query), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count %s: %w", what, err)
	}
	return n, nil
}

// queryList runs query and scans every row with scan.
func queryList[T any](ctx context.Context, s *Store, what, query string, args []any, scan func(rowScanner) (T, error)) ([]T, error) {
	rows, err := s.reader.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list %s: %w", what, err)
	}
	return out, nil
}

// affected returns the rows a statement changed.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// idArgs turns ids into bind arguments.
func idArgs(ids []int64) []any {
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	return args
}

// userRef is a user to delete: its id and name.
type userRef struct {
	id   int64
	name string
}

// Deleting users in bulk: each statement takes an IN list of ids, and the
// item tables an IN list of usernames too (rows other tools wrote without
// user_id), as DeleteUser does for one user.
const (
	qBulkDeleteRadcheck     = `DELETE FROM radcheck WHERE user_id IN (%[1]s) OR username IN (%[1]s)`
	qBulkDeleteRadreply     = `DELETE FROM radreply WHERE user_id IN (%[1]s) OR username IN (%[1]s)`
	qBulkDeleteRadusergroup = `DELETE FROM radusergroup WHERE user_id IN (%[1]s) OR username IN (%[1]s)`
	qBulkDeleteRadiusToken  = `DELETE FROM radiustoken WHERE user_id IN (%s)`
	qBulkDeleteAuthToken    = `DELETE FROM authtoken WHERE user_id IN (%s)`
	qBulkDeleteBatchLinks   = `DELETE FROM radbatch_users WHERE user_id IN (%s)`
	qBulkDeleteUsers        = `DELETE FROM users WHERE id IN (%s)`
)

// deleteUsers removes users as DeleteUser does, a chunk at a time, inside
// the caller's transaction, and returns how many users rows went.
func (s *Store) deleteUsers(ctx context.Context, tx *sql.Tx, users []userRef) (int64, error) {
	var n int64
	for chunk := range slices.Chunk(users, usersByIDsChunk/2) {
		ph := placeholders(len(chunk))
		ids := make([]any, len(chunk))
		idsAndNames := make([]any, 0, 2*len(chunk))
		for i, u := range chunk {
			ids[i] = u.id
		}
		idsAndNames = append(idsAndNames, ids...)
		for _, u := range chunk {
			idsAndNames = append(idsAndNames, u.name)
		}
		// %[1]s twice: the same number of bind variables for ids, then names.
		for _, q := range []string{qBulkDeleteRadcheck, qBulkDeleteRadreply, qBulkDeleteRadusergroup} {
			if _, err := tx.ExecContext(ctx, s.q(fmt.Sprintf(q, ph)), idsAndNames...); err != nil {
				return 0, err
			}
		}
		for _, q := range []string{qBulkDeleteRadiusToken, qBulkDeleteAuthToken, qBulkDeleteBatchLinks} {
			if _, err := tx.ExecContext(ctx, s.q(fmt.Sprintf(q, ph)), ids...); err != nil {
				return 0, err
			}
		}
		m, err := affected(tx.ExecContext(ctx, s.q(fmt.Sprintf(qBulkDeleteUsers, ph)), ids...))
		if err != nil {
			return 0, err
		}
		n += m
	}
	return n, nil
}

// scanUserRefs reads (id, username) rows.
func scanUserRefs(rows *sql.Rows, err error) ([]userRef, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []userRef
	for rows.Next() {
		var u userRef
		if err := rows.Scan(&u.id, &u.name); err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}
