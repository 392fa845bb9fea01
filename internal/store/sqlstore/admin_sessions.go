package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/goradius/goradius/internal/store"
)

var (
	qAcctByID       = "SELECT " + acctColumns + " FROM radacct WHERE radacctid = ?"
	qAcctByUniqueID = "SELECT " + acctColumns + " FROM radacct WHERE acctuniqueid = ?"
)

const (
	qDeleteStoppedSessions = `DELETE FROM radacct WHERE acctstoptime < ?`

	postAuthColumns    = `id, username, pass, reply, calledstationid, callingstationid, authdate`
	qListPostAuth      = `SELECT ` + postAuthColumns + ` FROM radpostauth%s ORDER BY authdate DESC, id DESC` + pageClause
	qCountPostAuth     = `SELECT count(*) FROM radpostauth%s`
	qDeleteOldPostAuth = `DELETE FROM radpostauth WHERE authdate < ?`
)

// AcctSessionByID returns the radacct row of that radacctid.
func (s *Store) AcctSessionByID(ctx context.Context, id int64) (store.AcctSession, error) {
	a, err := scanAcct(s.reader.QueryRowContext(ctx, s.q(qAcctByID), id))
	if err != nil {
		return store.AcctSession{}, notFound(err, fmt.Sprintf("session %d", id))
	}
	return a, nil
}

// AcctSessionByUniqueID returns the radacct row of that acctuniqueid.
func (s *Store) AcctSessionByUniqueID(ctx context.Context, uniqueID string) (store.AcctSession, error) {
	a, err := scanAcct(s.reader.QueryRowContext(ctx, s.q(qAcctByUniqueID), uniqueID))
	if err == nil && a.UniqueID != uniqueID {
		err = sql.ErrNoRows // MySQL PAD SPACE: "u1 " for "u1"
	}
	if err != nil {
		return store.AcctSession{}, notFound(err, fmt.Sprintf("session %q", uniqueID))
	}
	return a, nil
}

// CloseAcctSession stops session id at at if it is open, and reports
// whether it did.
func (s *Store) CloseAcctSession(ctx context.Context, id int64, at time.Time, cause string) (bool, error) {
	defer s.lists.changed() // accounting lists must not answer from before
	stop := s.d.timeArg(at)
	n, err := affected(s.writer.ExecContext(ctx, s.q(s.admin().closeSession), unixFloor(at), stop, stop, cause, id))
	if err != nil {
		return false, fmt.Errorf("close session %d: %w", id, err)
	}
	return n > 0, nil
}

// DeleteSessionsStoppedBefore deletes the sessions that stopped before t.
func (s *Store) DeleteSessionsStoppedBefore(ctx context.Context, t time.Time) (int64, error) {
	defer s.lists.changed()
	n, err := affected(s.writer.ExecContext(ctx, s.q(qDeleteStoppedSessions), s.d.lowerBoundArg(t)))
	if err != nil {
		return 0, fmt.Errorf("delete sessions stopped before %v: %w", t, err)
	}
	return n, nil
}

func scanPostAuth(r rowScanner) (store.PostAuth, error) {
	var (
		p               store.PostAuth
		called, calling sql.NullString
	)
	err := r.Scan(&p.ID, &p.Username, &p.Password, &p.Reply, &called, &calling, notNullTime{&p.AuthDate})
	p.CalledStationID, p.CallingStationID = stringPtr(called), stringPtr(calling)
	return p, err
}

func (s *Store) postAuthConds(f store.PostAuthFilter) *conds {
	c := &conds{s: s}
	for _, eq := range []struct{ col, v string }{
		{"username", f.Username}, {"reply", f.Reply},
		{"calledstationid", f.CalledStationID}, {"callingstationid", f.CallingStationID},
	} {
		if eq.v != "" {
			c.add(eq.col+" = ?", eq.v)
		}
	}
	if f.From != nil {
		c.add("authdate >= ?", s.d.lowerBoundArg(*f.From))
	}
	if f.Until != nil {
		c.add("authdate < ?", s.d.lowerBoundArg(*f.Until))
	}
	return c
}

// ListPostAuth returns the radpostauth rows matching f, newest first.
func (s *Store) ListPostAuth(ctx context.Context, f store.PostAuthFilter, offset, limit int) ([]store.PostAuth, error) {
	c := s.postAuthConds(f)
	return queryList(ctx, s, "post-auth log", fmt.Sprintf(qListPostAuth, c.where()),
		append(c.args, pageArgs(offset, limit)...), scanPostAuth)
}

// CountPostAuth counts the radpostauth rows matching f.
func (s *Store) CountPostAuth(ctx context.Context, f store.PostAuthFilter) (int, error) {
	c := s.postAuthConds(f)
	return s.count(ctx, "post-auth log", fmt.Sprintf(qCountPostAuth, c.where()), c.args...)
}

// DeletePostAuthBefore deletes the radpostauth rows older than t.
func (s *Store) DeletePostAuthBefore(ctx context.Context, t time.Time) (int64, error) {
	n, err := affected(s.writer.ExecContext(ctx, s.q(qDeleteOldPostAuth), s.d.lowerBoundArg(t)))
	if err != nil {
		return 0, fmt.Errorf("delete post-auth rows before %v: %w", t, err)
	}
	return n, nil
}

// stringPtr returns a nullable text column's value or nil.
func stringPtr(v sql.NullString) *string {
	if !v.Valid {
		return nil
	}
	s := v.String
	return &s
}
