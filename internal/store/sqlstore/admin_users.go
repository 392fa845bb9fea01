package sqlstore

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/goradius/goradius/internal/store"
)

const (
	qListUsersPage = `SELECT ` + userColumns + ` FROM users%s ORDER BY username` + pageClause
	qCountUsers    = `SELECT count(*) FROM users%s`
	qUserByID      = `SELECT ` + userColumns + ` FROM users WHERE id = ?`

	// A membership counts through its link to the account (PostgreSQL's
	// users.username and radusergroup.username have different collations,
	// which it refuses to compare).
	condUserInGroup = `EXISTS (SELECT 1 FROM radusergroup ug WHERE ug.user_id = users.id AND ug.groupname = ?)`
	condUserInBatch = `id IN (SELECT user_id FROM radbatch_users WHERE batch_id = ?)`

	qUsernameTakenByOther = `SELECT 1 FROM users WHERE username = ? AND id <> ?`
	qRenameUser           = `UPDATE users SET username = ? WHERE id = ?`
	// Rows of the old name that other tools wrote without user_id follow
	// the rename too, as DeleteUser removes them.
	qRenameRadcheck     = `UPDATE radcheck SET username = ? WHERE user_id = ? OR username = ?`
	qRenameRadreply     = `UPDATE radreply SET username = ? WHERE user_id = ? OR username = ?`
	qRenameRadusergroup = `UPDATE radusergroup SET username = ? WHERE user_id = ? OR username = ?`
	// radacct follows so that the counters (sums by username) keep the
	// user's usage; radpostauth, a log of what was sent, does not.
	qRenameRadacct = `UPDATE radacct SET username = ? WHERE username = ?`

	qDeleteUserGroups = `DELETE FROM radusergroup WHERE user_id = ? OR username = ?`

	qDeactivateExpired = `UPDATE users SET is_active = ? WHERE is_active AND expires_at IS NOT NULL AND expires_at <= ?`
	qExpiredUserRefs   = `SELECT id, username FROM users WHERE expires_at < ?`
	qExpiredBatchIDs   = `SELECT id FROM radbatch WHERE expiration_date < ?`
	qBatchUserRefs     = `SELECT u.id, u.username FROM users u JOIN radbatch_users bu ON bu.user_id = u.id WHERE bu.batch_id = ?`
	qDeleteBatchFiles  = `DELETE FROM radbatch_file WHERE batch_id = ?`
	qDeleteBatchLinks  = `DELETE FROM radbatch_users WHERE batch_id = ?`
	qDeleteBatch       = `DELETE FROM radbatch WHERE id = ?`
)

// userConds turns a filter into conditions.
func (s *Store) userConds(f store.UserFilter) *conds {
	c := &conds{s: s}
	c.contains(f.Search, "username", "email")
	if f.Group != "" {
		c.add(condUserInGroup, f.Group)
	}
	if f.IsActive != nil {
		c.add("is_active = ?", *f.IsActive)
	}
	if f.IsStaff != nil {
		c.add("is_staff = ?", *f.IsStaff)
	}
	if f.Batch != "" {
		c.add(condUserInBatch, f.Batch)
	}
	return c
}

// ListUsersPage returns the users matching f ordered by username.
func (s *Store) ListUsersPage(ctx context.Context, f store.UserFilter, offset, limit int) ([]store.User, error) {
	c := s.userConds(f)
	return queryList(ctx, s, "users", fmt.Sprintf(qListUsersPage, c.where()),
		append(c.args, pageArgs(offset, limit)...), scanUser)
}

// CountUsers counts the users matching f.
func (s *Store) CountUsers(ctx context.Context, f store.UserFilter) (int, error) {
	c := s.userConds(f)
	return s.count(ctx, "users", fmt.Sprintf(qCountUsers, c.where()), c.args...)
}

// userSets are the columns UpdateUser may set, in a fixed order.
func (s *Store) userSets(u store.UserUpdate) ([]string, []any) {
	var cols []string
	var args []any
	set := func(col string, v any) {
		cols = append(cols, col+" = ?")
		args = append(args, v)
	}
	if u.Password != nil {
		set("password", *u.Password)
	}
	if u.NTHash != nil {
		set("nt_hash", nullString(*u.NTHash))
	}
	if u.Email != nil {
		set("email", *u.Email)
	}
	if u.FirstName != nil {
		set("first_name", *u.FirstName)
	}
	if u.LastName != nil {
		set("last_name", *u.LastName)
	}
	if u.IsActive != nil {
		set("is_active", *u.IsActive)
	}
	if u.IsStaff != nil {
		set("is_staff", *u.IsStaff)
	}
	if u.IsSuperuser != nil {
		set("is_superuser", *u.IsSuperuser)
	}
	switch {
	case u.ClearExpiresAt:
		set("expires_at", nil)
	case u.ExpiresAt != nil:
		set("expires_at", s.d.timeArg(*u.ExpiresAt))
	}
	return cols, args
}

