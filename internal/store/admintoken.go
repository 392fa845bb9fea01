package store

import (
	"context"
	"time"
)

// AdminToken is a bearer token of the admin API
// (goradius_admin_token). Only the SHA-256 digest of the token is kept, so
// a copy of the database does not hand out admin access.
type AdminToken struct {
	ID     int64
	UserID int64
	// Username is the owner's name, filled in by the lookups.
	Username string
	// Digest is the hex SHA-256 of the token (64 lowercase hex digits).
	Digest string
	// Label says where the token came from (the login's User-Agent).
	Label    string
	Created  time.Time
	LastUsed *time.Time
	Expires  time.Time
}

// AdminTokenStore keeps the admin API's bearer tokens.
type AdminTokenStore interface {
	// CreateAdminToken inserts t (t.ID is set, and t.Created when zero).
	// A user that does not exist returns ErrNotFound, a digest already
	// stored ErrAlreadyExists.
	CreateAdminToken(ctx context.Context, t *AdminToken) error
	// AdminTokenByDigest returns the token with that digest and its owner
	// (ErrNotFound when none), whether or not it has expired.
	AdminTokenByDigest(ctx context.Context, digest string) (AdminToken, User, error)
	// AdminTokenByID returns one token (ErrNotFound when none).
	AdminTokenByID(ctx context.Context, id int64) (AdminToken, error)
	// TouchAdminToken sets a token's last use.
	TouchAdminToken(ctx context.Context, id int64, at time.Time) error
	// ListAdminTokens returns the tokens of a user (every user's when
	// userID is 0), newest first, skipping offset, at most limit;
	// CountAdminTokens counts them.
	ListAdminTokens(ctx context.Context, userID int64, offset, limit int) ([]AdminToken, error)
	CountAdminTokens(ctx context.Context, userID int64) (int, error)
	// DeleteAdminToken removes one token (ErrNotFound when none).
	DeleteAdminToken(ctx context.Context, id int64) error
	// DeleteExpiredAdminTokens removes the tokens that expired at or before
	// now and returns how many.
	DeleteExpiredAdminTokens(ctx context.Context, now time.Time) (int64, error)
}
