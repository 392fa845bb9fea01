package sqlstore

import (
	"context"
	"fmt"
	"time"

	"github.com/goradius/goradius/internal/store"
)

// Session arithmetic is done in whole seconds of Unix time, each instant
// rounded down first: an instant t counts as floor(t), so the part of a
// session after since is acctsessiontime - (floor(since) - floor(start)),
// as in FreeRADIUS's sqlcounter queries over whole-second columns. The
// other side of each difference (since, at) is bound as a Unix time
// computed in Go; the dialects only turn a column into one:
//
//   - SQLite: CAST(strftime('%s', col) AS INTEGER), on the stored text
//     (SQLite reads fractions to the millisecond and truncates them, so
//     '…:00.999999' is still second :00);
//   - PostgreSQL: FLOOR(EXTRACT(EPOCH FROM col))::bigint, exact;
//   - MySQL: TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', col), which does
//     not depend on the session time zone (UNIX_TIMESTAMP would: the
//     DATETIME columns hold UTC whatever the session says).
//
// A NULL start time counts as 0 (1970), a NULL session time or octet count
// as 0. Session times never go below 0 (radacct's CHECK), and closing a
// session never shortens the time the NAS reported.
const (
	// The usage queries take: floor(since) in Unix seconds, the username,
	// the username again, since as a time (lower bound).
	sqliteUsageSince = `SELECT
	COALESCE(SUM(max(COALESCE(acctsessiontime, 0)
		- max(? - COALESCE(CAST(strftime('%s', acctstarttime) AS INTEGER), 0), 0), 0)), 0),
	COALESCE(SUM(COALESCE(acctinputoctets, 0) + COALESCE(acctoutputoctets, 0)), 0)
FROM (` + usageRows + `) r`
	postgresUsageSince = `SELECT
	COALESCE(SUM(GREATEST(COALESCE(acctsessiontime, 0)
		- GREATEST(CAST(? AS bigint) - COALESCE(FLOOR(EXTRACT(EPOCH FROM acctstarttime))::bigint, 0), 0), 0)), 0)::bigint,
	COALESCE(SUM(COALESCE(acctinputoctets, 0) + COALESCE(acctoutputoctets, 0)), 0)::bigint
FROM (` + usageRows + `) r`
	// MySQL's SUM of integers is a DECIMAL, read back as its digits.
	mysqlUsageSince = `SELECT
	COALESCE(SUM(GREATEST(COALESCE(acctsessiontime, 0)
		- GREATEST(? - COALESCE(TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', acctstarttime), 0), 0), 0)), 0),
	COALESCE(SUM(COALESCE(acctinputoctets, 0) + COALESCE(acctoutputoctets, 0)), 0)
FROM (` + usageRows + `) r`

	// usageRows is a username's sessions that are open or ended at or
	// after since: two ranges of radacct_username_acctstoptime (NULLs sort
	// together), so that only those rows are read from the table. With
	// "acctstoptime >= ? OR acctstoptime IS NULL" SQLite searches the index
	// by username only and reads every session the user ever had.
	usageRows = `SELECT acctstarttime, acctsessiontime, acctinputoctets, acctoutputoctets
	FROM radacct WHERE username = ? AND acctstoptime IS NULL
	UNION ALL
	SELECT acctstarttime, acctsessiontime, acctinputoctets, acctoutputoctets
	FROM radacct WHERE username = ? AND acctstoptime >= ?`

	// The usage of all time takes the username.
	qUsageAll = `SELECT COALESCE(SUM(acctsessiontime), 0),
	COALESCE(SUM(COALESCE(acctinputoctets, 0) + COALESCE(acctoutputoctets, 0)), 0)
FROM radacct WHERE username = ?`
	// PostgreSQL's SUM of bigint is a numeric.
	postgresUsageAll = `SELECT COALESCE(SUM(acctsessiontime), 0)::bigint,
	COALESCE(SUM(COALESCE(acctinputoctets, 0) + COALESCE(acctoutputoctets, 0)), 0)::bigint
FROM radacct WHERE username = ?`

	qOpenSessions = `SELECT count(*) FROM radacct WHERE username = ? AND acctstoptime IS NULL`
	// A session without a calling station is never the one excluded.
	qOpenSessionsElsewhere = `SELECT count(*) FROM radacct
WHERE username = ? AND acctstoptime IS NULL
	AND (callingstationid IS NULL OR callingstationid <> ?)`

	// The NAS UPDATEs take: floor(at) in Unix seconds, at (stop time), at
	// (update time), the terminate cause, the NAS address. The session
	// time is assigned first: MySQL evaluates SET from left to right with
	// the new values of columns already assigned.
	sqliteCloseNASSessions = `UPDATE radacct SET
	acctsessiontime = max(COALESCE(? - CAST(strftime('%s', acctstarttime) AS INTEGER), 0), COALESCE(acctsessiontime, 0)),
	acctstoptime = ?, acctupdatetime = ?, acctterminatecause = ?
WHERE nasipaddress = ? AND acctstoptime IS NULL`
	// nasipaddress is inet: compared as an address, not as text.
	postgresCloseNASSessions = `UPDATE radacct SET
	acctsessiontime = GREATEST(COALESCE(CAST(? AS bigint) - FLOOR(EXTRACT(EPOCH FROM acctstarttime))::bigint, 0), COALESCE(acctsessiontime, 0)),
	acctstoptime = ?, acctupdatetime = ?, acctterminatecause = ?
WHERE nasipaddress = CAST(? AS inet) AND acctstoptime IS NULL`
	mysqlCloseNASSessions = `UPDATE radacct SET
	acctsessiontime = GREATEST(COALESCE(? - TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', acctstarttime), 0), COALESCE(acctsessiontime, 0)),
	acctstoptime = ?, acctupdatetime = ?, acctterminatecause = ?
WHERE nasipaddress = ? AND acctstoptime IS NULL`

	// The stale UPDATEs take: the terminate cause, olderThan. The last
	// sign of life is COALESCE(acctupdatetime, acctstarttime); rows with
	// neither compare as NULL and are left alone. Session time first, as
	// above; acctupdatetime keeps its value when it has one.
	sqliteCloseStaleSessions = `UPDATE radacct SET
	acctsessiontime = max(COALESCE(CAST(strftime('%s', COALESCE(acctupdatetime, acctstarttime)) AS INTEGER)
		- CAST(strftime('%s', acctstarttime) AS INTEGER), 0), COALESCE(acctsessiontime, 0)),
	acctstoptime = COALESCE(acctupdatetime, acctstarttime),
	acctupdatetime = COALESCE(acctupdatetime, acctstarttime),
	acctterminatecause = ?
WHERE acctstoptime IS NULL AND COALESCE(acctupdatetime, acctstarttime) < ?`
	postgresCloseStaleSessions = `UPDATE radacct SET
	acctsessiontime = GREATEST(COALESCE(FLOOR(EXTRACT(EPOCH FROM COALESCE(acctupdatetime, acctstarttime)))::bigint
		- FLOOR(EXTRACT(EPOCH FROM acctstarttime))::bigint, 0), COALESCE(acctsessiontime, 0)),
	acctstoptime = COALESCE(acctupdatetime, acctstarttime),
	acctupdatetime = COALESCE(acctupdatetime, acctstarttime),
	acctterminatecause = ?
WHERE acctstoptime IS NULL AND COALESCE(acctupdatetime, acctstarttime) < ?`
	mysqlCloseStaleSessions = `UPDATE radacct SET
	acctsessiontime = GREATEST(COALESCE(TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', COALESCE(acctupdatetime, acctstarttime))
		- TIMESTAMPDIFF(SECOND, '1970-01-01 00:00:00', acctstarttime), 0), COALESCE(acctsessiontime, 0)),
	acctstoptime = COALESCE(acctupdatetime, acctstarttime),
	acctupdatetime = COALESCE(acctupdatetime, acctstarttime),
	acctterminatecause = ?
WHERE acctstoptime IS NULL AND COALESCE(acctupdatetime, acctstarttime) < ?`
)