// UpdateUser changes a user, renaming its FreeRADIUS rows and replacing its
// memberships when asked, in one transaction.
func (s *Store) UpdateUser(ctx context.Context, username string, u store.UserUpdate) (store.User, error) {
	if u.Username != nil {
		defer s.lists.changed() // a rename rewrites radacct rows
	}
	var out store.User
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := s.userID(ctx, tx, username)
		if err != nil {
			return err
		}
		name := username
		if u.Username != nil && *u.Username != username {
			name = *u.Username
			if err := s.renameUser(ctx, tx, id, username, name); err != nil {
				return err
			}
		}
		if cols, args := s.userSets(u); len(cols) > 0 {
			q := "UPDATE users SET " + strings.Join(cols, ", ") + " WHERE id = ?"
			if _, err := tx.ExecContext(ctx, s.q(q), append(args, id)...); err != nil {
				return err
			}
		}
		if u.Groups != nil {
			if err := s.replaceUserGroups(ctx, tx, id, name, u.Groups); err != nil {
				return err
			}
		}
		out, err = scanUser(tx.QueryRowContext(ctx, s.q(qUserByID), id))
		return err
	})
	if err != nil {
		return store.User{}, fmt.Errorf("update user %q: %w", username, err)
	}
	return out, nil
}

func (s *Store) renameUser(ctx context.Context, tx *sql.Tx, id int64, from, to string) error {
	// Checked first so the error names the name: after a unique violation
	// PostgreSQL accepts no further query in the transaction.
	taken, err := s.exists(ctx, tx, qUsernameTakenByOther, to, id)
	if err != nil {
		return err
	}
	if taken {
		return fmt.Errorf("username %q: %w", to, store.ErrAlreadyExists)
	}
	if _, err := tx.ExecContext(ctx, s.q(qRenameUser), to, id); err != nil {
		if s.d.isUniqueViolation(err) {
			return fmt.Errorf("username %q: %w", to, store.ErrAlreadyExists)
		}
		return err
	}
	for _, q := range []string{qRenameRadcheck, qRenameRadreply, qRenameRadusergroup} {
		if _, err := tx.ExecContext(ctx, s.q(q), to, id, from); err != nil {
			return fmt.Errorf("rename %q to %q: %w", from, to, err)
		}
	}
	if _, err := tx.ExecContext(ctx, s.q(qRenameRadacct), to, from); err != nil {
		return fmt.Errorf("rename %q to %q in radacct: %w", from, to, err)
	}
	return nil
}

// replaceUserGroups makes groups (in priority order from 1) the user's
// only memberships.
func (s *Store) replaceUserGroups(ctx context.Context, tx *sql.Tx, id int64, username string, groups []string) error {
	gs := make([]store.RadiusGroup, 0, len(groups))
	for _, name := range groups {
		g, err := s.groupByName(ctx, tx, name)
		if err != nil {
			return err
		}
		gs = append(gs, g)
	}
	if _, err := tx.ExecContext(ctx, s.q(qDeleteUserGroups), id, username); err != nil {
		return err
	}
	return s.addUserToGroups(ctx, tx, id, username, gs)
}

// DeactivateExpiredUsers sets is_active false on the active users whose
// expiration is at or before now.
func (s *Store) DeactivateExpiredUsers(ctx context.Context, now time.Time) (int64, error) {
	n, err := affected(s.writer.ExecContext(ctx, s.q(qDeactivateExpired), false, s.d.timeArg(now)))
	if err != nil {
		return 0, fmt.Errorf("deactivate expired users: %w", err)
	}
	return n, nil
}

// DeleteExpiredUsers deletes the users whose expiration is before cutoff
// and the batches whose expiration date is before cutoff's day (UTC), with
// their users, in one transaction.
func (s *Store) DeleteExpiredUsers(ctx context.Context, cutoff time.Time) (users, batches int64, err error) {
	err = s.inTx(ctx, func(tx *sql.Tx) error {
		users, batches = 0, 0
		refs, err := scanUserRefs(tx.QueryContext(ctx, s.q(qExpiredUserRefs), s.d.lowerBoundArg(cutoff)))
		if err != nil {
			return err
		}
		ids, err := s.stringColumn(ctx, tx, qExpiredBatchIDs, dateText(cutoff))
		if err != nil {
			return err
		}
		seen := map[int64]bool{}
		for _, r := range refs {
			seen[r.id] = true
		}
		for _, id := range ids {
			more, err := scanUserRefs(tx.QueryContext(ctx, s.q(qBatchUserRefs), id))
			if err != nil {
				return err
			}
			for _, r := range more {
				if !seen[r.id] {
					seen[r.id] = true
					refs = append(refs, r)
				}
			}
		}
		if users, err = s.deleteUsers(ctx, tx, refs); err != nil {
			return err
		}
		for _, id := range ids {
			if err := s.deleteBatchRows(ctx, tx, id); err != nil {
				return err
			}
		}
		batches = int64(len(ids))
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("delete expired users: %w", err)
	}
	return users, batches, nil
}

// deleteBatchRows removes a batch's files, links and row.
func (s *Store) deleteBatchRows(ctx context.Context, tx *sql.Tx, id string) error {
	for _, q := range []string{qDeleteBatchFiles, qDeleteBatchLinks, qDeleteBatch} {
		if _, err := tx.ExecContext(ctx, s.q(q), id); err != nil {
			return fmt.Errorf("delete batch %q: %w", id, err)
		}
	}
	return nil
}

// stringColumn returns the one text column of query's rows.
func (s *Store) stringColumn(ctx context.Context, q querier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, s.q(query), args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
