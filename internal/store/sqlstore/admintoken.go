package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/store"
)

const adminTokenColumns = `t.id, t.user_id, u.username, t.digest, t.label, t.created, t.last_used, t.expires`

// prefixedUserColumns is userColumns qualified with the users table's alias
// u, for joins where both tables have an id.
var prefixedUserColumns = func() string {
	cols := strings.Split(userColumns, ",")
	for i, c := range cols {
		cols[i] = "u." + strings.TrimSpace(c)
	}
	return strings.Join(cols, ", ")
}()

const (
	qInsertAdminToken = `INSERT INTO goradius_admin_token (user_id, digest, label, created, expires)
VALUES (?, ?, ?, ?, ?)`
	qAdminTokenFrom  = ` FROM goradius_admin_token t JOIN users u ON u.id = t.user_id`
	qAdminTokenByID  = `SELECT ` + adminTokenColumns + qAdminTokenFrom + ` WHERE t.id = ?`
	qTouchAdminToken = `UPDATE goradius_admin_token SET last_used = ? WHERE id = ?`
	qListAdminTokens = `SELECT ` + adminTokenColumns + qAdminTokenFrom + `%s
ORDER BY t.created DESC, t.id DESC LIMIT ? OFFSET ?`
	qCountAdminTokens   = `SELECT count(*) FROM goradius_admin_token t%s`
	qDeleteAdminToken   = `DELETE FROM goradius_admin_token WHERE id = ?`
	qDeleteExpiredAdmin = `DELETE FROM goradius_admin_token WHERE expires <= ?`
)

var qAdminTokenByDigest = `SELECT ` + adminTokenColumns + `, ` + prefixedUserColumns + qAdminTokenFrom + ` WHERE t.digest = ?`

