package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"slices"

	"github.com/goradius/goradius/internal/store"
)

const userColumns = `id, username, password, email, first_name, last_name,
	is_active, is_staff, is_superuser, last_login, date_joined, expires_at, nt_hash`

const (
	qUserByUsername = `SELECT ` + userColumns + ` FROM users WHERE username = ?`
	qListUsers      = `SELECT ` + userColumns + ` FROM users ORDER BY username`
	qUsersByIDs     = `SELECT ` + userColumns + ` FROM users WHERE id IN (%s) ORDER BY id`
	qInsertUser     = `INSERT INTO users (username, password, email, first_name, last_name,
	is_active, is_staff, is_superuser, last_login, date_joined, expires_at, nt_hash)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	qUserID      = `SELECT id, username FROM users WHERE username = ?`
	qSetPassword = `UPDATE users SET password = ?, nt_hash = ? WHERE id = ?`
	qSetActive   = `UPDATE users SET is_active = ? WHERE id = ?`
	qUsernames   = `SELECT username FROM users WHERE %s ORDER BY username`

	qInsertUserGroup = `INSERT INTO radusergroup (username, groupname, priority, user_id, group_id, created, modified)
VALUES (?, ?, ?, ?, ?, ?, ?)`

	// DeleteUser also removes rows of the username that other tools wrote
	// without user_id.
	qDeleteUserRadcheck     = `DELETE FROM radcheck WHERE username = ? OR user_id = ?`
	qDeleteUserRadreply     = `DELETE FROM radreply WHERE username = ? OR user_id = ?`
	qDeleteUserRadusergroup = `DELETE FROM radusergroup WHERE username = ? OR user_id = ?`
	qDeleteUserRadiusToken  = `DELETE FROM radiustoken WHERE user_id = ?`
	qDeleteUserAuthToken    = `DELETE FROM authtoken WHERE user_id = ?`
	qDeleteUserBatchLinks   = `DELETE FROM radbatch_users WHERE user_id = ?`
	qDeleteUser             = `DELETE FROM users WHERE id = ?`
)

// usersByIDsChunk keeps IN lists well below every dialect's bind limit.
const usersByIDsChunk = 500

type rowScanner interface {
	Scan(dest ...any) error
}

func scanUser(r rowScanner) (store.User, error) {
	var (
		u                  store.User
		lastLogin, expires nullTime
		email, first, last sql.NullString
		nt                 sql.NullString
	)
	err := r.Scan(&u.ID, &u.Username, &u.Password, &email, &first, &last,
		&u.IsActive, &u.IsStaff, &u.IsSuperuser, &lastLogin, notNullTime{&u.DateJoined}, &expires, &nt)
	u.Email, u.FirstName, u.LastName, u.NTHash = email.String, first.String, last.String, nt.String
	u.LastLogin, u.ExpiresAt = lastLogin.ptr(), expires.ptr()
	return u, err
}

func scanUsers(rows *sql.Rows) ([]store.User, error) {
	defer rows.Close()
	users := []store.User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		users = append(users, u)
	}
	return users, rows.Err()
}

// CreateUser inserts u (setting u.ID, and u.DateJoined when zero) and adds
// it to groups, in order from priority 1, or to the default group.
func (s *Store) CreateUser(ctx context.Context, u *store.User, groups ...string) error {
	if u.DateJoined.IsZero() {
		u.DateJoined = s.timestamp()
	}
	var id int64
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		gs, err := s.resolveGroups(ctx, tx, groups)
		if err != nil {
			return err
		}
		id, err = s.insertUser(ctx, tx, u)
		if err != nil {
			return err
		}
		return s.addUserToGroups(ctx, tx, id, u.Username, gs)
	})
	if err != nil {
		return fmt.Errorf("create user: %w", err)
	}
	u.ID = id
	return nil
}

// resolveGroups looks up the named groups, or the default group when none
// is named.
func (s *Store) resolveGroups(ctx context.Context, q querier, names []string) ([]store.RadiusGroup, error) {
	if len(names) == 0 {
		g, err := s.defaultGroup(ctx, q)
		if err != nil {
			return nil, err
		}
		return []store.RadiusGroup{g}, nil
	}
	gs := make([]store.RadiusGroup, 0, len(names))
	for _, name := range names {
		g, err := scanGroup(q.QueryRowContext(ctx, s.q(qGroupByName), name))
		if err != nil {
			return nil, notFound(err, fmt.Sprintf("radius group %q", name))
		}
		gs = append(gs, g)
	}
	return gs, nil
}

func (s *Store) insertUser(ctx context.Context, q querier, u *store.User) (int64, error) {
	var lastLogin, expires any
	if u.LastLogin != nil {
		lastLogin = s.d.timeArg(*u.LastLogin)
	}
	if u.ExpiresAt != nil {
		expires = s.d.timeArg(*u.ExpiresAt)
	}
	id, err := s.insertID(ctx, q, qInsertUser, "id",
		u.Username, u.Password, u.Email, u.FirstName, u.LastName,
		u.IsActive, u.IsStaff, u.IsSuperuser, lastLogin, s.d.timeArg(u.DateJoined), expires, nullString(u.NTHash))
	if err != nil {
		if s.d.isUniqueViolation(err) {
			return 0, fmt.Errorf("username %q: %w", u.Username, store.ErrAlreadyExists)
		}
		return 0, fmt.Errorf("insert user %q: %w", u.Username, err)
	}
	return id, nil
}

// addUserToGroups writes the user's radusergroup rows, priorities from 1.
func (s *Store) addUserToGroups(ctx context.Context, q querier, userID int64, username string, gs []store.RadiusGroup) error {
	now := s.d.timeArg(s.timestamp())
	for i, g := range gs {
		if _, err := q.ExecContext(ctx, s.q(qInsertUserGroup),
			username, g.Name, i+1, userID, g.ID, now, now); err != nil {
			return fmt.Errorf("add user %q to group %q: %w", username, g.Name, err)
		}
	}
	return nil
}

// UserByUsername looks up a user by exact, case-sensitive name.
func (s *Store) UserByUsername(ctx context.Context, username string) (store.User, error) {
	u, err := scanUser(s.reader.QueryRowContext(ctx, s.q(qUserByUsername), username))
	if err == nil && u.Username != username {
		// MySQL's PAD SPACE collations find "alice" for "alice ".
		err = sql.ErrNoRows
	}
	if err != nil {
		return store.User{}, notFound(err, fmt.Sprintf("user %q", username))
	}
	return u, nil
}

// userID returns the id of the user with exactly this name.
func (s *Store) userID(ctx context.Context, q querier, username string) (int64, error) {
	var (
		id   int64
		name string
	)
	err := q.QueryRowContext(ctx, s.q(qUserID), username).Scan(&id, &name)
	if err == nil && name != username {
		err = sql.ErrNoRows // MySQL PAD SPACE, as in UserByUsername
	}
	if err != nil {
		return 0, notFound(err, fmt.Sprintf("user %q", username))
	}
	return id, nil
}

// ListUsers returns every user ordered by username.
func (s *Store) ListUsers(ctx context.Context) ([]store.User, error) {
	rows, err := s.reader.QueryContext(ctx, s.q(qListUsers))
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	users, err := scanUsers(rows)
	if err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return users, nil
}

// UsersByIDs returns the users with these ids, ordered by id; unknown ids
// are left out.
func (s *Store) UsersByIDs(ctx context.Context, ids []int64) ([]store.User, error) {
	ids = slices.Clone(ids)
	slices.Sort(ids)
	ids = slices.Compact(ids)
	users := []store.User{}
	for chunk := range slices.Chunk(ids, usersByIDsChunk) {
		args := make([]any, len(chunk))
		for i, id := range chunk {
			args[i] = id
		}
		rows, err := s.reader.QueryContext(ctx, s.q(fmt.Sprintf(qUsersByIDs, placeholders(len(chunk)))), args...)
		if err != nil {
			return nil, fmt.Errorf("users by ids: %w", err)
		}
		part, err := scanUsers(rows)
		if err != nil {
			return nil, fmt.Errorf("users by ids: %w", err)
		}
		users = append(users, part...)
	}
	return users, nil
}

// SetPassword replaces a user's encoded password and NT hash together, so
// that no old NT hash outlives a password change.
func (s *Store) SetPassword(ctx context.Context, username, encoded, ntHash string) error {
	return s.updateUser(ctx, "set password", username, qSetPassword, encoded, nullString(ntHash))
}

// nullString stores "" as NULL.
func nullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// SetActive enables or disables a user.
func (s *Store) SetActive(ctx context.Context, username string, active bool) error {
	return s.updateUser(ctx, "set active", username, qSetActive, active)
}

// updateUser runs query (SET ... WHERE id = ?) on the user with exactly
// this name. Going through the id rather than "WHERE username = ?" keeps
// MySQL from updating "alice" for "alice ", and does not depend on MySQL's
// affected-rows count, which is 0 when the value was already set.
func (s *Store) updateUser(ctx context.Context, what, username, query string, values ...any) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := s.userID(ctx, tx, username)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, s.q(query), append(values, id)...)
		return err
	})
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

// DeleteUser removes a user with its tokens, batch links, and the
// radcheck/radreply/radusergroup rows of its id or username.
func (s *Store) DeleteUser(ctx context.Context, username string) error {
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := s.userID(ctx, tx, username)
		if err != nil {
			return err
		}
		// Explicit deletes rather than relying on ON DELETE CASCADE alone:
		// rows without user_id must go too.
		for _, st := range []struct {
			query string
			args  []any
		}{
			{qDeleteUserRadcheck, []any{username, id}},
			{qDeleteUserRadreply, []any{username, id}},
			{qDeleteUserRadusergroup, []any{username, id}},
			{qDeleteUserRadiusToken, []any{id}},
			{qDeleteUserAuthToken, []any{id}},
			{qDeleteUserBatchLinks, []any{id}},
			{qDeleteUser, []any{id}},
		} {
			if _, err := tx.ExecContext(ctx, s.q(st.query), st.args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("delete user: %w", err)
	}
	return nil
}

// UsernamesWithPrefix returns every username that starts with prefix,
// ordered; wildcard characters in prefix match only themselves.
func (s *Store) UsernamesWithPrefix(ctx context.Context, prefix string) ([]string, error) {
	cond, arg := s.d.prefixMatch("username", prefix)
	rows, err := s.reader.QueryContext(ctx, s.q(fmt.Sprintf(qUsernames, cond)), arg)
	if err != nil {
		return nil, fmt.Errorf("usernames with prefix %q: %w", prefix, err)
	}
	defer rows.Close()
	names := []string{}
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, fmt.Errorf("usernames with prefix %q: %w", prefix, err)
		}
		names = append(names, n)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("usernames with prefix %q: %w", prefix, err)
	}
	return names, nil
}