// unixFloor is t in whole Unix seconds, rounded down (time.Time.Unix
// already rounds down: the nanoseconds are never negative).
func unixFloor(t time.Time) int64 {
	return t.Unix()
}

// usageQuery returns the statement UsageSince runs and its arguments.
func (s *Store) usageQuery(username string, since time.Time) (string, []any) {
	if since.IsZero() {
		return s.q(s.d.usageAll), []any{username}
	}
	return s.q(s.d.usageSince), []any{unixFloor(since), username, username, s.d.lowerBoundArg(since)}
}

// UsageSince sums the session time after since and the octets of the
// username's sessions that ended at or after since or are still open; a
// zero since sums every session of the username.
func (s *Store) UsageSince(ctx context.Context, username string, since time.Time) (store.Usage, error) {
	c := s.policy.Load()
	if c == nil {
		return s.readUsage(ctx, username, since)
	}
	execs := s.writer.execs.Load()
	if u, ok := c.usage(username, since, execs); ok {
		return u, nil
	}
	forgets, began := c.forgets.Load(), time.Now()
	u, err := s.readUsage(ctx, username, since)
	if err == nil {
		c.putUsage(username, since, u, began, execs, forgets)
	}
	return u, err
}

// readUsage is UsageSince without the cache.
func (s *Store) readUsage(ctx context.Context, username string, since time.Time) (store.Usage, error) {
	query, args := s.usageQuery(username, since)
	var u store.Usage
	if err := s.reader.QueryRowContext(ctx, query, args...).Scan(&u.Seconds, &u.Octets); err != nil {
		return store.Usage{}, fmt.Errorf("usage of %q: %w", username, err)
	}
	return u, nil
}

