package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/goradius/goradius/internal/store"
)

// The token tables' key column is quoted: KEY is reserved in MySQL (whose
// sessions run with ANSI_QUOTES, see open.go).
const (
	qConsumeRadiusToken = `DELETE FROM radiustoken WHERE user_id = ? AND "key" = ?`
	qCheckRadiusToken   = `SELECT 1 FROM radiustoken WHERE user_id = ? AND "key" = ?`
	qUserByAuthToken    = `SELECT ` + userColumns + ` FROM users
WHERE id = (SELECT user_id FROM authtoken WHERE "key" = ?)`
)

// tokenTable holds the statements of one per-user token table.
type tokenTable struct {
	name   string
	get    string
	insert string
}

var (
	authTokens = tokenTable{
		name:   "auth token",
		get:    `SELECT "key" FROM authtoken WHERE user_id = ?`,
		insert: `INSERT INTO authtoken ("key", user_id, created) VALUES (?, ?, ?)`,
	}
	radiusTokens = tokenTable{
		name:   "radius token",
		get:    `SELECT "key" FROM radiustoken WHERE user_id = ?`,
		insert: `INSERT INTO radiustoken ("key", user_id, created) VALUES (?, ?, ?)`,
	}
)

// ensureTokenAttempts bounds get-or-create rounds: one lost race, or a new
// key that collides with another user's, costs a round.
const ensureTokenAttempts = 4

// plausibleKey rejects keys that no token has, before MySQL's PAD SPACE
// comparison could match "KEY " to "KEY".
func plausibleKey(key string) bool {
	return key != "" && !strings.HasSuffix(key, " ")
}

// ConsumeRadiusToken deletes the user's radius token if it equals key and
// reports whether it did: one DELETE, so of two concurrent logins with the
// same token exactly one succeeds.
func (s *Store) ConsumeRadiusToken(ctx context.Context, userID int64, key string) (bool, error) {
	if !plausibleKey(key) {
		return false, nil
	}
	if s.tokens != nil {
		return s.tokens.consume(ctx, userID, key)
	}
	return s.consumeAlone(ctx, userID, key)
}

// consumeAlone deletes one token in its own statement.
func (s *Store) consumeAlone(ctx context.Context, userID int64, key string) (bool, error) {
	res, err := s.writer.ExecContext(ctx, s.q(qConsumeRadiusToken), userID, key)
	if err != nil {
		return false, fmt.Errorf("consume radius token: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("consume radius token: %w", err)
	}
	return n == 1, nil
}

// CheckRadiusToken reports whether the user's radius token equals key.
func (s *Store) CheckRadiusToken(ctx context.Context, userID int64, key string) (bool, error) {
	if !plausibleKey(key) {
		return false, nil
	}
	ok, err := s.exists(ctx, s.reader, qCheckRadiusToken, userID, key)
	if err != nil {
		return false, fmt.Errorf("check radius token: %w", err)
	}
	return ok, nil
}

// EnsureTokens returns the user's auth and radius tokens, creating the
// missing ones with the given key generators.
func (s *Store) EnsureTokens(ctx context.Context, userID int64, newAuthKey, newRadiusKey func() string) (store.Tokens, error) {
	auth, err := s.ensureToken(ctx, authTokens, userID, newAuthKey)
	if err != nil {
		return store.Tokens{}, err
	}
	radius, err := s.ensureToken(ctx, radiusTokens, userID, newRadiusKey)
	if err != nil {
		return store.Tokens{}, err
	}
	return store.Tokens{AuthKey: auth, RadiusKey: radius}, nil
}

// ensureToken gets the user's token or creates it. Racing callers both
// insert; the loser's unique violation sends it back to read the winner's.
func (s *Store) ensureToken(ctx context.Context, t tokenTable, userID int64, newKey func() string) (string, error) {
	for range ensureTokenAttempts {
		var key string
		err := s.reader.QueryRowContext(ctx, s.q(t.get), userID).Scan(&key)
		if err == nil {
			return key, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("get %s of user %d: %w", t.name, userID, err)
		}
		key = newKey()
		_, err = s.writer.ExecContext(ctx, s.q(t.insert), key, userID, s.d.timeArg(s.timestamp()))
		switch {
		case err == nil:
			return key, nil
		case s.d.isForeignKeyViolation(err):
			return "", fmt.Errorf("create %s: user %d: %w", t.name, userID, store.ErrNotFound)
		case !s.d.isUniqueViolation(err):
			return "", fmt.Errorf("create %s of user %d: %w", t.name, userID, err)
		}
	}
	return "", fmt.Errorf("create %s of user %d: still conflicting after %d attempts", t.name, userID, ensureTokenAttempts)
}

// UserByAuthToken finds the user owning a REST API token.
func (s *Store) UserByAuthToken(ctx context.Context, key string) (store.User, error) {
	if !plausibleKey(key) {
		return store.User{}, fmt.Errorf("user by auth token: %w", store.ErrNotFound)
	}
	u, err := scanUser(s.reader.QueryRowContext(ctx, s.q(qUserByAuthToken), key))
	if err != nil {
		return store.User{}, notFound(err, "user by auth token")
	}
	return u, nil
}
