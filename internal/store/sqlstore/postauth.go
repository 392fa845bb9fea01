package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/goradius/goradius/internal/store"
)

const qInsertPostAuth = `INSERT INTO radpostauth (username, pass, reply, calledstationid, callingstationid, authdate)
VALUES (?, ?, ?, ?, ?, ?)`

// The id breaks ties between rows of the same authdate, newest first too.
const qPostAuthLog = `SELECT id, username, pass, reply, calledstationid, callingstationid, authdate
FROM radpostauth ORDER BY authdate DESC, id DESC LIMIT ?`

// CreatePostAuth inserts one radpostauth row, setting p.ID (and p.AuthDate
// when zero).
func (s *Store) CreatePostAuth(ctx context.Context, p *store.PostAuth) error {
	if p.AuthDate.IsZero() {
		p.AuthDate = s.timestamp()
	}
	var called, calling any
	if p.CalledStationID != nil {
		called = *p.CalledStationID
	}
	if p.CallingStationID != nil {
		calling = *p.CallingStationID
	}
	id, err := s.insertID(ctx, s.writer, qInsertPostAuth, "id",
		p.Username, p.Password, p.Reply, called, calling, s.d.timeArg(p.AuthDate))
	if err != nil {
		return fmt.Errorf("create post-auth for %q: %w", p.Username, err)
	}
	p.ID = id
	return nil
}

// PostAuthLog returns the newest radpostauth rows, newest first, at most
// limit of them.
func (s *Store) PostAuthLog(ctx context.Context, limit int) ([]store.PostAuth, error) {
	log := []store.PostAuth{}
	if limit <= 0 {
		return log, nil
	}
	rows, err := s.reader.QueryContext(ctx, s.q(qPostAuthLog), int64(limit))
	if err != nil {
		return nil, fmt.Errorf("post-auth log: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			p               store.PostAuth
			called, calling sql.NullString
		)
		if err := rows.Scan(&p.ID, &p.Username, &p.Password, &p.Reply, &called, &calling,
			notNullTime{&p.AuthDate}); err != nil {
			return nil, fmt.Errorf("post-auth log: %w", err)
		}
		if called.Valid {
			p.CalledStationID = &called.String
		}
		if calling.Valid {
			p.CallingStationID = &calling.String
		}
		log = append(log, p)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("post-auth log: %w", err)
	}
	return log, nil
}