// openSessionsQuery returns the statement OpenSessions runs and its
// arguments.
func (s *Store) openSessionsQuery(username, callingStationID string) (string, []any) {
	if callingStationID == "" {
		return s.q(qOpenSessions), []any{username}
	}
	return s.q(qOpenSessionsElsewhere), []any{username, callingStationID}
}

// OpenSessions counts the username's sessions without a stop time, except
// those of callingStationID when it is not "".
func (s *Store) OpenSessions(ctx context.Context, username, callingStationID string) (int, error) {
	query, args := s.openSessionsQuery(username, callingStationID)
	var n int
	if err := s.reader.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("open sessions of %q: %w", username, err)
	}
	return n, nil
}

// CloseNASSessions stops every open session of the NAS at at, with the
// terminate cause given, in one UPDATE, and returns how many it stopped.
// It runs on the writer: on SQLite it queues behind the accounting group
// commits like any other write.
func (s *Store) CloseNASSessions(ctx context.Context, nasIP string, at time.Time, cause string) (int64, error) {
	defer s.lists.changed()
	stop := s.d.timeArg(at)
	n, err := s.closeSessions(ctx, s.d.closeNASSessions, unixFloor(at), stop, stop, cause, nasIP)
	if err != nil {
		return 0, fmt.Errorf("close sessions of NAS %s: %w", nasIP, err)
	}
	return n, nil
}

// closeSessions runs one of the UPDATEs that close sessions and returns
// how many rows it changed. On PostgreSQL accounting groups commit beside
// it and may hold some of its rows, locked in another order: a deadlock
// the database breaks by aborting this side is retried.
func (s *Store) closeSessions(ctx context.Context, query string, args ...any) (int64, error) {
	for attempt := 1; ; attempt++ {
		res, err := s.writer.ExecContext(ctx, s.q(query), args...)
		if err != nil && s.d.isRetryable(err) && attempt < maxTxAttempts {
			continue
		}
		if err != nil {
			return 0, err
		}
		return res.RowsAffected()
	}
}

// CloseStaleSessions stops the open sessions last heard of (update time,
// else start time) before olderThan, at that last sign of life, and
// returns how many it stopped.
func (s *Store) CloseStaleSessions(ctx context.Context, olderThan time.Time, cause string) (int64, error) {
	defer s.lists.changed()
	// lowerBoundArg also suits "col < ?": on SQLite the bound is then the
	// smallest spelling of its instant, so no spelling of it is below.
	n, err := s.closeSessions(ctx, s.d.closeStaleSessions, cause, s.d.lowerBoundArg(olderThan))
	if err != nil {
		return 0, fmt.Errorf("close stale sessions: %w", err)
	}
	return n, nil
}