// plausibleDigest accepts only what CreateAdminToken callers store: 64
// lowercase hex digits. Anything else cannot match, and never reaches
// MySQL's PAD SPACE comparison.
func plausibleDigest(d string) bool {
	if len(d) != 64 {
		return false
	}
	for i := 0; i < len(d); i++ {
		c := d[i]
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

func scanAdminToken(r rowScanner, extra ...any) (store.AdminToken, error) {
	var (
		t        store.AdminToken
		lastUsed nullTime
	)
	dest := append([]any{&t.ID, &t.UserID, &t.Username, &t.Digest, &t.Label,
		notNullTime{&t.Created}, &lastUsed, notNullTime{&t.Expires}}, extra...)
	err := r.Scan(dest...)
	t.LastUsed = lastUsed.ptr()
	return t, err
}

// CreateAdminToken inserts t, setting t.ID (and t.Created when zero).
func (s *Store) CreateAdminToken(ctx context.Context, t *store.AdminToken) error {
	if !plausibleDigest(t.Digest) {
		return fmt.Errorf("create admin token: digest is not 64 lowercase hex digits")
	}
	if t.Created.IsZero() {
		t.Created = s.timestamp()
	}
	id, err := s.insertID(ctx, s.writer, qInsertAdminToken, "id",
		t.UserID, t.Digest, t.Label, s.d.timeArg(t.Created), s.d.timeArg(t.Expires))
	switch {
	case err == nil:
	case s.d.isForeignKeyViolation(err):
		return fmt.Errorf("create admin token: user %d: %w", t.UserID, store.ErrNotFound)
	case s.d.isUniqueViolation(err):
		return fmt.Errorf("create admin token: digest: %w", store.ErrAlreadyExists)
	default:
		return fmt.Errorf("create admin token of user %d: %w", t.UserID, err)
	}
	t.ID = id
	return nil
}

// AdminTokenByDigest returns a token and its owner in one query.
func (s *Store) AdminTokenByDigest(ctx context.Context, digest string) (store.AdminToken, store.User, error) {
	if !plausibleDigest(digest) {
		return store.AdminToken{}, store.User{}, fmt.Errorf("admin token: %w", store.ErrNotFound)
	}
	row := s.reader.QueryRowContext(ctx, s.q(qAdminTokenByDigest), digest)
	var (
		u                  store.User
		lastLogin, expires nullTime
		email, first, last sql.NullString
		nt                 sql.NullString
	)
	t, err := scanAdminToken(row, &u.ID, &u.Username, &u.Password, &email, &first, &last,
		&u.IsActive, &u.IsStaff, &u.IsSuperuser, &lastLogin, notNullTime{&u.DateJoined}, &expires, &nt)
	if err != nil {
		return store.AdminToken{}, store.User{}, notFound(err, "admin token")
	}
	u.Email, u.FirstName, u.LastName, u.NTHash = email.String, first.String, last.String, nt.String
	u.LastLogin, u.ExpiresAt = lastLogin.ptr(), expires.ptr()
	return t, u, nil
}

// AdminTokenByID returns one token.
func (s *Store) AdminTokenByID(ctx context.Context, id int64) (store.AdminToken, error) {
	t, err := scanAdminToken(s.reader.QueryRowContext(ctx, s.q(qAdminTokenByID), id))
	if err != nil {
		return store.AdminToken{}, notFound(err, fmt.Sprintf("admin token %d", id))
	}
	return t, nil
}

// TouchAdminToken records a token's last use.
func (s *Store) TouchAdminToken(ctx context.Context, id int64, at time.Time) error {
	if _, err := s.writer.ExecContext(ctx, s.q(qTouchAdminToken), s.d.timeArg(at), id); err != nil {
		return fmt.Errorf("touch admin token %d: %w", id, err)
	}
	return nil
}

func adminTokenOwner(userID int64) (where string, args []any) {
	if userID == 0 {
		return "", nil
	}
	return " WHERE t.user_id = ?", []any{userID}
}

// ListAdminTokens returns a page of tokens, newest first.
func (s *Store) ListAdminTokens(ctx context.Context, userID int64, offset, limit int) ([]store.AdminToken, error) {
	where, args := adminTokenOwner(userID)
	rows, err := s.reader.QueryContext(ctx, s.q(fmt.Sprintf(qListAdminTokens, where)), append(args, limit, offset)...)
	if err != nil {
		return nil, fmt.Errorf("list admin tokens: %w", err)
	}
	defer rows.Close()
	out := []store.AdminToken{}
	for rows.Next() {
		t, err := scanAdminToken(rows)
		if err != nil {
			return nil, fmt.Errorf("list admin tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("list admin tokens: %w", err)
	}
	return out, nil
}

// CountAdminTokens counts the tokens ListAdminTokens pages through.
func (s *Store) CountAdminTokens(ctx context.Context, userID int64) (int, error) {
	where, args := adminTokenOwner(userID)
	var n int
	if err := s.reader.QueryRowContext(ctx, s.q(fmt.Sprintf(qCountAdminTokens, where)), args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count admin tokens: %w", err)
	}
	return n, nil
}

// DeleteAdminToken removes one token.
func (s *Store) DeleteAdminToken(ctx context.Context, id int64) error {
	res, err := s.writer.ExecContext(ctx, s.q(qDeleteAdminToken), id)
	if err != nil {
		return fmt.Errorf("delete admin token %d: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return fmt.Errorf("delete admin token %d: %w", id, err)
	}
	if n == 0 {
		return fmt.Errorf("admin token %d: %w", id, store.ErrNotFound)
	}
	return nil
}

// DeleteExpiredAdminTokens removes the tokens expired at now.
func (s *Store) DeleteExpiredAdminTokens(ctx context.Context, now time.Time) (int64, error) {
	res, err := s.writer.ExecContext(ctx, s.q(qDeleteExpiredAdmin), s.d.timeArg(now))
	if err != nil {
		return 0, fmt.Errorf("delete expired admin tokens: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, fmt.Errorf("delete expired admin tokens: %w", err)
	}
	return n, nil
}
