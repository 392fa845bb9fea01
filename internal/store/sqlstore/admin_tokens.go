package sqlstore

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/goradius/goradius/internal/store"
)

const (
	radiusTokenFrom    = ` FROM radiustoken t JOIN users u ON u.id = t.user_id`
	radiusTokenColumns = `t."key", t.user_id, u.username, t.created`
	qListRadiusTokens  = `SELECT ` + radiusTokenColumns + radiusTokenFrom + `%s ORDER BY u.username` + pageClause
	qCountRadiusTokens = `SELECT count(*)` + radiusTokenFrom + `%s`
	qRadiusTokenOfUser = `SELECT ` + radiusTokenColumns + radiusTokenFrom + ` WHERE t.user_id = ?`
	qInsertRadiusToken = `INSERT INTO radiustoken ("key", user_id, created) VALUES (?, ?, ?)`
)

func scanRadiusToken(r rowScanner) (store.RadiusToken, error) {
	var t store.RadiusToken
	err := r.Scan(&t.Key, &t.UserID, &t.Username, notNullTime{&t.Created})
	return t, err
}

func (s *Store) tokenConds(f store.TokenFilter) *conds {
	c := &conds{s: s}
	if f.Username != "" {
		c.add("u.username = ?", f.Username)
	}
	return c
}

// ListRadiusTokens returns the radius tokens matching f by username.
func (s *Store) ListRadiusTokens(ctx context.Context, f store.TokenFilter, offset, limit int) ([]store.RadiusToken, error) {
	c := s.tokenConds(f)
	return queryList(ctx, s, "radius tokens", fmt.Sprintf(qListRadiusTokens, c.where()),
		append(c.args, pageArgs(offset, limit)...), scanRadiusToken)
}

// CountRadiusTokens counts the radius tokens matching f.
func (s *Store) CountRadiusTokens(ctx context.Context, f store.TokenFilter) (int, error) {
	c := s.tokenConds(f)
	return s.count(ctx, "radius tokens", fmt.Sprintf(qCountRadiusTokens, c.where()), c.args...)
}

// RadiusTokenOf returns a user's radius token (store.ErrNotFound for an
// unknown user or a user without one).
func (s *Store) RadiusTokenOf(ctx context.Context, username string) (store.RadiusToken, error) {
	id, err := s.userID(ctx, s.reader, username)
	if err != nil {
		return store.RadiusToken{}, err
	}
	t, err := scanRadiusToken(s.reader.QueryRowContext(ctx, s.q(qRadiusTokenOfUser), id))
	if err != nil {
		return store.RadiusToken{}, notFound(err, fmt.Sprintf("radius token of %q", username))
	}
	return t, nil
}

// PutRadiusToken replaces the user's radius token with one of key.
func (s *Store) PutRadiusToken(ctx context.Context, username, key string) (store.RadiusToken, error) {
	now := s.timestamp()
	var t store.RadiusToken
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := s.userID(ctx, tx, username)
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(qDeleteUserRadiusToken), id); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, s.q(qInsertRadiusToken), key, id, s.d.timeArg(now)); err != nil {
			return err
		}
		t = store.RadiusToken{Key: key, UserID: id, Username: username, Created: now}
		return nil
	})
	if err != nil {
		return store.RadiusToken{}, fmt.Errorf("put radius token of %q: %w", username, err)
	}
	return t, nil
}

// DeleteRadiusToken removes a user's radius token (store.ErrNotFound when
// it has none).
func (s *Store) DeleteRadiusToken(ctx context.Context, username string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := s.userID(ctx, tx, username)
		if err != nil {
			return err
		}
		n, err := affected(tx.ExecContext(ctx, s.q(qDeleteUserRadiusToken), id))
		if err != nil {
			return err
		}
		if n == 0 {
			return fmt.Errorf("radius token of %q: %w", username, store.ErrNotFound)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete radius token: %w", err)
	}
	return nil
}
